package cannedreply

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/internal/errcode"
)

// Limits of a reply's fields, in characters.
const (
	MaxTitle = 100
	MaxBody  = 4000
)

var (
	shortcutPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
	// placeholderPattern finds {{…}}; the name between the braces must be
	// one of Placeholders exactly, without spaces.
	placeholderPattern = regexp.MustCompile(`\{\{([^{}]*)\}\}`)
)

// Placeholders returns the names a body may use, each written {{name}}. The
// web app replaces them with the conversation's values when an agent inserts
// the reply; the server only checks that a body uses no others.
func Placeholders() []string {
	return []string{"customer.name", "agent.name", "agent.first_name", "conversation.id"}
}

// validate checks the fields of r, which applyParams has trimmed.
func validate(r *Reply) error {
	var d []errcode.Detail
	if !shortcutPattern.MatchString(r.Shortcut) {
		d = append(d, errcode.Detail{Field: "shortcut",
			Message: "must be 1 to 32 lower-case letters, digits, - or _, starting with a letter or digit"})
	}
	if n := utf8.RuneCountInString(r.Title); n < 1 || n > MaxTitle {
		d = append(d, errcode.Detail{Field: "title", Message: "must be 1 to 100 characters, not only spaces"})
	}
	if n := utf8.RuneCountInString(r.Body); n < 1 || n > MaxBody {
		d = append(d, errcode.Detail{Field: "body", Message: "must be 1 to 4000 characters, not only spaces"})
	}
	if len(d) > 0 {
		return &errcode.Error{Code: errcode.ValidationFailed, Message: "the canned reply is invalid", Details: d}
	}
	return checkPlaceholders(r.Body)
}

// checkPlaceholders refuses a {{…}} that is not a known placeholder, so a
// typo is caught when the reply is saved instead of reaching a customer
// verbatim.
func checkPlaceholders(body string) error {
	known := Placeholders()
	var unknown []string
	for _, m := range placeholderPattern.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(known, m[1]) && !slices.Contains(unknown, m[0]) {
			unknown = append(unknown, m[0])
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	forms := make([]string, len(known))
	for i, k := range known {
		forms[i] = "{{" + k + "}}"
	}
	err := errcode.Errorf(errcode.UnknownPlaceholder, "unknown placeholder %s; the placeholders are %s",
		unknown[0], strings.Join(forms, ", "))
	for _, u := range unknown {
		err = err.WithDetails(errcode.Detail{Field: "body", Message: "unknown placeholder " + u})
	}
	return err
}

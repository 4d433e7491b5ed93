package customer

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/pii"
	"github.com/switchboardhq/switchboard/internal/user"
)

// Limits of a customer's fields. They bound what one record may hold, so
// that a page of customers and an export stay small.
const (
	MaxName           = 120
	MaxPhones         = 10
	MaxEmails         = 10
	MaxTags           = 50
	MaxTagLength      = 50
	MaxAttributes     = 50
	MaxAttributeText  = 500
	MaxAttributeBytes = 8 << 10 // the attributes' JSON
)

// Consents are the consent flags a customer may give (true) or refuse
// (false); an absent flag was never asked.
func Consents() []string { return []string{"calls", "email", "marketing", "recording", "sms"} }

var attributeKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,63}$`)

// Params are a customer's writable fields; nil fields are left unchanged
// on update and empty on create. Lists and maps replace the whole value.
type Params struct {
	Name         *string
	Tier         *string
	Phones       *[]string
	Emails       *[]string
	Tags         *[]string
	Attributes   *map[string]any
	Consent      *map[string]bool
	DoNotContact *bool
	OwnerID      *string
	// Identities are external IDs and WeChat OpenIDs (SettableKinds); on
	// update they replace those of the customer.
	Identities *[]Identity
}

// SettableKinds are the identity kinds Params.Identities sets: phone
// numbers and addresses have their own fields, and web visitors come from
// the widget.
func SettableKinds() []IdentityKind { return []IdentityKind{IdentityExternal, IdentityWeChat} }

// Identity limits.
const (
	MaxIdentities     = 10
	MaxIdentityLength = 200
)

// normalizeIdentities trims the given identities, drops duplicates and
// checks their kinds and lengths, ordered by kind as SettableKinds lists
// them.
func normalizeIdentities(given *[]Identity, ps *problems) []Identity {
	if given == nil {
		return nil
	}
	var out []Identity
	for _, kind := range SettableKinds() {
		for _, i := range *given {
			v := strings.TrimSpace(i.Value)
			switch {
			case i.Kind != kind:
			case v == "" || utf8.RuneCountInString(v) > MaxIdentityLength || strings.ContainsFunc(v, unicode.IsControl):
				ps.add(errcode.ValidationFailed, "identities", fmt.Sprintf("a value is 1 to %d characters", MaxIdentityLength))
			case !slices.Contains(out, Identity{Kind: kind, Value: v}):
				out = append(out, Identity{Kind: kind, Value: v})
			}
		}
	}
	for _, i := range *given {
		if !slices.Contains(SettableKinds(), i.Kind) {
			ps.add(errcode.ValidationFailed, "identities", "kind must be external or wechat_openid")
			break
		}
	}
	if len(out) > MaxIdentities {
		ps.add(errcode.ValidationFailed, "identities", fmt.Sprintf("at most %d identities", MaxIdentities))
	}
	return out
}

// problems gathers everything wrong with a request, so that one answer
// lists every field to fix, each with its own code.
type problems struct {
	details []errcode.Detail
	codes   []*errcode.Code
	line    int // the import line being checked; 0 for API requests
}

func (ps *problems) add(c *errcode.Code, field, msg string) {
	ps.details = append(ps.details, errcode.Detail{Field: field, Message: msg, Line: ps.line, Code: c.Name()})
	ps.codes = append(ps.codes, c)
}

// sortByLine orders the problems by line, keeping the order within a
// line, so that an import's answer reads like the file.
func (ps *problems) sortByLine() {
	idx := make([]int, len(ps.details))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ps.details[idx[a]].Line < ps.details[idx[b]].Line })
	details, codes := make([]errcode.Detail, len(idx)), make([]*errcode.Code, len(idx))
	for i, j := range idx {
		details[i], codes[i] = ps.details[j], ps.codes[j]
	}
	ps.details, ps.codes = details, codes
}

// err is nil without problems, else one error whose code is the first
// problem's, with every problem as a detail. The message names the first
// problem's field, never its value.
func (ps *problems) err() error {
	if len(ps.details) == 0 {
		return nil
	}
	d := ps.details[0]
	return &errcode.Error{Code: ps.codes[0], Message: fmt.Sprintf("the customer is invalid: %s %s", d.Field, d.Message),
		Details: ps.details}
}

// applyParams sets the given fields on c, normalised (phone numbers read
// in region), records what is wrong in ps and returns the names of the
// fields that changed.
func applyParams(c *Customer, p *Params, region string, ps *problems) []string {
	var fields []string
	changed := func(name string, ok bool) {
		if ok {
			fields = append(fields, name)
		}
	}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		if n := utf8.RuneCountInString(name); n < 1 || n > MaxName {
			ps.add(errcode.ValidationFailed, "name", fmt.Sprintf("must be 1 to %d characters, not only spaces", MaxName))
		}
		changed("name", name != c.Name)
		c.Name = name
	}
	if p.Tier != nil {
		tier := strings.TrimSpace(*p.Tier)
		changed("tier", tier != c.Tier)
		c.Tier = tier
	}
	if p.Phones != nil {
		phones := normalizePhones(*p.Phones, region, ps)
		changed("phones", !slices.Equal(phones, c.Phones))
		c.Phones = phones
	}
	if p.Emails != nil {
		emails := normalizeEmails(*p.Emails, ps)
		changed("emails", !slices.Equal(emails, c.Emails))
		c.Emails = emails
	}
	return append(fields, applyDetails(c, p, ps)...)
}

// applyDetails is applyParams for tags, attributes, consent,
// do-not-contact and owner.
func applyDetails(c *Customer, p *Params, ps *problems) []string {
	var fields []string
	if p.Tags != nil {
		tags := normalizeTags(*p.Tags, ps)
		if !slices.Equal(tags, c.Tags) {
			c.Tags, fields = tags, append(fields, "tags")
		}
	}
	if p.Attributes != nil {
		attrs := normalizeAttributes(*p.Attributes, ps)
		if !equalAttributes(attrs, c.Attributes) {
			c.Attributes, fields = attrs, append(fields, "attributes")
		}
	}
	if p.Consent != nil {
		consent := normalizeConsent(*p.Consent, ps)
		if !maps.Equal(consent, c.Consent) {
			c.Consent, fields = consent, append(fields, "consent")
		}
	}
	if p.DoNotContact != nil && *p.DoNotContact != c.DoNotContact {
		c.DoNotContact, fields = *p.DoNotContact, append(fields, "do_not_contact")
	}
	if p.OwnerID != nil && strings.TrimSpace(*p.OwnerID) != c.OwnerID {
		c.OwnerID, fields = strings.TrimSpace(*p.OwnerID), append(fields, "owner_id")
	}
	return fields
}

// normalizePhones reads every number into E.164, without duplicates. A
// problem names the entry by position: the number itself is never echoed.
func normalizePhones(in []string, region string, ps *problems) []string {
	return normalizeContacts(in, MaxPhones, ps, "phones", errcode.InvalidPhone, "a valid phone number",
		func(raw string) (string, error) { return pii.ParsePhone(raw, region) })
}

// normalizeEmails lower-cases every address, without duplicates. Commas
// and semicolons separate addresses in an import, so an address may hold
// neither.
func normalizeEmails(in []string, ps *problems) []string {
	return normalizeContacts(in, MaxEmails, ps, "emails", errcode.InvalidEmail, "a valid email address",
		func(raw string) (string, error) {
			e, err := user.NormalizeEmail(raw)
			if err == nil && strings.ContainsAny(e, ",;") {
				err = errNotAnAddress
			}
			return e, err
		})
}

var errNotAnAddress = errors.New("not an email address")

// normalizeContacts normalises each value of a list of phone numbers or
// addresses, drops duplicates and checks the count.
func normalizeContacts(in []string, limit int, ps *problems, field string, code *errcode.Code, what string,
	normalize func(string) (string, error)) []string {
	out := []string{}
	for i, raw := range in {
		v, err := normalize(raw)
		if err != nil {
			ps.add(code, field, fmt.Sprintf("entry %d is not %s", i+1, what))
			continue
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if len(out) > limit {
		ps.add(errcode.ValidationFailed, field, fmt.Sprintf("at most %d %s", limit, field))
	}
	return nilIfEmpty(out)
}

// normalizeTags trims tags and drops duplicates, keeping their order.
func normalizeTags(in []string, ps *problems) []string {
	out := []string{}
	for _, raw := range in {
		t := strings.TrimSpace(raw)
		if n := utf8.RuneCountInString(t); n < 1 || n > MaxTagLength || strings.ContainsAny(t, ",;") ||
			strings.ContainsFunc(t, unicode.IsControl) {
			ps.add(errcode.ValidationFailed, "tags", fmt.Sprintf("a tag is 1 to %d characters without , ; or control characters", MaxTagLength))
			continue
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) > MaxTags {
		ps.add(errcode.ValidationFailed, "tags", fmt.Sprintf("at most %d tags", MaxTags))
	}
	return nilIfEmpty(out)
}

// normalizeAttributes checks keys and values: text, a finite number or a
// boolean, within the size limits.
func normalizeAttributes(in map[string]any, ps *problems) map[string]any {
	if len(in) > MaxAttributes {
		ps.add(errcode.ValidationFailed, "attributes", fmt.Sprintf("at most %d attributes", MaxAttributes))
	}
	out := make(map[string]any, len(in))
	for _, k := range slices.Sorted(maps.Keys(in)) {
		if !attributeKey.MatchString(k) {
			ps.add(errcode.ValidationFailed, "attributes", "a key is 1 to 64 letters, digits or _, starting with a letter")
			continue
		}
		v, ok := attributeValue(in[k])
		if !ok {
			ps.add(errcode.ValidationFailed, "attributes."+k, fmt.Sprintf("must be text of at most %d characters, a number or true/false", MaxAttributeText))
			continue
		}
		out[k] = v
	}
	if b, _ := json.Marshal(out); len(b) > MaxAttributeBytes {
		ps.add(errcode.ValidationFailed, "attributes", fmt.Sprintf("at most %d bytes of JSON", MaxAttributeBytes))
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// attributeValue normalises numbers to float64 (what JSON decodes to).
func attributeValue(v any) (any, bool) {
	switch x := v.(type) {
	case string:
		return x, utf8.RuneCountInString(x) <= MaxAttributeText
	case bool:
		return x, true
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return nil, false
}

// AttributeText is an attribute value as search compares it: text as it
// is, numbers in their shortest form, booleans as true or false.
func AttributeText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func equalAttributes(a, b map[string]any) bool {
	return maps.EqualFunc(a, b, func(x, y any) bool { return x == y })
}

func normalizeConsent(in map[string]bool, ps *problems) map[string]bool {
	known := Consents()
	for k := range in {
		if !slices.Contains(known, k) {
			ps.add(errcode.ValidationFailed, "consent", "the flags are "+strings.Join(known, ", "))
			return nil
		}
	}
	if len(in) == 0 {
		return nil
	}
	return maps.Clone(in)
}

// nilIfEmpty keeps "none" as nil, as the store reads it back.
func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

package errcode_test

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/httpapi"
)

var update = flag.Bool("update", false, "rewrite docs/errors.md from the registry")

// errorsDoc is the generated error-code reference, relative to this
// package's directory (internal/errcode).
var errorsDoc = filepath.Join("..", "..", "docs", "errors.md")

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TestCodesUnique checks the registry: every code has a unique snake_case
// name and a description.
func TestCodesUnique(t *testing.T) {
	t.Parallel()
	codes := errcode.All()
	require.NotEmpty(t, codes)
	seen := map[string]bool{}
	for _, c := range codes {
		require.Regexp(t, snakeCase, c.Name(), "code names are snake_case")
		require.False(t, seen[c.Name()], "code %q is registered twice", c.Name())
		seen[c.Name()] = true
		require.NotEmpty(t, strings.TrimSpace(c.Doc()), "code %q has no description", c.Name())
	}
}

// TestErrorDocs keeps docs/errors.md equal to what the registry and the
// API's status mapping produce. Regenerate it with
//
//	go test ./internal/errcode -run TestErrorDocs -update
func TestErrorDocs(t *testing.T) {
	t.Parallel()
	want := renderErrorDocs(t)
	if *update {
		require.NoError(t, os.WriteFile(errorsDoc, []byte(want), 0o644))
		return
	}
	got, err := os.ReadFile(errorsDoc)
	require.NoError(t, err, "run: go test ./internal/errcode -run TestErrorDocs -update")
	require.Equal(t, want, string(got),
		"docs/errors.md is stale; run: go test ./internal/errcode -run TestErrorDocs -update")
}

func renderErrorDocs(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# Error codes\n\n")
	b.WriteString("<!-- Generated from internal/errcode/codes.go by TestErrorDocs; do not edit.\n")
	b.WriteString("     Regenerate with: go test ./internal/errcode -run TestErrorDocs -update -->\n\n")
	b.WriteString("Every API error has the same shape:\n\n")
	b.WriteString("```json\n")
	b.WriteString(`{"error": {"code": "validation_failed", "message": "…", "details": [{"field": "name", "message": "…"}]}}` + "\n")
	b.WriteString("```\n\n")
	b.WriteString("`code` is stable: a code never changes its meaning once released, and new situations get new\n")
	b.WriteString("codes, so clients may branch on it. `message` is for people and may change. `details` appears\n")
	b.WriteString("on validation failures and lists one entry per field. Rate-limited responses (429) carry a\n")
	b.WriteString("`Retry-After` header in seconds.\n\n")
	b.WriteString("| Code | HTTP status | Description |\n")
	b.WriteString("|---|---|---|\n")
	for _, c := range errcode.All() {
		status := httpapi.Status(c)
		text := http.StatusText(status)
		require.NotEmpty(t, text, "code %q maps to no valid HTTP status (%d)", c.Name(), status)
		doc := strings.ReplaceAll(c.Doc(), "|", `\|`)
		fmt.Fprintf(&b, "| `%s` | %d %s | %s |\n", c.Name(), status, text, doc)
	}
	return b.String()
}

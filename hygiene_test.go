package switchboard_test

// Meta-tests that keep the codebase honest (after tailscale's pkgdoc_test.go
// and deptest): package docs, layering, file size, no init, and SQL blocks
// that match the store's query tags. They parse the source with go/parser, so
// they need nothing but the checkout.

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

const modulePath = "github.com/switchboardhq/switchboard"

// sourceFile is one parsed .go file of the module.
type sourceFile struct {
	path      string // slash-separated, relative to the module root
	dir       string // slash-separated package directory
	pkg       string // package clause name
	test      bool   // a _test.go file
	generated bool   // carries a "Code generated … DO NOT EDIT." header
	ignored   bool   // excluded from every build by a //go:build ignore constraint
	lines     int
	ast       *ast.File
}

// loadSources parses every .go file under the module root once per test binary.
var loadSources = sync.OnceValues(func() ([]*sourceFile, error) {
	var files []*sourceFile
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			// The go tool ignores testdata and directories starting with . or _.
			if p != "." && (name == "testdata" || name == "node_modules" || name == "vendor" ||
				strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, p, src, parser.ParseComments)
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(p)
		lines := bytes.Count(src, []byte("\n"))
		if len(src) > 0 && src[len(src)-1] != '\n' {
			lines++
		}
		files = append(files, &sourceFile{
			path:      rel,
			dir:       path.Dir(rel),
			pkg:       f.Name.Name,
			test:      strings.HasSuffix(name, "_test.go"),
			generated: ast.IsGenerated(f),
			ignored:   buildIgnored(f),
			lines:     lines,
			ast:       f,
		})
		return nil
	})
	return files, err
})

// buildIgnored reports whether f has a //go:build line that needs the
// "ignore" tag, the convention for generators run with go run.
func buildIgnored(f *ast.File) bool {
	for _, cg := range f.Comments {
		if cg.Pos() >= f.Package {
			break
		}
		for _, c := range cg.List {
			if !constraint.IsGoBuild(c.Text) {
				continue
			}
			expr, err := constraint.Parse(c.Text)
			if err != nil {
				return false
			}
			return !expr.Eval(func(tag string) bool { return tag != "ignore" })
		}
	}
	return false
}

func sources(t *testing.T) []*sourceFile {
	t.Helper()
	files, err := loadSources()
	require.NoError(t, err)
	require.NotEmpty(t, files, "no Go files found; the test must run from the module root")
	return files
}

// TestPackageDocs checks that every package has exactly one doc comment, in
// a non-test file, starting "Package <name> " ("Command <dir> " for main).
// Test-only packages (such as this one) are exempt.
func TestPackageDocs(t *testing.T) {
	t.Parallel()

	type pkgDocs struct {
		name     string
		nonTest  int
		docFiles []string
		bad      []string
	}
	pkgs := map[string]*pkgDocs{}
	for _, f := range sources(t) {
		if f.test || f.ignored {
			continue
		}
		p := pkgs[f.dir]
		if p == nil {
			p = &pkgDocs{name: f.pkg}
			pkgs[f.dir] = p
		}
		p.nonTest++
		if f.ast.Doc == nil {
			continue
		}
		p.docFiles = append(p.docFiles, f.path)
		want := "Package " + f.pkg + " "
		if f.pkg == "main" {
			want = "Command " + path.Base(f.dir) + " "
		}
		if text := f.ast.Doc.Text(); !strings.HasPrefix(text, want) {
			first, _, _ := strings.Cut(text, "\n")
			p.bad = append(p.bad, fmt.Sprintf("%s: package doc starts %q, want %q", f.path, first, want))
		}
	}

	var problems []string
	for _, dir := range sortedKeys(pkgs) {
		p := pkgs[dir]
		switch {
		case len(p.docFiles) == 0:
			problems = append(problems, fmt.Sprintf("%s: no package doc (add one to exactly one file)", dir))
		case len(p.docFiles) > 1:
			problems = append(problems, fmt.Sprintf("%s: package doc in %d files: %s",
				dir, len(p.docFiles), strings.Join(p.docFiles, ", ")))
		}
		problems = append(problems, p.bad...)
	}
	requireNone(t, "package doc problems", problems)
}

// domainPackages hold business rules only. They must not reach adapters,
// drivers or the composition root: dependencies point inward.
var domainPackages = []string{
	"tenant", "user", "team", "skill", "auth", "audit", "event", "permission", "secret", "errcode", "config",
	"inbox", "customer", "conversation", "attachment", "ratelimit", "channel", "routing", "calendar", "rule",
	"pii", "cannedreply", "shield",
}

// adapterPackages sit under a domain package's directory but are adapters
// (they speak HTTP or WebSocket): the channel implementations.
var adapterPackages = []string{"channel/webchat"}

// domainForbidden are import path prefixes a domain package must not use,
// with the reason shown on failure.
var domainForbidden = map[string]string{
	"net/http":                       "HTTP belongs in internal/httpapi",
	"database/sql":                   "SQL belongs in internal/store",
	"github.com/jackc/pgx":           "drivers belong in internal/store/postgres",
	"modernc.org/sqlite":             "drivers belong in internal/store/sqlite",
	"github.com/nats-io":             "NATS belongs in internal/bus",
	modulePath + "/internal/store":   "the store implements domain interfaces, not the reverse",
	modulePath + "/internal/httpapi": "the API layer calls the domain, not the reverse",
	modulePath + "/internal/app":     "internal/app is the composition root",
	modulePath + "/internal/bus":     "the bus adapter is wired in internal/app",
	modulePath + "/internal/outbox":  "the outbox relay is wired in internal/app",
	modulePath + "/internal/cli":     "the CLI is the outermost layer",
}

// hasPathPrefix reports whether imp is prefix or a package below it.
func hasPathPrefix(imp, prefix string) bool {
	return imp == prefix || strings.HasPrefix(imp, prefix+"/")
}

// isDomainDir reports whether dir (slash-separated, module-relative) is a
// domain package or below one.
func isDomainDir(dir string) bool {
	for _, a := range adapterPackages {
		if hasPathPrefix(dir, "internal/"+a) {
			return false
		}
	}
	for _, d := range domainPackages {
		if hasPathPrefix(dir, "internal/"+d) {
			return true
		}
	}
	return false
}

// testOnlyImport says why a production (non-test) file may not import imp,
// or "" if it may.
func testOnlyImport(imp string) string {
	switch {
	case imp == "testing":
		return "the testing package is for tests"
	case hasPathPrefix(imp, "github.com/stretchr/testify"):
		return "testify is for tests"
	case strings.HasPrefix(imp, modulePath+"/internal/") && strings.HasSuffix(path.Base(imp), "test"):
		return "*test packages are test helpers"
	}
	return ""
}

// TestImportRules enforces the layering: domain packages stay free of
// infrastructure, and production code never links test helpers. Packages
// named *test (storetest) are test helpers themselves and are exempt from
// the second rule.
func TestImportRules(t *testing.T) {
	t.Parallel()

	var problems []string
	for _, f := range sources(t) {
		if f.test {
			continue
		}
		for _, spec := range f.ast.Imports {
			imp, err := strconv.Unquote(spec.Path.Value)
			require.NoError(t, err, "%s: import %s", f.path, spec.Path.Value)
			if isDomainDir(f.dir) {
				for _, prefix := range sortedKeys(domainForbidden) {
					if hasPathPrefix(imp, prefix) {
						problems = append(problems, fmt.Sprintf("%s imports %s: domain package (%s)",
							f.path, imp, domainForbidden[prefix]))
					}
				}
			}
			if strings.HasSuffix(f.pkg, "test") {
				continue
			}
			if why := testOnlyImport(imp); why != "" {
				problems = append(problems, fmt.Sprintf("%s imports %s in a non-test file (%s)", f.path, imp, why))
			}
		}
	}
	requireNone(t, "import rule violations", problems)
}

// TestImportRulesClassify pins the classification helpers the rules rely on.
func TestImportRulesClassify(t *testing.T) {
	t.Parallel()

	require.True(t, isDomainDir("internal/user"))
	require.True(t, isDomainDir("internal/auth/oidc"))
	require.False(t, isDomainDir("internal/users"), "a prefix of a name is not the package")
	require.False(t, isDomainDir("internal/store"))

	require.True(t, hasPathPrefix("github.com/jackc/pgx/v5/pgxpool", "github.com/jackc/pgx"))
	require.True(t, hasPathPrefix("net/http/httptest", "net/http"))
	require.False(t, hasPathPrefix("net/httpx", "net/http"))

	require.NotEmpty(t, testOnlyImport("testing"))
	require.NotEmpty(t, testOnlyImport("github.com/stretchr/testify/require"))
	require.NotEmpty(t, testOnlyImport(modulePath+"/internal/store/storetest"))
	require.Empty(t, testOnlyImport("testing/fstest"), "fstest is an ordinary fs.FS implementation")
	require.Empty(t, testOnlyImport(modulePath+"/internal/store"))
	require.Empty(t, testOnlyImport("github.com/example/latest"), "only our own *test packages are helpers")
}

// File-size limits: large files are where god objects start.
const (
	maxLines     = 800
	maxTestLines = 1000
)

// TestFileSize keeps hand-written files small enough to read in one sitting.
func TestFileSize(t *testing.T) {
	t.Parallel()

	var problems []string
	for _, f := range sources(t) {
		if f.generated {
			continue
		}
		limit := maxLines
		if f.test {
			limit = maxTestLines
		}
		if f.lines > limit {
			problems = append(problems, fmt.Sprintf("%s: %d lines (limit %d)", f.path, f.lines, limit))
		}
	}
	requireNone(t, "files over the size limit; split them by concept", problems)
}

// TestNoInit forbids init functions in production code: wiring is explicit
// and happens in internal/app.
func TestNoInit(t *testing.T) {
	t.Parallel()

	var problems []string
	for _, f := range sources(t) {
		if f.test {
			continue
		}
		for _, d := range f.ast.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "init" {
				problems = append(problems, f.path)
			}
		}
	}
	requireNone(t, "func init() in non-test files", problems)
}

// Where the store keeps its named SQL blocks and the structs that bind them.
const (
	queriesDir = "internal/store/queries"
	storeDir   = "internal/store"
)

// dialects are the engines a query catalog is loaded for; a subdirectory of
// queriesDir named after one overrides blocks for that engine.
var dialects = []string{"postgres", "sqlite"}

// TestSQLQueriesUsed checks that every `-- name:` block is bound by a
// `query:"…"` tag in the store and that every tag names a block that exists
// for every dialect, so neither dead SQL nor a start-up failure slips in.
func TestSQLQueriesUsed(t *testing.T) {
	t.Parallel()

	// Blocks per directory: "" is the portable set, otherwise a dialect.
	blocks := map[string]map[string]string{"": {}}
	var problems []string
	err := filepath.WalkDir(filepath.FromSlash(queriesDir), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".sql") {
			return err
		}
		rel, err := filepath.Rel(filepath.FromSlash(queriesDir), filepath.Dir(p))
		if err != nil {
			return err
		}
		set := filepath.ToSlash(rel)
		if set == "." {
			set = ""
		}
		if blocks[set] == nil {
			blocks[set] = map[string]string{}
		}
		names, err := sqlBlockNames(p)
		if err != nil {
			return err
		}
		for _, n := range names {
			if prev, dup := blocks[set][n]; dup {
				problems = append(problems, fmt.Sprintf("%s: block %q already defined in %s", filepath.ToSlash(p), n, prev))
				continue
			}
			blocks[set][n] = filepath.ToSlash(p)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, blocks[""], "no -- name: blocks found under %s", queriesDir)

	tags, err := queryTags(storeDir)
	require.NoError(t, err)
	require.NotEmpty(t, tags, "no query:\"…\" tags found in %s/*.go", storeDir)

	for _, set := range sortedKeys(blocks) {
		if set != "" && !slices.Contains(dialects, set) {
			problems = append(problems, fmt.Sprintf("%s/%s: not a known dialect %v", queriesDir, set, dialects))
		}
		for _, name := range sortedKeys(blocks[set]) {
			if _, ok := tags[name]; !ok {
				problems = append(problems, fmt.Sprintf("%s: block %q is not referenced by any query tag", blocks[set][name], name))
			}
		}
	}
	for _, name := range sortedKeys(tags) {
		for _, dialect := range dialects {
			_, base := blocks[""][name]
			_, over := blocks[dialect][name]
			if !base && !over {
				problems = append(problems, fmt.Sprintf("%s: query tag %q has no block for %s", tags[name], name, dialect))
			}
		}
	}
	requireNone(t, "SQL catalog problems", problems)
}

// sqlBlockNames returns the names of the `-- name: X` blocks in a file, read
// the way sqldb's catalog reads them.
func sqlBlockNames(p string) ([]string, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if n, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "-- name:"); ok {
			names = append(names, strings.TrimSpace(n))
		}
	}
	return names, sc.Err()
}

// queryTags returns the query:"X" struct tags in the .go files of dir (not
// its subdirectories), each with the position of its first use.
func queryTags(dir string) (map[string]string, error) {
	matches, err := filepath.Glob(filepath.Join(filepath.FromSlash(dir), "*.go"))
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	fset := token.NewFileSet()
	for _, p := range matches {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return nil, err
		}
		var tagErr error
		ast.Inspect(f, func(n ast.Node) bool {
			field, ok := n.(*ast.Field)
			if !ok || field.Tag == nil {
				return true
			}
			raw, err := strconv.Unquote(field.Tag.Value)
			if err != nil {
				tagErr = fmt.Errorf("%s: %w", fset.Position(field.Pos()), err)
				return false
			}
			if name := reflect.StructTag(raw).Get("query"); name != "" {
				if _, seen := tags[name]; !seen {
					pos := fset.Position(field.Pos())
					tags[name] = fmt.Sprintf("%s:%d", filepath.ToSlash(pos.Filename), pos.Line)
				}
			}
			return true
		})
		if tagErr != nil {
			return nil, tagErr
		}
	}
	return tags, nil
}

// requireNone fails t with one problem per line, if there are any.
func requireNone(t *testing.T, what string, problems []string) {
	t.Helper()
	if len(problems) > 0 {
		require.Failf(t, what, "%d problem(s):\n%s", len(problems), strings.Join(problems, "\n"))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

package web_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/store/storetest"
	"github.com/switchboardhq/switchboard/internal/web"
)

// TestServesApp: every app route gets the page, which is never cached;
// hashed assets are cached for good; all carry the security headers.
func TestServesApp(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	t.Cleanup(srv.Close)
	type reply struct {
		StatusCode int
		Header     http.Header
	}
	do := func(method, path string) (reply, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, nil)
		require.NoError(t, err)
		res, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var b bytes.Buffer
		_, err = b.ReadFrom(res.Body)
		require.NoError(t, err)
		return reply{res.StatusCode, res.Header}, b.String()
	}
	get := func(path string) (reply, string) { return do(http.MethodGet, path) }
	page, body := get("/")
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.Contains(t, body, `<div id="app">`)
	require.Equal(t, "no-cache", page.Header.Get("Cache-Control"))
	require.Contains(t, page.Header.Get("Content-Security-Policy"), "script-src 'self'")
	require.Equal(t, "nosniff", page.Header.Get("X-Content-Type-Options"))
	for _, route := range []string{"/login", "/invite", "/workspace/conversations/x", "/index.html"} {
		res, b := get(route)
		require.Equal(t, http.StatusOK, res.StatusCode, route)
		require.Equal(t, body, b, "%s gets the app's page", route)
	}
	assets, err := filepath.Glob("dist/assets/index-*.js")
	require.NoError(t, err)
	require.Len(t, assets, 1, "one entry script")
	res, _ := get("/assets/" + filepath.Base(assets[0]))
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Header.Get("Cache-Control"), "immutable")
	require.Contains(t, res.Header.Get("Content-Type"), "javascript")
	// Compressed for browsers.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/assets/"+filepath.Base(assets[0]), nil)
	require.NoError(t, err)
	req.Header.Set("Accept-Encoding", "gzip")
	gz, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	require.NoError(t, err)
	require.NoError(t, gz.Body.Close())
	require.Equal(t, "gzip", gz.Header.Get("Content-Encoding"))

	post, _ := do(http.MethodPost, "/")
	require.Equal(t, http.StatusMethodNotAllowed, post.StatusCode)
}

// TestLocalesMatch: the English and Chinese message files have the same
// keys, so no screen shows a raw key in either language, and every error
// code the server has a text in them.
func TestLocalesMatch(t *testing.T) {
	keys := func(file string) []string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("..", "..", "ui", "src", "i18n", file))
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		var out []string
		var walk func(prefix string, v any)
		walk = func(prefix string, v any) {
			if sub, ok := v.(map[string]any); ok {
				for k, x := range sub {
					walk(prefix+"."+k, x)
				}
				return
			}
			s, ok := v.(string)
			require.True(t, ok && strings.TrimSpace(s) != "", "%s: %s must be a non-empty string", file, prefix)
			out = append(out, prefix)
		}
		walk("", m)
		slices.Sort(out)
		return out
	}
	en, zh := keys("en.json"), keys("zh-CN.json")
	require.NotEmpty(t, en)
	require.Equal(t, en, zh, "en.json and zh-CN.json must have the same keys")
	// Every refusal the server can give has a text in the user's language.
	for _, c := range errcode.All() {
		_, found := slices.BinarySearch(en, ".errors."+c.Name())
		require.True(t, found, "ui/src/i18n: no errors.%s text; add one to en.json and zh-CN.json", c.Name())
	}
}

// TestBuildIsFresh rebuilds the app from ui/ and fails unless the result
// equals the committed dist/ (run `make ui` and commit), and unless the
// committed API types equal those generated from api/openapi.yaml and the
// app type-checks against them. It needs ui/node_modules (`make ui`, or
// .ci/browser-setup.sh).
func TestBuildIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the UI build")
	}
	ui := filepath.Join("..", "..", "ui")
	bin := filepath.Join(ui, "node_modules", ".bin")
	if _, err := os.Stat(filepath.Join(bin, "vite")); err != nil {
		storetest.SkipOrFail(t, "ui/node_modules is missing (run make ui or .ci/browser-setup.sh)")
	}
	tmp := t.TempDir()
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), filepath.Join("node_modules", ".bin", name), args...)
		cmd.Dir = ui
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %v:\n%s", name, args, out)
	}
	schema := filepath.Join(tmp, "schema.d.ts")
	run("openapi-typescript", filepath.Join("..", "api", "openapi.yaml"), "--output", schema)
	want, err := os.ReadFile(filepath.Join(ui, "src", "api", "schema.d.ts"))
	require.NoError(t, err)
	got, err := os.ReadFile(schema)
	require.NoError(t, err)
	require.Equal(t, string(got), string(want), "ui/src/api/schema.d.ts is stale: run make ui")
	run("vue-tsc", "--noEmit")
	out := filepath.Join(tmp, "dist")
	run("vite", "build", "--outDir", out, "--emptyOutDir", "--logLevel", "warn")
	require.Equal(t, tree(t, "dist"), tree(t, out), "internal/web/dist is stale: run make ui and commit it")
}

// tree maps each file under dir to its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(b)
		return err
	}))
	return out
}

// Package web serves the web app (ui/, built into dist/ and embedded in
// the binary). Unknown paths get index.html so that the app's own routes
// work on reload; hashed assets are cached for good, the page never.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/klauspost/compress/gzhttp"
)

//go:embed dist
var dist embed.FS

// contentSecurityPolicy allows the app's own scripts, styles, images and
// connections (the REST API and the agent socket) and nothing else.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// Handler serves dist/, gzip-compressed for clients that accept it (the
// app's first load is about 70 KB instead of 190 KB).
func Handler() http.Handler {
	return gzhttp.GzipHandler(files())
}

func files() http.Handler {
	root, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded; failure is a build defect
	}
	files := http.FileServerFS(root)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if _, err := fs.Stat(root, name); err != nil || name == "" || name == "index.html" {
			// The app's page, for any of its routes.
			h.Set("Cache-Control", "no-cache")
			r = r.Clone(r.Context())
			r.URL.Path = "/"
		} else if strings.HasPrefix(name, "assets/") {
			h.Set("Cache-Control", "public, max-age=31536000, immutable") // names carry a content hash
		}
		files.ServeHTTP(w, r)
	})
}

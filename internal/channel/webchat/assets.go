package webchat

import (
	"bytes"
	"embed"
	"net/http"
	"time"
)

//go:embed assets/widget.js assets/demo.html
var assets embed.FS

// Assets serves the widget script at /widget.js and the demo page at
// /widget/demo.
func Assets() http.Handler {
	js, _ := assets.ReadFile("assets/widget.js")
	demo, _ := assets.ReadFile("assets/demo.html")
	started := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		switch r.URL.Path {
		case "/widget.js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			// Sites embed the script cross-origin; a short cache keeps
			// upgrades quick to arrive.
			w.Header().Set("Cache-Control", "public, max-age=300")
			w.Header().Set("Access-Control-Allow-Origin", "*")
			http.ServeContent(w, r, "widget.js", started, bytesReader(js))
		case "/widget/demo":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'")
			http.ServeContent(w, r, "demo.html", started, bytesReader(demo))
		default:
			http.NotFound(w, r)
		}
	})
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

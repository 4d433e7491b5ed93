package httpapi

import (
	"net/http"
	"strings"
)

// The widget runs on customers' sites and calls /api/v1/widget/… across
// origins: JSON bodies and the X-Visitor-Token header make browsers send a
// preflight. These endpoints use no cookies, so CORS is granted per inbox
// (its allowed origins, or any origin when it lists none) and never with
// credentials.

const widgetPrefix = "/api/v1/widget/"

// widgetCORS adds CORS headers to widget API responses for allowed origins.
func (h *Handler) widgetCORS(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || !strings.HasPrefix(r.URL.Path, widgetPrefix) {
		return false
	}
	key, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, widgetPrefix), "/")
	in, err := h.d.Inboxes.GetByKey(r.Context(), key)
	if err != nil || !in.OriginAllowed(origin) {
		return false
	}
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", origin)
	hd.Add("Vary", "Origin")
	hd.Set("Access-Control-Expose-Headers", "Retry-After")
	return true
}

// widgetPreflight answers OPTIONS for the widget API.
func (h *Handler) widgetPreflight(w http.ResponseWriter, r *http.Request) {
	if !h.widgetCORS(w, r) {
		h.writeError(w, r, errOrigin)
		return
	}
	hd := w.Header()
	hd.Set("Access-Control-Allow-Methods", "GET, POST")
	hd.Set("Access-Control-Allow-Headers", "Content-Type, X-Visitor-Token")
	hd.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

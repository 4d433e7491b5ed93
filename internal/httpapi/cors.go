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

// widgetCORS applies the inbox's allowed origins to a widget API request
// from a web page: an allowed Origin gets CORS headers (allowed is true); a
// refused one gets errOrigin before anything runs, so a page on another
// site cannot even create sessions with simple requests the browser sends
// without a preflight. Requests without Origin and unknown keys pass to the
// handler, which answers them.
func (h *Handler) widgetCORS(w http.ResponseWriter, r *http.Request) (allowed bool, err error) {
	origin := r.Header.Get("Origin")
	if origin == "" || !strings.HasPrefix(r.URL.Path, widgetPrefix) {
		return false, nil
	}
	key, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, widgetPrefix), "/")
	in, err := h.d.Webchat.Inbox(r.Context(), key)
	if err != nil {
		return false, nil
	}
	if !in.OriginAllowed(origin) {
		return false, errOrigin
	}
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", origin)
	hd.Add("Vary", "Origin")
	hd.Set("Access-Control-Expose-Headers", "Retry-After")
	return true, nil
}

// widgetPreflight answers OPTIONS for the widget API.
func (h *Handler) widgetPreflight(w http.ResponseWriter, r *http.Request) {
	if ok, _ := h.widgetCORS(w, r); !ok {
		h.writeError(w, r, errOrigin)
		return
	}
	hd := w.Header()
	hd.Set("Access-Control-Allow-Methods", "GET, POST")
	hd.Set("Access-Control-Allow-Headers", "Content-Type, X-Visitor-Token")
	hd.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// Package httpapi is Switchboard's REST API: the route table (routes.go),
// request authentication, permission checks and validation against the
// OpenAPI document, one file per resource, and the single place where errors
// become HTTP responses (errors.go). Handlers are thin: decode, call a
// service, encode.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboardhq/switchboard/internal/attachment"
	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/auth"
	"github.com/switchboardhq/switchboard/internal/cannedreply"
	"github.com/switchboardhq/switchboard/internal/channel/webchat"
	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/inbox"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/realtime"
	"github.com/switchboardhq/switchboard/internal/routing"
	"github.com/switchboardhq/switchboard/internal/shield"
	"github.com/switchboardhq/switchboard/internal/skill"
	"github.com/switchboardhq/switchboard/internal/team"
	"github.com/switchboardhq/switchboard/internal/tenant"
	"github.com/switchboardhq/switchboard/internal/user"
)

// Deps are the services the API serves.
type Deps struct {
	Auth    *auth.Service
	Users   *user.Service
	Teams   *team.Service
	Skills  *skill.Service
	Tenants *tenant.Service
	Audit   audit.Store
	// Ready reports whether storage and bus are ready, for /readyz.
	Ready func(ctx context.Context) error
	// Registry receives the HTTP metrics and is served at /metrics.
	Registry *prometheus.Registry
	Logger   *slog.Logger
	// BaseURL is the public base URL, for invite links and cookie security.
	BaseURL string
	// MaxBodyBytes caps request bodies.
	MaxBodyBytes int64
	// Web serves everything outside /api, /healthz, /readyz and /metrics.
	Web http.Handler
	// TrustedProxies are peers whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix

	Inboxes       *inbox.Service
	Conversations *conversation.Service
	// Customers is customer records, tiers, import and export, masked for
	// every caller, and the audited reveal.
	Customers     *customer.Service
	Webchat       *webchat.Service
	VisitorSocket *webchat.Socket
	AgentSocket   *realtime.AgentSocket
	Attachments   *attachment.Service
	// AttachmentLimit is the largest accepted upload, in bytes.
	AttachmentLimit int64
	// Widget serves /widget.js and /widget/demo.
	Widget http.Handler
	// Routing is queues, presence, offers and live routing state.
	Routing *routing.Service
	// CannedReplies are the saved answers agents insert into the composer.
	CannedReplies *cannedreply.Service
	// Shield is the number shield.
	Shield *shield.Service
}

// Handler serves the API.
type Handler struct {
	d       Deps
	mux     *http.ServeMux
	spec    *spec
	metrics *httpMetrics
	cop     *http.CrossOriginProtection
	table   []route
}

// handlerFunc handles one API request. p is nil on public routes.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p *permission.Principal) error

type route struct {
	pattern string
	perm    permission.Permission
	fn      handlerFunc
}

// Route describes a registered route, for tests and docs.
type Route struct {
	Method, Path string
	Permission   permission.Permission
	Public       bool
}

// New builds the API handler. It fails if a route is missing from the
// OpenAPI document.
func New(d Deps) (*Handler, error) {
	sp, err := loadSpec()
	if err != nil {
		return nil, err
	}
	h := &Handler{d: d, mux: http.NewServeMux(), spec: sp, cop: http.NewCrossOriginProtection()}
	h.metrics = newHTTPMetrics(d.Registry)
	h.table = h.routes()
	for _, rt := range h.table {
		method, path, _ := strings.Cut(rt.pattern, " ")
		op, err := sp.operation(method, path)
		if err != nil {
			return nil, err
		}
		h.mux.Handle(rt.pattern, h.adapt(rt, op))
	}
	for _, rt := range h.sockets() {
		h.mux.Handle(rt.pattern, h.adapt(rt, &operation{}))
	}
	if d.Widget != nil {
		h.mux.Handle("GET /widget.js", d.Widget)
		h.mux.Handle("GET /widget/demo", d.Widget)
	}
	h.mux.HandleFunc("GET /healthz", h.healthz)
	h.mux.HandleFunc("GET /readyz", h.readyz)
	h.mux.Handle("GET /metrics", h.metricsHandler())
	h.mux.HandleFunc("GET /api/openapi.json", h.openapiJSON)
	h.mux.HandleFunc("OPTIONS "+widgetPrefix, h.widgetPreflight)
	h.mux.HandleFunc("/api/", h.noRoute)
	if d.Web != nil {
		h.mux.Handle("/", d.Web)
	}
	return h, nil
}

// Routes lists the API routes.
func (h *Handler) Routes() []Route {
	out := make([]Route, 0, len(h.table))
	for _, rt := range h.table {
		m, p, _ := strings.Cut(rt.pattern, " ")
		out = append(out, Route{Method: m, Path: p, Permission: rt.perm, Public: rt.perm == public})
	}
	return out
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if v := recover(); v != nil {
			h.d.Logger.ErrorContext(r.Context(), "panic serving request", "method", r.Method, "path", r.URL.Path,
				"panic", v, "stack", string(debug.Stack()))
			if !sw.wrote {
				h.writeError(sw, r, errcode.New(errcode.Internal, "internal error"))
			}
		}
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		h.metrics.observe(r.Method, route, sw.status, time.Since(start))
	}()
	h.mux.ServeHTTP(sw, r)
}

// adapt wraps an API handler with authentication, the permission check,
// the body limit and request validation, in that order: a caller without
// the permission learns nothing about what a valid body would be.
func (h *Handler) adapt(rt route, op *operation) http.Handler {
	widget := strings.HasPrefix(rt.pattern[strings.IndexByte(rt.pattern, ' ')+1:], widgetPrefix)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if widget {
			if _, err := h.widgetCORS(w, r); err != nil {
				h.writeError(w, r, err)
				return
			}
		}
		var p *permission.Principal
		if rt.perm != public {
			var err error
			if p, err = h.authenticate(r); err != nil {
				h.writeError(w, r, err)
				return
			}
			if rt.perm != authenticated && !p.Can(rt.perm) {
				h.writeError(w, r, errcode.Errorf(errcode.Forbidden, "this needs the %s permission", rt.perm))
				return
			}
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, h.bodyLimit(op))
		}
		if err := op.validate(r); err != nil {
			h.writeError(w, r, err)
			return
		}
		if err := rt.fn(w, r, p); err != nil {
			h.writeError(w, r, err)
		}
	})
}

// authenticate resolves the caller from a bearer token or the session
// cookie. Cookie-authenticated unsafe requests must be same-origin.
func (h *Handler) authenticate(r *http.Request) (*permission.Principal, error) {
	tok, viaCookie := bearer(r), false
	if tok == "" {
		if c, err := r.Cookie(sessionCookie); err == nil {
			tok, viaCookie = c.Value, true
		}
	}
	if tok == "" {
		return nil, auth.ErrUnauthenticated
	}
	if viaCookie {
		if err := h.cop.Check(r); err != nil {
			return nil, errcode.Wrap(errcode.CrossOrigin, "cross-origin request refused", err)
		}
	}
	return h.d.Auth.Authenticate(r.Context(), tok, h.clientIP(r))
}

func bearer(r *http.Request) string {
	v := r.Header.Get("Authorization")
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return strings.TrimSpace(v[7:])
	}
	return ""
}

// clientIP is the peer address, or — when the peer is a trusted proxy —
// the right-most address in X-Forwarded-For that is not itself a trusted
// proxy. Left-most entries are client-controlled and never believed.
func (h *Handler) clientIP(r *http.Request) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := peer.Addr().Unmap()
	if !h.trusted(addr) {
		return addr.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		addr = a.Unmap()
		if !h.trusted(addr) {
			break
		}
	}
	return addr.String()
}

func (h *Handler) trusted(a netip.Addr) bool {
	for _, p := range h.d.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// noRoute answers unknown /api paths with a JSON error, telling a wrong
// method (405) from an unknown path (404).
func (h *Handler) noRoute(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "/api/" && pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		h.writeError(w, r, errcode.Errorf(errcode.MethodNotAllowed, "%s is not allowed here; use %s", r.Method, strings.Join(allowed, ", ")))
		return
	}
	h.writeError(w, r, errcode.Errorf(errcode.RouteNotFound, "no route for %s %s", r.Method, r.URL.Path))
}

func (h *Handler) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ok"}`))
}

func (h *Handler) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := h.d.Ready(ctx); err != nil {
		// The cause names hosts and databases: it is logged, not shown.
		h.writeError(w, r, errcode.Wrap(errcode.NotReady, "not ready: the database or the message bus is unavailable", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ready"}`))
}

func (h *Handler) openapiJSON(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(h.spec.json)
}

// statusWriter records the status for metrics and logs.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

package httpapi

import (
	"context"
	"net/http"

	"github.com/switchboardhq/switchboard/internal/channel/webchat"
	"github.com/switchboardhq/switchboard/internal/inbox"
	"github.com/switchboardhq/switchboard/internal/permission"
)

type widgetInboxJSON struct {
	Name           string        `json:"name"`
	Greeting       string        `json:"greeting"`
	OfflineMessage string        `json:"offline_message"`
	Prechat        inbox.Prechat `json:"prechat"`
}

type widgetSessionJSON struct {
	VisitorToken   string          `json:"visitor_token"`
	CustomerID     string          `json:"customer_id"`
	ConversationID string          `json:"conversation_id"`
	LastSeq        int64           `json:"last_seq"`
	Inbox          widgetInboxJSON `json:"inbox"`
	AgentsOnline   bool            `json:"agents_online"`
	DefaultLocale  string          `json:"default_locale"`
}

func (h *Handler) widgetSession(w http.ResponseWriter, r *http.Request, _ *permission.Principal) error {
	var in struct {
		VisitorToken   string `json:"visitor_token"`
		Identifier     string `json:"identifier"`
		IdentifierHash string `json:"identifier_hash"`
		Name           string `json:"name"`
		Email          string `json:"email"`
		Phone          string `json:"phone"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	s, err := h.d.Webchat.Open(r.Context(), &webchat.SessionParams{Key: r.PathValue("key"), VisitorToken: in.VisitorToken,
		Identifier: in.Identifier, IdentifierHash: in.IdentifierHash, Name: in.Name, Email: in.Email, Phone: in.Phone,
		IP: h.clientIP(r)})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if s.New {
		status = http.StatusCreated
	}
	st := s.Inbox.Settings
	writeJSON(w, status, widgetSessionJSON{VisitorToken: s.VisitorToken, CustomerID: s.CustomerID,
		ConversationID: s.ConversationID, LastSeq: s.LastSeq, AgentsOnline: s.AgentsOnline, DefaultLocale: s.DefaultLocale,
		Inbox: widgetInboxJSON{Name: s.Inbox.Name, Greeting: st.Greeting, OfflineMessage: st.OfflineMessage, Prechat: st.Prechat}})
	return nil
}

// visitorSocket authenticates the visitor before upgrading, so refusals are
// ordinary JSON errors.
func (h *Handler) visitorSocket(w http.ResponseWriter, r *http.Request, _ *permission.Principal) error {
	q := r.URL.Query()
	v, err := h.d.Webchat.Visitor(r.Context(), q.Get("key"), q.Get("visitor_token"))
	if err != nil {
		return err
	}
	if o := r.Header.Get("Origin"); o != "" && !v.Inbox.OriginAllowed(o) {
		return errOrigin
	}
	h.d.VisitorSocket.Serve(w, r, v, h.clientIP(r))
	return nil
}

func (h *Handler) agentSocket(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	h.d.AgentSocket.Serve(w, r, p, func(context.Context) (*permission.Principal, error) { return h.authenticate(r) })
	return nil
}

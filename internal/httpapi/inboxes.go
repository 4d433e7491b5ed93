package httpapi

import (
	"net/http"

	"github.com/switchboardhq/switchboard/internal/inbox"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// inboxJSON shows the identity secret and the embed snippet to those who
// may manage inboxes.
type inboxJSON struct {
	*inbox.Inbox
	IdentitySecret string `json:"identity_secret,omitempty"`
	Snippet        string `json:"snippet,omitempty"`
}

func (h *Handler) inboxOut(p *permission.Principal, in *inbox.Inbox) inboxJSON {
	out := inboxJSON{Inbox: in}
	if p.Can(permission.InboxesWrite) {
		out.IdentitySecret = in.IdentitySecret
		out.Snippet = `<script src="` + h.d.BaseURL + `/widget.js" data-inbox="` + in.Key + `" async></script>`
	}
	return out
}

type inboxIn struct {
	Channel      inbox.Channel   `json:"channel"`
	Name         *string         `json:"name"`
	Settings     *inbox.Settings `json:"settings"`
	MemberIDs    *[]string       `json:"member_ids"`
	DefaultQueue *string         `json:"default_queue_id"`
	RotateSecret bool            `json:"rotate_identity_secret"`
}

func (in *inboxIn) params() *inbox.Params {
	return &inbox.Params{Channel: in.Channel, Name: in.Name, Settings: in.Settings, MemberIDs: in.MemberIDs,
		DefaultQueueID: in.DefaultQueue, RotateSecret: in.RotateSecret}
}

func (h *Handler) createInbox(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in inboxIn
	if err := decode(r, &in); err != nil {
		return err
	}
	ib, err := h.d.Inboxes.Create(r.Context(), p, in.params())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, h.inboxOut(p, ib))
	return nil
}

func (h *Handler) listInboxes(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	limit, after, err := pageParams(r)
	if err != nil {
		return err
	}
	ibs, err := h.d.Inboxes.List(r.Context(), p, inbox.ListParams{After: after, Limit: limit + 1})
	if err != nil {
		return err
	}
	out := make([]inboxJSON, len(ibs))
	for i, ib := range ibs {
		out[i] = h.inboxOut(p, ib)
	}
	writeJSON(w, http.StatusOK, newPage(out, limit, func(x inboxJSON) string { return x.ID }))
	return nil
}

func (h *Handler) getInbox(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	ib, err := h.d.Inboxes.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.inboxOut(p, ib))
	return nil
}

func (h *Handler) updateInbox(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in inboxIn
	if err := decode(r, &in); err != nil {
		return err
	}
	ib, err := h.d.Inboxes.Update(r.Context(), p, r.PathValue("id"), in.params())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.inboxOut(p, ib))
	return nil
}

func (h *Handler) deleteInbox(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	return respondEmpty(w, h.d.Inboxes.Delete(r.Context(), p, r.PathValue("id")))
}

package httpapi

import (
	"net/http"

	"github.com/switchboardhq/switchboard/internal/cannedreply"
	"github.com/switchboardhq/switchboard/internal/permission"
)

type cannedReplyIn struct {
	Shortcut *string `json:"shortcut"`
	Title    *string `json:"title"`
	Body     *string `json:"body"`
	TeamID   *string `json:"team_id"`
}

func (in *cannedReplyIn) params() *cannedreply.Params {
	return &cannedreply.Params{Shortcut: in.Shortcut, Title: in.Title, Body: in.Body, TeamID: in.TeamID}
}

func (h *Handler) createCannedReply(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in cannedReplyIn
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := h.d.CannedReplies.Create(r.Context(), p, in.params())
	return respond(w, http.StatusCreated, c, err)
}

// listCannedReplies pages in shortcut order, so the cursor is a shortcut.
func (h *Handler) listCannedReplies(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	limit, after, err := pageParams(r)
	if err != nil {
		return err
	}
	cs, err := h.d.CannedReplies.List(r.Context(), p, cannedreply.ListParams{After: after, Limit: limit + 1,
		Query: r.URL.Query().Get("q")})
	return respond(w, http.StatusOK, newPage(cs, limit, func(c *cannedreply.Reply) string { return c.Shortcut }), err)
}

func (h *Handler) getCannedReply(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	c, err := h.d.CannedReplies.Get(r.Context(), p, r.PathValue("id"))
	return respond(w, http.StatusOK, c, err)
}

func (h *Handler) updateCannedReply(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in cannedReplyIn
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := h.d.CannedReplies.Update(r.Context(), p, r.PathValue("id"), in.params())
	return respond(w, http.StatusOK, c, err)
}

func (h *Handler) deleteCannedReply(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	return respondEmpty(w, h.d.CannedReplies.Delete(r.Context(), p, r.PathValue("id")))
}

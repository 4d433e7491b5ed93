package httpapi

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
)

func (h *Handler) listConversations(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	lp := conversation.ListParams{Status: conversation.Status(q.Get("status")), InboxID: q.Get("inbox_id"),
		TeamID: q.Get("team_id"), Limit: limit + 1}
	switch a := q.Get("assignee"); a {
	case "":
	case "me":
		lp.Assignee = p.UserID
	case "unassigned":
		lp.Unassigned = true
	default:
		lp.Assignee = a
	}
	if cursor != "" {
		at, id, ok := strings.Cut(cursor, "|")
		ms, err := strconv.ParseInt(at, 10, 64)
		if !ok || err != nil {
			return errcode.New(errcode.InvalidCursor, "the cursor is not valid; start again without one")
		}
		lp.BeforeAt, lp.BeforeID = ms, id
	}
	cs, err := h.d.Conversations.List(r.Context(), p, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(cs, limit, func(c *conversation.Conversation) string {
		return strconv.FormatInt(c.LastMessageAt.UnixMilli(), 10) + "|" + c.ID
	}))
	return nil
}

func (h *Handler) getConversation(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	c, err := h.d.Conversations.Get(r.Context(), p, r.PathValue("id"))
	return respond(w, http.StatusOK, c, err)
}

func (h *Handler) listMessages(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	q := r.URL.Query()
	mp := conversation.MessagesParams{ConversationID: r.PathValue("id"), Limit: 50}
	for name, dst := range map[string]*int64{"after_seq": &mp.AfterSeq, "before_seq": &mp.BeforeSeq} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return errcode.Errorf(errcode.InvalidRequest, "%s must be an integer", name)
			}
			*dst = n
		}
	}
	if v := q.Get("limit"); v != "" {
		n, _ := strconv.Atoi(v)
		mp.Limit = n
	}
	if c := q.Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		n, perr := strconv.ParseInt(strings.TrimPrefix(string(b), "c1:"), 10, 64)
		if err != nil || perr != nil || !strings.HasPrefix(string(b), "c1:") {
			return errcode.New(errcode.InvalidCursor, "the cursor is not valid; start again without one")
		}
		mp.AfterSeq = n
	}
	ms, err := h.d.Conversations.Messages(r.Context(), p, mp)
	if err != nil {
		return err
	}
	// Messages page by seq: the next page starts after the last one here.
	out := page[*conversation.Message]{Data: ms}
	if len(ms) == mp.Limit && mp.BeforeSeq == 0 {
		c := base64.RawURLEncoding.EncodeToString([]byte("c1:" + strconv.FormatInt(ms[len(ms)-1].Seq, 10)))
		out.NextCursor = &c
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) sendMessage(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		Text          string   `json:"text"`
		ClientID      string   `json:"client_id"`
		Private       bool     `json:"private"`
		AttachmentIDs []string `json:"attachment_ids"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	sent, err := h.d.Conversations.Reply(r.Context(), p, r.PathValue("id"), &conversation.ReplyParams{ClientID: in.ClientID,
		Text: in.Text, Private: in.Private, AttachmentIDs: in.AttachmentIDs, SenderName: p.Name})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if sent.Duplicate {
		status = http.StatusOK
	}
	writeJSON(w, status, sent.Message)
	return nil
}

func (h *Handler) setConversationStatus(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		Status conversation.Status `json:"status"`
		Until  *time.Time          `json:"until"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := h.d.Conversations.SetStatus(r.Context(), p, r.PathValue("id"), in.Status, in.Until)
	return respond(w, http.StatusOK, c, err)
}

func (h *Handler) assignConversation(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	// Absent fields keep their value; null clears.
	var in map[string]*string
	if err := decode(r, &in); err != nil {
		return err
	}
	var ap conversation.AssignParams
	if v, ok := in["assignee_id"]; ok {
		ap.AssigneeID = new(deref(v))
	}
	if v, ok := in["team_id"]; ok {
		ap.TeamID = new(deref(v))
	}
	c, err := h.d.Conversations.Assign(r.Context(), p, r.PathValue("id"), ap)
	return respond(w, http.StatusOK, c, err)
}

package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/routing"
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
		if lp.BeforeAt, lp.BeforeID, err = parseTimeKey(cursor); err != nil {
			return err
		}
	}
	cs, err := h.d.Conversations.List(r.Context(), p, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(cs, limit, func(c *conversation.Conversation) string {
		return timeKey(*c.LastMessageAt, c.ID)
	}))
	return nil
}

func (h *Handler) getConversation(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	c, err := h.d.Conversations.Get(r.Context(), p, r.PathValue("id"))
	return respond(w, http.StatusOK, c, err)
}

func (h *Handler) listMessages(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	limit, after, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	mp := conversation.MessagesParams{ConversationID: r.PathValue("id"), Limit: limit}
	for name, dst := range map[string]*int64{"after_seq": &mp.AfterSeq, "before_seq": &mp.BeforeSeq} {
		if v := q.Get(name); v != "" {
			if *dst, err = strconv.ParseInt(v, 10, 64); err != nil {
				return errcode.Errorf(errcode.InvalidRequest, "%s must be an integer", name)
			}
		}
	}
	if after != "" {
		if mp.AfterSeq, err = strconv.ParseInt(after, 10, 64); err != nil {
			return errInvalidCursor
		}
	}
	if mp.BeforeSeq != 0 {
		// The last messages before a seq: a backward page, without a cursor.
		ms, err := h.d.Conversations.Messages(r.Context(), p, mp)
		return respond(w, http.StatusOK, page[*conversation.Message]{Data: ms}, err)
	}
	mp.Limit++ // one more tells whether another page follows
	ms, err := h.d.Conversations.Messages(r.Context(), p, mp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(ms, limit, func(m *conversation.Message) string { return strconv.FormatInt(m.Seq, 10) }))
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
	ap.QueueID = deref(in["queue_id"])
	if err := ap.Validate(); err != nil {
		return err
	}
	if err := h.queueExists(r.Context(), p, ap.QueueID); err != nil {
		return err
	}
	c, err := h.d.Conversations.Assign(r.Context(), p, r.PathValue("id"), ap)
	return respond(w, http.StatusOK, c, err)
}

// queueExists refuses a transfer to a queue that is not the tenant's here,
// in the request: routing reads the queue only later, from the event.
func (h *Handler) queueExists(ctx context.Context, p *permission.Principal, queueID string) error {
	if queueID == "" {
		return nil
	}
	_, err := h.d.Routing.GetQueue(ctx, p, queueID)
	if errors.Is(err, routing.ErrQueueNotFound) {
		return errUnknownQueue
	}
	return err
}

var errUnknownQueue = errcode.New(errcode.UnknownQueue, "queue_id is not a queue of this tenant")

package realtime

import (
	"context"
	"net/http"

	"github.com/coder/websocket"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Conversations is what sockets need from the conversation service.
type Conversations interface {
	Get(ctx context.Context, by *permission.Principal, id string) (*conversation.Conversation, error)
	Reply(ctx context.Context, by *permission.Principal, id string, p *conversation.ReplyParams) (*conversation.Sent, error)
	MarkRead(ctx context.Context, tenantID, id string, reader conversation.Reader, seq int64) (bool, error)
}

// AgentSocket serves GET /ws/agent for an authenticated principal.
type AgentSocket struct {
	Hub           *Hub
	Conversations Conversations
}

// Serve upgrades the request and runs the socket. The library rejects
// cross-origin upgrades, which protects cookie-authenticated agents from
// cross-site WebSocket hijacking.
func (a *AgentSocket) Serve(w http.ResponseWriter, r *http.Request, p *permission.Principal) {
	var cl *Client
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		OnPongReceived: func(context.Context, []byte) {
			if cl != nil {
				cl.Seen()
			}
		},
	})
	if err != nil {
		return // Accept has answered
	}
	ctx := r.Context()
	cl, err = a.Hub.NewClient(ctx, conn, ClientParams{TenantID: p.TenantID, Principal: p})
	if err != nil {
		_ = conn.Close(websocket.StatusInternalError, "internal error")
		return
	}
	cl.Serve(ctx, map[string]string{"type": "hello", "user_id": p.UserID}, Handlers{
		Message: func(ctx context.Context, f *Frame) error {
			sent, err := a.Conversations.Reply(ctx, p, f.ConversationID, &conversation.ReplyParams{ClientID: f.ClientID,
				Text: f.Text, Private: f.Private, AttachmentIDs: f.AttachmentIDs, SenderName: p.Name})
			if err != nil {
				return err
			}
			return cl.Write(ctx, Ack(f.ClientID, sent.Message))
		},
		Resume: func(ctx context.Context, f *Frame) error {
			if _, err := a.Conversations.Get(ctx, p, f.ConversationID); err != nil {
				return err
			}
			if f.AfterSeq < 0 {
				return errcode.New(errcode.ValidationFailed, "after_seq must not be negative")
			}
			return cl.Resume(ctx, f.ConversationID, f.AfterSeq)
		},
		Typing: func(ctx context.Context, f *Frame) error {
			c, err := a.Conversations.Get(ctx, p, f.ConversationID)
			if err != nil {
				return err
			}
			cl.PublishTyping(c, conversation.SenderAgent, p.Name, f.Typing)
			return nil
		},
		Read: func(ctx context.Context, f *Frame) error {
			c, err := a.Conversations.Get(ctx, p, f.ConversationID)
			if err != nil {
				return err
			}
			moved, err := a.Conversations.MarkRead(ctx, p.TenantID, c.ID, conversation.ReaderAgent, f.Seq)
			if moved {
				cl.PublishRead(c, conversation.ReaderAgent, f.Seq)
			}
			return err
		},
	})
}

package realtime

import (
	"context"
	"net/http"
	"slices"

	"github.com/coder/websocket"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/routing"
)

// Conversations is what sockets need from the conversation service.
type Conversations interface {
	Get(ctx context.Context, by *permission.Principal, id string) (*conversation.Conversation, error)
	Reply(ctx context.Context, by *permission.Principal, id string, p *conversation.ReplyParams) (*conversation.Sent, error)
	MarkRead(ctx context.Context, tenantID, id string, reader conversation.Reader, seq int64) (bool, error)
}

// Offers is what sockets need from routing.
type Offers interface {
	Accept(ctx context.Context, by *permission.Principal, offerID string) (*routing.Item, error)
	Decline(ctx context.Context, by *permission.Principal, offerID string) (*routing.Item, error)
}

// AgentSocket serves GET /ws/agent for an authenticated principal.
type AgentSocket struct {
	Hub           *Hub
	Conversations Conversations
	Offers        Offers
}

// Serve upgrades the request and runs the socket. The library rejects
// cross-origin upgrades, which protects cookie-authenticated agents from
// cross-site WebSocket hijacking. recheck authenticates the request's
// credentials again (see Client.reauthenticate).
func (a *AgentSocket) Serve(w http.ResponseWriter, r *http.Request, p *permission.Principal,
	recheck func(context.Context) (*permission.Principal, error)) {
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept has answered
	}
	ctx := r.Context()
	cl, err := a.Hub.NewClient(ctx, conn, ClientParams{TenantID: p.TenantID, Principal: p, Recheck: recheck})
	if err != nil {
		a.Hub.cfg.Logger.ErrorContext(ctx, "realtime: open agent socket", "tenant_id", p.TenantID, "err", err)
		_ = conn.Close(websocket.StatusInternalError, "internal error")
		return
	}
	// Reading is conversations.read (the route's permission); everything
	// that changes a conversation or tells others something needs write.
	write := func(f func(context.Context, *Frame) error) func(context.Context, *Frame) error {
		return func(ctx context.Context, fr *Frame) error {
			if !p.Can(permission.ConversationsWrite) {
				return errcode.Errorf(errcode.Forbidden, "this needs the %s permission", permission.ConversationsWrite)
			}
			return f(ctx, fr)
		}
	}
	cl.Serve(ctx, map[string]string{"type": "hello", "user_id": p.UserID}, Handlers{
		Message: write(func(ctx context.Context, f *Frame) error {
			sent, err := a.Conversations.Reply(ctx, p, f.ConversationID, &conversation.ReplyParams{ClientID: f.ClientID,
				Text: f.Text, Private: f.Private, AttachmentIDs: f.AttachmentIDs, SenderName: p.Name})
			if err != nil {
				return err
			}
			return cl.Write(ctx, Ack(f.ClientID, sent.Message))
		}),
		Resume: func(ctx context.Context, f *Frame) error {
			if _, err := a.Conversations.Get(ctx, p, f.ConversationID); err != nil {
				return err
			}
			return cl.Resume(ctx, f.ConversationID, f.AfterSeq)
		},
		Typing: write(func(ctx context.Context, f *Frame) error {
			c, err := a.Conversations.Get(ctx, p, f.ConversationID)
			if err != nil {
				return err
			}
			cl.PublishTyping(c, conversation.SenderAgent, p.Name, f.Typing)
			return nil
		}),
		Accept:  a.answer(p, cl, "accepted", a.Offers.Accept),
		Decline: a.answer(p, cl, "declined", a.Offers.Decline),
		Read: write(func(ctx context.Context, f *Frame) error {
			c, err := a.Conversations.Get(ctx, p, f.ConversationID)
			if err != nil {
				return err
			}
			moved, err := a.Conversations.MarkRead(ctx, p.TenantID, c.ID, conversation.ReaderAgent, f.Seq)
			if moved {
				cl.PublishRead(c, conversation.ReaderAgent, f.Seq)
			}
			return err
		}),
	})
}

// answer handles accept and decline frames: work.take is required, and the
// reply names the offer.
func (a *AgentSocket) answer(p *permission.Principal, cl *Client, done string,
	fn func(context.Context, *permission.Principal, string) (*routing.Item, error)) func(context.Context, *Frame) error {
	return func(ctx context.Context, f *Frame) error {
		if !p.Can(permission.WorkTake) {
			return errcode.Errorf(errcode.Forbidden, "this needs the %s permission", permission.WorkTake)
		}
		it, err := fn(ctx, p, f.OfferID)
		if err != nil {
			return err
		}
		return cl.Write(ctx, offerAnsweredFrame{Type: "offer_" + done, OfferID: f.OfferID, Item: it})
	}
}

type offerAnsweredFrame struct {
	Type    string        `json:"type"` // offer_accepted, offer_declined
	OfferID string        `json:"offer_id"`
	Item    *routing.Item `json:"item"`
}

// reauthenticate checks an agent's credentials again. The socket closes
// with 1008 "unauthorized" when they no longer hold (logged out, token
// revoked or expired, user disabled or deleted, tenant suspended) and with
// "credentials_changed" when they grant something else (a new role): the
// client reconnects and gets what it is now allowed. When the check itself
// fails (the database is down), the socket stays and the next check decides.
func (c *Client) reauthenticate(ctx context.Context) {
	p, err := c.recheck(ctx)
	if err != nil {
		switch errcode.From(err).Code.Kind() {
		case errcode.KindUnauthenticated, errcode.KindForbidden:
			c.kick("unauthorized")
		default:
			c.hub.cfg.Logger.WarnContext(ctx, "realtime: recheck credentials", "tenant_id", c.tenantID, "err", err)
		}
		return
	}
	if p.UserID != c.principal.UserID || p.Role != c.principal.Role || !slices.Equal(p.Perms.Sorted(), c.principal.Perms.Sorted()) {
		c.kick("credentials_changed")
	}
}

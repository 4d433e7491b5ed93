package webchat

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/ratelimit"
	"github.com/switchboardhq/switchboard/internal/realtime"
)

// Socket serves GET /ws/visitor.
type Socket struct {
	Service       *Service
	Hub           *realtime.Hub
	Conversations *conversation.Service
	// Limits: messages per visitor (one limiter per inbox setting) and per
	// client IP.
	perVisitor sync.Map // messages per minute → *ratelimit.Limiter
	perIP      *ratelimit.Limiter
}

// NewSocket returns the visitor socket handler. A visitor may send the
// inbox's messages per minute (default 60, bursts of up to 20) and an
// address 600 a minute (burst 100).
func NewSocket(s *Service, hub *realtime.Hub, conv *conversation.Service) *Socket {
	return &Socket{Service: s, Hub: hub, Conversations: conv,
		perIP: ratelimit.New(100*time.Millisecond, 100, s.cfg.Now)}
}

// Serve upgrades an authenticated visitor's request. ip is the client
// address for rate limiting. The caller has checked the request's Origin
// against the inbox's allowed origins (any origin when it lists none):
// visitors authenticate with their token, never with cookies.
func (s *Socket) Serve(w http.ResponseWriter, r *http.Request, v *Visitor, ip string) {
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return
	}
	ctx := r.Context()
	cl, err := s.Hub.NewClient(ctx, conn, realtime.ClientParams{TenantID: v.Inbox.TenantID, CustomerID: v.Customer.ID})
	if err != nil {
		_ = conn.Close(websocket.StatusInternalError, "internal error")
		return
	}
	hello := map[string]any{"type": "hello", "customer_id": v.Customer.ID, "agents_online": s.Service.cfg.Online(ctx, v.Inbox)}
	if v.Conversation != nil {
		hello["conversation_id"], hello["last_seq"] = v.Conversation.ID, v.Conversation.LastSeq
	}
	cl.Serve(ctx, hello, s.handlers(cl, v, ip))
}

func (s *Socket) handlers(cl *realtime.Client, v *Visitor, ip string) realtime.Handlers {
	tenantID, customerID := v.Inbox.TenantID, v.Customer.ID
	// A conversation never changes customer, so ownership is checked once
	// per socket (the handlers run on the socket's reader goroutine).
	// Typing and read notices are addressed by the conversation's current
	// assignee, so they read it afresh.
	owned := map[string]bool{}
	own := func(ctx context.Context, id string) error {
		if owned[id] {
			return nil
		}
		_, err := s.Conversations.GetForCustomer(ctx, tenantID, customerID, id)
		owned[id] = err == nil
		return err
	}
	return realtime.Handlers{
		Message: func(ctx context.Context, f *realtime.Frame) error {
			if err := s.limit(customerID, ip, v.Inbox.Settings.VisitorMessagesPerMinute); err != nil {
				return err
			}
			if err := own(ctx, f.ConversationID); err != nil {
				return err
			}
			sent, err := s.Conversations.Send(ctx, &conversation.SendParams{TenantID: tenantID, ConversationID: f.ConversationID,
				ClientID: f.ClientID, Text: f.Text, Private: f.Private, AttachmentIDs: f.AttachmentIDs, MaxChars: v.Inbox.Settings.MaxMessageChars,
				Sender: conversation.Sender{Type: conversation.SenderVisitor, ID: customerID, Name: v.Customer.Name}})
			if err != nil {
				return err
			}
			return cl.Write(ctx, realtime.Ack(f.ClientID, sent.Message))
		},
		Resume: func(ctx context.Context, f *realtime.Frame) error {
			if err := own(ctx, f.ConversationID); err != nil {
				return err
			}
			return cl.Resume(ctx, f.ConversationID, f.AfterSeq)
		},
		Typing: func(ctx context.Context, f *realtime.Frame) error {
			c, err := s.Conversations.GetForCustomer(ctx, tenantID, customerID, f.ConversationID)
			if err != nil {
				return err
			}
			cl.PublishTyping(c, conversation.SenderVisitor, v.Customer.Name, f.Typing)
			return nil
		},
		Read: func(ctx context.Context, f *realtime.Frame) error {
			c, err := s.Conversations.GetForCustomer(ctx, tenantID, customerID, f.ConversationID)
			if err != nil {
				return err
			}
			moved, err := s.Conversations.MarkRead(ctx, tenantID, c.ID, conversation.ReaderVisitor, f.Seq)
			if moved {
				cl.PublishRead(c, conversation.ReaderVisitor, f.Seq)
			}
			return err
		},
	}
}

// limit applies the per-visitor and per-address message limits.
func (s *Socket) limit(customerID, ip string, perMinute int) error {
	if !s.Service.cfg.RateLimits {
		return nil
	}
	perMinute = max(perMinute, 1)
	v, ok := s.perVisitor.Load(perMinute)
	if !ok {
		v, _ = s.perVisitor.LoadOrStore(perMinute, ratelimit.New(time.Minute/time.Duration(perMinute), min(perMinute, 20), s.Service.cfg.Now))
	}
	for _, c := range []struct {
		lim *ratelimit.Limiter
		key string
	}{{v.(*ratelimit.Limiter), customerID}, {s.perIP, ip}} {
		if ok, wait := c.lim.Allow(c.key); !ok {
			e := errcode.New(errcode.RateLimited, "you are sending messages too fast")
			e.RetryAfter = wait
			return e
		}
	}
	return nil
}

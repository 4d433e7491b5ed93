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
	"github.com/switchboardhq/switchboard/internal/routing"
)

// Queue is what a waiting visitor may ask of routing: where they stand,
// and to stop waiting (leave a message and be answered later).
type Queue interface {
	Position(ctx context.Context, tenantID, ref string) (*routing.Position, error)
	End(ctx context.Context, tenantID, ref, reason string) error
}

// queueFrame tells a visitor how their conversation waits
// (docs/protocol/webchat.md).
type queueFrame struct {
	Type           string `json:"type"` // queue
	ConversationID string `json:"conversation_id"`
	Waiting        bool   `json:"waiting"`
	// Position counts from 1 while queued; 0 while being offered to an
	// agent or not waiting. Always present: a frame without it is the
	// server's notice that the conversation entered a queue.
	Position int `json:"position"`
	// EstimatedWaitSeconds is -1 when nobody who could answer is signed in.
	EstimatedWaitSeconds int      `json:"estimated_wait_seconds,omitempty"`
	Alternatives         []string `json:"alternatives,omitempty"`
	Left                 bool     `json:"left,omitempty"`
}

// Socket serves GET /ws/visitor.
type Socket struct {
	Service       *Service
	Hub           *realtime.Hub
	Conversations *conversation.Service
	// Queue, if set, answers position and leave_message frames.
	Queue Queue
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
		Position: func(ctx context.Context, f *realtime.Frame) error {
			if err := own(ctx, f.ConversationID); err != nil {
				return err
			}
			return s.position(ctx, cl, tenantID, f.ConversationID, false)
		},
		LeaveMessage: func(ctx context.Context, f *realtime.Frame) error {
			if err := own(ctx, f.ConversationID); err != nil {
				return err
			}
			if s.Queue == nil {
				return cl.Write(ctx, queueFrame{Type: "queue", ConversationID: f.ConversationID, Left: true})
			}
			if err := s.Queue.End(ctx, tenantID, f.ConversationID, "left_message"); err != nil {
				return err
			}
			return s.position(ctx, cl, tenantID, f.ConversationID, true)
		},
	}
}

// position writes where the conversation waits: a position from 1 while
// queued, none while it is being offered to an agent, and waiting: false
// when it is not routed or an agent has it.
func (s *Socket) position(ctx context.Context, cl *realtime.Client, tenantID, id string, left bool) error {
	out := queueFrame{Type: "queue", ConversationID: id, Left: left}
	if s.Queue != nil {
		p, err := s.Queue.Position(ctx, tenantID, id)
		switch {
		case errcode.Has(err, errcode.NotFound):
		case err != nil:
			return err
		default: // queued (position ≥ 1) or being offered to an agent (position 0)
			out.Waiting, out.Position, out.EstimatedWaitSeconds = true, p.Position, p.EstimatedWaitSeconds
			if p.Position > 0 && out.EstimatedWaitSeconds == 0 {
				out.EstimatedWaitSeconds = 1 // "any moment": 0 would be left out
			}
			if p.Alternatives {
				out.Alternatives = []string{"message"}
			}
		}
	}
	return cl.Write(ctx, out)
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

package channel

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/inbox"
)

// ConsumeFunc subscribes a durable consumer to subject: handle runs for each
// event until stop is called; an error makes the event come back later.
// internal/bus implements it with a JetStream durable consumer, shared by
// the nodes of a cluster.
type ConsumeFunc func(ctx context.Context, durable, subject string, handle func(ctx context.Context, data []byte) error) (stop func(), err error)

// Router hands agents' messages to the adapter of their inbox's channel, at
// least once each, retrying failures with back-off.
type Router struct {
	cfg RouterConfig

	mu   sync.Mutex
	stop func()
}

// RouterConfig wires a Router.
type RouterConfig struct {
	Consume ConsumeFunc
	Inboxes interface {
		Get(ctx context.Context, tenantID, id string) (*inbox.Inbox, error)
	}
	// Adapters lists the channels, one adapter each.
	Adapters []Adapter
	Logger   *slog.Logger
}

// NewRouter returns a Router.
func NewRouter(cfg RouterConfig) *Router { return &Router{cfg: cfg} }

// Start begins consuming sb.message.created.
func (r *Router) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stop != nil {
		return nil
	}
	stop, err := r.cfg.Consume(ctx, "sb_channel_delivery", conversation.EventMessageCreated, r.handle)
	if err != nil {
		return fmt.Errorf("channel router: %w", err)
	}
	r.stop = stop
	return nil
}

// Stop ends consuming. Safe before Start and twice.
func (r *Router) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stop != nil {
		r.stop()
		r.stop = nil
	}
}

// handle delivers one event's message if it goes to a customer.
func (r *Router) handle(ctx context.Context, data []byte) error {
	var env struct {
		TenantID string                      `json:"tenant_id"`
		Data     conversation.MessageCreated `json:"data"`
	}
	if err := json.Unmarshal(data, &env); err != nil || env.Data.Message == nil {
		r.cfg.Logger.Warn("channel router: undecodable event dropped", "err", err)
		return nil
	}
	m := env.Data.Message
	if m.Private || (m.SenderType != conversation.SenderAgent && m.SenderType != conversation.SenderBot) {
		return nil // only replies leave towards the customer
	}
	in, err := r.cfg.Inboxes.Get(ctx, env.TenantID, env.Data.Conversation.InboxID)
	if err != nil {
		return err
	}
	a := r.adapter(in.Channel)
	if a == nil {
		r.cfg.Logger.Error("channel router: no adapter for channel", "channel", in.Channel, "inbox_id", in.ID)
		return nil
	}
	_, err = a.Deliver(ctx, &Outbound{TenantID: env.TenantID, Inbox: in, ConversationID: m.ConversationID,
		CustomerID: env.Data.Conversation.CustomerID, Message: m})
	return err
}

func (r *Router) adapter(ch inbox.Channel) Adapter {
	for _, a := range r.cfg.Adapters {
		if a.Channel() == ch {
			return a
		}
	}
	return nil
}

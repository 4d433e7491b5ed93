package realtime

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/inbox"
	"github.com/switchboardhq/switchboard/internal/routing"
)

// Bus is what the hub needs from the message bus.
type Bus interface {
	Subscribe(subject string, fn func(subject string, data []byte)) (func(), error)
	Publish(subject string, data []byte) error
}

// FetchFunc reads a conversation's messages with seq > after, in order, to
// replay them and to fill gaps.
type FetchFunc func(ctx context.Context, tenantID, conversationID string, after int64, includePrivate bool, limit int) ([]*conversation.Message, error)

// InboxesFunc lists the inboxes a user serves.
type InboxesFunc func(ctx context.Context, tenantID, userID string) ([]string, error)

// HubConfig wires a Hub.
type HubConfig struct {
	Bus     Bus
	Fetch   FetchFunc
	Inboxes InboxesFunc
	Logger  *slog.Logger
	// QueueLen is how many events may wait for one client before it is
	// disconnected as a slow consumer. Defaults to 1024.
	QueueLen int
	// RateLimits bounds the frames other than messages that one socket may
	// send (docs/protocol/webchat.md §5). Messages have their own limits.
	RateLimits bool
	// RecheckEvery is how often agent sockets authenticate again; it bounds
	// how long one outlives credentials that end without an event (a token
	// expiring). Defaults to 15 s.
	RecheckEvery time.Duration
}

// Hub routes bus events to this node's sockets.
type Hub struct {
	cfg HubConfig

	mu       sync.RWMutex
	agents   map[string]map[*Client]struct{} // tenant ID → agent sockets
	visitors map[string]map[*Client]struct{} // customer ID → visitor sockets
	unsub    []func()
	stop     context.CancelFunc

	node    string
	changed chan struct{}
	pmu     sync.Mutex
	remote  map[string]remoteNode // node ID → its agents
}

// NewHub returns a Hub.
func NewHub(cfg HubConfig) *Hub {
	if cfg.QueueLen <= 0 {
		cfg.QueueLen = 1024
	}
	if cfg.RecheckEvery <= 0 {
		cfg.RecheckEvery = 15 * time.Second
	}
	return &Hub{cfg: cfg, agents: map[string]map[*Client]struct{}{}, visitors: map[string]map[*Client]struct{}{},
		node: newNodeID(), changed: make(chan struct{}, 1), remote: map[string]remoteNode{}}
}

// Start subscribes to the events the hub routes and starts announcing this
// node's agents.
func (h *Hub) Start(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.unsub != nil {
		return nil
	}
	// One subscription for all domain events keeps their order: a
	// conversation's "created" never overtakes its first message.
	for _, subject := range []string{"sb.>", "sbx.>"} {
		u, err := h.cfg.Bus.Subscribe(subject, h.dispatch)
		if err != nil {
			for _, f := range h.unsub {
				f()
			}
			h.unsub = nil
			return err
		}
		h.unsub = append(h.unsub, u)
	}
	actx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	h.stop = cancel
	go h.announce(actx)
	return nil
}

// Stop unsubscribes and disconnects every socket. Safe twice.
func (h *Hub) Stop() {
	h.mu.Lock()
	for _, f := range h.unsub {
		f()
	}
	h.unsub = nil
	if h.stop != nil {
		h.stop()
		h.stop = nil
	}
	var all []*Client
	for _, set := range h.agents {
		for c := range set {
			all = append(all, c)
		}
	}
	for _, set := range h.visitors {
		for c := range set {
			all = append(all, c)
		}
	}
	h.mu.Unlock()
	for _, c := range all {
		c.kick("server_shutdown")
	}
}

func (h *Hub) add(c *Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	m, key := h.index(c)
	if m[key] == nil {
		m[key] = map[*Client]struct{}{}
	}
	m[key][c] = struct{}{}
	if !c.visitor() {
		h.signalPresence()
	}
}

func (h *Hub) remove(c *Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	m, key := h.index(c)
	delete(m[key], c)
	if len(m[key]) == 0 {
		delete(m, key)
	}
	if !c.visitor() {
		h.signalPresence()
	}
}

func (h *Hub) index(c *Client) (map[string]map[*Client]struct{}, string) {
	if c.visitor() {
		return h.visitors, c.customerID
	}
	return h.agents, c.tenantID
}

// envelope is the outer shape of every bus event.
type envelope struct {
	TenantID string          `json:"tenant_id"`
	Data     json.RawMessage `json:"data"`
}

// dispatch decodes an event once and offers it to every socket that may be
// interested; each socket applies visibility and ordering itself.
func (h *Hub) dispatch(subject string, data []byte) {
	switch {
	case subject == conversation.EventMessageCreated:
		var env envelope
		var mc conversation.MessageCreated
		if json.Unmarshal(data, &env) != nil || json.Unmarshal(env.Data, &mc) != nil || mc.Message == nil {
			h.cfg.Logger.Warn("realtime: undecodable event", "subject", subject)
			return
		}
		d := &delivery{meta: mc.Conversation, msg: mc.Message}
		h.offer(env.TenantID, mc.Conversation.CustomerID, d, !mc.Message.Private)
	case subject == SubjectPresence:
		h.notePresence(data)
	case subject == SubjectTyping || subject == SubjectRead:
		var n Notice
		if json.Unmarshal(data, &n) != nil {
			return
		}
		meta := conversation.Meta{ID: n.ConversationID, InboxID: n.InboxID, CustomerID: n.CustomerID, AssigneeID: n.AssigneeID}
		h.offer(n.TenantID, n.CustomerID, &delivery{meta: meta, notice: &n}, true)
	case subject == inbox.EventUpdated:
		var env envelope
		if json.Unmarshal(data, &env) == nil {
			h.offer(env.TenantID, "", &delivery{refreshInboxes: true}, false)
		}
	case subject == event.UserUpdated || subject == event.UserDeleted || subject == event.CredentialsRevoked ||
		subject == event.TenantUpdated:
		// A changed role, status or tenant takes effect on open sockets now,
		// not at the next periodic check.
		var env envelope
		var ch event.Change
		if json.Unmarshal(data, &env) != nil || json.Unmarshal(env.Data, &ch) != nil {
			return
		}
		tenantID, who := env.TenantID, ch.ID
		if subject == event.TenantUpdated {
			tenantID, who = ch.ID, "*"
		}
		h.offer(tenantID, "", &delivery{recheckUser: who}, false)
	case strings.HasPrefix(subject, "sb.routing.") || subject == routing.EventPresenceChanged:
		h.dispatchRouting(subject, data)
	case strings.HasPrefix(subject, SubjectRoutingNotice+"."):
		h.dispatchNotices(subject, data)
	case strings.HasPrefix(subject, SubjectRoutingLive+"."):
		h.dispatchLive(subject, data)
	case strings.HasPrefix(subject, "sb.conversation."):
		var env envelope
		var ch conversation.Changed
		if json.Unmarshal(data, &env) != nil || json.Unmarshal(env.Data, &ch) != nil || ch.Conversation == nil {
			return
		}
		d := &delivery{meta: conversation.MetaOf(ch.Conversation), changed: &ch, event: subject[len("sb.conversation."):]}
		h.offer(env.TenantID, "", d, false)
	}
}

// offer queues d for the tenant's agents and, when toVisitors, for the
// customer's visitor sockets.
func (h *Hub) offer(tenantID, customerID string, d *delivery, toVisitors bool) {
	h.mu.RLock()
	targets := make([]*Client, 0, len(h.agents[tenantID])+1)
	for c := range h.agents[tenantID] {
		if d.refreshInboxes {
			c.refreshing.Store(true) // until the refresh, any inbox may be the agent's
		} else if d.meta.ID != "" && !c.mayCare(d.meta) {
			continue
		}
		targets = append(targets, c)
	}
	if toVisitors && customerID != "" {
		for c := range h.visitors[customerID] {
			if c.tenantID == tenantID {
				targets = append(targets, c)
			}
		}
	}
	h.mu.RUnlock()
	for _, c := range targets {
		c.offer(d)
	}
}

package realtime

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/routing"
)

// SubjectRoutingNotice is the prefix of the subject (then ".NODE", the
// sender) that carries routing's early notices (ADR 0017) to the hubs of
// the other nodes: core NATS, not stored, since the event follows.
const SubjectRoutingNotice = "sbx.routing_notice"

// routingNote is a routing event, or an early notice, on its way to
// agent sockets.
type routingNote struct {
	event    string // queued, offered, assigned, …, presence_changed; withdrawn (early only)
	item     *routing.ItemEvent
	presence *routing.PresenceEvent
	// early marks a notice sent before the change was written: only the
	// agent it names hears it, supervisors and visitors wait for the event.
	early bool
}

type noticeBatch struct {
	TenantID string           `json:"tenant_id"`
	Notices  []routing.Notice `json:"notices"`
}

// AnnounceRouting sends routing's early notices to the agents' sockets:
// this node's at once, the other nodes' over the bus. It is the routing
// engine's Announce and does not block.
func (h *Hub) AnnounceRouting(tenantID string, ns []routing.Notice) {
	h.deliverNotices(tenantID, ns)
	// If this fails, the event still brings the offer, later.
	h.toOtherNodes(SubjectRoutingNotice, tenantID, noticeBatch{TenantID: tenantID, Notices: ns})
}

// toOtherNodes publishes v on subject prefix.NODE for the other nodes'
// hubs; this node delivered it already.
func (h *Hub) toOtherNodes(prefix, tenantID string, v any) {
	data, err := json.Marshal(v)
	if err == nil {
		err = h.cfg.Bus.Publish(prefix+"."+h.node, data)
	}
	if err != nil {
		h.cfg.Logger.Warn("realtime: not sent to other nodes", "subject", prefix, "tenant_id", tenantID, "err", err)
	}
}

// fromOtherNode reports whether a prefix.NODE subject came from another
// node.
func (h *Hub) fromOtherNode(subject, prefix string) bool {
	return strings.TrimPrefix(subject, prefix+".") != h.node
}

// dispatchNotices takes another node's early notices from the bus.
func (h *Hub) dispatchNotices(subject string, data []byte) {
	var b noticeBatch
	if h.fromOtherNode(subject, SubjectRoutingNotice) && json.Unmarshal(data, &b) == nil {
		h.deliverNotices(b.TenantID, b.Notices)
	}
}

// SubjectRoutingLive is the prefix of the subject (then ".NODE") that
// carries a tenant's live routing state to the other nodes' hubs.
const SubjectRoutingLive = "sbx.routing_live"

// liveFrame pushes a tenant's live routing state to supervisors
// (docs/protocol/webchat.md, routing_state).
type liveFrame struct {
	Type     string `json:"type"` // routing_state
	TenantID string `json:"tenant_id"`
	*routing.LiveState
}

// PublishLive pushes a tenant's live routing state to the sockets of its
// supervisors on every node; it is the routing engine's Live and does not
// block.
func (h *Hub) PublishLive(tenantID string, s *routing.LiveState) {
	f := liveFrame{Type: "routing_state", TenantID: tenantID, LiveState: s}
	h.deliverLive(tenantID, mustJSON(f))
	h.toOtherNodes(SubjectRoutingLive, tenantID, f)
}

// dispatchLive takes another node's live state from the bus.
func (h *Hub) dispatchLive(subject string, data []byte) {
	var f struct {
		TenantID string `json:"tenant_id"`
	}
	if h.fromOtherNode(subject, SubjectRoutingLive) && json.Unmarshal(data, &f) == nil {
		h.deliverLive(f.TenantID, data)
	}
}

// deliverLive queues an encoded routing_state frame for the tenant's
// supervisors.
func (h *Hub) deliverLive(tenantID string, frame []byte) {
	d := &delivery{frame: frame}
	h.mu.RLock()
	targets := make([]*Client, 0, 4)
	for c := range h.agents[tenantID] {
		if c.principal.Can(permission.RoutingMonitor) {
			targets = append(targets, c)
		}
	}
	h.mu.RUnlock()
	for _, c := range targets {
		c.offer(d)
	}
}

// deliverNotices hands early notices to the sockets of the agents named.
func (h *Hub) deliverNotices(tenantID string, ns []routing.Notice) {
	for i := range ns {
		n := &ns[i]
		if n.Event.Item != nil {
			h.offerRouting(tenantID, &routingNote{event: string(n.Kind), item: &n.Event, early: true})
		}
	}
}

// offerFrame offers work to one agent (docs/protocol/webchat.md §6).
type offerFrame struct {
	Type           string        `json:"type"` // offer
	OfferID        string        `json:"offer_id"`
	ExpiresAt      time.Time     `json:"expires_at"`
	ConversationID string        `json:"conversation_id"`
	Item           *routing.Item `json:"item"`
}

// offerEndedFrame withdraws an offer from the agent's screen.
type offerEndedFrame struct {
	Type    string `json:"type"` // offer_ended
	OfferID string `json:"offer_id"`
	Reason  string `json:"reason"`
}

// workFrame tells an agent that work is theirs now.
type workFrame struct {
	Type           string        `json:"type"` // assigned
	ConversationID string        `json:"conversation_id"`
	Item           *routing.Item `json:"item"`
}

// routingFrame is the supervisors' feed of every routing change.
type routingFrame struct {
	Type     string                 `json:"type"` // routing
	Event    string                 `json:"event"`
	Item     *routing.ItemEvent     `json:"item,omitempty"`
	Presence *routing.PresenceEvent `json:"presence,omitempty"`
}

type presenceFrame struct {
	Type string `json:"type"` // presence
	*routing.PresenceEvent
}

// dispatchRouting decodes a routing event for the tenant's agent sockets.
func (h *Hub) dispatchRouting(subject string, data []byte) {
	var env struct {
		TenantID string          `json:"tenant_id"`
		Data     json.RawMessage `json:"data"`
	}
	if json.Unmarshal(data, &env) != nil {
		return
	}
	n := &routingNote{}
	if subject == routing.EventPresenceChanged {
		n.event, n.presence = "presence_changed", &routing.PresenceEvent{}
		if json.Unmarshal(env.Data, n.presence) != nil {
			return
		}
	} else {
		n.event, n.item = strings.TrimPrefix(subject, "sb.routing."), &routing.ItemEvent{}
		if json.Unmarshal(env.Data, n.item) != nil || n.item.Item == nil {
			return
		}
	}
	h.offerRouting(env.TenantID, n)
}

// offerRouting queues a routing note for the sockets it concerns — the
// agents it names and the tenant's supervisors — choosing them here so
// that the other agents' sockets are not woken for every routing change.
func (h *Hub) offerRouting(tenantID string, n *routingNote) {
	var who [3]string
	if n.item != nil {
		who[0], who[1] = n.item.Item.AgentID, n.item.PrevAgentID
	}
	if n.presence != nil {
		who[2] = n.presence.AgentID
	}
	d := &delivery{routing: n}
	h.mu.RLock()
	targets := make([]*Client, 0, 4)
	for c := range h.agents[tenantID] {
		id := c.principal.UserID
		named := id != "" && (id == who[0] || id == who[1] || id == who[2])
		if named || (!n.early && c.principal.Can(permission.RoutingMonitor)) {
			targets = append(targets, c)
		}
	}
	// The visitor whose conversation entered a queue hears of it, and asks
	// for the place in line (docs/protocol/webchat.md, "queue").
	if it := n.item; it != nil && !n.early && it.Item.CustomerID != "" && (n.event == "queued" || n.event == "requeued" || n.event == "moved") {
		for c := range h.visitors[it.Item.CustomerID] {
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

// queuedFrame tells a visitor that their conversation waits in a queue;
// the client asks for its place with a position frame.
type queuedFrame struct {
	Type           string `json:"type"` // queue
	ConversationID string `json:"conversation_id"`
	Waiting        bool   `json:"waiting"`
}

// routingFrames writes what a routing event means for this agent: an offer
// to them, the end of one, work assigned to them, their presence; and, for
// supervisors, the event itself.
func (c *Client) routingFrames(ctx context.Context, n *routingNote) error {
	if c.visitor() {
		if n.item != nil && n.item.Item.CustomerID == c.customerID {
			return c.Write(ctx, queuedFrame{Type: "queue", ConversationID: n.item.Item.Ref, Waiting: true})
		}
		return nil
	}
	me := c.principal.UserID
	var frames []any
	if it := n.item; it != nil {
		// An offer shown early is shown once, and one ended stays ended.
		if it.PrevAgentID == me && it.PrevOfferID != "" && c.offers.end(it.PrevOfferID) {
			reason := it.Reason
			if reason == "" {
				reason = n.event
			}
			frames = append(frames, offerEndedFrame{Type: "offer_ended", OfferID: it.PrevOfferID, Reason: reason})
		}
		switch {
		case n.event == "offered" && it.Item.AgentID == me && c.offers.show(it.Item.OfferID):
			frames = append(frames, offerFrame{Type: "offer", OfferID: it.Item.OfferID, ExpiresAt: it.Item.Expires,
				ConversationID: it.Item.Ref, Item: it.Item})
		case n.event == "assigned" && it.Item.AgentID == me:
			frames = append(frames, workFrame{Type: "assigned", ConversationID: it.Item.Ref, Item: it.Item})
		}
	}
	if p := n.presence; p != nil && p.AgentID == me {
		frames = append(frames, presenceFrame{Type: "presence", PresenceEvent: p})
	}
	if !n.early && c.principal.Can(permission.RoutingMonitor) {
		frames = append(frames, routingFrame{Type: "routing", Event: n.event, Item: n.item, Presence: n.presence})
	}
	for _, f := range frames {
		if err := c.Write(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// recentOffers is how many offers a socket remembers having shown or
// ended; an early notice and its event arrive well within that many.
const recentOffers = 64

// offerMemory remembers the recent offers of one agent socket, so that an
// offer announced early and again by its event is shown once, and an
// offer ended is not shown again. Owned by the delivery goroutine.
type offerMemory struct {
	ended map[string]bool // offer ID → ended (false: shown)
	ring  [recentOffers]string
	next  int
}

// show reports whether the offer is new to this socket, and remembers it.
func (m *offerMemory) show(id string) bool {
	if _, seen := m.ended[id]; seen {
		return false
	}
	m.remember(id, false)
	return true
}

// end reports whether the offer was not ended on this socket yet, and
// remembers it ended.
func (m *offerMemory) end(id string) bool {
	if ended, seen := m.ended[id]; seen {
		if ended {
			return false
		}
		m.ended[id] = true
		return true
	}
	m.remember(id, true)
	return true
}

func (m *offerMemory) remember(id string, ended bool) {
	if m.ended == nil {
		m.ended = make(map[string]bool, recentOffers)
	}
	if old := m.ring[m.next]; old != "" {
		delete(m.ended, old)
	}
	m.ring[m.next], m.next = id, (m.next+1)%recentOffers
	m.ended[id] = ended
}

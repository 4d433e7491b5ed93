package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/internal/bus"
	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/inbox"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/routing"
	"github.com/switchboardhq/switchboard/internal/skill"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/tenant"
)

// routingLeaseTTL is how long a dead node keeps its tenants in a cluster.
const routingLeaseTTL = 6 * time.Second

// wireRouting builds the routing engine and service. On PostgreSQL, where
// several nodes may share the database, each tenant is routed by one node
// elected with a NATS KV lease, and the others forward to it (ADR 0016).
func (a *App) wireRouting(ctx context.Context) error {
	st, o := a.Stores, a.opts
	inTx := store.BatchAs(a.batch, func(tx *store.Tx) routing.Tx { return tx })
	var cluster *routing.Cluster
	if a.engine.Dialect() == "postgres" {
		leases, err := a.Bus.Leases(ctx, "sb_routing_owners", routingLeaseTTL)
		if err != nil {
			return err
		}
		cluster = &routing.Cluster{Node: newNodeID(), Leases: leases, Forward: forwarder{a.Bus}, TTL: routingLeaseTTL}
	}
	a.routeEngine = routing.NewEngine(routing.EngineConfig{Store: st.Routing, InTx: inTx,
		Ownership: routing.StoreOwnership{Store: st.Routing}, Cluster: cluster,
		Tenants: st.Routing.ActiveTenants, Announce: a.hub.AnnounceRouting, Live: a.hub.PublishLive,
		Now: o.Now, NewID: o.NewID, Logger: a.log})
	a.Routing = routing.NewService(routing.ServiceConfig{Store: st.Routing, Engine: a.routeEngine,
		InTx: store.InTxAs(st, func(tx *store.Tx) routing.AdminTx { return tx }),
		SkillExists: func(ctx context.Context, tenantID, id string) (bool, error) {
			_, err := st.Skills.Get(ctx, tenantID, id)
			if errors.Is(err, skill.ErrNotFound) {
				return false, nil
			}
			return err == nil, err
		},
		Now: o.Now, NewID: o.NewID})
	return nil
}

func newNodeID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// forwarder carries routing commands between nodes as NATS requests on
// sbx.routing.NODE (ADR 0016); errors keep their code.
type forwarder struct{ bus *bus.Bus }

type forwardRequest struct {
	TenantID string           `json:"tenant_id"`
	Command  *routing.Command `json:"command"`
}

type forwardReply struct {
	Result  *routing.Result  `json:"result,omitempty"`
	Code    string           `json:"code,omitempty"`
	Message string           `json:"message,omitempty"`
	Details []errcode.Detail `json:"details,omitempty"`
}

// forwardWithin bounds a forwarded command, which waits for a commit.
const forwardWithin = 10 * time.Second

func (f forwarder) Forward(ctx context.Context, node, tenantID string, c *routing.Command) (*routing.Result, error) {
	data, err := json.Marshal(forwardRequest{TenantID: tenantID, Command: c})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, forwardWithin)
	defer cancel()
	out, err := f.bus.Request(ctx, "sbx.routing."+node, data)
	if errors.Is(err, bus.ErrNoResponders) {
		return nil, routing.ErrNotOwner // the holder is gone; its lease will expire
	}
	if err != nil {
		return nil, err
	}
	var r forwardReply
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("routing: forwarded reply: %w", err)
	}
	if r.Code != "" {
		code, ok := errcode.Lookup(r.Code)
		if !ok {
			code = errcode.Internal
		}
		return nil, &errcode.Error{Code: code, Message: r.Message, Details: r.Details}
	}
	if r.Result == nil {
		r.Result = &routing.Result{}
	}
	return r.Result, nil
}

func (f forwarder) Serve(node string, handle func(context.Context, string, *routing.Command) (*routing.Result, error)) (func(), error) {
	return f.bus.Reply("sbx.routing."+node, func(ctx context.Context, data []byte) []byte {
		var req forwardRequest
		var r forwardReply
		if err := json.Unmarshal(data, &req); err != nil || req.Command == nil {
			r.Code, r.Message = errcode.InvalidJSON.Name(), "undecodable routing command"
		} else if res, err := handle(ctx, req.TenantID, req.Command); err != nil {
			e := errcode.From(err)
			r.Code, r.Message, r.Details = e.Code.Name(), e.Message, e.Details
		} else {
			r.Result = res
		}
		out, _ := json.Marshal(r) // plain structs
		return out
	})
}

// RoutesTenant reports whether this node routes the tenant now.
func (a *App) RoutesTenant(tenantID string) bool { return a.routeEngine.Routes(tenantID) }

// chatRouting connects conversations and routing through the bus: a new
// conversation is routed, resolving or snoozing it ends its work, a
// person's assignment moves the work; routing's assignments become the
// conversation's assignee. Durable consumers make each hand-over happen
// at least once; both sides are idempotent.
// routingConsumers is how many routing events each node handles at once.
const routingConsumers = 64

type chatRouting struct {
	a     *App
	stops stoppers
	// channels caches each inbox's routing channel, which never changes.
	channels sync.Map // inbox ID → routing.Channel
}

func (c *chatRouting) Start(ctx context.Context) error {
	for _, sub := range []struct {
		durable, subject string
		fn               func(context.Context, []byte) error
	}{
		// Conversations are routed in parallel; each handler reads the
		// conversation's current state, so events of one conversation
		// may be handled out of order.
		{"sb_routing_conversations", "sb.conversation.>", c.conversationEvent},
		{"sb_routing_assignments", routing.EventAssigned, c.assignedEvent},
		{"sb_routing_users", "sb.user.>", c.reloadEvent},
		// A deleted skill removes every user's level in it.
		{"sb_routing_skills", event.SkillDeleted, c.reloadEvent},
	} {
		stop, err := c.a.Bus.ConsumeParallel(ctx, sub.durable, sub.subject, routingConsumers, sub.fn)
		if err != nil {
			c.Stop()
			return err
		}
		c.stops = append(c.stops, stop)
	}
	return nil
}

func (c *chatRouting) Stop() { c.stops.stop() }

type envelope[T any] struct {
	Subject  string    `json:"subject"`
	TenantID string    `json:"tenant_id"`
	At       time.Time `json:"at"`
	Data     T         `json:"data"`
}

func (c *chatRouting) conversationEvent(ctx context.Context, data []byte) error {
	var env envelope[conversation.Changed]
	if err := json.Unmarshal(data, &env); err != nil || env.Data.Conversation == nil {
		return nil // not ours to fix; the relay logs undecodable events
	}
	cv := env.Data.Conversation
	switch env.Subject {
	case conversation.EventCreated:
		return c.route(ctx, env.TenantID, cv, time.Time{})
	case conversation.EventStatusChanged:
		switch cv.Status {
		case conversation.StatusResolved, conversation.StatusSnoozed:
			now, err := c.a.Stores.Conversations.Get(ctx, env.TenantID, cv.ID)
			if err != nil || (now.Status != conversation.StatusResolved && now.Status != conversation.StatusSnoozed) {
				return ignoreGone(err) // reopened since: its work goes on
			}
			return c.a.Routing.End(ctx, env.TenantID, cv.ID, string(cv.Status))
		case conversation.StatusOpen:
			if env.Data.From == string(conversation.StatusResolved) || env.Data.From == string(conversation.StatusSnoozed) {
				return c.route(ctx, env.TenantID, cv, env.At) // reopened: new work
			}
		}
	case conversation.EventAssigned:
		switch {
		case env.Data.ActorID == "":
			// Routing's own assignment, made the conversation's.
		case cv.AssigneeID != "":
			return c.assigned(ctx, env.TenantID, cv)
		case env.Data.From != "" || env.Data.QueueID != "":
			return c.reroute(ctx, env.TenantID, cv.ID, env.Data.QueueID, env.At)
		}
	}
	return nil
}

// assigned moves the work to the agent a person assigned, unless the
// conversation went elsewhere since: events are handled out of order, and
// a later unassignment or transfer may have been routed already.
func (c *chatRouting) assigned(ctx context.Context, tenantID string, cv *conversation.Conversation) error {
	now, err := c.a.Stores.Conversations.Get(ctx, tenantID, cv.ID)
	if err != nil || now.AssigneeID != cv.AssigneeID {
		return ignoreGone(err)
	}
	return c.a.Routing.Assigned(ctx, tenantID, cv.ID, cv.AssigneeID)
}

// reroute gives back to routing a conversation that a person left without
// an assignee (at): its work with the agent ends, so their load drops, and
// it is routed anew, into queueID when it was transferred there. The new
// work counts from at, so a redelivered or overtaken event finds work as
// new as itself and changes nothing; work that waits for an agent already
// stays where it is, unless it was transferred to another queue.
func (c *chatRouting) reroute(ctx context.Context, tenantID, id, queueID string, at time.Time) error {
	cv, err := c.a.Stores.Conversations.Get(ctx, tenantID, id)
	if err != nil || cv.AssigneeID != "" || cv.Status == conversation.StatusResolved || cv.Status == conversation.StatusSnoozed {
		return ignoreGone(err) // assigned again, or no longer routed
	}
	it, err := c.a.Routing.Work(ctx, tenantID, id)
	switch {
	case errors.Is(err, routing.ErrItemNotFound):
	case err != nil:
		return err
	case !it.EnqueuedAt.Before(at):
		return nil
	case it.Status != routing.Assigned && (queueID == "" || queueID == it.QueueID):
		return nil
	default:
		reason := "unassigned"
		if queueID != "" {
			reason = "transferred"
		}
		if err := c.a.Routing.End(ctx, tenantID, id, reason); err != nil {
			return err
		}
	}
	// The customer's last agent is the one just relieved of it: no sticky.
	err = c.enqueue(ctx, tenantID, cv, routing.Work{QueueID: queueID, At: at, StickyKnown: true})
	if errors.Is(err, routing.ErrActiveItem) {
		return nil // routed meanwhile by another delivery
	}
	return err
}

// ignoreGone drops a conversation that no longer exists.
func ignoreGone(err error) error {
	if errors.Is(err, conversation.ErrNotFound) {
		return nil
	}
	return err
}

// route sends a conversation to its queue; a conversation already routed
// (a redelivered event) is left as it is. A conversation reopened at
// reopenedAt keeps its agent if they are there (routing counts it in their
// load), else it waits for them or the next agent free.
func (c *chatRouting) route(ctx context.Context, tenantID string, cv *conversation.Conversation, reopenedAt time.Time) error {
	reopened := !reopenedAt.IsZero()
	// The current state decides, not the event's: a conversation resolved
	// meanwhile, or a new one a person assigned, is not routed.
	cv, err := c.a.Stores.Conversations.Get(ctx, tenantID, cv.ID)
	if errors.Is(err, conversation.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if (cv.AssigneeID != "" && !reopened) || cv.Status == conversation.StatusResolved || cv.Status == conversation.StatusSnoozed {
		return nil
	}
	err = c.enqueue(ctx, tenantID, cv, routing.Work{Assignee: cv.AssigneeID, At: c.a.opts.Now()})
	if errors.Is(err, routing.ErrActiveItem) && reopened {
		return c.replaceStale(ctx, tenantID, cv, reopenedAt)
	}
	if errors.Is(err, routing.ErrActiveItem) {
		return nil
	}
	return err
}

// enqueue routes cv as w, which brings its assignee, time and forced
// queue.
func (c *chatRouting) enqueue(ctx context.Context, tenantID string, cv *conversation.Conversation, w routing.Work) error {
	ch, err := c.channel(ctx, tenantID, cv.InboxID)
	if errors.Is(err, inbox.ErrNotFound) {
		return nil // deleted since
	}
	if err != nil {
		return err
	}
	w.TenantID, w.InboxID, w.Channel, w.Ref, w.CustomerID = tenantID, cv.InboxID, ch, cv.ID, cv.CustomerID
	if err := c.customerFacts(ctx, tenantID, &w); err != nil {
		return err
	}
	_, err = c.a.Routing.Route(ctx, &w)
	return err
}

// customerFacts gives the queue rules the customer's tier, tags and
// attributes (customer.tier == "vip"). A customer that is gone routes
// without them.
func (c *chatRouting) customerFacts(ctx context.Context, tenantID string, w *routing.Work) error {
	cu, err := c.a.Stores.Customers.Get(ctx, tenantID, w.CustomerID)
	if errors.Is(err, customer.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	w.CustomerTier, w.CustomerTags = cu.Tier, cu.Tags
	if len(cu.Attributes) > 0 {
		w.CustomerAttributes = make(map[string]string, len(cu.Attributes))
		for k, v := range cu.Attributes {
			w.CustomerAttributes[k] = customer.AttributeText(v)
		}
	}
	return nil
}

// replaceStale handles a reopened conversation whose earlier work is still
// active: its resolve was handled after the reopen (events of a
// conversation are handled in parallel) and so left the work running.
// Work from before the reopen is ended and the conversation routed anew;
// work from after it is this event's own, routed on an earlier delivery.
func (c *chatRouting) replaceStale(ctx context.Context, tenantID string, cv *conversation.Conversation, reopenedAt time.Time) error {
	it, err := c.a.Routing.Work(ctx, tenantID, cv.ID)
	if errors.Is(err, routing.ErrItemNotFound) {
		return errors.New("routing: work ended meanwhile; route again") // redelivered
	}
	if err != nil || !it.EnqueuedAt.Before(reopenedAt) {
		return err
	}
	if err := c.a.Routing.End(ctx, tenantID, cv.ID, "reopened"); err != nil {
		return err
	}
	return c.route(ctx, tenantID, cv, reopenedAt)
}

// channel returns the routing channel of an inbox.
func (c *chatRouting) channel(ctx context.Context, tenantID, inboxID string) (routing.Channel, error) {
	if ch, ok := c.channels.Load(inboxID); ok {
		return ch.(routing.Channel), nil
	}
	in, err := c.a.Stores.Inboxes.Get(ctx, tenantID, inboxID)
	if err != nil {
		return "", err
	}
	ch := channelOf(in)
	c.channels.Store(inboxID, ch)
	return ch, nil
}

func channelOf(in *inbox.Inbox) routing.Channel {
	switch in.Channel {
	case inbox.ChannelVoice:
		return routing.ChannelVoice
	case inbox.ChannelEmail:
		return routing.ChannelEmail
	}
	return routing.ChannelChat
}

// assignedEvent makes routing's assignee the conversation's.
func (c *chatRouting) assignedEvent(ctx context.Context, data []byte) error {
	var env envelope[routing.ItemEvent]
	if err := json.Unmarshal(data, &env); err != nil || env.Data.Item == nil {
		return nil
	}
	it := env.Data.Item
	if env.Data.Reason == "direct" {
		return nil // a person assigned it; the conversation has it already
	}
	sys := &permission.Principal{TenantID: env.TenantID, Perms: permission.NewSet(permission.ConversationsRead,
		permission.ConversationsWrite, permission.ConversationsReadAll)}
	_, err := c.a.Conversations.Assign(ctx, sys, it.Ref, conversation.AssignParams{AssigneeID: &it.AgentID})
	if errors.Is(err, conversation.ErrNotFound) {
		return nil
	}
	return err
}

// reloadEvent has routing reload when a user was created or deleted, or
// their skills, capacity, role or status changed, or a skill was deleted.
func (c *chatRouting) reloadEvent(ctx context.Context, data []byte) error {
	var env envelope[event.Change]
	if err := json.Unmarshal(data, &env); err != nil || env.TenantID == "" {
		return nil
	}
	if _, err := c.a.Stores.Tenants.Get(ctx, env.TenantID); errors.Is(err, tenant.ErrNotFound) {
		return nil // deleted since, or another deployment's tenant on a shared NATS
	} else if err != nil {
		return err
	}
	return c.a.Routing.Reload(ctx, env.TenantID)
}

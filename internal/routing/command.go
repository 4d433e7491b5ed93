package routing

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// Op names a command to a tenant's dispatcher.
type Op string

// The commands. They are plain data so that a node which does not route a
// tenant can forward them to the node that does (ADR 0016).
const (
	OpEnqueue    Op = "enqueue"
	OpRoute      Op = "route" // new work: choose its queue by the rules, then enqueue
	OpAccept     Op = "accept"
	OpDecline    Op = "decline"
	OpPresence   Op = "presence"
	OpAssign     Op = "assign"
	OpTransfer   Op = "transfer"
	OpEnd        Op = "end"
	OpReload     Op = "reload" // settings, queues or agents changed: rebuild from the store
	OpQueueStats Op = "queue_stats"
	OpAgentState Op = "agent_state"
	OpAgents     Op = "agents"
	OpPosition   Op = "position"
	OpItem       Op = "item"
)

// Command is one request to a tenant's routing.
type Command struct {
	Op       Op       `json:"op"`
	Item     *Item    `json:"item,omitempty"`
	Ref      string   `json:"ref,omitempty"`
	OfferID  string   `json:"offer_id,omitempty"`
	UserID   string   `json:"user_id,omitempty"`
	QueueID  string   `json:"queue_id,omitempty"`
	Presence Presence `json:"presence,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	Force    bool     `json:"force,omitempty"`
	Work     *Work    `json:"work,omitempty"`
}

// Result is what a command returns besides its effects.
type Result struct {
	Effects  []Effect      `json:"-"`
	Item     *Item         `json:"item,omitempty"`
	Stats    []*QueueStats `json:"stats,omitempty"`
	Agent    *AgentView    `json:"agent,omitempty"`
	Agents   []*AgentView  `json:"agents,omitempty"`
	Position *Position     `json:"position,omitempty"`
	// StickySince asks OpRoute's caller for the customer's last agent
	// since then, to route again with it.
	StickySince *time.Time `json:"sticky_since,omitempty"`
}

// apply runs a command against the board.
func (b *Board) apply(c *Command, now time.Time) (*Result, error) {
	res := &Result{}
	var err error
	switch c.Op {
	case OpEnqueue:
		res.Effects, err = b.Enqueue(cloneItem(c.Item), now)
	case OpRoute:
		return b.route(c.Work, now)
	case OpAccept:
		res.Effects, err = b.Accept(c.OfferID, c.UserID, now)
	case OpDecline:
		res.Effects, err = b.Decline(c.OfferID, c.UserID, now)
	case OpPresence:
		if b.agents[c.UserID] == nil {
			return nil, ErrAgentNotFound
		}
		res.Effects = b.SetPresence(c.UserID, c.Presence, c.Reason, now)
	case OpAssign:
		res.Effects, err = b.Assign(c.Ref, c.UserID, c.Force, now)
	case OpTransfer:
		res.Effects, err = b.Transfer(c.Ref, c.QueueID, now)
	case OpEnd:
		res.Effects = b.End(c.Ref, c.Reason, now)
	default:
		return b.query(c, now)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case c.Op == OpAccept || c.Op == OpDecline:
		res.Item = answered(res.Effects)
	case c.Ref != "":
		res.Item, _ = b.Item(c.Ref)
	case c.Item != nil:
		res.Item, _ = b.Item(c.Item.Ref)
		if res.Item == nil {
			res.Item = cloneItem(c.Item) // ended at once (e.g. its queue went)
		}
	}
	return res, nil
}

// answered returns the item an accept or decline acted on, as it was
// right after the answer.
func answered(fx []Effect) *Item {
	for _, e := range fx {
		if e.Item != nil && (e.Kind == EffectAssigned || e.Kind == EffectRequeued) {
			return e.Item
		}
	}
	return nil
}

// query answers the read-only commands.
func (b *Board) query(c *Command, now time.Time) (*Result, error) {
	res := &Result{}
	switch c.Op {
	case OpQueueStats:
		ids := []string{c.QueueID}
		if c.QueueID == "" {
			ids = b.order
		}
		for _, id := range ids {
			st, err := b.QueueStats(id, now)
			if err != nil {
				return nil, err
			}
			res.Stats = append(res.Stats, st)
		}
	case OpAgentState:
		if b.agents[c.UserID] == nil {
			return nil, ErrAgentNotFound
		}
		res.Agent = b.agentView(c.UserID)
	case OpAgents:
		for _, id := range slices.Sorted(maps.Keys(b.agents)) {
			res.Agents = append(res.Agents, b.agentView(id))
		}
	case OpPosition:
		p, ok := b.Position(c.Ref, now)
		if !ok {
			return nil, ErrItemNotFound
		}
		res.Position = p
	case OpItem:
		it, ok := b.Item(c.Ref)
		if !ok {
			return nil, ErrItemNotFound
		}
		res.Item = it
	default:
		return nil, fmt.Errorf("routing: unknown command %q", c.Op)
	}
	return res, nil
}

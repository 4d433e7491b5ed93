package routing

import (
	"time"

	"github.com/switchboardhq/switchboard/internal/event"
)

// Event subjects. Every change of an item or of an agent's presence is an
// event; KPIs (queued, offered, answered, abandoned, wait and handle times)
// are computed from them.
const (
	EventQueued          = "sb.routing.queued"
	EventOffered         = "sb.routing.offered"
	EventAssigned        = "sb.routing.assigned"
	EventRequeued        = "sb.routing.requeued"
	EventMoved           = "sb.routing.moved"
	EventAbandoned       = "sb.routing.abandoned"
	EventCompleted       = "sb.routing.completed"
	EventPresenceChanged = "sb.agent.presence_changed"
)

// ItemEvent is the body of the sb.routing.* events.
type ItemEvent struct {
	Item *Item `json:"item"`
	// Reason explains requeues, moves and ends (declined, offer_timeout,
	// agent_unavailable, overflow, transferred, max_wait, resolved …).
	Reason    string `json:"reason,omitempty"`
	FromQueue string `json:"from_queue_id,omitempty"`
	// WaitSeconds is how long the customer had waited at this event.
	WaitSeconds float64 `json:"wait_seconds"`
	// PrevAgentID and PrevOfferID name the offer or assignment this
	// change took from an agent.
	PrevAgentID string `json:"prev_agent_id,omitempty"`
	PrevOfferID string `json:"prev_offer_id,omitempty"`
}

// PresenceEvent is the body of sb.agent.presence_changed.
type PresenceEvent struct {
	AgentID  string    `json:"agent_id"`
	Presence Presence  `json:"presence"`
	Reason   string    `json:"reason,omitempty"`
	Since    time.Time `json:"since"`
}

// subject returns the event subject announcing an effect.
func subject(k EffectKind) string {
	switch k {
	case EffectQueued:
		return EventQueued
	case EffectOffered:
		return EventOffered
	case EffectAssigned:
		return EventAssigned
	case EffectRequeued:
		return EventRequeued
	case EffectMoved:
		return EventMoved
	case EffectAbandoned:
		return EventAbandoned
	case EffectCompleted:
		return EventCompleted
	}
	return EventPresenceChanged
}

// Events turns effects into the events that announce them.
func Events(tenantID string, fx []Effect, now time.Time) []event.Event {
	out := make([]event.Event, 0, len(fx))
	for _, e := range fx {
		ev := event.Event{Subject: subject(e.Kind), TenantID: tenantID, At: now}
		if e.Item != nil {
			ev.Data = itemEvent(e, now)
		} else {
			ev.Data = PresenceEvent{AgentID: e.Agent.UserID, Presence: e.Agent.Presence, Reason: e.Reason, Since: e.Agent.Since}
		}
		out = append(out, ev)
	}
	return out
}

// itemEvent describes an effect on an item.
func itemEvent(e Effect, now time.Time) ItemEvent {
	wait := now
	if !e.Item.AssignedAt.IsZero() {
		wait = e.Item.AssignedAt
	}
	return ItemEvent{Item: e.Item, Reason: e.Reason, FromQueue: e.FromQueue,
		WaitSeconds: wait.Sub(e.Item.EnqueuedAt).Seconds(), PrevAgentID: e.PrevAgent, PrevOfferID: e.PrevOffer}
}

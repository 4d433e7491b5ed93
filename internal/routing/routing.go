// Package routing is Switchboard's automatic call distributor: one engine
// that routes every kind of work — chats now; calls, emails and tasks later —
// to the best available agent by skills, load and presence.
//
// The package has three layers (ADR 0015):
//
//   - match.go: the matching core, pure and deterministic functions of
//     (work item, queue, agents, clock) → decision, tested with tables and
//     golden files.
//   - board.go: the routing state of one tenant in memory (queues, agents,
//     waiting and offered items, timers) as a synchronous state machine. Every
//     call returns the effects to persist and announce; it never blocks,
//     never does I/O and keeps the invariants (no agent above capacity, no
//     item assigned twice) by construction, which the randomized tests check
//     after every step.
//   - dispatcher.go: one goroutine per tenant that owns a Board, persists
//     effects through a Store before they are announced, runs the timers and
//     rebuilds the board from the Store after a restart.
package routing

import (
	"time"

	"github.com/switchboardhq/switchboard/internal/calendar"
)

// Channel is a kind of work; agents have a capacity per channel.
type Channel string

// The channels routing knows.
const (
	ChannelChat  Channel = "chat"
	ChannelVoice Channel = "voice"
	ChannelEmail Channel = "email"
	ChannelTask  Channel = "task"
)

// Channels lists every channel, in display order. An array, so the board's
// per-assignment loops over it allocate nothing.
func Channels() [4]Channel { return [4]Channel{ChannelChat, ChannelVoice, ChannelEmail, ChannelTask} }

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	switch c {
	case ChannelChat, ChannelVoice, ChannelEmail, ChannelTask:
		return true
	}
	return false
}

// DefaultCapacity is a new agent's capacity per channel.
func DefaultCapacity() map[Channel]int {
	return map[Channel]int{ChannelChat: 3, ChannelVoice: 1, ChannelEmail: 5, ChannelTask: 5}
}

// Strategy chooses among the agents who may take an item.
type Strategy string

// The routing strategies. Every strategy breaks ties by the agent's ID so a
// decision is reproducible.
const (
	// LongestIdle prefers the agent who has waited longest for work.
	LongestIdle Strategy = "longest_idle"
	// LeastOccupied prefers the agent with the smallest share of their
	// capacity in use.
	LeastOccupied Strategy = "least_occupied"
	// RoundRobin prefers the agent offered work longest ago.
	RoundRobin Strategy = "round_robin"
	// MostSkilled prefers the highest total level in the queue's skills.
	MostSkilled Strategy = "most_skilled"
)

// Valid reports whether s is a known strategy.
func (s Strategy) Valid() bool {
	switch s {
	case LongestIdle, LeastOccupied, RoundRobin, MostSkilled:
		return true
	}
	return false
}

// SkillReq is a queue's requirement: the skill at a minimum level (1–5).
type SkillReq struct {
	SkillID  string `json:"skill_id"`
	MinLevel int    `json:"min_level"`
}

// OverflowAction is what an overflow rule does once an item has waited long
// enough in its queue.
type OverflowAction string

// The overflow actions.
const (
	// RelaxSkills lowers every required level by Levels (at least 1 remains;
	// Levels 0 drops the requirements altogether).
	RelaxSkills OverflowAction = "relax_skills"
	// AddAgents also offers the item to agents who qualify for QueueID.
	AddAgents OverflowAction = "add_agents"
	// MoveToQueue moves the item to QueueID; it keeps its place in time.
	MoveToQueue OverflowAction = "move_to_queue"
)

// Overflow is one rule of a queue's overflow ladder.
type Overflow struct {
	AfterSeconds int            `json:"after_seconds"`
	Action       OverflowAction `json:"action"`
	QueueID      string         `json:"queue_id,omitempty"`
	Levels       int            `json:"levels,omitempty"`
}

// ServiceLevel is a queue's answer target: Percent of items answered (an
// offer accepted) within Seconds of entering the queue.
type ServiceLevel struct {
	Percent int `json:"percent"`
	Seconds int `json:"seconds"`
}

// Queue holds the routing settings of one queue. Durations are whole
// seconds, as the API and the store carry them.
type Queue struct {
	ID       string     `json:"id"`
	TenantID string     `json:"tenant_id"`
	Name     string     `json:"name"`
	Skills   []SkillReq `json:"skills"`
	// Priority orders work across queues: an agent free for several queues
	// takes the higher priority first. Items inherit it.
	Priority int      `json:"priority"`
	Strategy Strategy `json:"strategy"`
	// AutoAccept assigns without waiting for the agent to accept.
	AutoAccept          bool `json:"auto_accept"`
	OfferTimeoutSeconds int  `json:"offer_timeout_seconds"`
	// MaxWaitSeconds ends an item's wait as abandoned (reason max_wait);
	// 0 waits without limit.
	MaxWaitSeconds int `json:"max_wait_seconds"`
	// WrapUpSeconds is the after-work time an agent gets when an item of
	// this queue ends; no offers arrive meanwhile.
	WrapUpSeconds int        `json:"wrap_up_seconds"`
	Overflow      []Overflow `json:"overflow"`
	// StickySeconds prefers the agent who last served the customer within
	// this time, if that agent is free; 0 is off.
	StickySeconds int          `json:"sticky_seconds"`
	ServiceLevel  ServiceLevel `json:"service_level"`
	// MissedOfferAway sets an agent away (reason missed_offer) whose offer
	// timed out.
	MissedOfferAway bool `json:"missed_offer_away"`
	// AlternativesAfterSeconds is the expected wait beyond which a waiting
	// customer is offered alternatives (leave a message, call back); 0 never.
	AlternativesAfterSeconds int `json:"alternatives_after_seconds"`
	// Hours are the business hours; nil is always open. A closed queue
	// keeps its items but makes no offers.
	Hours *calendar.Hours `json:"hours"`
	// Open reports whether the queue is within its hours; set from Hours
	// by Prepare. Nil is always open.
	Open      func(time.Time) bool `json:"-"`
	CreatedAt time.Time            `json:"created_at"`
	UpdatedAt time.Time            `json:"updated_at"`
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

// IsOpen reports whether the queue makes offers at now.
func (q *Queue) IsOpen(now time.Time) bool { return q.Open == nil || q.Open(now) }

// Presence is an agent's chosen availability. Busy is not a presence: it is
// derived from load (see AgentState.Busy).
type Presence string

// The presences. A new agent starts offline.
const (
	Offline   Presence = "offline"
	Available Presence = "available"
	Away      Presence = "away"
	// AfterWork is wrap-up time after an item ended; it returns to
	// available by itself.
	AfterWork Presence = "after_work"
)

// ReasonMissedOffer is the away reason routing sets when an offer times out.
const ReasonMissedOffer = "missed_offer"

// Agent is the routing view of one user.
type Agent struct {
	UserID   string    `json:"user_id"`
	Presence Presence  `json:"presence"`
	Reason   string    `json:"reason,omitempty"`
	Since    time.Time `json:"since"`
	// WrapUntil ends after-work.
	WrapUntil time.Time       `json:"wrap_until,omitzero"`
	Skills    map[string]int  `json:"-"`
	Capacity  map[Channel]int `json:"capacity"`
	// Load counts assigned and offered items per channel.
	Load map[Channel]int `json:"load"`
	// IdleSince is when the agent last became free of work: available,
	// or an item ended. LongestIdle orders by it.
	IdleSince time.Time `json:"idle_since"`
	// LastOffer is when the agent was last offered work (RoundRobin).
	LastOffer time.Time `json:"-"`
}

// AgentView is an agent's routing state with the offers open to them.
type AgentView struct {
	*Agent
	Offers []*Item `json:"offers"`
}

// Status is a work item's routing state.
type Status string

// The item states. Queued and offered items are waiting; assigned ones hold
// an agent's capacity until they end.
const (
	Queued    Status = "queued"
	Offered   Status = "offered"
	Assigned  Status = "assigned"
	Completed Status = "completed"
	Abandoned Status = "abandoned"
)

// Item is one piece of work to route.
type Item struct {
	ID       string  `json:"id"`
	TenantID string  `json:"tenant_id"`
	QueueID  string  `json:"queue_id"`
	Channel  Channel `json:"channel"`
	// Ref is the routed object, e.g. a conversation ID; at most one active
	// item per Ref.
	Ref        string            `json:"ref"`
	CustomerID string            `json:"customer_id,omitempty"`
	Priority   int               `json:"priority"`
	Attributes map[string]string `json:"attributes,omitempty"`
	// EnqueuedAt is when the item entered routing; the position among
	// equal priorities and the customer's wait count from it, across
	// moves, declines and restarts.
	EnqueuedAt time.Time `json:"enqueued_at"`
	// QueuedAt is when it entered its current queue; overflow rules and
	// the service level count from it.
	QueuedAt time.Time `json:"queued_at"`
	Status   Status    `json:"status"`
	AgentID  string    `json:"agent_id,omitempty"`
	OfferID  string    `json:"offer_id,omitempty"`
	// OfferedAt and Expires frame the current offer.
	OfferedAt time.Time `json:"offered_at,omitzero"`
	Expires   time.Time `json:"expires_at,omitzero"`
	// Declined lists agents who declined or let an offer lapse; they are
	// not offered this item again.
	Declined []string `json:"declined,omitempty"`
	// Sticky is the agent preferred for this item (set at enqueue).
	Sticky     string    `json:"sticky_agent_id,omitempty"`
	AssignedAt time.Time `json:"assigned_at,omitzero"`
	EndedAt    time.Time `json:"ended_at,omitzero"`
	EndReason  string    `json:"end_reason,omitempty"`
	// Forced marks an assignment above the agent's capacity made by a
	// person (or kept when the capacity was lowered).
	Forced bool `json:"forced,omitempty"`
}

// Waiting reports whether the item still waits for an agent.
func (it *Item) Waiting() bool { return it.Status == Queued || it.Status == Offered }

// Active reports whether the item has not ended.
func (it *Item) Active() bool { return it.Waiting() || it.Status == Assigned }

// Settings are a tenant's routing settings.
type Settings struct {
	// VoiceBlocksChats stops chat, email and task offers to an agent on a
	// call.
	VoiceBlocksChats bool
	// Location is the tenant's time zone: "today" in queue statistics is
	// its calendar day. Nil is UTC.
	Location *time.Location
}

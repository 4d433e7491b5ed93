package routing

import (
	"maps"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/internal/errcode"
)

// Errors returned by the board and the dispatcher.
var (
	ErrItemNotFound  = errcode.New(errcode.NotFound, "work item not found")
	ErrOfferGone     = errcode.New(errcode.OfferGone, "the offer was withdrawn, has expired or was answered")
	ErrOfferNotFound = errcode.New(errcode.NotFound, "offer not found")
	ErrAgentNotFound = errcode.New(errcode.NotFound, "agent not found")
	ErrQueueNotFound = errcode.New(errcode.NotFound, "queue not found")
	ErrAtCapacity    = errcode.New(errcode.AtCapacity, "the agent has no free capacity for this channel")
	ErrActiveItem    = errcode.New(errcode.Conflict, "this work is already being routed")
)

// DefaultOfferTimeout applies when a queue sets none.
const DefaultOfferTimeout = 30 * time.Second

// EffectKind names a change the board made.
type EffectKind string

// The effects. Each becomes a stored change and an event (dispatcher.go).
const (
	EffectQueued    EffectKind = "queued"
	EffectOffered   EffectKind = "offered"
	EffectAssigned  EffectKind = "assigned"
	EffectRequeued  EffectKind = "requeued"
	EffectMoved     EffectKind = "moved"
	EffectAbandoned EffectKind = "abandoned"
	EffectCompleted EffectKind = "completed"
	EffectPresence  EffectKind = "presence"
)

// Effect is one change, with a snapshot of what changed.
type Effect struct {
	Kind EffectKind
	// Item is a copy of the item after the change (nil for presence).
	Item *Item
	// Agent is a copy of the agent after a presence change (nil otherwise).
	Agent *Agent
	// Reason explains requeues, abandons and presence changes.
	Reason string
	// FromQueue is the previous queue of a moved item.
	FromQueue string
	// PrevAgent and PrevOffer name an offer (or assignment, without an
	// offer ID) this change took from an agent, so their screen can drop it.
	PrevAgent, PrevOffer string
}

// Board is the routing state of one tenant. It is not safe for concurrent
// use: the dispatcher owns it from one goroutine.
type Board struct {
	settings Settings
	newID    func() string

	queues  map[string]*Queue
	agents  map[string]*Agent
	entries map[string]*entry // active items by ID
	byRef   map[string]*entry
	offers  map[string]*entry // offered items by offer ID
	// closed and closedOrder remember recently closed offers (offer ID →
	// agent), oldest first.
	closed      map[string]string
	closedOrder []string
	waiting     map[string]*waitList
	// rules and inboxQueues choose the queue of new work (intake.go).
	rules       []*Rule
	inboxQueues map[string]string
	// free indexes the agents who may take more work of a channel, so an
	// arriving item scans only them.
	free   map[Channel]map[string]*Agent
	timers timerHeap
	stats  map[string]*queueStats
	// order lists the queue IDs sorted, for deterministic walks.
	order []string
	gen   uint64
	// wasOpen is each queue's business-hours state at the last tick.
	wasOpen map[string]bool
}

// NewBoard returns an empty board. newID makes offer IDs.
func NewBoard(s Settings, newID func() string) *Board {
	return &Board{settings: s, newID: newID, queues: map[string]*Queue{}, agents: map[string]*Agent{},
		entries: map[string]*entry{}, byRef: map[string]*entry{}, offers: map[string]*entry{}, closed: map[string]string{},
		waiting: map[string]*waitList{}, free: map[Channel]map[string]*Agent{}, stats: map[string]*queueStats{},
		wasOpen: map[string]bool{}}
}

// SetQueue adds or replaces a queue and routes what it now allows.
func (b *Board) SetQueue(q *Queue, now time.Time) []Effect {
	b.addQueue(q)
	for _, e := range b.entries {
		if e.it.QueueID == q.ID && e.it.Status == Queued {
			b.scheduleItem(e, now)
		}
	}
	return b.matchAll(now)
}

// Queue returns the queue with id.
func (b *Board) Queue(id string) *Queue { return b.queues[id] }

// SetAgent adds or updates an agent's skills and capacity; presence and
// load stay the board's. A new agent starts offline.
func (b *Board) SetAgent(userID string, skills map[string]int, capacity map[Channel]int, now time.Time) []Effect {
	a := b.agents[userID]
	if a == nil {
		a = &Agent{UserID: userID, Presence: Offline, Since: now, Load: map[Channel]int{}, IdleSince: now}
		b.agents[userID] = a
	}
	a.Skills, a.Capacity = maps.Clone(skills), maps.Clone(capacity)
	if a.Capacity == nil {
		a.Capacity = DefaultCapacity()
	}
	b.keepExcess(a)
	b.reindex(a, now)
	return b.matchAgent(a, now)
}

// keepExcess lets an agent whose capacity was lowered keep the work they
// hold: the newest items above the new capacity count as forced, so the
// agent gets nothing new until the load is back under it.
func (b *Board) keepExcess(a *Agent) {
	var held []*entry
	for _, e := range b.entries {
		if e.it.AgentID == a.UserID && (e.it.Status == Offered || e.it.Status == Assigned) {
			held = append(held, e)
		}
	}
	if len(held) == 0 {
		return
	}
	slices.SortFunc(held, func(x, y *entry) int { return compareIDs(y.it.ID, x.it.ID) }) // newest first
	for _, ch := range Channels() {
		load, forced := 0, 0
		for _, e := range held {
			if e.it.Channel == ch {
				load++
				if e.it.Forced {
					forced++
				}
			}
		}
		for _, e := range held {
			if load-forced <= a.Capacity[ch] {
				break
			}
			if e.it.Channel == ch && !e.it.Forced {
				e.it.Forced = true
				forced++
			}
		}
	}
}

// Agent returns a copy of the agent's state.
func (b *Board) Agent(userID string) (*Agent, bool) {
	a := b.agents[userID]
	if a == nil {
		return nil, false
	}
	return cloneAgent(a), true
}

// SetPresence changes an agent's presence. Leaving available withdraws the
// agent's open offers (their items go back to their place); becoming
// available pulls waiting work.
func (b *Board) SetPresence(userID string, p Presence, reason string, now time.Time) []Effect {
	a := b.agents[userID]
	if a == nil {
		return nil
	}
	if a.Presence == p && a.Reason == reason {
		return nil
	}
	if p == Available && a.Presence != AfterWork {
		a.IdleSince = now
	}
	a.Presence, a.Reason, a.Since, a.WrapUntil = p, reason, now, time.Time{}
	fx := []Effect{{Kind: EffectPresence, Agent: cloneAgent(a), Reason: reason}}
	if p != Available {
		for _, e := range b.offersTo(userID) {
			fx = append(fx, b.requeue(e, "agent_unavailable", false, now)...)
		}
	}
	b.reindex(a, now)
	return append(fx, b.matchAgent(a, now)...)
}

// Enqueue adds a new item to its queue and routes it. The item's ID, Ref,
// QueueID, Channel and EnqueuedAt must be set.
func (b *Board) Enqueue(it *Item, now time.Time) ([]Effect, error) {
	e, err := b.insert(it, now)
	if err != nil {
		return nil, err
	}
	fx := []Effect{{Kind: EffectQueued, Item: cloneItem(it)}}
	return append(fx, b.matchItem(e, now)...), nil
}

// insert puts a new item in its queue's waiting list.
func (b *Board) insert(it *Item, now time.Time) (*entry, error) {
	q := b.queues[it.QueueID]
	if q == nil {
		return nil, ErrQueueNotFound
	}
	if _, dup := b.byRef[it.Ref]; dup {
		return nil, ErrActiveItem
	}
	it.Status, it.TenantID = Queued, q.TenantID
	if it.QueuedAt.IsZero() {
		it.QueuedAt = now
	}
	if it.Priority == 0 {
		it.Priority = q.Priority
	}
	e := &entry{it: it}
	b.entries[it.ID], b.byRef[it.Ref] = e, e
	b.waiting[q.ID].insert(e)
	b.scheduleItem(e, now)
	return e, nil
}

// Accept assigns an offered item to the agent it was offered to.
func (b *Board) Accept(offerID, userID string, now time.Time) ([]Effect, error) {
	e, err := b.openOffer(offerID, userID)
	if err != nil {
		return nil, err
	}
	b.closeOffer(offerID, userID)
	b.assigned(e, now)
	return []Effect{{Kind: EffectAssigned, Item: cloneItem(e.it)}}, nil
}

// Decline returns an offered item to its place; the agent is not offered
// it again.
func (b *Board) Decline(offerID, userID string, now time.Time) ([]Effect, error) {
	e, err := b.openOffer(offerID, userID)
	if err != nil {
		return nil, err
	}
	return b.requeue(e, "declined", true, now), nil
}

// Assign gives the item for ref to an agent directly (a supervisor's or
// agent's own choice), withdrawing any offer. Force allows going above the
// agent's capacity; the engine itself never does.
func (b *Board) Assign(ref, userID string, force bool, now time.Time) ([]Effect, error) {
	e := b.byRef[ref]
	if e == nil {
		return nil, ErrItemNotFound
	}
	a := b.agents[userID]
	if a == nil {
		return nil, ErrAgentNotFound
	}
	if e.it.Status == Assigned && e.it.AgentID == userID {
		return nil, nil
	}
	ch := e.it.Channel
	load := a.Load[ch]
	if e.it.AgentID == userID {
		load-- // an offer to this agent becomes the assignment
	}
	if !force && load >= a.Capacity[ch] {
		return nil, ErrAtCapacity
	}
	prevAgent, prevOffer := e.it.AgentID, e.it.OfferID
	prev := b.detach(e, now)
	e.it.Forced = a.Load[ch] >= a.Capacity[ch]
	e.it.AgentID = userID
	a.Load[ch]++
	b.assigned(e, now)
	b.reindex(a, now)
	fx := []Effect{{Kind: EffectAssigned, Item: cloneItem(e.it), Reason: "direct",
		PrevAgent: prevAgent, PrevOffer: prevOffer}}
	if prev != nil && prev != a {
		fx = append(fx, b.matchAgent(prev, now)...)
	}
	return fx, nil
}

// Transfer moves the item for ref to another queue, keeping its place in
// time; an offer is withdrawn and an assigned item leaves its agent.
func (b *Board) Transfer(ref, queueID string, now time.Time) ([]Effect, error) {
	e := b.byRef[ref]
	if e == nil {
		return nil, ErrItemNotFound
	}
	if b.queues[queueID] == nil {
		return nil, ErrQueueNotFound
	}
	prevAgent, prevOffer := e.it.AgentID, e.it.OfferID
	a := b.detach(e, now)
	from := e.it.QueueID
	e.it.QueueID, e.it.QueuedAt, e.it.Declined = queueID, now, nil
	b.waiting[queueID].insert(e)
	b.scheduleItem(e, now)
	fx := []Effect{{Kind: EffectMoved, Item: cloneItem(e.it), FromQueue: from, Reason: "transferred",
		PrevAgent: prevAgent, PrevOffer: prevOffer}}
	fx = append(fx, b.matchItem(e, now)...)
	if a != nil {
		fx = append(fx, b.matchAgent(a, now)...)
	}
	return fx, nil
}

// detach takes an active item out of its wait list, offer or assignment,
// leaving it queued nowhere; it returns the agent it left, if any.
func (b *Board) detach(e *entry, now time.Time) *Agent {
	var a *Agent
	switch e.it.Status {
	case Queued:
		b.waiting[e.it.QueueID].remove(e)
	case Offered:
		b.closeOffer(e.it.OfferID, e.it.AgentID)
		a = b.release(e, now)
	case Assigned:
		a = b.release(e, now)
	}
	e.it.Status, e.it.AgentID, e.it.OfferID = Queued, "", ""
	e.it.OfferedAt, e.it.Expires = time.Time{}, time.Time{}
	return a
}

// End finishes the item for ref: a waiting item is abandoned, an assigned
// one completed (its agent gets the queue's wrap-up time).
func (b *Board) End(ref, reason string, now time.Time) []Effect {
	e := b.byRef[ref]
	if e == nil {
		return nil
	}
	if e.it.Status == Assigned {
		return b.end(e, Completed, reason, now)
	}
	return b.end(e, Abandoned, reason, now)
}

// Item returns a copy of the active item for ref.
func (b *Board) Item(ref string) (*Item, bool) {
	e := b.byRef[ref]
	if e == nil {
		return nil, false
	}
	return cloneItem(e.it), true
}

// assigned records e as assigned to its AgentID.
func (b *Board) assigned(e *entry, now time.Time) {
	if e.it.AssignedAt.IsZero() {
		e.it.AssignedAt = now
		b.countAnswered(e.it, now) // once, however often it is reassigned
	}
	e.it.Status, e.it.OfferID, e.it.Expires = Assigned, "", time.Time{}
	e.gen = b.nextGen()
}

// release takes an assigned or offered item's load off its agent.
func (b *Board) release(e *entry, now time.Time) *Agent {
	a := b.agents[e.it.AgentID]
	e.it.Forced = false
	if a != nil {
		a.Load[e.it.Channel]--
		b.reindex(a, now)
	}
	return a
}

// requeue returns an offered item to its queue. declined keeps the agent
// from being offered it again.
func (b *Board) requeue(e *entry, reason string, declined bool, now time.Time) []Effect {
	prevAgent, prevOffer := e.it.AgentID, e.it.OfferID
	b.closeOffer(e.it.OfferID, e.it.AgentID)
	a := b.release(e, now)
	if declined && a != nil && !slices.Contains(e.it.Declined, a.UserID) {
		e.it.Declined = append(e.it.Declined, a.UserID)
	}
	e.it.Status, e.it.AgentID, e.it.OfferID = Queued, "", ""
	e.it.OfferedAt, e.it.Expires = time.Time{}, time.Time{}
	b.waiting[e.it.QueueID].insert(e)
	b.scheduleItem(e, now)
	fx := []Effect{{Kind: EffectRequeued, Item: cloneItem(e.it), Reason: reason, PrevAgent: prevAgent, PrevOffer: prevOffer}}
	fx = append(fx, b.matchItem(e, now)...)
	if a != nil {
		fx = append(fx, b.matchAgent(a, now)...)
	}
	return fx
}

// move puts a queued item into another queue.
func (b *Board) move(e *entry, queueID, reason string, now time.Time) []Effect {
	from := e.it.QueueID
	b.waiting[from].remove(e)
	e.it.QueueID, e.it.QueuedAt, e.it.Declined = queueID, now, nil
	b.waiting[queueID].insert(e)
	b.scheduleItem(e, now)
	fx := []Effect{{Kind: EffectMoved, Item: cloneItem(e.it), FromQueue: from, Reason: reason}}
	return append(fx, b.matchItem(e, now)...)
}

// end removes an item from routing.
func (b *Board) end(e *entry, status Status, reason string, now time.Time) []Effect {
	var a *Agent
	offer := e.it.OfferID
	switch e.it.Status {
	case Queued:
		b.waiting[e.it.QueueID].remove(e)
	case Offered:
		b.closeOffer(e.it.OfferID, e.it.AgentID)
		a = b.release(e, now)
	case Assigned:
		a = b.release(e, now)
	}
	b.countEnded(e.it, e.it.Status == Assigned, now)
	delete(b.entries, e.it.ID)
	delete(b.byRef, e.it.Ref)
	e.gen = b.nextGen()
	e.it.Status, e.it.EndedAt, e.it.EndReason = status, now, reason
	fx := []Effect{{Kind: effectFor(status), Item: cloneItem(e.it), Reason: reason}}
	if offer != "" {
		fx[0].PrevAgent, fx[0].PrevOffer = e.it.AgentID, offer
	}
	if a == nil {
		return fx
	}
	if status == Completed {
		a.IdleSince = now
		if q := b.queues[e.it.QueueID]; q != nil && q.WrapUpSeconds > 0 && a.Presence == Available {
			a.Presence, a.Reason, a.Since, a.WrapUntil = AfterWork, "", now, now.Add(seconds(q.WrapUpSeconds))
			b.reindex(a, now)
			b.schedule(timer{at: a.WrapUntil, kind: timerWrapUp, id: a.UserID})
			return append(fx, Effect{Kind: EffectPresence, Agent: cloneAgent(a)})
		}
	}
	return append(fx, b.matchAgent(a, now)...)
}

func effectFor(s Status) EffectKind {
	if s == Completed {
		return EffectCompleted
	}
	return EffectAbandoned
}

// pastOffers is how many answered, expired or withdrawn offers the board
// remembers, so a late answer to one is "gone" rather than "not found".
const pastOffers = 4096

// openOffer returns the open offer made to userID; a recently closed one
// of theirs is ErrOfferGone, anything else ErrOfferNotFound.
func (b *Board) openOffer(offerID, userID string) (*entry, error) {
	if e := b.offers[offerID]; e != nil && e.it.AgentID == userID {
		return e, nil
	}
	if b.closed[offerID] == userID {
		return nil, ErrOfferGone
	}
	return nil, ErrOfferNotFound
}

// closeOffer removes an offer from the open ones and remembers it.
func (b *Board) closeOffer(offerID, userID string) {
	delete(b.offers, offerID)
	if len(b.closedOrder) >= pastOffers {
		delete(b.closed, b.closedOrder[0])
		b.closedOrder = b.closedOrder[1:]
	}
	b.closed[offerID] = userID
	b.closedOrder = append(b.closedOrder, offerID)
}

// offersTo lists the entries offered to an agent, in ID order.
func (b *Board) offersTo(userID string) []*entry {
	var out []*entry
	for _, e := range b.offers {
		if e.it.AgentID == userID {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(x, y *entry) int { return compareIDs(x.it.ID, y.it.ID) })
	return out
}

func compareIDs(x, y string) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func (b *Board) nextGen() uint64 {
	b.gen++
	return b.gen
}

func cloneItem(it *Item) *Item {
	c := *it
	c.Declined = slices.Clone(it.Declined)
	return &c
}

func cloneAgent(a *Agent) *Agent {
	c := *a
	c.Skills, c.Capacity, c.Load = maps.Clone(a.Skills), maps.Clone(a.Capacity), maps.Clone(a.Load)
	return &c
}

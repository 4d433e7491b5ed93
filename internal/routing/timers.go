package routing

import (
	"container/heap"
	"time"
)

type timerKind int

const (
	timerOffer  timerKind = iota // an offer expires
	timerStage                   // an overflow rule or the max wait comes due
	timerWrapUp                  // an agent's after-work ends
)

// timer is one scheduled check. Timers are never removed: a stale one (gen
// no longer the entry's, or its item gone) is ignored when it fires.
type timer struct {
	at   time.Time
	kind timerKind
	id   string // item ID, or user ID for wrap-up
	gen  uint64
}

type timerHeap []timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)        { *h = append(*h, x.(timer)) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}

func (b *Board) schedule(t timer) { heap.Push(&b.timers, t) }

// scheduleItem sets the next stage timer of a queued item: its next
// overflow rule or its max wait, whichever comes first.
func (b *Board) scheduleItem(e *entry, now time.Time) {
	q := b.queues[e.it.QueueID]
	if q == nil {
		return
	}
	e.gen = b.nextGen()
	next, ok := NextStage(q, e.it, now)
	if q.MaxWaitSeconds > 0 {
		limit := e.it.QueuedAt.Add(seconds(q.MaxWaitSeconds))
		if !ok || limit.Before(next) {
			next, ok = limit, true
		}
	}
	if ok {
		b.schedule(timer{at: next, kind: timerStage, id: e.it.ID, gen: e.gen})
	}
}

// NextDeadline returns when Tick next has work, if ever. Queues with
// business hours also change at their opening times; the dispatcher ticks
// at least once a minute for them.
func (b *Board) NextDeadline() (time.Time, bool) {
	for len(b.timers) > 0 && b.stale(b.timers[0]) {
		heap.Pop(&b.timers)
	}
	if len(b.timers) == 0 {
		return time.Time{}, false
	}
	return b.timers[0].at, true
}

func (b *Board) stale(t timer) bool {
	switch t.kind {
	case timerWrapUp:
		a := b.agents[t.id]
		return a == nil || a.Presence != AfterWork || !a.WrapUntil.Equal(t.at)
	default:
		e := b.entries[t.id]
		return e == nil || e.gen != t.gen
	}
}

// Tick runs every timer due at now, then routes the waiting work of queues
// that opened (by their business hours) since the last tick.
func (b *Board) Tick(now time.Time) []Effect {
	var fx []Effect
	for len(b.timers) > 0 && !b.timers[0].at.After(now) {
		t := heap.Pop(&b.timers).(timer)
		if b.stale(t) {
			continue
		}
		fx = append(fx, b.fire(t, now)...)
	}
	for _, id := range b.order {
		q := b.queues[id]
		if q.Open == nil {
			continue
		}
		open := q.IsOpen(now)
		if open && !b.wasOpen[id] {
			fx = append(fx, b.matchQueue(id, now)...)
		}
		b.wasOpen[id] = open
	}
	return fx
}

func (b *Board) fire(t timer, now time.Time) []Effect {
	if t.kind == timerWrapUp {
		a := b.agents[t.id]
		a.Presence, a.Since, a.WrapUntil = Available, now, time.Time{}
		b.reindex(a, now)
		fx := []Effect{{Kind: EffectPresence, Agent: cloneAgent(a), Reason: "wrap_up_ended"}}
		return append(fx, b.matchAgent(a, now)...)
	}
	e := b.entries[t.id]
	q := b.queues[e.it.QueueID]
	switch {
	case t.kind == timerOffer:
		agentID := e.it.AgentID
		fx := b.requeue(e, "offer_timeout", true, now)
		if q != nil && q.MissedOfferAway {
			fx = append(fx, b.SetPresence(agentID, Away, ReasonMissedOffer, now)...)
		}
		return fx
	case q == nil:
		return nil
	case q.MaxWaitSeconds > 0 && !now.Before(e.it.QueuedAt.Add(seconds(q.MaxWaitSeconds))):
		return b.end(e, Abandoned, "max_wait", now)
	}
	if to, ok := DueMove(q, e.it, now); ok && b.queues[to] != nil {
		return b.move(e, to, "overflow", now)
	}
	b.scheduleItem(e, now)
	return b.matchItem(e, now)
}

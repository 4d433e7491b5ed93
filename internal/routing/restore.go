package routing

import (
	"slices"
	"time"
)

// Snapshot is a tenant's stored routing state, from which a board is
// rebuilt after a restart or a change of owner.
type Snapshot struct {
	Settings Settings
	Queues   []*Queue
	// Agents carry presence, skills and capacity; their load is rebuilt
	// from Items.
	Agents []*Agent
	// Items are the active (queued, offered, assigned) items.
	Items []*Item
	// Today are items answered or ended since the tenant's midnight, for
	// the day's statistics.
	Today []*Item
	// Rules choose the queue of new work, in order (Prepare compiles
	// them); InboxQueues maps an inbox to its default queue.
	Rules       []*Rule
	InboxQueues map[string]string
}

// Restore replaces the board's state with s. Waiting items keep their
// place and wait (EnqueuedAt), offers their deadlines; what came due while
// nobody routed happens now, and the effects say so.
func (b *Board) Restore(s *Snapshot, now time.Time) []Effect {
	*b = *NewBoard(s.Settings, b.newID)
	b.rules, b.inboxQueues = s.Rules, s.InboxQueues
	for _, q := range s.Queues {
		b.addQueue(q)
	}
	for _, a := range s.Agents {
		c := cloneAgent(a)
		c.Load = map[Channel]int{}
		if c.Capacity == nil {
			c.Capacity = DefaultCapacity()
		}
		b.agents[c.UserID] = c
		if c.Presence == AfterWork {
			b.schedule(timer{at: c.WrapUntil, kind: timerWrapUp, id: c.UserID})
		}
	}
	var fx []Effect
	items := slices.Clone(s.Items)
	slices.SortFunc(items, func(x, y *Item) int {
		if Ahead(x, y) {
			return -1
		}
		return 1
	})
	for _, it := range items {
		fx = append(fx, b.restoreItem(cloneItem(it), now)...)
	}
	for _, a := range b.agents {
		b.keepExcess(a)
		b.reindex(a, now)
	}
	b.restoreStats(s.Today, now)
	fx = append(fx, b.Tick(now)...)
	return append(fx, b.matchAll(now)...)
}

func (b *Board) restoreItem(it *Item, now time.Time) []Effect {
	e := &entry{it: it}
	q := b.queues[it.QueueID]
	a := b.agents[it.AgentID]
	b.entries[it.ID], b.byRef[it.Ref] = e, e
	switch {
	case q == nil:
		// Its queue was deleted while nobody routed.
		return b.endOrphan(e, now)
	case it.Status == Queued || (it.Status == Offered && a == nil):
		it.Status, it.AgentID, it.OfferID = Queued, "", ""
		b.waiting[q.ID].insert(e)
		b.scheduleItem(e, now)
	case it.Status == Offered:
		a.Load[it.Channel]++
		b.offers[it.OfferID] = e
		e.gen = b.nextGen()
		b.schedule(timer{at: it.Expires, kind: timerOffer, id: it.ID, gen: e.gen})
	case a == nil:
		return b.endOrphan(e, now)
	default: // assigned
		a.Load[it.Channel]++
	}
	return nil
}

// endOrphan ends an item whose queue or agent no longer exists.
func (b *Board) endOrphan(e *entry, now time.Time) []Effect {
	delete(b.entries, e.it.ID)
	delete(b.byRef, e.it.Ref)
	status := Abandoned
	if e.it.Status == Assigned {
		status = Completed
	}
	e.it.Status, e.it.EndedAt, e.it.EndReason = status, now, "orphaned"
	return []Effect{{Kind: effectFor(status), Item: cloneItem(e.it), Reason: "orphaned"}}
}

// restoreStats recounts today's answered, abandoned and handled items.
func (b *Board) restoreStats(today []*Item, now time.Time) {
	day := b.day(now)
	for _, it := range today {
		if !it.AssignedAt.IsZero() && b.day(it.AssignedAt) == day {
			b.countAnswered(it, it.AssignedAt)
		}
		if !it.EndedAt.IsZero() && b.day(it.EndedAt) == day {
			b.countEnded(it, !it.AssignedAt.IsZero(), it.EndedAt)
		}
	}
}

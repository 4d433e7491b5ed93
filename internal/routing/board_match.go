package routing

import (
	"slices"
	"time"
)

// lookup adapts the board's queues for Requirements.
func (b *Board) lookup(id string) *Queue { return b.queues[id] }

// reindex files the agent under the channels it may take more work of.
func (b *Board) reindex(a *Agent, now time.Time) {
	for _, ch := range Channels() {
		set := b.free[ch]
		if set == nil {
			set = map[string]*Agent{}
			b.free[ch] = set
		}
		if Free(a, ch, b.settings) {
			set[a.UserID] = a
		} else {
			delete(set, a.UserID)
		}
	}
}

// matchItem tries to place one queued item with a free agent.
func (b *Board) matchItem(e *entry, now time.Time) []Effect {
	q := b.queues[e.it.QueueID]
	if e.it.Status != Queued || q == nil || !q.IsOpen(now) {
		return nil
	}
	set := b.free[e.it.Channel]
	if len(set) == 0 {
		return nil
	}
	cands := make([]*Agent, 0, len(set))
	for _, a := range set {
		cands = append(cands, a)
	}
	d := ChooseAgent(q, e.it, Requirements(q, e.it, now, b.lookup), cands, b.settings, now)
	if d.AgentID == "" {
		return nil
	}
	b.waiting[q.ID].remove(e)
	return b.give(e, q, b.agents[d.AgentID], now)
}

// matchAgent fills a free agent's capacity with the best waiting items.
func (b *Board) matchAgent(a *Agent, now time.Time) []Effect {
	var fx []Effect
	for a != nil && b.agents[a.UserID] == a {
		cands, entries := b.candidatesFor(a, now)
		i := ChooseItem(a, cands, b.settings, now)
		if i < 0 {
			return fx
		}
		e := entries[i]
		b.waiting[e.it.QueueID].remove(e)
		fx = append(fx, b.give(e, b.queues[e.it.QueueID], a, now)...)
	}
	return fx
}

// candidatesFor collects, from each open queue with waiting work, the first
// item of each priority that the agent qualifies for and has not declined.
// Within a priority, an item that entered routing in this queue has waited
// here at least as long as every item behind it, so it asks no more of an
// agent than they do (overflow only relaxes): the walk stops at the first
// such item the agent fails.
func (b *Board) candidatesFor(a *Agent, now time.Time) ([]Candidate, []*entry) {
	var cands []Candidate
	var entries []*entry
	if !b.freeForAny(a) {
		return nil, nil
	}
	for _, id := range b.order {
		w, q := b.waiting[id], b.queues[id]
		if w.len() == 0 || q == nil || !q.IsOpen(now) {
			continue
		}
		for _, bk := range w.buckets {
			for e := bk.head; e != nil; e = e.next {
				if !Free(a, e.it.Channel, b.settings) {
					// Only a queue that mixes channels gets here; its items
					// of other channels are skipped one by one.
					continue
				}
				r := Requirements(q, e.it, now, b.lookup)
				if !Qualifies(a, r) {
					if e.it.QueuedAt.Equal(e.it.EnqueuedAt) {
						break // every later item has waited here no longer
					}
					continue // moved in later: younger items may be more relaxed
				}
				if slices.Contains(e.it.Declined, a.UserID) {
					continue
				}
				cands = append(cands, Candidate{Item: e.it, Requirement: r})
				entries = append(entries, e)
				break
			}
		}
	}
	return cands, entries
}

// freeForAny reports whether the agent may take more work of any channel.
func (b *Board) freeForAny(a *Agent) bool {
	for _, ch := range Channels() {
		if Free(a, ch, b.settings) {
			return true
		}
	}
	return false
}

// matchAll routes everything that can be routed now, oldest first.
func (b *Board) matchAll(now time.Time) []Effect {
	var fx []Effect
	for _, e := range b.sortedWaiting() {
		fx = append(fx, b.matchItem(e, now)...)
	}
	return fx
}

// matchQueue routes one queue's waiting items, in order.
func (b *Board) matchQueue(id string, now time.Time) []Effect {
	var fx []Effect
	var list []*entry
	for _, bk := range b.waiting[id].buckets {
		for e := bk.head; e != nil; e = e.next {
			list = append(list, e)
		}
	}
	for _, e := range list {
		fx = append(fx, b.matchItem(e, now)...)
	}
	return fx
}

// sortedWaiting lists queued entries in Ahead order across queues.
func (b *Board) sortedWaiting() []*entry {
	var out []*entry
	for _, w := range b.waiting {
		for _, bk := range w.buckets {
			for e := bk.head; e != nil; e = e.next {
				out = append(out, e)
			}
		}
	}
	slices.SortFunc(out, func(x, y *entry) int {
		if Ahead(x.it, y.it) {
			return -1
		}
		return 1
	})
	return out
}

// give offers (or, with auto-accept, assigns) a removed-from-queue item to
// an agent who is free for it.
func (b *Board) give(e *entry, q *Queue, a *Agent, now time.Time) []Effect {
	e.it.AgentID = a.UserID
	a.Load[e.it.Channel]++
	a.LastOffer = now
	b.reindex(a, now)
	if q.AutoAccept {
		e.it.OfferedAt = now
		b.assigned(e, now)
		return []Effect{{Kind: EffectAssigned, Item: cloneItem(e.it), Reason: "auto_accept"}}
	}
	timeout := seconds(q.OfferTimeoutSeconds)
	if timeout <= 0 {
		timeout = DefaultOfferTimeout
	}
	e.it.Status, e.it.OfferID, e.it.OfferedAt, e.it.Expires = Offered, b.newID(), now, now.Add(timeout)
	b.offers[e.it.OfferID] = e
	e.gen = b.nextGen()
	b.schedule(timer{at: e.it.Expires, kind: timerOffer, id: e.it.ID, gen: e.gen})
	return []Effect{{Kind: EffectOffered, Item: cloneItem(e.it)}}
}

// addQueue files a queue, keeping b.order sorted.
func (b *Board) addQueue(q *Queue) {
	if b.queues[q.ID] == nil {
		i, _ := slices.BinarySearch(b.order, q.ID)
		b.order = slices.Insert(b.order, i, q.ID)
		b.waiting[q.ID] = &waitList{}
	}
	b.queues[q.ID] = q
}

package routing

// waitList holds a queue's waiting (queued, not offered) items in Ahead
// order: one bucket per priority, highest first, each a doubly linked list
// ordered by (EnqueuedAt, ID). New items almost always go to a bucket's
// tail, declined ones back to their place, and any item leaves in O(1), so
// 100,000 waiting items cost nothing per decision.
type waitList struct {
	buckets []*bucket // by priority, descending
	n       int
}

type bucket struct {
	priority   int
	size       int
	head, tail *entry
}

// entry is an item's place in the board: its list links and its timers.
type entry struct {
	it         *Item
	b          *bucket
	prev, next *entry
	// gen invalidates timers scheduled for an earlier state.
	gen uint64
}

func (w *waitList) len() int { return w.n }

// insert places e in Ahead order, scanning from the tail of its bucket.
func (w *waitList) insert(e *entry) {
	b := w.bucket(e.it.Priority)
	at := b.tail
	for at != nil && Ahead(e.it, at.it) {
		at = at.prev
	}
	// e goes after at (or first when at is nil).
	e.b, e.prev = b, at
	if at == nil {
		e.next, b.head = b.head, e
	} else {
		e.next, at.next = at.next, e
	}
	if e.next == nil {
		b.tail = e
	} else {
		e.next.prev = e
	}
	b.size++
	w.n++
}

// remove takes e out of the list; it must be in it.
func (w *waitList) remove(e *entry) {
	b := e.b
	if e.prev == nil {
		b.head = e.next
	} else {
		e.prev.next = e.next
	}
	if e.next == nil {
		b.tail = e.prev
	} else {
		e.next.prev = e.prev
	}
	e.b, e.prev, e.next = nil, nil, nil
	b.size--
	w.n--
	if b.head == nil {
		for i, x := range w.buckets {
			if x == b {
				w.buckets = append(w.buckets[:i], w.buckets[i+1:]...)
				break
			}
		}
	}
}

func (w *waitList) bucket(priority int) *bucket {
	i := 0
	for i < len(w.buckets) && w.buckets[i].priority > priority {
		i++
	}
	if i < len(w.buckets) && w.buckets[i].priority == priority {
		return w.buckets[i]
	}
	b := &bucket{priority: priority}
	w.buckets = append(w.buckets, nil)
	copy(w.buckets[i+1:], w.buckets[i:])
	w.buckets[i] = b
	return b
}

// position returns e's 1-based place in the whole list. It walks e's
// bucket, so it is for occasional queries, not for decisions.
func (w *waitList) position(e *entry) int {
	n := 0
	for _, b := range w.buckets {
		if b != e.b {
			n += b.size
			continue
		}
		for x := b.head; x != nil; x = x.next {
			n++
			if x == e {
				return n
			}
		}
	}
	return 0
}

// oldest returns the earliest EnqueuedAt in the list, if any.
func (w *waitList) oldest() (*Item, bool) {
	var best *Item
	for _, b := range w.buckets {
		if b.head != nil && (best == nil || b.head.it.EnqueuedAt.Before(best.EnqueuedAt)) {
			best = b.head.it
		}
	}
	return best, best != nil
}

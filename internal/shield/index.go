package shield

import "sync"

// bindingIndex finds a binding by its X and the caller. It changes in
// place, binding by binding, so a tenant with many bindings does not
// rebuild its snapshot on every bind and unbind.
type bindingIndex struct {
	mu   sync.RWMutex
	byID map[string]*Binding
	// byX maps X → party → binding; the party "*" is an AXN open to all.
	byX map[string]map[string]*Binding
}

func newBindingIndex(bs []*Binding) *bindingIndex {
	ix := &bindingIndex{byID: make(map[string]*Binding, len(bs)), byX: map[string]map[string]*Binding{}}
	for _, b := range bs {
		ix.putLocked(b)
	}
	return ix
}

// put adds or replaces b (by ID).
func (ix *bindingIndex) put(b *Binding) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.removeLocked(b.ID)
	ix.putLocked(b)
}

func (ix *bindingIndex) putLocked(b *Binding) {
	ix.byID[b.ID] = b
	parties := ix.byX[b.X]
	if parties == nil {
		parties = map[string]*Binding{}
		ix.byX[b.X] = parties
	}
	for _, p := range b.Parties() {
		// The database keeps a party on one live binding per X, so of
		// two here one has expired: the one that expires later is live.
		if old := parties[p]; old == nil || !expiresBefore(b, old) {
			parties[p] = b
		}
	}
}

// remove drops the binding with this ID, if indexed.
func (ix *bindingIndex) remove(id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.removeLocked(id)
}

func (ix *bindingIndex) removeLocked(id string) {
	b, ok := ix.byID[id]
	if !ok {
		return
	}
	delete(ix.byID, id)
	parties := ix.byX[b.X]
	for _, p := range b.Parties() {
		if parties[p] != nil && parties[p].ID == id {
			delete(parties, p)
		}
	}
	if len(parties) == 0 {
		delete(ix.byX, b.X)
	}
}

// find returns the binding through which caller reaches someone by
// calling x: the one that names caller as a party, else an AXN open to
// all. nil when there is none.
func (ix *bindingIndex) find(x, caller string) *Binding {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	parties := ix.byX[x]
	if b := parties[caller]; b != nil {
		return b
	}
	return parties[anyone]
}

// expiresBefore reports whether a expires before b; nil never expires.
func expiresBefore(a, b *Binding) bool {
	switch {
	case a.ExpiresAt == nil:
		return false
	case b.ExpiresAt == nil:
		return true
	}
	return a.ExpiresAt.Before(*b.ExpiresAt)
}

package routing

import (
	"errors"
	"fmt"
	"time"
)

// Check verifies the board's invariants and returns every violation. The
// randomized tests call it after each step; it is also cheap enough for a
// debug endpoint. The invariants:
//
//   - an agent's load per channel equals the items offered or assigned to
//     them on it, and never exceeds their capacity (except assignments a
//     person forced);
//   - every active item is in exactly one place: its queue's wait list when
//     queued, the offer index when offered, neither when assigned;
//   - one active item per Ref;
//   - the free index holds exactly the agents Free says may take work.
func (b *Board) Check(now time.Time) error {
	var errs []error
	load := map[string]map[Channel]int{}
	forced := map[string]map[Channel]int{}
	inLists := map[*entry]int{}
	for qid, w := range b.waiting {
		n := 0
		for _, bk := range w.buckets {
			var prev *entry
			for e := bk.head; e != nil; e = e.next {
				n++
				inLists[e]++
				if e.it.QueueID != qid || e.it.Status != Queued || e.b != bk {
					errs = append(errs, fmt.Errorf("item %s in wait list of %s: queue %s, status %s", e.it.ID, qid, e.it.QueueID, e.it.Status))
				}
				if prev != nil && Ahead(e.it, prev.it) {
					errs = append(errs, fmt.Errorf("wait list of %s out of order at %s", qid, e.it.ID))
				}
				prev = e
			}
		}
		if n != w.len() {
			errs = append(errs, fmt.Errorf("wait list of %s counts %d, holds %d", qid, w.len(), n))
		}
	}
	for id, e := range b.entries {
		if e.it.ID != id || b.byRef[e.it.Ref] != e {
			errs = append(errs, fmt.Errorf("item %s badly indexed", id))
		}
		switch e.it.Status {
		case Queued:
			if inLists[e] != 1 {
				errs = append(errs, fmt.Errorf("queued item %s is in %d wait lists", id, inLists[e]))
			}
		case Offered, Assigned:
			if inLists[e] != 0 {
				errs = append(errs, fmt.Errorf("%s item %s is also in a wait list", e.it.Status, id))
			}
			if (e.it.Status == Offered) != (b.offers[e.it.OfferID] == e) {
				errs = append(errs, fmt.Errorf("item %s: status %s but offer index disagrees", id, e.it.Status))
			}
			if load[e.it.AgentID] == nil {
				load[e.it.AgentID], forced[e.it.AgentID] = map[Channel]int{}, map[Channel]int{}
			}
			load[e.it.AgentID][e.it.Channel]++
			if e.it.Forced {
				forced[e.it.AgentID][e.it.Channel]++
			}
		default:
			errs = append(errs, fmt.Errorf("ended item %s is still active", id))
		}
	}
	if len(b.byRef) != len(b.entries) {
		errs = append(errs, fmt.Errorf("%d refs for %d items", len(b.byRef), len(b.entries)))
	}
	for id, a := range b.agents {
		for _, ch := range Channels() {
			if a.Load[ch] != load[id][ch] {
				errs = append(errs, fmt.Errorf("agent %s: load %d on %s, holds %d items", id, a.Load[ch], ch, load[id][ch]))
			}
			if a.Load[ch]-forced[id][ch] > a.Capacity[ch] {
				errs = append(errs, fmt.Errorf("agent %s over capacity on %s: %d > %d", id, ch, a.Load[ch], a.Capacity[ch]))
			}
			if _, in := b.free[ch][id]; in != Free(a, ch, b.settings) {
				errs = append(errs, fmt.Errorf("agent %s: free index for %s is stale", id, ch))
			}
		}
	}
	for id := range load {
		if b.agents[id] == nil {
			errs = append(errs, fmt.Errorf("items held by unknown agent %s", id))
		}
	}
	return errors.Join(errs...)
}

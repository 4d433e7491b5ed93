package routing

import (
	"maps"
	"slices"
	"time"
)

// Supervisors' screens are kept current by pushes of the tenant's live
// state: at most once per liveEvery while routing changes, and every
// liveHeartbeat while work waits (its longest wait grows with no change).
const (
	liveEvery     = time.Second
	liveHeartbeat = 10 * time.Second
)

// LiveState is a push of a tenant's live routing state.
type LiveState struct {
	// Queues are every queue's statistics, as GET /api/v1/queues/stats.
	Queues []*QueueStats `json:"queues"`
	// Agents are the agents whose presence, load, capacity or offers
	// changed since the last push (all of them in the first push after a
	// start); Removed, those who no longer take work (deleted, disabled).
	Agents  []*AgentView `json:"agents"`
	Removed []string     `json:"removed,omitempty"`
}

// live tracks what changed since the last push. Owned by the dispatcher.
type live struct {
	changed bool            // something changed since the last push
	agents  map[string]bool // agents touched since the last push
	removed []string        // agents gone since the last push
	next    time.Time       // no push before
	beat    time.Time       // last push
}

// note records what committed effects changed.
func (l *live) note(fx []Effect) {
	for _, e := range fx {
		l.changed = true
		if e.Agent != nil {
			l.touch(e.Agent.UserID)
		}
		if e.Item != nil && e.Item.AgentID != "" {
			l.touch(e.Item.AgentID)
		}
		if e.PrevAgent != "" {
			l.touch(e.PrevAgent)
		}
	}
}

func (l *live) touch(id string) {
	if l.agents == nil {
		l.agents = map[string]bool{}
	}
	l.agents[id] = true
}

// reloaded records how a rebuild of the board changed its agents (their
// skills, capacity or presence, or who they are): new and changed agents
// are pushed, gone ones listed as removed. The queues are pushed anyway.
func (l *live) reloaded(before, after map[string]*Agent) {
	l.changed = true
	for id, a := range after {
		if b := before[id]; b == nil || !sameAgent(a, b) {
			l.touch(id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(before)) {
		if after[id] == nil {
			l.removed = append(l.removed, id)
		}
	}
}

func sameAgent(a, b *Agent) bool {
	return a.Presence == b.Presence && a.Reason == b.Reason && a.Since.Equal(b.Since) && a.WrapUntil.Equal(b.WrapUntil) &&
		maps.Equal(a.Capacity, b.Capacity) && maps.Equal(a.Load, b.Load) && maps.Equal(a.Skills, b.Skills)
}

// due returns when the next push is due, if one is.
func (l *live) due(b *Board) (time.Time, bool) {
	if l.changed {
		return l.next, true
	}
	for _, w := range b.waiting {
		if w.len() > 0 {
			return l.beat.Add(liveHeartbeat), true
		}
	}
	return time.Time{}, false
}

// take builds the push if it is due at now, and starts over.
func (l *live) take(b *Board, now time.Time) (*LiveState, bool) {
	at, ok := l.due(b)
	if !ok || now.Before(at) {
		return nil, false
	}
	s := &LiveState{Queues: []*QueueStats{}, Agents: []*AgentView{}}
	for _, id := range b.order {
		if st, err := b.QueueStats(id, now); err == nil {
			s.Queues = append(s.Queues, st)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(l.agents)) {
		if b.agents[id] != nil {
			s.Agents = append(s.Agents, b.agentView(id))
		}
	}
	s.Removed = l.removed
	l.changed, l.agents, l.removed, l.next, l.beat = false, nil, nil, now.Add(liveEvery), now
	return s, true
}

// agentView returns an agent with their open offers.
func (b *Board) agentView(id string) *AgentView {
	v := &AgentView{Agent: cloneAgent(b.agents[id]), Offers: []*Item{}}
	for _, e := range b.offersTo(id) {
		v.Offers = append(v.Offers, cloneItem(e.it))
	}
	return v
}

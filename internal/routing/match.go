package routing

import (
	"slices"
	"time"
)

// This file is the matching core: pure functions of their arguments. They
// read the clock only through now, never mutate what they are given and
// break every tie by ID, so the same inputs always give the same decision
// (golden tests in testdata/match).

// Requirement is what an item asks of an agent at one moment: the queue's
// skills, relaxed by the overflow rules that have come due, or qualifying
// for one of the queues whose agents were added.
type Requirement struct {
	Skills []SkillReq
	// Also holds the skills of queues whose agents may take the item too.
	Also [][]SkillReq
}

// QueueLookup finds another queue of the tenant (overflow rules name them).
type QueueLookup func(id string) *Queue

// Requirements returns what the item in q asks of an agent at now. Rules
// apply in the order given once the item has waited AfterSeconds in q; a
// relaxation applies the largest reduction reached so far.
func Requirements(q *Queue, it *Item, now time.Time, lookup QueueLookup) Requirement {
	r := Requirement{Skills: q.Skills}
	waited := now.Sub(it.QueuedAt)
	relaxed, drop := 0, false
	for _, o := range q.Overflow {
		if waited < time.Duration(o.AfterSeconds)*time.Second {
			continue
		}
		switch o.Action {
		case RelaxSkills:
			if o.Levels <= 0 {
				drop = true
			}
			relaxed = max(relaxed, o.Levels)
		case AddAgents:
			if other := lookup(o.QueueID); other != nil {
				r.Also = append(r.Also, other.Skills)
			}
		}
	}
	switch {
	case drop:
		r.Skills = nil
	case relaxed > 0:
		r.Skills = make([]SkillReq, len(q.Skills))
		for i, s := range q.Skills {
			r.Skills[i] = SkillReq{SkillID: s.SkillID, MinLevel: max(1, s.MinLevel-relaxed)}
		}
	}
	return r
}

// NextStage returns when the item's requirement next changes or an overflow
// move comes due, or false if no rule is ahead.
func NextStage(q *Queue, it *Item, now time.Time) (time.Time, bool) {
	var next time.Time
	for _, o := range q.Overflow {
		at := it.QueuedAt.Add(time.Duration(o.AfterSeconds) * time.Second)
		if at.After(now) && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	return next, !next.IsZero()
}

// DueMove returns the queue an overflow rule moves the item to at now, if
// one has come due.
func DueMove(q *Queue, it *Item, now time.Time) (string, bool) {
	waited := now.Sub(it.QueuedAt)
	for _, o := range q.Overflow {
		if o.Action == MoveToQueue && o.QueueID != q.ID && waited >= time.Duration(o.AfterSeconds)*time.Second {
			return o.QueueID, true
		}
	}
	return "", false
}

// HasSkills reports whether the agent holds every skill at its level.
func HasSkills(a *Agent, skills []SkillReq) bool {
	for _, s := range skills {
		if a.Skills[s.SkillID] < max(1, s.MinLevel) {
			return false
		}
	}
	return true
}

// Qualifies reports whether the agent meets the requirement.
func Qualifies(a *Agent, r Requirement) bool {
	if HasSkills(a, r.Skills) {
		return true
	}
	for _, s := range r.Also {
		if HasSkills(a, s) {
			return true
		}
	}
	return false
}

// Free reports whether the agent can be offered an item of channel ch:
// available, below capacity on ch, and not on a call when the tenant lets
// calls block other work. After-work ends by the board's timer, which makes
// the agent available again, so Free needs no clock.
func Free(a *Agent, ch Channel, s Settings) bool {
	if a.Presence != Available || a.Load[ch] >= a.Capacity[ch] {
		return false
	}
	return !s.VoiceBlocksChats || ch == ChannelVoice || a.Load[ChannelVoice] == 0
}

// Busy reports whether an available agent has no free capacity on any
// channel: shown as busy, derived rather than chosen.
func Busy(a *Agent, s Settings) bool {
	if a.Presence != Available {
		return false
	}
	for _, ch := range Channels() {
		if Free(a, ch, s) {
			return false
		}
	}
	return true
}

// Occupancy is the share of the agent's total capacity in use, 0–1.
func Occupancy(a *Agent) float64 {
	load, capacity := 0, 0
	for ch, c := range a.Capacity {
		capacity += c
		load += a.Load[ch]
	}
	if capacity == 0 {
		return 1
	}
	return float64(load) / float64(capacity)
}

// skillTotal sums the agent's levels in the given skills (MostSkilled).
func skillTotal(a *Agent, skills []SkillReq) int {
	n := 0
	for _, s := range skills {
		n += a.Skills[s.SkillID]
	}
	return n
}

// Better reports whether agent a ranks before agent b for queue q under its
// strategy. It is a strict order: ties fall to the user ID.
func Better(q *Queue, a, b *Agent) bool {
	switch q.Strategy {
	case LeastOccupied:
		if oa, ob := Occupancy(a), Occupancy(b); oa != ob {
			return oa < ob
		}
		if !a.IdleSince.Equal(b.IdleSince) {
			return a.IdleSince.Before(b.IdleSince)
		}
	case RoundRobin:
		if !a.LastOffer.Equal(b.LastOffer) {
			return a.LastOffer.Before(b.LastOffer)
		}
	case MostSkilled:
		if sa, sb := skillTotal(a, q.Skills), skillTotal(b, q.Skills); sa != sb {
			return sa > sb
		}
		if !a.IdleSince.Equal(b.IdleSince) {
			return a.IdleSince.Before(b.IdleSince)
		}
	default: // LongestIdle
		if !a.IdleSince.Equal(b.IdleSince) {
			return a.IdleSince.Before(b.IdleSince)
		}
	}
	return a.UserID < b.UserID
}

// Decision is the outcome of ChooseAgent.
type Decision struct {
	AgentID string `json:"agent_id"`
	// Reason is "sticky" or the queue's strategy.
	Reason string `json:"reason"`
	// Eligible counts the candidates who could have taken the item.
	Eligible int `json:"eligible"`
}

// ChooseAgent picks the agent for an item among candidates: free for the
// item's channel, qualifying for r and not among those who declined it. The
// sticky agent wins when eligible; otherwise the queue's strategy decides.
// The zero Decision means nobody is eligible.
func ChooseAgent(q *Queue, it *Item, r Requirement, cands []*Agent, s Settings, now time.Time) Decision {
	var best *Agent
	d := Decision{}
	for _, a := range cands {
		if !Free(a, it.Channel, s) || !Qualifies(a, r) || slices.Contains(it.Declined, a.UserID) {
			continue
		}
		d.Eligible++
		if it.Sticky != "" && a.UserID == it.Sticky {
			best, d.Reason = a, "sticky"
			continue
		}
		if d.Reason != "sticky" && (best == nil || Better(q, a, best)) {
			best = a
		}
	}
	if best == nil {
		return Decision{}
	}
	d.AgentID = best.UserID
	if d.Reason == "" {
		d.Reason = string(q.Strategy)
	}
	return d
}

// Candidate is a waiting item offered to ChooseItem, with what it asks of
// an agent now.
type Candidate struct {
	Item        *Item
	Requirement Requirement
}

// Ahead reports whether waiting item a comes before b: higher priority
// first, then the longer wait, then the ID.
func Ahead(a, b *Item) bool {
	if a.Priority != b.Priority {
		return a.Priority > b.Priority
	}
	if !a.EnqueuedAt.Equal(b.EnqueuedAt) {
		return a.EnqueuedAt.Before(b.EnqueuedAt)
	}
	return a.ID < b.ID
}

// ChooseItem picks the item a newly free agent takes among candidates: the
// first in Ahead order that the agent is free for, qualifies for and has not
// declined. It returns the index in cands, or -1.
func ChooseItem(a *Agent, cands []Candidate, s Settings, now time.Time) int {
	best := -1
	for i, c := range cands {
		if best >= 0 && !Ahead(c.Item, cands[best].Item) {
			continue
		}
		if !Free(a, c.Item.Channel, s) || !Qualifies(a, c.Requirement) || slices.Contains(c.Item.Declined, a.UserID) {
			continue
		}
		best = i
	}
	return best
}

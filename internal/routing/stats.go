package routing

import (
	"time"
)

// DefaultHandleTime estimates the wait before a queue has handled anything.
const DefaultHandleTime = 3 * time.Minute

// The service level of queues that set none: 80 % in 20 s.
const (
	defaultTargetPercent = 80
	defaultTargetSeconds = 20
)

// handleSamples is how many recent handle times the wait estimate averages.
const handleSamples = 50

// queueStats counts one queue's outcomes for the current day and keeps the
// recent handle times.
type queueStats struct {
	day         string
	answered    int // offers accepted (or auto-assigned) today
	inTarget    int // of them, within the service level's seconds
	abandoned   int // items that ended waiting today
	handleTimes [handleSamples]time.Duration
	handleN     int
	pos         int
}

// statsFor returns the queue's counters, reset at the tenant's midnight.
func (b *Board) statsFor(queueID string, now time.Time) *queueStats {
	day := b.day(now)
	s := b.stats[queueID]
	if s == nil {
		s = &queueStats{day: day}
		b.stats[queueID] = s
	}
	if s.day != day {
		s.day, s.answered, s.inTarget, s.abandoned = day, 0, 0, 0
	}
	return s
}

func (b *Board) day(t time.Time) string {
	loc := b.settings.Location
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(time.DateOnly)
}

// serviceLevel returns the queue's target, or the default.
func serviceLevel(q *Queue) ServiceLevel {
	if q == nil || q.ServiceLevel.Seconds <= 0 {
		return ServiceLevel{Percent: defaultTargetPercent, Seconds: defaultTargetSeconds}
	}
	return q.ServiceLevel
}

// countAnswered records an item answered at the given time.
func (b *Board) countAnswered(it *Item, at time.Time) {
	s := b.statsFor(it.QueueID, at)
	s.answered++
	if at.Sub(it.QueuedAt) <= time.Duration(serviceLevel(b.queues[it.QueueID]).Seconds)*time.Second {
		s.inTarget++
	}
}

// countEnded records an item that ended at the given time: abandoned while
// waiting, or handled (its handle time feeds the wait estimate).
func (b *Board) countEnded(it *Item, wasAssigned bool, at time.Time) {
	s := b.statsFor(it.QueueID, at)
	switch {
	case !wasAssigned:
		s.abandoned++
	case !it.AssignedAt.IsZero():
		s.handleTimes[s.pos] = at.Sub(it.AssignedAt)
		s.pos = (s.pos + 1) % handleSamples
		s.handleN = min(s.handleN+1, handleSamples)
	}
}

func (s *queueStats) averageHandle() time.Duration {
	if s.handleN == 0 {
		return DefaultHandleTime
	}
	var sum time.Duration
	for i := range s.handleN {
		sum += s.handleTimes[i]
	}
	return sum / time.Duration(s.handleN)
}

// AgentCounts counts a queue's qualified agents by what they are doing.
type AgentCounts struct {
	Available int `json:"available"`
	Away      int `json:"away"`
	Busy      int `json:"busy"`
	AfterWork int `json:"after_work"`
	Offline   int `json:"offline"`
}

// QueueStats is a queue's live state.
type QueueStats struct {
	QueueID            string `json:"queue_id"`
	Waiting            int    `json:"waiting"`
	Offered            int    `json:"offered"`
	LongestWaitSeconds int    `json:"longest_wait_seconds"`
	// ServiceLevel is the share of today's items answered within the
	// target, 0–1; nil before anything was answered or abandoned today.
	ServiceLevel   *float64    `json:"service_level"`
	AnsweredToday  int         `json:"answered_today"`
	AbandonedToday int         `json:"abandoned_today"`
	Agents         AgentCounts `json:"agents"`
	AverageHandle  int         `json:"average_handle_seconds"`
	Open           bool        `json:"open"`
	TargetPercent  int         `json:"target_percent"`
	TargetSeconds  int         `json:"target_seconds"`
}

// QueueStats returns a queue's live state.
func (b *Board) QueueStats(id string, now time.Time) (*QueueStats, error) {
	q := b.queues[id]
	if q == nil {
		return nil, ErrQueueNotFound
	}
	s := b.statsFor(id, now)
	sl := serviceLevel(q)
	st := &QueueStats{QueueID: id, Waiting: b.waiting[id].len(), AnsweredToday: s.answered,
		AbandonedToday: s.abandoned, AverageHandle: int(s.averageHandle() / time.Second), Open: q.IsOpen(now),
		TargetPercent: sl.Percent, TargetSeconds: sl.Seconds}
	if n := s.answered + s.abandoned; n > 0 {
		v := float64(s.inTarget) / float64(n)
		st.ServiceLevel = &v
	}
	if it, ok := b.waiting[id].oldest(); ok {
		st.LongestWaitSeconds = int(now.Sub(it.EnqueuedAt) / time.Second)
	}
	for _, e := range b.offers { // offered work still waits for an answer
		if e.it.QueueID == id {
			st.Offered++
			st.LongestWaitSeconds = max(st.LongestWaitSeconds, int(now.Sub(e.it.EnqueuedAt)/time.Second))
		}
	}
	st.Waiting += st.Offered
	st.Agents = b.countAgents(q, now)
	return st, nil
}

func (b *Board) countAgents(q *Queue, now time.Time) AgentCounts {
	var c AgentCounts
	for _, a := range b.agents {
		if !HasSkills(a, q.Skills) {
			continue
		}
		switch {
		case a.Presence == Offline:
			c.Offline++
		case a.Presence == Away:
			c.Away++
		case a.Presence == AfterWork:
			c.AfterWork++
		case Busy(a, b.settings):
			c.Busy++
		default:
			c.Available++
		}
	}
	return c
}

// Position is a waiting item's place in its queue and the estimated wait.
type Position struct {
	QueueID  string `json:"queue_id"`
	Position int    `json:"position"`
	// EstimatedWaitSeconds is -1 when no qualified agent is signed in.
	EstimatedWaitSeconds int  `json:"estimated_wait_seconds"`
	Alternatives         bool `json:"alternatives"`
}

// Position returns where the item for ref stands: 0 once offered.
func (b *Board) Position(ref string, now time.Time) (*Position, bool) {
	e := b.byRef[ref]
	if e == nil || !e.it.Waiting() {
		return nil, false
	}
	q := b.queues[e.it.QueueID]
	p := &Position{QueueID: q.ID}
	if e.it.Status == Queued {
		p.Position = b.waiting[q.ID].position(e)
	}
	// Staffed slots: the capacity of qualified agents who are signed in.
	slots := 0
	for _, a := range b.agents {
		if a.Presence != Offline && a.Presence != Away && HasSkills(a, q.Skills) {
			slots += a.Capacity[e.it.Channel]
		}
	}
	if slots == 0 {
		p.EstimatedWaitSeconds = -1
	} else {
		aht := b.statsFor(q.ID, now).averageHandle()
		p.EstimatedWaitSeconds = int((aht * time.Duration(p.Position) / time.Duration(slots)) / time.Second)
	}
	p.Alternatives = q.AlternativesAfterSeconds > 0 &&
		(slots == 0 || time.Duration(p.EstimatedWaitSeconds)*time.Second > seconds(q.AlternativesAfterSeconds))
	return p, true
}

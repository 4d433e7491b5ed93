package routing

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// SlotLength is the granularity the store counts in. Time zones shift by
// whole hours, half hours (Lord Howe Island's daylight saving time) or
// quarter hours (Nepal's offset), so quarter hours of absolute time always
// fall into exactly one local hour, and the store can count them without
// knowing the zone's rules.
const SlotLength = 15 * time.Minute

// SlotParams select the items that entered a queue in [From, To), of one
// queue or ("") all of the tenant's.
type SlotParams struct {
	TenantID string
	QueueID  string
	From, To time.Time
}

// SlotCount counts one queue's items that entered it during one slot:
// Slot is the slot's number from SlotParams.From (0, 1, …).
type SlotCount struct {
	QueueID string
	Slot    int
	Counts  HourCounts
}

// HourCounts count one local hour's work by the hour it entered its queue.
type HourCounts struct {
	// Start is the local hour's beginning, with the zone's offset.
	Start   time.Time `json:"start"`
	Entered int       `json:"entered"`
	// Answered were assigned to an agent; AnsweredInTarget within the
	// queue's service level seconds of entering it.
	Answered         int `json:"answered"`
	AnsweredInTarget int `json:"answered_in_target"`
	// Abandoned ended without ever being assigned.
	Abandoned int `json:"abandoned"`
}

// QueueHours are one queue's hours of a day.
type QueueHours struct {
	QueueID string       `json:"queue_id"`
	Hours   []HourCounts `json:"hours"`
}

// HourlyStats are a day's volume and service level by local hour: the
// tenant's totals and each queue's (queues without work that day are left
// out).
type HourlyStats struct {
	Date     string       `json:"date"`
	Timezone string       `json:"timezone"`
	Hours    []HourCounts `json:"hours"`
	Queues   []QueueHours `json:"queues"`
}

// HourlyParams choose the day (YYYY-MM-DD in the tenant's routing time
// zone; "" is today there) and optionally one queue.
type HourlyParams struct {
	Date    string
	QueueID string
}

// ErrInvalidDate is returned for a date that is not YYYY-MM-DD.
var ErrInvalidDate = errcode.New(errcode.InvalidDate, "date must be a calendar date written YYYY-MM-DD")

// HourlyStats counts the caller's tenant's routed work of one day by the
// local hour it entered its queue. An unknown queue is ErrQueueNotFound.
func (s *Service) HourlyStats(ctx context.Context, by *permission.Principal, p *HourlyParams) (*HourlyStats, error) {
	set, err := s.cfg.Store.Settings(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	compiled, err := set.Compile()
	if err != nil {
		return nil, err
	}
	loc := compiled.Location
	day, err := parseDay(p.Date, s.cfg.Now(), loc)
	if err != nil {
		return nil, err
	}
	if p.QueueID != "" {
		if _, err := s.cfg.Store.GetQueue(ctx, by.TenantID, p.QueueID); err != nil {
			return nil, err
		}
	}
	b := NewDayBuckets(day, loc)
	counts, err := s.cfg.Store.CountSlots(ctx, &SlotParams{TenantID: by.TenantID, QueueID: p.QueueID, From: b.From(), To: b.To()})
	if err != nil {
		return nil, err
	}
	out := &HourlyStats{Date: day.Format(time.DateOnly), Timezone: set.Timezone, Hours: b.Hours(), Queues: []QueueHours{}}
	for _, c := range counts {
		if len(out.Queues) == 0 || out.Queues[len(out.Queues)-1].QueueID != c.QueueID {
			out.Queues = append(out.Queues, QueueHours{QueueID: c.QueueID, Hours: b.Hours()})
		}
		i := b.Hour(c.Slot)
		if i < 0 {
			continue
		}
		out.Hours[i].add(c.Counts)
		out.Queues[len(out.Queues)-1].Hours[i].add(c.Counts)
	}
	return out, nil
}

// parseDay returns local midnight of the date, or of today at now.
func parseDay(date string, now time.Time, loc *time.Location) (time.Time, error) {
	if date == "" {
		y, m, d := now.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, loc), nil
	}
	t, err := time.ParseInLocation(time.DateOnly, date, loc)
	if err != nil {
		return time.Time{}, ErrInvalidDate
	}
	return t, nil
}

func (h *HourCounts) add(c HourCounts) {
	h.Entered += c.Entered
	h.Answered += c.Answered
	h.AnsweredInTarget += c.AnsweredInTarget
	h.Abandoned += c.Abandoned
}

// DayBuckets are the local hours of one calendar day in a time zone: 24,
// or 23 and 25 on the days daylight saving time starts and ends.
type DayBuckets struct {
	from, to time.Time
	starts   []time.Time // each local hour's start
	slots    []int       // slot number → index in starts
}

// NewDayBuckets returns the local hours of the day that contains day, in
// loc.
func NewDayBuckets(day time.Time, loc *time.Location) *DayBuckets {
	y, m, d := day.In(loc).Date()
	b := &DayBuckets{from: time.Date(y, m, d, 0, 0, 0, 0, loc), to: time.Date(y, m, d+1, 0, 0, 0, 0, loc)}
	// Walk the day in slots; a slot that starts on a local full hour
	// starts the next bucket (a repeated hour after clocks go back is a
	// bucket of its own).
	for t := b.from; t.Before(b.to); t = t.Add(SlotLength) {
		if len(b.starts) == 0 || t.In(loc).Minute() == 0 {
			b.starts = append(b.starts, t.In(loc))
		}
		b.slots = append(b.slots, len(b.starts)-1)
	}
	return b
}

// From and To are the day's bounds, [From, To).
func (b *DayBuckets) From() time.Time { return b.from }

// To is the start of the next day.
func (b *DayBuckets) To() time.Time { return b.to }

// Starts returns each local hour's start.
func (b *DayBuckets) Starts() []time.Time { return append([]time.Time(nil), b.starts...) }

// Hour returns the index of the local hour slot falls in, -1 outside the
// day.
func (b *DayBuckets) Hour(slot int) int {
	if slot < 0 || slot >= len(b.slots) {
		return -1
	}
	return b.slots[slot]
}

// Hours returns a zero count for each local hour.
func (b *DayBuckets) Hours() []HourCounts {
	out := make([]HourCounts, len(b.starts))
	for i, s := range b.starts {
		out[i].Start = s
	}
	return out
}

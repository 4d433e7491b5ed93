package calendar

import (
	"slices"
	"time"
)

// transitionMargin is how far back the last UTC-offset change must lie for
// Open to use plain wall-clock arithmetic. Windows that can cover an instant
// start at most two local days before it, so when the offset has not changed
// for 48 hours every boundary that matters maps linearly to an instant. A
// change after t does not matter: boundaries after t stay after t.
const transitionMargin = 2 * secondsPerDay

// Open reports whether the business is open at instant t. It does not
// allocate: routing calls it on every decision.
func (s *Schedule) Open(t time.Time) bool {
	if s.always {
		return true
	}
	lt := t.In(s.loc)
	_, offset := lt.Zone()
	sec := t.Unix()
	wall := sec + int64(offset)
	day := floorDiv(wall, secondsPerDay)
	if start, _ := lt.ZoneBounds(); !start.IsZero() && start.Unix() > sec-transitionMargin {
		return s.openNearTransition(t, day)
	}
	// Seconds since local midnight; boundaries are whole minutes, so the
	// truncated second compares exactly.
	sod := int32(wall - day*secondsPerDay)
	if sod < s.plan(day-1).spill*60 {
		return true
	}
	for _, sp := range s.plan(day).spans {
		if sod < sp.open*60 {
			break
		}
		if sod < sp.close*60 {
			return true
		}
	}
	return false
}

// openNearTransition is Open's exact path for the two days after a change of
// UTC offset: it resolves each candidate window to instants. Windows from the
// next date are included because a fall-back across midnight can put
// tomorrow's first minutes before an instant that still shows today's date.
func (s *Schedule) openNearTransition(t time.Time, day int64) bool {
	for d := day - 1; d <= day+1; d++ {
		for _, sp := range s.plan(d).spans {
			if !t.Before(s.at(d, sp.open)) && t.Before(s.at(d, sp.close)) {
				return true
			}
		}
	}
	return false
}

// NextChange returns the first instant after t at which Open changes, in the
// schedule's time zone. It reports false when Open does not change within
// Lookahead of t: the schedule is open around the clock, or closed for that
// whole stretch. Windows that touch or overlap (a window running past
// midnight into the next day's first window) count as one opening.
func (s *Schedule) NextChange(t time.Time) (time.Time, bool) {
	if s.always {
		return time.Time{}, false
	}
	limit := t.Add(Lookahead)
	first := s.localDay(t) - 1 // yesterday's windows may still be open
	last := s.localDay(limit) + 1
	// [from, until) is the opening being assembled from touching windows.
	var from, until time.Time
	have := false
	for d := first; d <= last; d++ {
		for _, sp := range s.plan(d).spans {
			a, b := s.at(d, sp.open), s.at(d, sp.close)
			if !a.Before(b) {
				continue // the window lies in a spring-forward gap
			}
			if have && !a.After(until) {
				until = later(until, b)
				continue
			}
			if have && until.After(t) {
				return answer(t, from, until, limit)
			}
			from, until, have = a, b, true
		}
	}
	// Windows are generated in order of opening, so an opening still being
	// assembled can only grow past the last day searched, beyond limit.
	if have && until.After(t) {
		return answer(t, from, until, limit)
	}
	return time.Time{}, false
}

// answer picks the change for the first opening that ends after t: it opens
// later, or it is open now and closes at until.
func answer(t, from, until, limit time.Time) (time.Time, bool) {
	next := until
	if from.After(t) {
		next = from
	}
	if next.After(limit) {
		return time.Time{}, false
	}
	return next, true
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// at resolves minute m after the local midnight starting day (m may exceed a
// day for overnight windows) to the first instant at which the wall clock
// reads that time or later. See the package comment for why.
func (s *Schedule) at(day int64, m int32) time.Time {
	wall := day*secondsPerDay + int64(m)*60
	u := time.Unix(wall, 0).UTC()
	y, mo, d := u.Date()
	hh, mm, _ := u.Clock()
	x := time.Date(y, mo, d, hh, mm, 0, 0, s.loc)
	_, offset := x.Zone()
	start, end := x.ZoneBounds()
	switch got := x.Unix() + int64(offset); {
	case got < wall && !end.IsZero():
		// time.Date put the skipped time before the gap; it opens when the
		// gap ends.
		return end
	case got > wall && !start.IsZero():
		// time.Date put it after the gap; the gap ends where x's zone starts.
		return start
	case got != wall || start.IsZero():
		return x
	}
	// The time exists. If the clock also showed it before a fall-back at
	// start, the earlier occurrence counts.
	_, prev := start.Add(-time.Second).Zone()
	if earlier := wall - int64(prev); earlier < start.Unix() {
		return time.Unix(earlier, 0).In(s.loc)
	}
	return x
}

// plan returns the windows that start on a local date: the holiday's if the
// date is one, else its weekday's.
func (s *Schedule) plan(day int64) *dayPlan {
	if len(s.holidayDays) > 0 {
		if i, ok := slices.BinarySearch(s.holidayDays, day); ok {
			return &s.holidayPlans[i]
		}
	}
	return &s.week[floorMod(day+4, 7)] // 1970-01-01 was a Thursday (4)
}

// localDay returns the local date of t as a day number.
func (s *Schedule) localDay(t time.Time) int64 {
	_, offset := t.In(s.loc).Zone()
	return floorDiv(t.Unix()+int64(offset), secondsPerDay)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

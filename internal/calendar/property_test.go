package calendar_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/calendar"
)

// The tests below check Open and NextChange against a slow reference that
// follows the package's definition literally: a boundary is the first
// instant, found by scanning minute by minute, at which the wall clock reads
// that time or later. Zones are chosen for awkward transitions: at midnight
// (Santiago, Havana), by half an hour (Lord Howe), negative DST (Dublin),
// several a year (Casablanca).
func propertyZones() []string {
	return []string{
		"America/New_York", "Europe/Berlin", "America/Santiago", "America/Havana",
		"Australia/Lord_Howe", "Europe/Dublin", "Africa/Casablanca", "America/St_Johns",
	}
}

// propertyWindows stress the small hours, where transitions happen: short
// windows, touching windows, and one running past midnight into the next
// day's first window.
func propertyWindows() []string {
	return []string{"00:00 00:30", "00:45 02:15", "02:15 02:40", "09:00 17:00", "23:00 01:00"}
}

func propertyHours(zone string, holidays ...calendar.Holiday) calendar.Hours {
	h := calendar.Hours{Timezone: zone, Holidays: holidays}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		for _, w := range propertyWindows() {
			h.Weekly = append(h.Weekly, calendar.Window{Day: d, Open: w[:5], Close: w[6:]})
		}
	}
	return h
}

// transitions lists the instants in 2026 at which zone changes its offset.
func transitions(t *testing.T, loc *time.Location) []time.Time {
	t.Helper()
	var out []time.Time
	end := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); at.Before(end); {
		_, next := at.In(loc).ZoneBounds()
		if next.IsZero() || !next.Before(end) {
			break
		}
		out = append(out, next)
		at = next
	}
	return out
}

// reference holds the openings of a schedule between two local dates,
// computed the slow way and merged where they touch.
type reference struct {
	open [][2]time.Time
}

func newReference(t *testing.T, h calendar.Hours, firstDay, lastDay time.Time) *reference {
	t.Helper()
	loc, err := time.LoadLocation(h.Timezone)
	require.NoError(t, err)
	var spans [][2]time.Time
	for d := firstDay; !d.After(lastDay); d = d.AddDate(0, 0, 1) {
		for _, w := range windowsOn(h, d) {
			a, b := firstReaching(loc, d, w[0]), firstReaching(loc, d, w[1])
			if a.Before(b) {
				spans = append(spans, [2]time.Time{a, b})
			}
		}
	}
	slices.SortFunc(spans, func(x, y [2]time.Time) int { return x[0].Compare(y[0]) })
	r := &reference{}
	for _, s := range spans {
		if n := len(r.open); n > 0 && !s[0].After(r.open[n-1][1]) {
			if s[1].After(r.open[n-1][1]) {
				r.open[n-1][1] = s[1]
			}
			continue
		}
		r.open = append(r.open, s)
	}
	return r
}

// windowsOn returns the windows starting on date d (UTC midnight) as minutes,
// with overnight closes moved past 1440.
func windowsOn(h calendar.Hours, d time.Time) [][2]int {
	var out [][2]int
	add := func(open, closing string) {
		o, c := minutes(open), minutes(closing)
		if c <= o {
			c += 24 * 60
		}
		out = append(out, [2]int{o, c})
	}
	for _, hol := range h.Holidays {
		if hol.Date == d.Format(time.DateOnly) {
			for _, p := range hol.Windows {
				add(p.Open, p.Close)
			}
			return out
		}
	}
	day := map[time.Weekday]string{0: "sun", 1: "mon", 2: "tue", 3: "wed", 4: "thu", 5: "fri", 6: "sat"}[d.Weekday()]
	for _, w := range h.Weekly {
		if w.Day == day {
			add(w.Open, w.Close)
		}
	}
	return out
}

func minutes(s string) int {
	h, _ := strconv.Atoi(s[:2])
	m, _ := strconv.Atoi(s[3:])
	return h*60 + m
}

// firstReaching scans for the first instant at which the wall clock in loc
// reads date d plus m minutes, or later.
func firstReaching(loc *time.Location, d time.Time, m int) time.Time {
	target := d.Unix() + int64(m)*60
	for x := target - 16*3600; ; x += 60 {
		_, off := time.Unix(x, 0).In(loc).Zone()
		if x+int64(off) >= target {
			return time.Unix(x, 0)
		}
	}
}

func (r *reference) isOpen(t time.Time) bool {
	for _, o := range r.open {
		if !t.Before(o[0]) && t.Before(o[1]) {
			return true
		}
	}
	return false
}

// nextChange returns the first opening or closing after t, if it lies
// before cutoff, past which the reference is incomplete.
func (r *reference) nextChange(t, cutoff time.Time) (time.Time, bool) {
	for _, o := range r.open {
		for _, c := range o {
			if c.After(t) {
				return c, !c.After(cutoff)
			}
		}
	}
	return time.Time{}, false
}

func TestAgainstReferenceAroundTransitions(t *testing.T) {
	t.Parallel()
	for _, zone := range propertyZones() {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			loc, err := time.LoadLocation(zone)
			require.NoError(t, err)
			trs := transitions(t, loc)
			require.NotEmpty(t, trs, "system tzdata should list 2026 transitions for %s", zone)
			for _, tr := range trs {
				// Local date of the transition, as a UTC midnight.
				y, m, d := tr.In(loc).Date()
				day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
				for _, h := range []calendar.Hours{
					propertyHours(zone),
					propertyHours(zone,
						calendar.Holiday{Date: day.AddDate(0, 0, -1).Format(time.DateOnly)},
						calendar.Holiday{Date: day.Format(time.DateOnly), Windows: []calendar.Period{
							{Open: "00:10", Close: "01:50"}, {Open: "02:00", Close: "03:00"}, {Open: "22:00", Close: "03:30"},
						}}),
				} {
					checkAgainstReference(t, h, tr, day)
				}
			}
		})
	}
}

func checkAgainstReference(t *testing.T, h calendar.Hours, tr, day time.Time) {
	t.Helper()
	s, err := calendar.Compile(h)
	require.NoError(t, err)
	ref := newReference(t, h, day.AddDate(0, 0, -5), day.AddDate(0, 0, 5))
	cutoff := tr.Add(72 * time.Hour)
	// Every boundary and transition falls on a multiple of five minutes, so
	// stepping by five and looking one second earlier hits both sides of each.
	for at := tr.Add(-54 * time.Hour); at.Before(tr.Add(54 * time.Hour)); at = at.Add(5 * time.Minute) {
		for _, x := range []time.Time{at, at.Add(-time.Second)} {
			// Failures are reported lazily: formatting a message for each of
			// the many passing checks would dominate the run time.
			if problem := compareToReference(s, ref, x, cutoff); problem != "" {
				require.Failf(t, "disagrees with the reference", "%s at %s (%s): %s",
					h.Timezone, x.UTC(), x.In(s.Location()), problem)
			}
		}
	}
}

func compareToReference(s *calendar.Schedule, ref *reference, x, cutoff time.Time) string {
	open := s.Open(x)
	if want := ref.isOpen(x); open != want {
		return fmt.Sprintf("Open = %v, want %v", open, want)
	}
	got, ok := s.NextChange(x)
	want, wantOK := ref.nextChange(x, cutoff)
	switch {
	case !ok:
		return "NextChange reports no change"
	case wantOK && !want.Equal(got):
		return fmt.Sprintf("NextChange = %s, want %s", got.UTC(), want.UTC())
	case !wantOK && !got.After(cutoff):
		return fmt.Sprintf("NextChange = %s, want after %s", got.UTC(), cutoff.UTC())
	case s.Open(got) == open:
		return fmt.Sprintf("Open does not change at NextChange %s", got.UTC())
	case s.Open(got.Add(-time.Nanosecond)) != open:
		return fmt.Sprintf("Open changes before NextChange %s", got.UTC())
	}
	return ""
}

// TestNaiveFarFromTransitions checks, over all of 2026, that away from any
// offset change Open agrees with the plain reading of the wall clock.
func TestNaiveFarFromTransitions(t *testing.T) {
	t.Parallel()
	for _, zone := range append(propertyZones(), "Asia/Shanghai", "UTC") {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			h := propertyHours(zone, calendar.Holiday{Date: "2026-06-10"}, calendar.Holiday{
				Date: "2026-08-20", Windows: []calendar.Period{{Open: "12:00", Close: "04:00"}},
			})
			s, err := calendar.Compile(h)
			require.NoError(t, err)
			trs := transitions(t, s.Location())
			for at := time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC); at.Year() == 2026; at = at.Add(37*time.Minute + 13*time.Second) {
				if nearAny(at, trs, 72*time.Hour) {
					continue
				}
				require.Equal(t, naiveOpen(h, at.In(s.Location())), s.Open(at), "%s", at.In(s.Location()))
			}
		})
	}
}

func nearAny(at time.Time, trs []time.Time, d time.Duration) bool {
	for _, tr := range trs {
		if diff := at.Sub(tr); diff > -d && diff < d {
			return true
		}
	}
	return false
}

// naiveOpen reads the wall clock: a window of today, or a window of
// yesterday that runs past midnight, contains the current minute.
func naiveOpen(h calendar.Hours, lt time.Time) bool {
	y, m, d := lt.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	now := lt.Hour()*60 + lt.Minute()
	for _, w := range windowsOn(h, today) {
		if now >= w[0] && now < w[1] {
			return true
		}
	}
	for _, w := range windowsOn(h, today.AddDate(0, 0, -1)) {
		if now < w[1]-24*60 {
			return true
		}
	}
	return false
}

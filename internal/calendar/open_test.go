package calendar_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/calendar"
)

// compile builds a schedule from a zone and "day open close" window strings.
func compile(t testing.TB, zone string, windows []string, holidays ...calendar.Holiday) *calendar.Schedule {
	t.Helper()
	h := calendar.Hours{Timezone: zone, Holidays: holidays}
	for _, w := range windows {
		f := strings.Fields(w)
		require.Len(t, f, 3, w)
		h.Weekly = append(h.Weekly, calendar.Window{Day: f[0], Open: f[1], Close: f[2]})
	}
	s, err := calendar.Compile(h)
	require.NoError(t, err)
	return s
}

// local parses "2006-01-02 15:04" in the zone; only for unambiguous times.
func local(t testing.TB, zone, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	require.NoError(t, err)
	return v
}

// utc parses "2006-01-02 15:04" as UTC; DST tests name instants this way so
// repeated or skipped local times cannot be misread.
func utc(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02 15:04", s)
	require.NoError(t, err)
	return v
}

func weekdays(open, closing string) []string {
	var out []string
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		out = append(out, d+" "+open+" "+closing)
	}
	return out
}

// newYork is an office with an overnight Friday shift, a Sunday evening
// shift that runs through midnight into Monday's early shift, and holidays.
func newYork(t testing.TB) *calendar.Schedule {
	t.Helper()
	w := append(weekdays("09:00", "17:00"),
		"fri 22:00 02:00", "sat 10:00 14:00", "sun 12:00 24:00", "mon 00:00 06:00")
	return compile(t, "America/New_York", w,
		calendar.Holiday{Date: "2026-07-04", Name: "Independence Day"},
		calendar.Holiday{Date: "2026-12-24", Windows: []calendar.Period{{Open: "09:00", Close: "12:00"}}},
		calendar.Holiday{Date: "2026-12-31", Windows: []calendar.Period{{Open: "20:00", Close: "02:00"}}},
		calendar.Holiday{Date: "2027-01-01", Name: "New Year's Day"},
	)
}

func TestOpenNewYork(t *testing.T) {
	t.Parallel()
	s := newYork(t)
	const zone = "America/New_York"
	tests := []struct {
		name string
		at   string
		want bool
	}{
		{"monday before opening", "2026-03-02 08:59", false},
		{"monday at opening", "2026-03-02 09:00", true},
		{"monday last minute", "2026-03-02 16:59", true},
		{"monday at closing", "2026-03-02 17:00", false},
		{"tuesday midday", "2026-03-03 12:00", true},
		{"friday before night shift", "2026-03-06 21:59", false},
		{"friday night shift", "2026-03-06 22:00", true},
		{"night shift after midnight", "2026-03-07 01:59", true},
		{"night shift over", "2026-03-07 02:00", false},
		{"saturday", "2026-03-07 10:00", true},
		{"saturday closing", "2026-03-07 14:00", false},
		{"sunday morning", "2026-03-01 11:59", false},
		{"sunday shift", "2026-03-01 12:00", true},
		{"sunday shift to 24:00", "2026-03-01 23:59", true},
		{"monday midnight continues", "2026-03-02 00:00", true},
		{"monday early shift", "2026-03-02 05:59", true},
		{"monday early shift over", "2026-03-02 06:00", false},
		{"holiday keeps the night shift that began the day before", "2026-07-04 01:00", true},
		{"holiday after the night shift", "2026-07-04 02:00", false},
		{"holiday replaces saturday", "2026-07-04 11:00", false},
		{"special hours before", "2026-12-24 08:59", false},
		{"special hours open", "2026-12-24 09:00", true},
		{"special hours close", "2026-12-24 12:00", false},
		{"special hours replace weekday", "2026-12-24 15:00", false},
		{"special overnight hours", "2026-12-31 20:00", true},
		{"special hours run into the next holiday", "2027-01-01 01:59", true},
		{"special overnight over", "2027-01-01 02:00", false},
		{"closed holiday", "2027-01-01 10:00", false},
		{"holiday friday has no night shift", "2027-01-01 22:30", false},
		{"nor its tail", "2027-01-02 01:00", false},
		{"back to normal", "2027-01-02 10:00", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			at := local(t, zone, tc.at)
			require.Equal(t, tc.want, s.Open(at), "%s", at)
			// The answer depends on the instant, not on the zone it is given in.
			require.Equal(t, tc.want, s.Open(at.UTC()))
		})
	}
}

func TestOpenShanghai(t *testing.T) {
	t.Parallel()
	s := compile(t, "Asia/Shanghai", append(weekdays("09:00", "18:00"), "sat 09:00 12:00"),
		calendar.Holiday{Date: "2026-05-01", Name: "劳动节"},
		calendar.Holiday{Date: "2026-10-01", Name: "国庆节", Windows: []calendar.Period{{Open: "10:00", Close: "16:00"}}},
	)
	tests := []struct {
		at   time.Time
		want bool
	}{
		{utc(t, "2026-03-02 00:59"), false}, // Monday 08:59 CST
		{utc(t, "2026-03-02 01:00"), true},  // Monday 09:00 CST
		{utc(t, "2026-03-02 09:59"), true},  // Monday 17:59 CST
		{utc(t, "2026-03-02 10:00"), false}, // Monday 18:00 CST
		{utc(t, "2026-03-01 16:00"), false}, // Sunday in UTC, Monday 00:00 CST
		{local(t, "Asia/Shanghai", "2026-03-07 11:00"), true},
		{local(t, "Asia/Shanghai", "2026-03-08 11:00"), false},
		{local(t, "Asia/Shanghai", "2026-05-01 10:00"), false},
		{local(t, "Asia/Shanghai", "2026-10-01 09:30"), false},
		{local(t, "Asia/Shanghai", "2026-10-01 10:00"), true},
		{local(t, "Asia/Shanghai", "2026-10-01 16:00"), false},
		{local(t, "Asia/Shanghai", "2026-10-02 09:00"), true},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, s.Open(tc.at), "%s", tc.at.In(s.Location()))
	}
}

// The DST schedules. New York moves 02:00 EST to 03:00 EDT on 2026-03-08
// (07:00 UTC) and 02:00 EDT back to 01:00 EST on 2026-11-01 (06:00 UTC).
// Berlin moves 02:00 CET to 03:00 CEST on 2026-03-29 (01:00 UTC) and
// 03:00 CEST back to 02:00 CET on 2026-10-25 (01:00 UTC).
const (
	nyGap     = "nyGap"     // sun 00:00-01:30, sun 02:30-05:00
	nyTouch   = "nyTouch"   // sun 01:00-02:00, sun 02:00-02:45
	nyNight   = "nyNight"   // sat 22:00-04:00
	berlinDST = "berlinDST" // sun 02:00-02:30, sun 03:00-04:00
)

func dstSchedules(t testing.TB) map[string]*calendar.Schedule {
	t.Helper()
	return map[string]*calendar.Schedule{
		nyGap:     compile(t, "America/New_York", []string{"sun 00:00 01:30", "sun 02:30 05:00"}),
		nyTouch:   compile(t, "America/New_York", []string{"sun 01:00 02:00", "sun 02:00 02:45"}),
		nyNight:   compile(t, "America/New_York", []string{"sat 22:00 04:00"}),
		berlinDST: compile(t, "Europe/Berlin", []string{"sun 02:00 02:30", "sun 03:00 04:00"}),
	}
}

func TestOpenDST(t *testing.T) {
	t.Parallel()
	schedules := dstSchedules(t)
	tests := []struct {
		schedule, name, at string // at is UTC
		want               bool
	}{
		{nyGap, "spring: before the gap", "2026-03-08 06:29", true},
		{nyGap, "spring: 01:30 EST closes", "2026-03-08 06:30", false},
		{nyGap, "spring: 02:30 does not exist", "2026-03-08 06:59", false},
		{nyGap, "spring: opens at 03:00 EDT", "2026-03-08 07:00", true},
		{nyGap, "spring: 04:59 EDT", "2026-03-08 08:59", true},
		{nyGap, "spring: closes 05:00 EDT", "2026-03-08 09:00", false},
		{nyGap, "fall: 01:29 EDT", "2026-11-01 05:29", true},
		{nyGap, "fall: closes at the first 01:30", "2026-11-01 05:30", false},
		{nyGap, "fall: repeated 01:15 EST stays closed", "2026-11-01 06:15", false},
		{nyGap, "fall: repeated 01:45 EST", "2026-11-01 06:45", false},
		{nyGap, "fall: opens 02:30 EST", "2026-11-01 07:30", true},
		{nyGap, "fall: closes 05:00 EST", "2026-11-01 10:00", false},
		{nyTouch, "normal sunday, touching windows", "2026-03-01 07:30", true},
		{nyTouch, "spring: 01:00 EST", "2026-03-08 06:00", true},
		{nyTouch, "spring: 01:59 EST", "2026-03-08 06:59", true},
		{nyTouch, "spring: 02:00-02:45 lies in the gap", "2026-03-08 07:00", false},
		{nyTouch, "spring: 03:30 EDT", "2026-03-08 07:30", false},
		{nyTouch, "fall: 01:00 EDT", "2026-11-01 05:00", true},
		{nyTouch, "fall: repeated 01:30 EST, still the same opening", "2026-11-01 06:30", true},
		{nyTouch, "fall: 02:44 EST", "2026-11-01 07:44", true},
		{nyTouch, "fall: 02:45 EST", "2026-11-01 07:45", false},
		{nyNight, "spring: night across the gap", "2026-03-08 07:59", true},
		{nyNight, "spring: closes 04:00 EDT", "2026-03-08 08:00", false},
		{nyNight, "fall: night across the repeat", "2026-11-01 08:30", true},
		{nyNight, "fall: closes 04:00 EST", "2026-11-01 09:00", false},
		{berlinDST, "normal sunday 02:00 CET", "2026-03-22 01:00", true},
		{berlinDST, "spring: 01:59 CET", "2026-03-29 00:59", false},
		{berlinDST, "spring: 02:00-02:30 lies in the gap, 03:00 CEST opens", "2026-03-29 01:00", true},
		{berlinDST, "spring: 03:59 CEST", "2026-03-29 01:59", true},
		{berlinDST, "spring: 04:00 CEST", "2026-03-29 02:00", false},
		{berlinDST, "fall: 02:00 CEST", "2026-10-25 00:00", true},
		{berlinDST, "fall: 02:30 CEST", "2026-10-25 00:30", false},
		{berlinDST, "fall: repeated 02:15 CET stays closed", "2026-10-25 01:15", false},
		{berlinDST, "fall: 03:00 CET", "2026-10-25 02:00", true},
		{berlinDST, "fall: 04:00 CET", "2026-10-25 03:00", false},
	}
	for _, tc := range tests {
		t.Run(tc.schedule+"/"+tc.name, func(t *testing.T) {
			t.Parallel()
			s := schedules[tc.schedule]
			at := utc(t, tc.at)
			require.Equal(t, tc.want, s.Open(at), "%s = %s", at, at.In(s.Location()))
		})
	}
}

func TestOpenAroundTheClock(t *testing.T) {
	t.Parallel()
	s := compile(t, "Europe/Berlin", nil, calendar.Holiday{Date: "2026-12-25"})
	require.True(t, s.Open(local(t, "Europe/Berlin", "2026-03-29 03:00")))
	require.True(t, s.Open(local(t, "Europe/Berlin", "2026-12-24 23:59")))
	require.False(t, s.Open(local(t, "Europe/Berlin", "2026-12-25 00:00")))
	require.False(t, s.Open(local(t, "Europe/Berlin", "2026-12-25 23:59")))
	require.True(t, s.Open(local(t, "Europe/Berlin", "2026-12-26 00:00")))
}

// TestOpenDoesNotAllocate is not parallel: testing.AllocsPerRun refuses to
// run in a parallel test, since other tests' allocations would count.
func TestOpenDoesNotAllocate(t *testing.T) {
	s := newYork(t)
	for _, at := range []time.Time{
		local(t, "America/New_York", "2026-03-03 12:00"), // plain arithmetic
		utc(t, "2026-03-08 08:00"),                       // just after a transition
		local(t, "America/New_York", "2026-12-24 10:00"), // a holiday
	} {
		allocs := testing.AllocsPerRun(100, func() { s.Open(at) })
		require.Zero(t, allocs, "%s", at)
	}
}

func BenchmarkOpen(b *testing.B) {
	holidays := make([]calendar.Holiday, 0, calendar.MaxHolidays)
	for d := range calendar.MaxHolidays {
		day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 2*d)
		holidays = append(holidays, calendar.Holiday{Date: day.Format(time.DateOnly)})
	}
	week := append(weekdays("09:00", "17:00"), "fri 22:00 02:00", "sat 10:00 14:00")
	cases := []struct {
		name string
		s    *calendar.Schedule
		at   time.Time
	}{
		{"weekday", compile(b, "America/New_York", week), local(b, "America/New_York", "2026-03-03 12:00")},
		{"1000_holidays", compile(b, "America/New_York", week, holidays...), local(b, "America/New_York", "2026-03-03 12:00")},
		{"after_dst_change", compile(b, "America/New_York", week), utc(b, "2026-03-09 14:00")},
		{"no_dst_zone", compile(b, "Asia/Shanghai", week), local(b, "Asia/Shanghai", "2026-03-03 12:00")},
		// Routing asks about the present, which time.Location caches.
		{"now", compile(b, "America/New_York", week), time.Now()},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.s.Open(c.at)
			}
		})
	}
}

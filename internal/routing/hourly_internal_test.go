package routing

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// starts formats each bucket's start as the wall clock and offset a
// wallboard shows.
func starts(b *DayBuckets) []string {
	var out []string
	for _, s := range b.Starts() {
		out = append(out, s.Format("15:04 -07:00"))
	}
	return out
}

// TestDayBuckets: a day has a bucket per local hour: 24 in a zone without
// daylight saving time, 23 and 25 on New York's change days (the repeated
// 01:00 after clocks go back is an hour of its own), and every quarter
// hour of the day falls into exactly one bucket, in order.
func TestDayBuckets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, zone, date string
		hours            int
		first, at2       string // the first bucket's start, the third's
	}{
		{"Shanghai", "Asia/Shanghai", "2025-03-09", 24, "00:00 +08:00", "02:00 +08:00"},
		{"NewYorkSpringForward", "America/New_York", "2025-03-09", 23, "00:00 -05:00", "03:00 -04:00"},
		{"NewYorkFallBack", "America/New_York", "2025-11-02", 25, "00:00 -04:00", "01:00 -05:00"},
		{"NewYorkOrdinary", "America/New_York", "2025-07-01", 24, "00:00 -04:00", "02:00 -04:00"},
		// Lord Howe Island goes back half an hour: its 01:00 hour lasts 90
		// minutes, and no quarter hour is lost.
		{"LordHoweHalfHour", "Australia/Lord_Howe", "2025-04-06", 24, "00:00 +11:00", "02:00 +10:30"},
		{"Kathmandu", "Asia/Kathmandu", "2025-03-09", 24, "00:00 +05:45", "02:00 +05:45"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			loc := mustZone(t, tt.zone)
			day, err := time.ParseInLocation(time.DateOnly, tt.date, loc)
			require.NoError(t, err)
			b := NewDayBuckets(day, loc)
			got := starts(b)
			require.Len(t, got, tt.hours, "%v", got)
			require.Equal(t, tt.first, got[0])
			require.Equal(t, tt.at2, got[2])
			require.Len(t, b.Hours(), tt.hours)

			slots := int(b.To().Sub(b.From()) / SlotLength)
			require.Equal(t, -1, b.Hour(-1))
			require.Equal(t, -1, b.Hour(slots), "the next day's first quarter hour")
			prev := 0
			for s := range slots {
				h := b.Hour(s)
				require.True(t, h == prev || h == prev+1, "slot %d: bucket %d after %d", s, h, prev)
				at := b.From().Add(time.Duration(s) * SlotLength)
				require.False(t, at.Before(b.Starts()[h]), "slot %d starts before its bucket", s)
				prev = h
			}
			require.Equal(t, tt.hours-1, prev, "the last quarter hour is in the last bucket")
		})
	}
}

// TestDayBucketsAssignItems places instants into buckets as the store's
// slot numbers do: Shanghai's 09:59 is its 09:00 hour; New York's second
// 01:30 on the day clocks go back is the fourth bucket, not the second.
func TestDayBucketsAssignItems(t *testing.T) {
	t.Parallel()
	slot := func(b *DayBuckets, at time.Time) int { return b.Hour(int(at.Sub(b.From()) / SlotLength)) }

	sh := mustZone(t, "Asia/Shanghai")
	b := NewDayBuckets(time.Date(2025, 3, 9, 12, 0, 0, 0, sh), sh)
	require.Equal(t, 9, slot(b, time.Date(2025, 3, 9, 9, 59, 59, 0, sh)))
	require.Equal(t, 0, slot(b, time.Date(2025, 3, 8, 16, 0, 0, 0, time.UTC)), "00:00 Shanghai is 16:00 UTC the day before")
	require.True(t, time.Date(2025, 3, 8, 15, 59, 0, 0, time.UTC).Before(b.From()), "the day before")

	ny := mustZone(t, "America/New_York")
	b = NewDayBuckets(time.Date(2025, 11, 2, 0, 0, 0, 0, ny), ny)
	first := time.Date(2025, 11, 2, 5, 30, 0, 0, time.UTC)  // 01:30 EDT
	second := time.Date(2025, 11, 2, 6, 30, 0, 0, time.UTC) // 01:30 EST
	require.Equal(t, 1, slot(b, first))
	require.Equal(t, 2, slot(b, second))
	require.Equal(t, 3, slot(b, time.Date(2025, 11, 2, 7, 0, 0, 0, time.UTC)), "02:00 EST")
}

// TestParseDay: the date is a calendar day in the tenant's zone; none is
// today there; anything else is invalid_date.
func TestParseDay(t *testing.T) {
	t.Parallel()
	sh := mustZone(t, "Asia/Shanghai")
	now := time.Date(2025, 3, 9, 17, 0, 0, 0, time.UTC) // already the 10th in Shanghai
	d, err := parseDay("", now, sh)
	require.NoError(t, err)
	require.Equal(t, time.Date(2025, 3, 10, 0, 0, 0, 0, sh), d)
	d, err = parseDay("2024-02-29", now, sh)
	require.NoError(t, err)
	require.Equal(t, time.Date(2024, 2, 29, 0, 0, 0, 0, sh), d)
	for _, bad := range []string{"2025-02-30", "2025-3-9", "09/03/2025", "2025-03-09T00:00:00Z", "today", " 2025-03-09"} {
		_, err := parseDay(bad, now, sh)
		require.ErrorIs(t, err, ErrInvalidDate, "%q", bad)
	}
}

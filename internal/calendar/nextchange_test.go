package calendar_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/calendar"
)

func TestNextChangeNewYork(t *testing.T) {
	t.Parallel()
	s := newYork(t)
	const zone = "America/New_York"
	tests := []struct {
		name, from, want string // local times
	}{
		{"opens this morning", "2026-03-02 08:00", "2026-03-02 09:00"},
		{"at the opening instant it is open, so the next change is closing", "2026-03-02 09:00", "2026-03-02 17:00"},
		{"at closing the next change is tomorrow's opening", "2026-03-02 17:00", "2026-03-03 09:00"},
		{"friday evening", "2026-03-06 17:00", "2026-03-06 22:00"},
		{"night shift ends after midnight", "2026-03-06 23:00", "2026-03-07 02:00"},
		{"saturday", "2026-03-07 02:00", "2026-03-07 10:00"},
		{"saturday to sunday across spring forward", "2026-03-07 14:00", "2026-03-08 12:00"},
		{"24:00 and 00:00 touch: no change at midnight", "2026-03-01 13:00", "2026-03-02 06:00"},
		{"early shift to day shift", "2026-03-02 06:00", "2026-03-02 09:00"},
		{"night shift into a holiday", "2026-07-03 23:00", "2026-07-04 02:00"},
		{"holiday skips saturday", "2026-07-04 02:00", "2026-07-05 12:00"},
		{"before special hours", "2026-12-23 17:00", "2026-12-24 09:00"},
		{"special hours close", "2026-12-24 09:00", "2026-12-24 12:00"},
		{"after special hours", "2026-12-24 12:00", "2026-12-25 09:00"},
		{"special overnight hours", "2026-12-31 17:00", "2026-12-31 20:00"},
		{"special overnight hours close in the next holiday", "2026-12-31 20:30", "2027-01-01 02:00"},
		{"closed holiday and its night shift", "2027-01-01 02:00", "2027-01-02 10:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := s.NextChange(local(t, zone, tc.from))
			require.True(t, ok)
			require.Equal(t, local(t, zone, tc.want), got)
			require.Equal(t, s.Location(), got.Location())
		})
	}
}

func TestNextChangeDST(t *testing.T) {
	t.Parallel()
	schedules := dstSchedules(t)
	tests := []struct {
		schedule, name, from, want string // UTC
	}{
		{nyGap, "spring: reopens when the gap ends", "2026-03-08 06:30", "2026-03-08 07:00"},
		{nyGap, "spring: closes 05:00 EDT", "2026-03-08 07:00", "2026-03-08 09:00"},
		{nyGap, "fall: first 01:30 closes", "2026-11-01 04:00", "2026-11-01 05:30"},
		{nyGap, "fall: repeated hour is no change", "2026-11-01 05:30", "2026-11-01 07:30"},
		{nyTouch, "normal sunday: touching windows are one opening", "2026-03-01 06:00", "2026-03-01 07:45"},
		{nyTouch, "spring: closes when the gap starts", "2026-03-08 06:30", "2026-03-08 07:00"},
		{nyTouch, "spring: the empty window is skipped", "2026-03-08 07:00", "2026-03-15 05:00"},
		{nyTouch, "fall: opens 01:00 EDT", "2026-11-01 04:00", "2026-11-01 05:00"},
		{nyTouch, "fall: one opening of 2h45m", "2026-11-01 05:00", "2026-11-01 07:45"},
		{nyNight, "spring: five real hours", "2026-03-08 04:00", "2026-03-08 08:00"},
		{nyNight, "fall: seven real hours", "2026-11-01 02:00", "2026-11-01 09:00"},
		{berlinDST, "spring: opens 03:00 CEST", "2026-03-29 00:00", "2026-03-29 01:00"},
		{berlinDST, "spring: closes 04:00 CEST", "2026-03-29 01:00", "2026-03-29 02:00"},
		{berlinDST, "fall: closes 02:30 CEST", "2026-10-25 00:00", "2026-10-25 00:30"},
		{berlinDST, "fall: repeated hour, opens 03:00 CET", "2026-10-25 00:30", "2026-10-25 02:00"},
	}
	for _, tc := range tests {
		t.Run(tc.schedule+"/"+tc.name, func(t *testing.T) {
			t.Parallel()
			s := schedules[tc.schedule]
			got, ok := s.NextChange(utc(t, tc.from))
			require.True(t, ok)
			require.Equal(t, utc(t, tc.want), got.UTC(), "got %s", got)
		})
	}
}

func TestNextChangeNever(t *testing.T) {
	t.Parallel()
	from := local(t, "Asia/Shanghai", "2026-03-02 12:00")

	s := compile(t, "Asia/Shanghai", nil)
	_, ok := s.NextChange(from)
	require.False(t, ok, "24/7")

	everyDay := []string{"mon 00:00 24:00", "tue 00:00 24:00", "wed 00:00 24:00", "thu 00:00 24:00",
		"fri 00:00 24:00", "sat 00:00 24:00", "sun 00:00 24:00"}
	s = compile(t, "Europe/Berlin", everyDay)
	_, ok = s.NextChange(from)
	require.False(t, ok, "windows that cover the whole week")

	s = compile(t, "Europe/Berlin", []string{"mon 12:00 06:00", "tue 06:00 12:00"})
	got, ok := s.NextChange(local(t, "Europe/Berlin", "2026-03-02 12:00"))
	require.True(t, ok, "windows leaving a gap")
	require.Equal(t, local(t, "Europe/Berlin", "2026-03-03 12:00"), got)

	s = compile(t, "Asia/Shanghai", nil, calendar.Holiday{Date: "2026-01-01"})
	_, ok = s.NextChange(from)
	require.False(t, ok, "24/7 once the holidays are past")
	got, ok = s.NextChange(local(t, "Asia/Shanghai", "2025-12-31 12:00"))
	require.True(t, ok)
	require.Equal(t, local(t, "Asia/Shanghai", "2026-01-01 00:00"), got)
	got, ok = s.NextChange(got)
	require.True(t, ok)
	require.Equal(t, local(t, "Asia/Shanghai", "2026-01-02 00:00"), got)
}

func TestNextChangeLookahead(t *testing.T) {
	t.Parallel()
	// Only Mondays open, and the next 58 Mondays (406 days) are holidays.
	first := local(t, "Asia/Shanghai", "2026-03-02 00:00")
	var holidays []calendar.Holiday
	for w := range 58 {
		holidays = append(holidays, calendar.Holiday{Date: first.AddDate(0, 0, 7*w).Format(time.DateOnly)})
	}
	s := compile(t, "Asia/Shanghai", []string{"mon 09:00 17:00"}, holidays...)
	_, ok := s.NextChange(first)
	require.False(t, ok, "closed for longer than the lookahead")

	// 57 holidays: the 58th Monday is 399 days away, inside the lookahead.
	s = compile(t, "Asia/Shanghai", []string{"mon 09:00 17:00"}, holidays[:57]...)
	got, ok := s.NextChange(first)
	require.True(t, ok)
	require.Equal(t, first.AddDate(0, 0, 7*57).Add(9*time.Hour), got)
	require.LessOrEqual(t, got.Sub(first), calendar.Lookahead)
}

// TestExtremeInstants checks that instants far from today, before 1970 or
// past the zone's recorded transitions, are answered without panicking.
func TestExtremeInstants(t *testing.T) {
	t.Parallel()
	s := newYork(t)
	for _, at := range []time.Time{
		{},
		time.Date(1900, 1, 1, 12, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2400, 3, 12, 7, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC),
	} {
		require.NotPanics(t, func() {
			s.Open(at)
			next, ok := s.NextChange(at)
			if ok {
				require.True(t, next.After(at))
				require.NotEqual(t, s.Open(at), s.Open(next))
			}
		}, "%s", at)
	}
}

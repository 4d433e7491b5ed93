package calendar_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/calendar"
	"github.com/switchboardhq/switchboard/internal/errcode"
)

func TestCompileRejects(t *testing.T) {
	t.Parallel()
	mon := func(open, closing string) calendar.Window {
		return calendar.Window{Day: "mon", Open: open, Close: closing}
	}
	hol := func(date string, ps ...calendar.Period) calendar.Holiday {
		return calendar.Holiday{Date: date, Windows: ps}
	}
	many := func(n int) []calendar.Window {
		ws := make([]calendar.Window, n)
		for i := range ws {
			ws[i] = calendar.Window{Day: "mon", Open: fmt.Sprintf("%02d:%02d", i/60, i%60), Close: "23:59"}
		}
		return ws
	}
	manyHolidays := make([]calendar.Holiday, calendar.MaxHolidays+1)
	for i := range manyHolidays {
		manyHolidays[i] = hol(time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
	}
	tests := []struct {
		name   string
		hours  calendar.Hours
		fields []string
	}{
		{"missing zone", calendar.Hours{}, []string{"timezone"}},
		{"unknown zone", calendar.Hours{Timezone: "Mars/Olympus_Mons"}, []string{"timezone"}},
		{"server-local zone", calendar.Hours{Timezone: "Local"}, []string{"timezone"}},
		{"bad day", calendar.Hours{Timezone: "UTC", Weekly: []calendar.Window{{Day: "monday", Open: "09:00", Close: "17:00"}}}, []string{"weekly[0].day"}},
		{"empty day", calendar.Hours{Timezone: "UTC", Weekly: []calendar.Window{{Open: "09:00", Close: "17:00"}}}, []string{"weekly[0].day"}},
		{"hour 25", calendar.Hours{Timezone: "UTC", Weekly: []calendar.Window{mon("25:00", "26:00")}}, []string{"weekly[0].open", "weekly[0].close"}},
		{"unpadded", calendar.Hours{Timezone: "UTC", Weekly: []calendar.Window{mon("9:5", "17:00")}}, []string{"weekly[0].open"}},
		{"minute 60", calendar.Hours{Timezone: "UTC", Weekly: []calendar.Window{mon("09:00", "12:60")}}, []string{"weekly[0].close"}},
		{"seconds", calendar.Hours{Timezone: "UTC", Weekly: []calendar.Window{mon("09:00:00", "12:00")}}, []string{"weekly[0].open"}},
		{"opens at 24:00", calendar.Hours{Timezone: "UTC", Weekly: []calendar.Window{mon("24:00", "02:00")}}, []string{"weekly[0].open"}},
		{"closes after 24:00", calendar.Hours{Timezone: "UTC", Weekly: []calendar.Window{mon("09:00", "24:01")}}, []string{"weekly[0].close"}},
		{"open equals close", calendar.Hours{Timezone: "UTC", Weekly: []calendar.Window{mon("09:00", "09:00")}}, []string{"weekly[0].close"}},
		{"duplicate window", calendar.Hours{Timezone: "UTC", Weekly: []calendar.Window{mon("09:00", "17:00"), mon("09:00", "17:00")}}, []string{"weekly[1]"}},
		{"overlapping windows", calendar.Hours{Timezone: "UTC", Weekly: []calendar.Window{mon("11:00", "13:00"), mon("09:00", "12:00")}}, []string{"weekly[0]"}},
		{"window inside an overnight window", calendar.Hours{Timezone: "UTC", Weekly: []calendar.Window{mon("22:00", "02:00"), mon("23:00", "23:30")}}, []string{"weekly[1]"}},
		{"too many windows", calendar.Hours{Timezone: "UTC", Weekly: many(calendar.MaxWindows + 1)}, []string{"weekly"}},
		{"impossible date", calendar.Hours{Timezone: "UTC", Holidays: []calendar.Holiday{hol("2026-02-30")}}, []string{"holidays[0].date"}},
		{"unpadded date", calendar.Hours{Timezone: "UTC", Holidays: []calendar.Holiday{hol("2026-1-5")}}, []string{"holidays[0].date"}},
		{"date with time", calendar.Hours{Timezone: "UTC", Holidays: []calendar.Holiday{hol("2026-01-05T00:00:00Z")}}, []string{"holidays[0].date"}},
		{"missing date", calendar.Hours{Timezone: "UTC", Holidays: []calendar.Holiday{hol("")}}, []string{"holidays[0].date"}},
		{"duplicate holiday", calendar.Hours{Timezone: "UTC", Holidays: []calendar.Holiday{hol("2026-12-25"), hol("2026-12-26"), hol("2026-12-25")}}, []string{"holidays[2].date"}},
		{"too many holidays", calendar.Hours{Timezone: "UTC", Holidays: manyHolidays}, []string{"holidays"}},
		{"long holiday name", calendar.Hours{Timezone: "UTC", Holidays: []calendar.Holiday{{Date: "2026-12-25", Name: strings.Repeat("x", calendar.MaxHolidayName+1)}}}, []string{"holidays[0].name"}},
		{"bad holiday window", calendar.Hours{Timezone: "UTC", Holidays: []calendar.Holiday{hol("2026-12-24", calendar.Period{Open: "09:00", Close: "9:30"})}}, []string{"holidays[0].windows[0].close"}},
		{"overlapping holiday windows", calendar.Hours{Timezone: "UTC", Holidays: []calendar.Holiday{hol("2026-12-24", calendar.Period{Open: "09:00", Close: "12:00"}, calendar.Period{Open: "10:00", Close: "11:00"})}}, []string{"holidays[0].windows[1]"}},
		{"too many holiday windows", calendar.Hours{Timezone: "UTC", Holidays: []calendar.Holiday{hol("2026-12-24", make([]calendar.Period, calendar.MaxHolidayWindows+1)...)}}, []string{"holidays[0].windows"}},
		{
			"every problem is listed",
			calendar.Hours{
				Timezone: "Nowhere/Special",
				Weekly:   []calendar.Window{mon("09:00", "17:00"), {Day: "xyz", Open: "08:00", Close: "07:61"}, mon("16:00", "18:00")},
				Holidays: []calendar.Holiday{hol("2026-13-01"), hol("2026-12-24", calendar.Period{Open: "12:00", Close: "12:00"})},
			},
			[]string{"timezone", "weekly[1].day", "weekly[1].close", "weekly[2]", "holidays[0].date", "holidays[1].windows[0].close"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := calendar.Compile(tc.hours)
			require.Nil(t, s)
			require.ErrorIs(t, err, calendar.ErrInvalid)
			var e *errcode.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, errcode.ValidationFailed, e.Code)
			var fields []string
			for _, d := range e.Details {
				fields = append(fields, d.Field)
				require.NotEmpty(t, d.Message, d.Field)
			}
			require.Equal(t, tc.fields, fields, "%+v", e.Details)
		})
	}
}

func TestCompileMessages(t *testing.T) {
	t.Parallel()
	_, err := calendar.Compile(calendar.Hours{Timezone: "UTC", Weekly: []calendar.Window{
		{Day: "tue", Open: "09:00", Close: "12:00"},
		{Day: "tue", Open: "11:00", Close: "13:00"},
		{Day: "tue", Open: "11:00", Close: "13:00"},
	}})
	var e *errcode.Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, []errcode.Detail{
		{Field: "weekly[1]", Message: "overlaps weekly[0] (09:00-12:00)"},
		{Field: "weekly[2]", Message: "duplicates weekly[1]"},
	}, e.Details)
}

func TestCompileAccepts(t *testing.T) {
	t.Parallel()
	most := make([]calendar.Window, calendar.MaxWindows)
	for i := range most {
		most[i] = calendar.Window{Day: "wed", Open: fmt.Sprintf("%02d:%02d", i/6, i%6*10), Close: fmt.Sprintf("%02d:%02d", i/6, i%6*10+5)}
	}
	for name, h := range map[string]calendar.Hours{
		"touching windows":            {Timezone: "UTC", Weekly: []calendar.Window{{Day: "mon", Open: "09:00", Close: "12:00"}, {Day: "mon", Open: "12:00", Close: "13:00"}}},
		"overnight into next day":     {Timezone: "UTC", Weekly: []calendar.Window{{Day: "mon", Open: "22:00", Close: "02:00"}, {Day: "tue", Open: "01:00", Close: "03:00"}}},
		"whole day":                   {Timezone: "UTC", Weekly: []calendar.Window{{Day: "sun", Open: "00:00", Close: "24:00"}}},
		"closing at 00:00":            {Timezone: "UTC", Weekly: []calendar.Window{{Day: "sat", Open: "18:00", Close: "00:00"}}},
		"day names in any case":       {Timezone: "UTC", Weekly: []calendar.Window{{Day: "Fri", Open: "09:00", Close: "17:00"}}},
		"the most windows":            {Timezone: "Asia/Shanghai", Weekly: most},
		"holiday names in any script": {Timezone: "Asia/Shanghai", Holidays: []calendar.Holiday{{Date: "2026-10-01", Name: strings.Repeat("国", calendar.MaxHolidayName)}}},
	} {
		_, err := calendar.Compile(h)
		require.NoError(t, err, name)
	}
}

func TestHoursNormalised(t *testing.T) {
	t.Parallel()
	in := `{
		"timezone": "Europe/Berlin",
		"weekly": [
			{"day": "Sun", "open": "10:00", "close": "00:00"},
			{"day": "mon", "open": "13:00", "close": "17:00"},
			{"day": "mon", "open": "08:00", "close": "12:00"}
		],
		"holidays": [
			{"date": "2026-12-26", "name": "Zweiter Weihnachtstag"},
			{"date": "2026-12-24", "windows": [{"open": "08:00", "close": "12:00"}]}
		]
	}`
	var h calendar.Hours
	require.NoError(t, json.Unmarshal([]byte(in), &h))
	s, err := calendar.Compile(h)
	require.NoError(t, err)

	got := s.Hours()
	want := calendar.Hours{
		Timezone: "Europe/Berlin",
		Weekly: []calendar.Window{
			{Day: "mon", Open: "08:00", Close: "12:00"},
			{Day: "mon", Open: "13:00", Close: "17:00"},
			{Day: "sun", Open: "10:00", Close: "24:00"},
		},
		Holidays: []calendar.Holiday{
			{Date: "2026-12-24", Windows: []calendar.Period{{Open: "08:00", Close: "12:00"}}},
			{Date: "2026-12-26", Name: "Zweiter Weihnachtstag"},
		},
	}
	require.Equal(t, want, got)

	// The normalised form compiles to the same thing, and callers cannot
	// change the schedule through the copy they get.
	again, err := calendar.Compile(got)
	require.NoError(t, err)
	require.Equal(t, want, again.Hours())
	got.Weekly[0].Open = "00:00"
	got.Holidays[0].Windows[0].Close = "23:00"
	require.Equal(t, want, s.Hours())

	out, err := json.Marshal(want)
	require.NoError(t, err)
	require.JSONEq(t, `{
		"timezone": "Europe/Berlin",
		"weekly": [
			{"day": "mon", "open": "08:00", "close": "12:00"},
			{"day": "mon", "open": "13:00", "close": "17:00"},
			{"day": "sun", "open": "10:00", "close": "24:00"}
		],
		"holidays": [
			{"date": "2026-12-24", "windows": [{"open": "08:00", "close": "12:00"}]},
			{"date": "2026-12-26", "name": "Zweiter Weihnachtstag"}
		]
	}`, string(out))
}

func TestHoursAroundTheClock(t *testing.T) {
	t.Parallel()
	s, err := calendar.Compile(calendar.Hours{Timezone: "Asia/Shanghai"})
	require.NoError(t, err)
	out, err := json.Marshal(s.Hours())
	require.NoError(t, err)
	require.JSONEq(t, `{"timezone": "Asia/Shanghai", "weekly": []}`, string(out))
}

// Package calendar models business hours: weekly opening windows in a named
// time zone, plus holidays that close the business or replace the weekly
// windows with special opening times for one local date.
//
// Hours is the input an API accepts and returns. Compile validates it once and
// produces a Schedule, an immutable value that routing asks "is this queue
// open now?" on every decision (Open) and that service-level clocks ask "when
// does that change?" (NextChange). The package is pure: it knows nothing
// about storage or transports, and it reads time only from its arguments.
//
// # Wall-clock rules
//
// Windows are local wall-clock times in the schedule's zone. Every boundary
// (an opening or closing time on a local date) becomes the first instant at
// which the wall clock reads that time or later. Two consequences on days
// when daylight saving time changes:
//
//   - Spring forward: a time inside the skipped hour does not exist, so it
//     moves forward to the end of the gap. In New York on 2026-03-08 a window
//     opening at 02:30 opens at 03:00 EDT; a window 02:00-02:45 lies wholly in
//     the gap and does not open that day at all.
//   - Fall back: a repeated time means its first occurrence, and a window is
//     one continuous stretch of real time. In New York on 2026-11-01 a window
//     00:00-01:30 closes at 01:30 EDT and does not open again when the clock
//     shows 01:00-01:30 a second time; a window 01:00-02:00 stays open from
//     01:00 EDT to 02:00 EST, two real hours. Nothing opens or closes twice.
//
// # Days and holidays
//
// A window belongs to the local date it starts on. An overnight window
// (close earlier than open, e.g. fri 22:00-02:00) therefore runs into the
// next morning even when that next date is a holiday: the holiday replaces
// the windows that start on it, not the tail of the evening before. This
// keeps one rule for every day, so a night shift is never cut short by a
// calendar entry its planners did not look at. A holiday's own special
// windows may run overnight too.
package calendar

import (
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/internal/errcode"
)

// Limits keep a schedule small enough to validate and evaluate cheaply.
const (
	// MaxWindows is the most weekly windows Hours may list.
	MaxWindows = 64
	// MaxHolidays is the most holidays Hours may list.
	MaxHolidays = 1000
	// MaxHolidayWindows is the most special windows one holiday may list.
	MaxHolidayWindows = 16
	// MaxHolidayName is the longest holiday name, in characters.
	MaxHolidayName = 100
	// Lookahead is how far NextChange searches for the next change.
	Lookahead = 400 * 24 * time.Hour
)

// ErrInvalid is returned by Compile; its Details list every problem with a
// field path such as "weekly[2].close" or "holidays[0].date".
var ErrInvalid = errcode.New(errcode.ValidationFailed, "business hours are invalid")

// Hours is the business-hours definition as an API accepts and returns it.
type Hours struct {
	// Timezone is an IANA zone name such as "Asia/Shanghai"; required.
	Timezone string `json:"timezone"`
	// Weekly lists the regular opening windows. Empty means open around the
	// clock, except on holidays.
	Weekly []Window `json:"weekly"`
	// Holidays override the weekly windows on single local dates.
	Holidays []Holiday `json:"holidays,omitempty"`
}

// Window is one weekly opening window.
type Window struct {
	// Day is the day the window starts on: mon, tue, wed, thu, fri, sat or sun.
	Day string `json:"day"`
	// Open is the local opening time, "HH:MM".
	Open string `json:"open"`
	// Close is the local closing time, "HH:MM" or "24:00". A close earlier
	// than Open means the window runs past midnight into the next day.
	Close string `json:"close"`
}

// Holiday is a local date on which the weekly windows do not apply.
type Holiday struct {
	// Date is the local date, "YYYY-MM-DD".
	Date string `json:"date"`
	// Name is an optional label such as "New Year's Day".
	Name string `json:"name,omitempty"`
	// Windows are the special opening times that start on this date. Empty
	// means closed all day.
	Windows []Period `json:"windows,omitempty"`
}

// Period is an opening window on a holiday; Open and Close follow the same
// rules as in Window.
type Period struct {
	Open  string `json:"open"`
	Close string `json:"close"`
}

// Schedule is compiled business hours. It is immutable, so one Schedule may
// be shared by any number of goroutines. Obtain it from Compile; the zero
// value is not usable.
type Schedule struct {
	loc *time.Location
	// week is indexed by time.Weekday.
	week [7]dayPlan
	// holidayDays is sorted and parallel to holidayPlans; a day number counts
	// local dates from 1970-01-01.
	holidayDays  []int64
	holidayPlans []dayPlan
	// always is set when the schedule is open at every instant, so Open and
	// NextChange can answer without arithmetic.
	always bool
	hours  Hours
}

// dayPlan lists the windows that start on one local date.
type dayPlan struct {
	// spans are sorted by open and do not overlap.
	spans []span
	// spill is how many minutes after the next midnight the last overnight
	// window closes; 0 when no window runs past midnight.
	spill int32
}

// span is a window in minutes after the local midnight of its day; close is
// in (open, open+1440], so an overnight window has close > 1440.
type span struct {
	open, close int32
}

const (
	minutesPerDay = 24 * 60
	secondsPerDay = 24 * 60 * 60
)

// Compile validates h and returns its Schedule. On failure the error is
// ErrInvalid with one errcode.Detail per problem.
func Compile(h Hours) (*Schedule, error) {
	var v validator
	s := &Schedule{loc: v.zone(h.Timezone)}
	s.week = v.weekly(h.Weekly)
	s.holidayDays, s.holidayPlans = v.holidays(h.Holidays)
	if len(v.details) > 0 {
		return nil, ErrInvalid.WithDetails(v.details...)
	}
	s.always = len(s.holidayDays) == 0 && coversWeek(&s.week)
	s.hours = normalise(h, &s.week, s.holidayDays, s.holidayPlans)
	return s, nil
}

// Hours returns the normalised definition the schedule was compiled from:
// weekly windows ordered mon..sun and by opening time, holidays by date, day
// names in lower case and a closing "00:00" written as "24:00". The result
// is a copy the caller may modify.
func (s *Schedule) Hours() Hours {
	h := Hours{
		Timezone: s.hours.Timezone,
		Weekly:   slices.Clone(s.hours.Weekly),
		Holidays: make([]Holiday, len(s.hours.Holidays)),
	}
	for i, hol := range s.hours.Holidays {
		hol.Windows = slices.Clone(hol.Windows)
		h.Holidays[i] = hol
	}
	return h
}

// Location returns the schedule's time zone.
func (s *Schedule) Location() *time.Location { return s.loc }

// coversWeek reports whether the weekly windows, together with what spills
// past midnight, leave no minute of the week closed.
func coversWeek(week *[7]dayPlan) bool {
	for wd := range week {
		// Minutes before the first uncovered one; starts with yesterday's spill.
		reach := week[(wd+6)%7].spill
		for _, sp := range week[wd].spans {
			if sp.open > reach {
				return false
			}
			reach = max(reach, sp.close)
		}
		if reach < minutesPerDay {
			return false
		}
	}
	return true
}

// normalise rebuilds Hours from the compiled plans, which are already
// sorted, so the API returns one canonical spelling of the same schedule.
func normalise(h Hours, week *[7]dayPlan, days []int64, plans []dayPlan) Hours {
	out := Hours{Timezone: h.Timezone, Weekly: []Window{}, Holidays: []Holiday{}}
	if len(h.Weekly) > 0 {
		for i := range 7 {
			wd := (i + 1) % 7 // Monday first, as people read a week
			for _, sp := range week[wd].spans {
				out.Weekly = append(out.Weekly, Window{Day: dayName(time.Weekday(wd)), Open: clock(sp.open), Close: clock(sp.close)})
			}
		}
	}
	names := make(map[int64]string, len(h.Holidays))
	for _, hol := range h.Holidays {
		if d, ok := parseDate(hol.Date); ok {
			names[d] = hol.Name
		}
	}
	for i, d := range days {
		hol := Holiday{Date: time.Unix(d*secondsPerDay, 0).UTC().Format(time.DateOnly), Name: names[d]}
		for _, sp := range plans[i].spans {
			hol.Windows = append(hol.Windows, Period{Open: clock(sp.open), Close: clock(sp.close)})
		}
		out.Holidays = append(out.Holidays, hol)
	}
	return out
}

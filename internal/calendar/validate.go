package calendar

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/internal/errcode"
)

// dayNames spells time.Weekday 0..6 (Sunday first) in three letters each, so
// the names need no package-level table.
const dayNames = "sunmontuewedthufrisat"

// validator collects every problem instead of stopping at the first, so an
// API client can mark all bad fields at once.
type validator struct {
	details []errcode.Detail
}

func (v *validator) fail(field, msg string) {
	v.details = append(v.details, errcode.Detail{Field: field, Message: msg})
}

// zone loads the IANA zone. "Local" is refused because it means whatever
// zone the server happens to run in, which is not a business's zone.
func (v *validator) zone(name string) *time.Location {
	if name == "" {
		v.fail("timezone", "required")
		return nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		v.fail("timezone", "must be an IANA time zone name such as Europe/Berlin")
		return nil
	}
	return loc
}

// entry is a parsed window with its input position, for error messages.
type entry struct {
	span
	field string
}

// weekly parses the weekly windows into one plan per weekday. An empty list
// means open around the clock.
func (v *validator) weekly(ws []Window) [7]dayPlan {
	var week [7]dayPlan
	if len(ws) == 0 {
		for wd := range week {
			week[wd].spans = []span{{open: 0, close: minutesPerDay}}
		}
		return week
	}
	if len(ws) > MaxWindows {
		v.fail("weekly", fmt.Sprintf("at most %d windows", MaxWindows))
		return week
	}
	var byDay [7][]entry
	for i, w := range ws {
		field := fmt.Sprintf("weekly[%d]", i)
		wd, okDay := parseDay(w.Day)
		if !okDay {
			v.fail(field+".day", "must be one of mon, tue, wed, thu, fri, sat, sun")
		}
		sp, okSpan := v.period(field, w.Open, w.Close)
		if okDay && okSpan {
			byDay[wd] = append(byDay[wd], entry{span: sp, field: field})
		}
	}
	for i := range 7 {
		wd := (i + 1) % 7 // report Monday first, matching the normalised order
		week[wd] = v.plan(byDay[wd])
	}
	return week
}

// holidays parses the holidays into plans sorted by date.
func (v *validator) holidays(hs []Holiday) ([]int64, []dayPlan) {
	if len(hs) > MaxHolidays {
		v.fail("holidays", fmt.Sprintf("at most %d holidays", MaxHolidays))
		return nil, nil
	}
	type parsed struct {
		day  int64
		plan dayPlan
	}
	list := make([]parsed, 0, len(hs))
	seen := make(map[int64]int, len(hs))
	for i, h := range hs {
		field := fmt.Sprintf("holidays[%d]", i)
		day, ok := parseDate(h.Date)
		if !ok {
			v.fail(field+".date", "must be a date in the form YYYY-MM-DD")
		} else if first, dup := seen[day]; dup {
			v.fail(field+".date", fmt.Sprintf("duplicates holidays[%d]", first))
			ok = false
		} else {
			seen[day] = i
		}
		if n := utf8.RuneCountInString(h.Name); n > MaxHolidayName || !utf8.ValidString(h.Name) {
			v.fail(field+".name", fmt.Sprintf("must be valid UTF-8 of at most %d characters", MaxHolidayName))
		}
		if len(h.Windows) > MaxHolidayWindows {
			v.fail(field+".windows", fmt.Sprintf("at most %d windows", MaxHolidayWindows))
			continue
		}
		var es []entry
		for j, p := range h.Windows {
			f := fmt.Sprintf("%s.windows[%d]", field, j)
			if sp, good := v.period(f, p.Open, p.Close); good {
				es = append(es, entry{span: sp, field: f})
			}
		}
		if plan := v.plan(es); ok {
			list = append(list, parsed{day: day, plan: plan})
		}
	}
	slices.SortFunc(list, func(a, b parsed) int { return cmp.Compare(a.day, b.day) })
	days := make([]int64, len(list))
	plans := make([]dayPlan, len(list))
	for i, p := range list {
		days[i], plans[i] = p.day, p.plan
	}
	return days, plans
}

// period parses one open/close pair; field is the window's path.
func (v *validator) period(field, open, closing string) (span, bool) {
	o, okOpen := parseClock(open, false)
	if !okOpen {
		v.fail(field+".open", `must be a time "HH:MM" from 00:00 to 23:59`)
	}
	c, okClose := parseClock(closing, true)
	if !okClose {
		v.fail(field+".close", `must be a time "HH:MM" from 00:00 to 24:00`)
	}
	if !okOpen || !okClose {
		return span{}, false
	}
	if o == c {
		v.fail(field+".close", `must differ from open; use "00:00" to "24:00" for a whole day`)
		return span{}, false
	}
	if c <= o {
		// Closing before opening: the window runs past midnight.
		// "00:00" lands here and becomes the end of the day (1440).
		c += minutesPerDay
	}
	return span{open: o, close: c}, true
}

// plan sorts one day's windows and reports any that overlap; windows that
// merely touch (12:00-13:00 and 13:00-14:00) are fine.
func (v *validator) plan(es []entry) dayPlan {
	slices.SortStableFunc(es, func(a, b entry) int { return cmp.Compare(a.open, b.open) })
	var p dayPlan
	last := -1 // index in es of the window reaching furthest so far
	for i, e := range es {
		if i > 0 && e.span == es[i-1].span {
			v.fail(e.field, "duplicates "+es[i-1].field)
			continue
		}
		if last >= 0 && e.open < es[last].close {
			prev := es[last]
			v.fail(e.field, fmt.Sprintf("overlaps %s (%s-%s)", prev.field, clock(prev.open), clock(prev.close)))
			continue
		}
		p.spans = append(p.spans, e.span)
		p.spill = max(p.spill, e.close-minutesPerDay)
		if last < 0 || e.close > es[last].close {
			last = i
		}
	}
	return p
}

// parseDay accepts mon..sun in any letter case.
func parseDay(s string) (time.Weekday, bool) {
	if len(s) != 3 {
		return 0, false
	}
	i := strings.Index(dayNames, strings.ToLower(s))
	if i < 0 || i%3 != 0 {
		return 0, false
	}
	return time.Weekday(i / 3), true
}

func dayName(wd time.Weekday) string { return dayNames[3*wd : 3*wd+3] }

// parseClock reads exactly "HH:MM" as minutes after midnight; "24:00" only
// when allow24, because a window may end but not start at the end of a day.
func parseClock(s string, allow24 bool) (int32, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range [...]int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int32(s[0]-'0')*10 + int32(s[1]-'0')
	m := int32(s[3]-'0')*10 + int32(s[4]-'0')
	switch {
	case m > 59:
		return 0, false
	case h == 24 && m == 0 && allow24:
		return minutesPerDay, true
	case h > 23:
		return 0, false
	}
	return h*60 + m, true
}

// clock formats minutes after midnight as "HH:MM"; values past 24:00 (the
// close of an overnight window) wrap to the next day's clock time.
func clock(m int32) string {
	if m > minutesPerDay {
		m -= minutesPerDay
	}
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// parseDate reads "YYYY-MM-DD" as a day number counted from 1970-01-01.
func parseDate(s string) (int64, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Format(time.DateOnly) != s {
		return 0, false
	}
	return floorDiv(t.Unix(), secondsPerDay), true
}

package mspdi

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange/internal/loss"
	"github.com/critpath/critpath/schedule"
)

// maxExceptionDays bounds the days one calendar's exceptions and work
// weeks expand to: recurring exceptions are laid out day by day. The
// reader's limits bound the days of all the calendars of a file, so that
// many calendars cannot lay out more than one can.
const maxExceptionDays = 100_000

// calendars reads the calendars of a Calendars element, naming each (a
// duplicate name gets its UID appended: MS Project rejects duplicates,
// critpath needs names); lines are their lines.
func (r *reader) calendars(cs []calendarXML, lines []int) {
	for k, c := range cs {
		name := c.Name
		if name == "" {
			name = "Calendar " + c.UID
		}
		if r.calUsed[name] {
			name = fmt.Sprintf("%s (UID %s)", name, c.UID)
			r.warn(lines[k], "Calendar", "calendar UID %s: its name is taken; called %q", c.UID, name)
		}
		r.calUsed[name] = true
		r.calName[c.UID] = name
	}
	for k, c := range cs {
		line := lines[k]
		cal := schedule.Calendar{Name: r.calName[c.UID], Week: map[time.Weekday][]schedule.Interval{}}
		r.calLine[cal.Name] = line
		if b := c.BaseCalendarUID; b != "" && b != "-1" {
			base, ok := r.calName[b]
			switch {
			case ok && b != c.UID:
				cal.Base = base
			case strings.HasPrefix(b, "-") || b == "0": // MS Project's "none" and its special calendars
			default:
				r.warn(line, "BaseCalendarUID", "calendar %q: base calendar UID %s is not in the file; ignored", cal.Name, b)
			}
		}
		var oldStyle []weekDayXML // exceptions as DayType 0, before Project 2007
		if c.WeekDays != nil {
			for _, wd := range c.WeekDays.WeekDay {
				dt, err := parseInt(wd.DayType)
				switch {
				case err != nil || dt < 0 || dt > 7:
					r.warn(line, "DayType", "calendar %q: day type %q; ignored", cal.Name, wd.DayType)
				case dt == 0:
					oldStyle = append(oldStyle, wd)
				default:
					cal.Week[time.Weekday(dt-1)] = r.hours(line, cal.Name, wd.DayWorking, wd.WorkingTimes)
				}
			}
		}
		days := 0
		if c.Exceptions != nil && len(c.Exceptions.Exception) > 0 {
			for _, e := range c.Exceptions.Exception {
				cal.Exceptions = append(cal.Exceptions, r.exception(line, cal.Name, e, &days)...)
			}
		} else {
			for _, wd := range oldStyle {
				if wd.TimePeriod == nil {
					continue
				}
				from, err1 := parseDate(wd.TimePeriod.FromDate)
				to, err2 := parseDate(wd.TimePeriod.ToDate)
				if err1 != nil || err2 != nil || to.Before(from) {
					r.warn(line, "TimePeriod", "calendar %q: exception dates %q–%q; ignored", cal.Name, wd.TimePeriod.FromDate, wd.TimePeriod.ToDate)
					continue
				}
				cal.Exceptions = append(cal.Exceptions, schedule.Exception{From: schedule.DateOf(from), To: lastDay(from, to), Working: r.hours(line, cal.Name, wd.DayWorking, wd.WorkingTimes)})
			}
		}
		if c.WorkWeeks != nil {
			for _, ww := range c.WorkWeeks.WorkWeek {
				cal.Exceptions = append(cal.Exceptions, r.workWeek(line, cal.Name, ww, &days)...)
			}
		}
		// MS Project keeps exceptions sorted (it ignores unsorted ones).
		slices.SortStableFunc(cal.Exceptions, func(a, b schedule.Exception) int { return cmp.Compare(a.From.String(), b.From.String()) })
		r.p.Calendars = append(r.p.Calendars, cal)
	}
}

// layOut counts one more day of calendar cal's exceptions laid out
// (days counts the calendar's), or warns that the days are used up and
// reports false.
func (r *reader) layOut(line int, element, cal string, days *int) bool {
	switch {
	case *days >= maxExceptionDays:
		r.warn(line, element, "calendar %q: exceptions lay out over %d days; the rest are dropped", cal, maxExceptionDays)
		return false
	case r.laidOut >= r.lim.laidOut:
		r.warn(line, element, "calendar %q: the file's calendars lay out over %d days; the rest of its exceptions are dropped", cal, r.lim.laidOut)
		return false
	}
	*days++
	r.laidOut++
	return true
}

// lastDay is the To of an exception from from to to: zero for one day.
func lastDay(from, to time.Time) schedule.Date {
	if schedule.DateOf(to) == schedule.DateOf(from) {
		return schedule.Date{}
	}
	return schedule.DateOf(to)
}

// hours reads a day's working times: none when it does not work; MS
// Project's default day when it works without times given.
func (r *reader) hours(line int, cal, working string, wt *workingTimesXML) []schedule.Interval {
	on, err := parseBool(working)
	if err != nil {
		r.warn(line, "DayWorking", "calendar %q: %v; taken as not working", cal, err)
	}
	out := []schedule.Interval{}
	if !on {
		return out
	}
	if wt == nil || len(wt.WorkingTime) == 0 {
		return []schedule.Interval{schedule.Span(8, 0, 12, 0), schedule.Span(13, 0, 17, 0)}
	}
	for _, w := range wt.WorkingTime {
		a, err1 := parseClock(w.FromTime)
		b, err2 := parseClock(w.ToTime)
		if err1 != nil || err2 != nil {
			r.warn(line, "WorkingTime", "calendar %q: working time %q–%q; ignored", cal, w.FromTime, w.ToTime)
			continue
		}
		if b == 0 { // 00:00 as an end is the midnight that ends the day
			b = 1440
		}
		if a >= b {
			r.warn(line, "WorkingTime", "calendar %q: working time %q–%q ends before it starts; ignored", cal, w.FromTime, w.ToTime)
			continue
		}
		out = append(out, schedule.Interval{Start: a, End: b})
	}
	slices.SortFunc(out, func(x, y schedule.Interval) int { return x.Start - y.Start })
	return out
}

// exception lays a (possibly recurring) exception out as dated ones,
// consecutive days joined.
func (r *reader) exception(line int, cal string, e exceptionXML, days *int) []schedule.Exception {
	if e.TimePeriod == nil {
		r.warn(line, "Exception", "calendar %q: exception %q has no dates; ignored", cal, e.Name)
		return nil
	}
	from, err1 := parseDate(e.TimePeriod.FromDate)
	to, err2 := parseDate(e.TimePeriod.ToDate)
	if err1 != nil || err2 != nil || to.Before(from) {
		r.warn(line, "TimePeriod", "calendar %q: exception %q from %q to %q; ignored", cal, e.Name, e.TimePeriod.FromDate, e.TimePeriod.ToDate)
		return nil
	}
	num := func(s string, def int) int {
		if s == "" {
			return def
		}
		v, err := parseInt(s)
		if err != nil {
			r.warn(line, "Exception", "calendar %q: exception %q: %v", cal, e.Name, err)
			return def
		}
		return v
	}
	typ, period := num(e.Type, 1), max(1, num(e.Period, 1))
	count := num(e.Occurrences, 0)
	byCount, _ := parseBool(e.EnteredByOccurrences)
	month, monthDay := num(e.Month, 0), num(e.MonthDay, 1)
	item, pos, dow := num(e.MonthItem, 0), num(e.MonthPosition, 0), num(e.DaysOfWeek, 0)
	start := from
	// on reports whether day t is one of the exception's days.
	on := func(t time.Time) bool {
		switch typ {
		case 1: // every day
			return true
		case 7: // every period days
			return int(t.Sub(start).Hours()/24)%period == 0
		case 6: // every period weeks, on the days of DaysOfWeek (bit 0 Sunday)
			weeks := int(weekStart(t).Sub(weekStart(start)).Hours() / (24 * 7))
			return weeks%period == 0 && dow&(1<<int(t.Weekday())) != 0
		case 4: // every period months, on day MonthDay
			return monthsBetween(start, t)%period == 0 && t.Day() == monthDay
		case 5: // every period months, on the position-th item
			return monthsBetween(start, t)%period == 0 && isNth(t, item, pos)
		case 2: // every year on Month (from 0) and MonthDay
			return int(t.Month())-1 == month && t.Day() == monthDay
		case 3: // every year, the position-th item of Month
			return int(t.Month())-1 == month && isNth(t, item, pos)
		}
		return true
	}
	working := r.hours(line, cal, e.DayWorking, e.WorkingTimes)
	var out []schedule.Exception
	n := 0
	for t := from; !t.After(to); t = t.AddDate(0, 0, 1) {
		if !r.layOut(line, "Exception", cal, days) {
			break
		}
		if !on(t) {
			continue
		}
		if byCount && count > 0 && n >= count {
			break
		}
		n++
		d := schedule.DateOf(t)
		if k := len(out) - 1; k >= 0 && next(out[k]) == d {
			out[k].To = d
			continue
		}
		out = append(out, schedule.Exception{Name: e.Name, From: d, Working: working})
	}
	return out
}

// next is the day after an exception's last.
func next(e schedule.Exception) schedule.Date {
	last := e.To
	if last.IsZero() {
		last = e.From
	}
	return schedule.DateOf(time.Date(last.Year, last.Month, last.Day+1, 0, 0, 0, 0, time.UTC))
}

func weekStart(t time.Time) time.Time { return t.AddDate(0, 0, -int(t.Weekday())) }

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// isNth reports whether t is the pos-th (0 first … 3 fourth, 4 last) day
// of its month of kind item: 0 a day, 1 a weekday, 2 a weekend day, 3–9
// Sunday–Saturday.
func isNth(t time.Time, item, pos int) bool {
	match := func(d time.Time) bool {
		switch {
		case item == 0:
			return true
		case item == 1:
			return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
		case item == 2:
			return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		}
		return int(d.Weekday()) == item-3
	}
	if !match(t) {
		return false
	}
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	var all []int
	for d := first; d.Month() == t.Month(); d = d.AddDate(0, 0, 1) {
		if match(d) {
			all = append(all, d.Day())
		}
	}
	if pos >= 4 || pos >= len(all) {
		return len(all) > 0 && all[len(all)-1] == t.Day()
	}
	return pos >= 0 && all[pos] == t.Day()
}

// workWeek lays a work week (other hours for some weekdays within dates)
// out as dated exceptions.
func (r *reader) workWeek(line int, cal string, ww workWeekXML, days *int) []schedule.Exception {
	if ww.TimePeriod == nil || ww.WeekDays == nil {
		return nil
	}
	from, err1 := parseDate(ww.TimePeriod.FromDate)
	to, err2 := parseDate(ww.TimePeriod.ToDate)
	if err1 != nil || err2 != nil || to.Before(from) {
		r.warn(line, "WorkWeek", "calendar %q: work week %q from %q to %q; ignored", cal, ww.Name, ww.TimePeriod.FromDate, ww.TimePeriod.ToDate)
		return nil
	}
	week := map[time.Weekday][]schedule.Interval{}
	for _, wd := range ww.WeekDays.WeekDay {
		if dt, err := parseInt(wd.DayType); err == nil && dt >= 1 && dt <= 7 {
			week[time.Weekday(dt-1)] = r.hours(line, cal, wd.DayWorking, wd.WorkingTimes)
		}
	}
	var out []schedule.Exception
	for t := from; !t.After(to); t = t.AddDate(0, 0, 1) {
		if !r.layOut(line, "WorkWeek", cal, days) {
			break
		}
		if hours, ok := week[t.Weekday()]; ok {
			out = append(out, schedule.Exception{Name: ww.Name, From: schedule.DateOf(t), Working: hours})
		}
	}
	return out
}

// calendarXMLs writes the project's calendars and the presets it uses,
// numbering them from 1; uid maps each name to its UID.
func calendarXMLs(p *schedule.Project, lt *loss.Tally) (out []calendarXML, uid map[string]string) {
	cals := slices.Clone(p.Calendars)
	have := map[string]bool{}
	for _, c := range cals {
		have[c.Name] = true
	}
	want := []string{cmp.Or(p.Calendar, schedule.Standard)}
	for _, t := range p.Tasks {
		want = append(want, t.Calendar)
	}
	for _, r := range p.Resources {
		want = append(want, r.Calendar)
	}
	for _, c := range cals {
		want = append(want, c.Base)
	}
	for _, name := range want {
		if name == "" || have[name] {
			continue
		}
		if c, ok := schedule.Preset(name); ok {
			cals, have[name] = append(cals, c), true
		}
	}
	uid = map[string]string{}
	for k, c := range cals {
		uid[c.Name] = strconv.Itoa(k + 1)
	}
	for _, c := range cals {
		cx := calendarXML{UID: uid[c.Name], Name: c.Name, IsBaseCalendar: boolText(c.Base == ""), BaseCalendarUID: "-1"}
		if c.Base != "" {
			cx.BaseCalendarUID = uid[c.Base]
		}
		var days []weekDayXML
		for d := time.Sunday; d <= time.Saturday; d++ {
			if hours, ok := c.Week[d]; ok {
				days = append(days, weekDayXML{DayType: strconv.Itoa(int(d) + 1), DayWorking: boolText(len(hours) > 0), WorkingTimes: times(hours)})
			}
		}
		if len(days) > 0 {
			cx.WeekDays = &struct {
				WeekDay []weekDayXML `xml:"WeekDay"`
			}{days}
		}
		for _, x := range c.Exceptions {
			if x.Yearly {
				lt.Add("yearly", atCalendar, fmt.Sprintf("yearly exceptions are written as yearly recurrences of %d years from their first (none past %d), and read back as the days of those years", yearlyYears, holds.LastYear), "yearly exception", fmt.Sprintf("%q of %q", x.Name, c.Name))
			}
		}
		if ex := exceptionXMLs(c.Exceptions, p.Start); len(ex) > 0 {
			cx.Exceptions = &struct {
				Exception []exceptionXML `xml:"Exception"`
			}{ex}
		}
		out = append(out, cx)
	}
	return out, uid
}

func times(hours []schedule.Interval) *workingTimesXML {
	if len(hours) == 0 {
		return nil
	}
	wt := &workingTimesXML{}
	for _, h := range hours {
		wt.WorkingTime = append(wt.WorkingTime, workingTimeXML{FromTime: clockText(h.Start), ToTime: clockText(h.End)})
	}
	return wt
}

// yearlyYears is how many years a yearly exception is written for (fewer
// when they would pass the last year MS Project takes): MSPDI has no
// unbounded recurrence.
const yearlyYears = 40

// exceptionXMLs writes exceptions sorted by date (MS Project ignores
// unsorted ones): a dated one as a daily exception over its days, a
// yearly one as a yearly exception per day of it, from its year on.
func exceptionXMLs(exs []schedule.Exception, start time.Time) []exceptionXML {
	type dated struct {
		from time.Time
		x    exceptionXML
	}
	var all []dated
	for _, e := range exs {
		from := time.Date(e.From.Year, e.From.Month, e.From.Day, 0, 0, 0, 0, time.UTC)
		to := from
		if !e.To.IsZero() {
			to = time.Date(e.To.Year, e.To.Month, e.To.Day, 0, 0, 0, 0, time.UTC)
		}
		x := exceptionXML{Name: e.Name, DayWorking: boolText(len(e.Working) > 0), WorkingTimes: times(e.Working)}
		if !e.Yearly {
			x.EnteredByOccurrences, x.Occurrences, x.Type, x.Period = "0", strconv.Itoa(int(to.Sub(from).Hours()/24)+1), "1", "1"
			x.TimePeriod = &timePeriodXML{FromDate: formatDate(from), ToDate: formatDate(to.Add(23*time.Hour + 59*time.Minute))}
			all = append(all, dated{from, x})
			continue
		}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			y := x
			years := max(1, min(yearlyYears, holds.LastYear-d.Year()+1)) // none past the years MS Project takes
			last := d.AddDate(years-1, 0, 0)
			y.EnteredByOccurrences, y.Occurrences, y.Type = "1", strconv.Itoa(years), "2"
			y.Month, y.MonthDay = strconv.Itoa(int(d.Month())-1), strconv.Itoa(d.Day())
			y.TimePeriod = &timePeriodXML{FromDate: formatDate(d), ToDate: formatDate(last.Add(23*time.Hour + 59*time.Minute))}
			all = append(all, dated{d, y})
		}
	}
	slices.SortStableFunc(all, func(a, b dated) int { return a.from.Compare(b.from) })
	out := make([]exceptionXML, len(all))
	for k, d := range all {
		out[k] = d.x
	}
	return out
}

package schedule

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// A timeline is a calendar compiled for arithmetic. It maps wall minutes t
// to cumulative working minutes C(t), the working minutes before t counted
// from a fixed origin, and back:
//
//   - C(t) is non-decreasing; it grows by one over each working minute.
//   - startAt(w) is the moment the working minute numbered w begins, the
//     first t with C(t) = w and [t, t+1) working: where a task that has
//     done w minutes of work resumes.
//   - finishAt(w) is the first t with C(t) = w: where w minutes of work end.
//
// Adding n working minutes to a finish at t is finishAt(C(t)+n); both
// directions are binary searches. Regular weeks follow one pattern; the
// weeks around the exceptions are listed in a window, each with its
// cumulative minutes, and the pattern repeats on both sides of it.
type timeline struct {
	identity bool  // every minute works: C(t) = t
	perWeek  int64 // working minutes in a regular week
	pattern  []span
	first    int64     // index of the window's first week
	weeks    []weekRef // the window, plus a sentinel holding the cumulative at its end
	spans    []span    // the window's irregular weeks
}

// span is a working interval inside a week, in minutes after Monday 00:00,
// with the week's working minutes before it.
type span struct {
	start, end, cum int32
}

type weekRef struct {
	cum    int64 // C at the week's start
	off, n int32 // its spans: pattern when n < 0, else spans[off:off+n]
}

// The years around the project start in which yearly exceptions are laid
// out; outside them a calendar follows its weekly pattern and its dated
// exceptions.
const (
	yearlyBefore = 2
	yearlyAfter  = 40
)

// compileCalendar compiles cal, resolving its base through cals. anchor is
// the project's start day, around which yearly exceptions are laid out.
func compileCalendar(cal *Calendar, cals map[string]*Calendar, anchor Date) (*timeline, error) {
	h, err := resolveCalendar(cal, cals, anchor)
	if err != nil {
		return nil, err
	}
	tl, err := h.compile()
	if err != nil {
		return nil, fmt.Errorf("schedule: calendar %q: %w", cal.Name, err)
	}
	return tl, nil
}

// hours is a calendar resolved through its bases: the working intervals
// of each weekday (0 = Monday) and of each exception day (by day number).
type hours struct {
	week [7][]Interval
	days map[int64][]Interval
}

func resolveCalendar(cal *Calendar, cals map[string]*Calendar, anchor Date) (*hours, error) {
	chain, err := baseChain(cal, cals)
	if err != nil {
		return nil, err
	}
	h := &hours{}
	for d := range 7 {
		for _, c := range chain { // from the calendar itself to its root base
			if ivs, ok := c.Week[time.Weekday((d+1)%7)]; ok {
				h.week[d] = ivs
				break
			}
		}
		if err := checkIntervals(h.week[d]); err != nil {
			return nil, fmt.Errorf("schedule: calendar %q: %s: %w", cal.Name, time.Weekday((d+1)%7), err)
		}
	}
	if h.days, err = exceptionDays(chain, anchor); err != nil {
		return nil, fmt.Errorf("schedule: calendar %q: %w", cal.Name, err)
	}
	return h, nil
}

// intersect returns the hours in which both h and o work.
func (h *hours) intersect(o *hours) *hours {
	x := &hours{days: map[int64][]Interval{}}
	for d := range 7 {
		x.week[d] = intersectIntervals(h.week[d], o.week[d])
	}
	day := func(hs *hours, k int64) []Interval {
		if ivs, ok := hs.days[k]; ok {
			return ivs
		}
		return hs.week[weekdayOf(k)]
	}
	for _, m := range []map[int64][]Interval{h.days, o.days} {
		for k := range m {
			x.days[k] = intersectIntervals(day(h, k), day(o, k))
		}
	}
	return x
}

// weekdayOf returns day number k's weekday, 0 = Monday.
func weekdayOf(k int64) int {
	w := k * minutesPerDay
	return int((w - weekStart(weekOf(w))) / minutesPerDay)
}

// intersectIntervals returns the time two sorted lists of intervals share.
func intersectIntervals(a, b []Interval) []Interval {
	out := []Interval{}
	for i, j := 0, 0; i < len(a) && j < len(b); {
		if s, e := max(a[i].Start, b[j].Start), min(a[i].End, b[j].End); s < e {
			out = append(out, Interval{s, e})
		}
		if a[i].End < b[j].End {
			i++
		} else {
			j++
		}
	}
	return out
}

// compile lays h out as a timeline.
func (h *hours) compile() (*timeline, error) {
	week, days := &h.week, h.days
	tl := &timeline{}
	tl.pattern = weekSpans(func(d int) []Interval { return week[d] })
	for _, s := range tl.pattern {
		tl.perWeek += int64(s.end - s.start)
	}
	if tl.perWeek == 0 {
		return nil, ErrNoWorkingTime
	}
	if len(days) == 0 {
		tl.identity = len(tl.pattern) == 1 && tl.pattern[0].start == 0 && tl.pattern[0].end == minutesPerWeek
		return tl, nil
	}
	lo, hi := int64(1<<62), int64(-1<<62)
	for d := range days {
		lo, hi = min(lo, d), max(hi, d)
	}
	tl.first = weekOf(lo * minutesPerDay)
	last := weekOf(hi * minutesPerDay)
	var cum int64
	for k := tl.first; k <= last; k++ {
		firstDay := floorDiv(weekStart(k), minutesPerDay)
		irregular := false
		dayIvs := func(d int) []Interval {
			if ivs, ok := days[firstDay+int64(d)]; ok {
				return ivs
			}
			return week[d]
		}
		for d := range 7 {
			if _, ok := days[firstDay+int64(d)]; ok {
				irregular = true
			}
		}
		ref := weekRef{cum: cum, n: -1}
		sp := tl.pattern
		if irregular {
			sp = weekSpans(dayIvs)
			if !slices.Equal(sp, tl.pattern) {
				ref.off, ref.n = int32(len(tl.spans)), int32(len(sp))
				tl.spans = append(tl.spans, sp...)
			}
		}
		tl.weeks = append(tl.weeks, ref)
		cum += spansTotal(sp)
	}
	tl.weeks = append(tl.weeks, weekRef{cum: cum, n: -1})
	return tl, nil
}

// baseChain returns cal followed by its bases, root last.
func baseChain(cal *Calendar, cals map[string]*Calendar) ([]*Calendar, error) {
	chain := []*Calendar{cal}
	for c := cal; c.Base != ""; {
		b, ok := cals[c.Base]
		if !ok {
			return nil, fmt.Errorf("schedule: calendar %q: base %q: %w", c.Name, c.Base, ErrUnknownCalendar)
		}
		if slices.Contains(chain, b) {
			return nil, fmt.Errorf("schedule: calendar %q: %w", cal.Name, ErrCalendarCycle)
		}
		chain = append(chain, b)
		c = b
	}
	return chain, nil
}

func checkIntervals(ivs []Interval) error {
	for i, iv := range ivs {
		if !iv.valid() {
			return fmt.Errorf("interval %v: %w", iv, ErrBadInterval)
		}
		if i > 0 && ivs[i-1].End > iv.Start {
			return fmt.Errorf("interval %v overlaps or precedes %v: %w", iv, ivs[i-1], ErrBadInterval)
		}
	}
	return nil
}

// exceptionDays lays out the exceptions of a calendar chain as a map from
// day number to that day's working intervals. The root base's exceptions
// go first so that the calendar's own override them; within a calendar
// yearly exceptions go before dated ones.
func exceptionDays(chain []*Calendar, anchor Date) (map[int64][]Interval, error) {
	days := map[int64][]Interval{}
	for _, c := range slices.Backward(chain) {
		for _, yearly := range []bool{true, false} {
			for _, ex := range c.Exceptions {
				if ex.Yearly != yearly {
					continue
				}
				if err := layOut(days, ex, anchor); err != nil {
					return nil, fmt.Errorf("exception %q: %w", ex.Name, err)
				}
			}
		}
	}
	return days, nil
}

// maxExceptionDays bounds the length of one exception.
const maxExceptionDays = 366 * 100

func layOut(days map[int64][]Interval, ex Exception, anchor Date) error {
	to := ex.To
	if to.IsZero() {
		to = ex.From
	}
	if !ex.From.valid() || !to.valid() {
		return fmt.Errorf("dates %v to %v: %w", ex.From, to, ErrBadDate)
	}
	n := to.days() - ex.From.days()
	if n < 0 || n > maxExceptionDays {
		return fmt.Errorf("from %v to %v: %w", ex.From, to, ErrBadDate)
	}
	if err := checkIntervals(ex.Working); err != nil {
		return err
	}
	put := func(first int64) {
		for d := first; d <= first+n; d++ {
			days[d] = ex.Working
		}
	}
	if !ex.Yearly {
		put(ex.From.days())
		return nil
	}
	for y := max(ex.From.Year, anchor.Year-yearlyBefore); y <= anchor.Year+yearlyAfter; y++ {
		if d := (Date{y, ex.From.Month, ex.From.Day}); d.valid() {
			put(d.days())
		}
	}
	return nil
}

// weekSpans builds the spans of a week whose day d (0 = Monday) works
// dayIvs(d), joining intervals that meet at midnight.
func weekSpans(dayIvs func(d int) []Interval) []span {
	var out []span
	var cum int32
	for d := range 7 {
		for _, iv := range dayIvs(d) {
			s, e := int32(d*minutesPerDay+iv.Start), int32(d*minutesPerDay+iv.End)
			if n := len(out); n > 0 && out[n-1].end == s {
				out[n-1].end = e
			} else {
				out = append(out, span{start: s, end: e, cum: cum})
			}
			cum += e - s
		}
	}
	return out
}

func spansTotal(sp []span) int64 {
	if len(sp) == 0 {
		return 0
	}
	l := sp[len(sp)-1]
	return int64(l.cum + l.end - l.start)
}

// week returns C at the start of week k and the week's spans.
func (tl *timeline) week(k int64) (int64, []span) {
	i := k - tl.first
	n := int64(len(tl.weeks)) - 1
	switch {
	case n <= 0 || i < 0:
		return i * tl.perWeek, tl.pattern
	case i >= n:
		return tl.weeks[n].cum + (i-n)*tl.perWeek, tl.pattern
	}
	r := tl.weeks[i]
	if r.n < 0 {
		return r.cum, tl.pattern
	}
	return r.cum, tl.spans[r.off : r.off+r.n]
}

// cum returns C(t).
func (tl *timeline) cum(t int64) int64 {
	if tl.identity {
		return t
	}
	k := weekOf(t)
	base, sp := tl.week(k)
	mow := int32(t - weekStart(k))
	for _, s := range sp {
		if mow < s.start {
			return base + int64(s.cum)
		}
		if mow < s.end {
			return base + int64(s.cum+mow-s.start)
		}
	}
	return base + spansTotal(sp)
}

// cumStart returns the greatest w with startAt(w) <= t: C(t), less one when
// t lies in non-working time.
func (tl *timeline) cumStart(t int64) int64 {
	w := tl.cum(t)
	if tl.startAt(w) > t {
		w--
	}
	return w
}

// locate finds the week holding working minute w: with finish false, the
// week k where C(start of k) <= w < C(start of k+1); with finish true, the
// week where C(start of k) < w <= C(start of k+1). It returns k and w's
// offset into the week.
func (tl *timeline) locate(w int64, finish bool) (k, rem int64) {
	n := int64(len(tl.weeks)) - 1
	var off int64 // 1 when finishing: the week must hold minute w-1
	if finish {
		off = 1
	}
	if n > 0 && tl.weeks[0].cum <= w-off && w-off < tl.weeks[n].cum {
		i := int64(sort.Search(int(n), func(i int) bool { return tl.weeks[i+1].cum > w-off }))
		return tl.first + i, w - tl.weeks[i].cum
	}
	var base int64 // C at the start of week tl.first, or of the week after the window
	k0 := tl.first
	if n > 0 && w-off >= tl.weeks[n].cum {
		base, k0 = tl.weeks[n].cum, tl.first+n
	}
	q := floorDiv(w-off-base, tl.perWeek)
	return k0 + q, w - base - q*tl.perWeek
}

// startAt returns the moment working minute w begins.
func (tl *timeline) startAt(w int64) int64 {
	if tl.identity {
		return w
	}
	k, rem := tl.locate(w, false)
	_, sp := tl.week(k)
	i := sort.Search(len(sp), func(i int) bool { return int64(sp[i].cum+sp[i].end-sp[i].start) > rem })
	s := sp[i]
	return weekStart(k) + int64(s.start) + rem - int64(s.cum)
}

// finishAt returns the first moment at which w working minutes are done.
func (tl *timeline) finishAt(w int64) int64 {
	if tl.identity {
		return w
	}
	k, rem := tl.locate(w, true)
	_, sp := tl.week(k)
	i := sort.Search(len(sp), func(i int) bool { return int64(sp[i].cum+sp[i].end-sp[i].start) >= rem })
	s := sp[i]
	return weekStart(k) + int64(s.start) + rem - int64(s.cum)
}

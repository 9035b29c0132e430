package p6

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

// node is one record of P6's structured text (clndr_data):
// (0||name(attr|value|attr|value)(children)).
type node struct {
	name     string
	attrs    []string // attr, value, attr, value…
	children []*node
}

// attr is the value of the node's attribute name (the last one, when it
// has several; "" when it has none).
func (n *node) attr(name string) string {
	for k := len(n.attrs) - 2; k >= 0; k -= 2 {
		if n.attrs[k] == name {
			return n.attrs[k+1]
		}
	}
	return ""
}

const (
	// maxDepth bounds the nesting of structured text.
	maxDepth = 64
	// maxRecords bounds the records of one calendar's data: a week's
	// days and hours, and an exception for every day of 300 years.
	maxRecords = 1 << 17
)

// parseStructured reads structured text tolerantly: whitespace anywhere,
// a record cut short ends where the text does.
func parseStructured(s string) (*node, error) {
	p := &stParser{s: s}
	n, err := p.record(0)
	if err != nil {
		return nil, err
	}
	return n, nil
}

type stParser struct {
	s       string
	i       int
	records int
}

func (p *stParser) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\r' || p.s[p.i] == '\n' || p.s[p.i] == '\x7f') {
		p.i++
	}
}

func (p *stParser) expect(c byte) bool {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// until reads up to (not including) any of the stop bytes.
func (p *stParser) until(stop string) string {
	j := p.i
	for j < len(p.s) && !strings.ContainsRune(stop, rune(p.s[j])) {
		j++
	}
	out := strings.TrimSpace(p.s[p.i:j])
	p.i = j
	return out
}

func (p *stParser) record(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("calendar data nested deeper than %d", maxDepth)
	}
	if p.records++; p.records > maxRecords {
		return nil, fmt.Errorf("calendar data of more than %d records", maxRecords)
	}
	if !p.expect('(') {
		return nil, fmt.Errorf("calendar data: want ( at %d", p.i)
	}
	p.until("|")
	if !p.expect('|') || !p.expect('|') {
		return nil, fmt.Errorf("calendar data: want || at %d", p.i)
	}
	n := &node{name: p.until("(")}
	if !p.expect('(') {
		return nil, fmt.Errorf("calendar data: want ( after %q", n.name)
	}
	if attrs := p.until(")"); attrs != "" {
		n.attrs = strings.Split(attrs, "|")
		n.attrs = n.attrs[:len(n.attrs)&^1] // in pairs
		for k, a := range n.attrs {
			n.attrs[k] = strings.TrimSpace(a)
		}
	}
	if !p.expect(')') {
		return nil, fmt.Errorf("calendar data: want ) after %q's attributes", n.name)
	}
	if !p.expect('(') {
		return n, nil // no children given: tolerate
	}
	for {
		p.skip()
		if p.i >= len(p.s) || p.s[p.i] == ')' {
			break
		}
		c, err := p.record(depth + 1)
		if err != nil {
			return nil, err
		}
		n.children = append(n.children, c)
	}
	p.expect(')') // children
	p.expect(')') // record
	return n, nil
}

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}

// exceptionEpoch is day 0 of P6's exception day numbers.
var exceptionEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// DayNumber is the day number P6's calendar data gives the day of t (a
// UTC midnight): days since 1899-12-30.
func DayNumber(t time.Time) int { return int((t.Unix() - exceptionEpoch.Unix()) / 86400) }

// hoursOf reads a day's intervals (s|08:00|f|12:00); f|00:00 is the
// midnight that ends the day.
func hoursOf(n *node) ([]schedule.Interval, error) {
	out := []schedule.Interval{}
	for _, c := range n.children {
		a, err1 := clock(c.attr("s"))
		b, err2 := clock(c.attr("f"))
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("working time %q–%q", c.attr("s"), c.attr("f"))
		}
		if b == 0 {
			b = 1440
		}
		if a >= b {
			return nil, fmt.Errorf("working time %q–%q ends before it starts", c.attr("s"), c.attr("f"))
		}
		out = append(out, schedule.Interval{Start: a, End: b})
	}
	return out, nil
}

func clock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return hh*60 + mm, nil
}

// CalendarData turns clndr_data into a week (nil when DaysOfWeek is empty:
// the calendar inherits its base's or, without one, P6's default) and
// exceptions.
func CalendarData(data string) (week map[time.Weekday][]schedule.Interval, exs []schedule.Exception, err error) {
	if strings.TrimSpace(data) == "" {
		return nil, nil, nil
	}
	root, err := parseStructured(data)
	if err != nil {
		return nil, nil, err
	}
	if days := root.child("DaysOfWeek"); days != nil && len(days.children) > 0 {
		week = map[time.Weekday][]schedule.Interval{}
		for _, d := range days.children {
			k, err := strconv.Atoi(d.name)
			if err != nil || k < 1 || k > 7 {
				return nil, nil, fmt.Errorf("day %q of the week", d.name)
			}
			h, err := hoursOf(d)
			if err != nil {
				return nil, nil, err
			}
			week[time.Weekday(k-1)] = h
		}
	}
	if ex := root.child("Exceptions"); ex != nil {
		for _, e := range ex.children {
			k, err := strconv.Atoi(e.attr("d"))
			if err != nil || k < 0 || k > 200_000 {
				return nil, nil, fmt.Errorf("exception day %q", e.attr("d"))
			}
			h, err := hoursOf(e)
			if err != nil {
				return nil, nil, err
			}
			exs = append(exs, schedule.Exception{From: schedule.DateOf(exceptionEpoch.AddDate(0, 0, k)), Working: h})
		}
	}
	return week, exs, nil
}

// p6Default is P6's week for a calendar without days: Monday to Friday,
// 08:00–16:00.
func p6Default() map[time.Weekday][]schedule.Interval {
	w := map[time.Weekday][]schedule.Interval{time.Saturday: {}, time.Sunday: {}}
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = []schedule.Interval{schedule.Span(8, 0, 16, 0)}
	}
	return w
}

package schedule

import (
	"fmt"
	"iter"
	"math"
	"time"
)

func (n *Network) timeline(calendar string) (*timeline, error) {
	if calendar == "" {
		return n.tls[n.defCal], nil
	}
	t, ok := n.calOf[calendar]
	if !ok {
		return nil, fmt.Errorf("schedule: calendar %q: %w", calendar, ErrUnknownCalendar)
	}
	return n.tls[t], nil
}

// WorkBetween returns the working minutes from a to b on the named
// calendar ("" is the project's); negative when b is before a.
func (n *Network) WorkBetween(calendar string, a, b time.Time) (int64, error) {
	tl, err := n.timeline(calendar)
	if err != nil {
		return 0, err
	}
	return tl.cum(wallMinutes(b, n.loc)) - tl.cum(wallMinutes(a, n.loc)), nil
}

// AddWork returns the first moment at which minutes of work started at t
// on the named calendar are done (for negative minutes, the moment that
// much work before t began), in the project's time zone.
func (n *Network) AddWork(calendar string, t time.Time, minutes int64) (time.Time, error) {
	tl, err := n.timeline(calendar)
	if err != nil {
		return time.Time{}, err
	}
	if minutes < -maxMinutes*16 || minutes > maxMinutes*16 {
		return time.Time{}, fmt.Errorf("schedule: %d minutes: %w", minutes, ErrBadValue)
	}
	return wallTime(tl.finishAt(tl.cum(wallMinutes(t, n.loc))+minutes), n.loc), nil
}

// Settings returns the project's settings as the network uses them, the
// defaults filled in.
func (n *Network) Settings() Settings { return n.settings }

// Minutes returns d in minutes by the project's settings: working
// minutes, or elapsed ones for an elapsed d (a percent is returned in
// basis points).
func (n *Network) Minutes(d Duration) (int64, error) { return d.minutes(n.settings) }

// WorkingTime returns the working intervals of the named calendar ("" is
// the project's) between from and to, in order, each as its start and
// end, clipped to [from, to).
func (n *Network) WorkingTime(calendar string, from, to time.Time) (iter.Seq2[time.Time, time.Time], error) {
	tl, err := n.timeline(calendar)
	if err != nil {
		return nil, err
	}
	a, b := wallMinutes(from, n.loc), wallMinutes(to, n.loc)
	return func(yield func(time.Time, time.Time) bool) {
		for t := a; t < b; {
			s, e := tl.span(t)
			if s >= b {
				return
			}
			if !yield(wallTime(s, n.loc), wallTime(min(e, b), n.loc)) {
				return
			}
			t = e
		}
	}, nil
}

// span returns the first working interval [s, e) that ends after t,
// starting no earlier than t. Intervals that meet at the end of a week
// come as two.
func (tl *timeline) span(t int64) (s, e int64) {
	if tl.identity {
		return t, math.MaxInt64 / 4
	}
	s = max(tl.startAt(tl.cum(t)), t) // t, or the next working minute
	k := weekOf(s)
	_, sp := tl.week(k)
	mow := int32(s - weekStart(k))
	for _, x := range sp {
		if mow < x.end {
			return s, weekStart(k) + int64(x.end)
		}
	}
	return s, weekStart(k + 1) // not reached: s is working time
}

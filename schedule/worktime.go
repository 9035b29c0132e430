package schedule

import (
	"fmt"
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

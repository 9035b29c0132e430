package leveling

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

// A profile is one work resource's use by the tasks during leveling: each
// piece of work on it, kept in order of start, and how far its conflicts
// have been looked at. It finds the resource's conflicts as Conflicts
// does, but only from where the last change was on and only as far as
// the leveling needs to look, so that a delay costs what it moves.
type profile struct {
	id    string
	units float64 // what it has while its calendar works
	cal   string
	items []item // sorted by start, then task, then piece
	// maxLen is at least the longest piece: the pieces at work at a
	// moment start no earlier than maxLen before it.
	maxLen int64
	last   int64 // the latest finish of its pieces
	// Everything before cursor has been looked at: its conflicts are
	// resolved or left as they are. cursor is a clean moment (noClean:
	// the resource's first piece): before it the resource worked within
	// what it has, so a look from there sees what Conflicts sees.
	cursor int64
	cleans []int64 // clean moments found so far, ascending, for going back
	// next is the first conflict from cursor on that Level may resolve,
	// when found (ok); stop is the moment its extent was settled.
	next    Conflict
	nextIdx []int
	nextAt  int64
	stop    int64
	ok      bool
	done    bool            // no conflict from cursor on
	stuck   map[string]bool // conflicts left as they are (stuckKey)
	changed int64           // the earliest change since the last look (noChange: none)
	added   []item          // pieces to add at the next look, and
	removed []item          // to take away
}

// item is a piece of a task's work on a resource: [start, finish) in Unix
// seconds, units asked while the task's calendar works.
type item struct {
	start, finish int64
	task          int
	units         float64
}

func itemOrder(a, b item) int {
	return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.task, b.task), cmp.Compare(a.finish, b.finish))
}

const (
	noClean  = math.MinInt64
	noChange = math.MaxInt64
)

// The window a look starts with, and doubles while it finds nothing.
const firstWindow = 7 * 24 * 3600

// change notes that pieces were taken away and added: the resource's
// conflicts from the earliest of them on must be looked at again.
func (pr *profile) change(old, new []item) {
	pr.removed = append(pr.removed, old...)
	pr.added = append(pr.added, new...)
	for _, it := range old {
		pr.changed = min(pr.changed, it.start)
	}
	for _, it := range new {
		pr.changed = min(pr.changed, it.start)
	}
}

// settle makes the noted changes: the pieces in order again, and the
// look goes back to the last clean moment before the earliest change.
func (pr *profile) settle() {
	if pr.changed == noChange {
		return
	}
	d := pr.changed
	pr.changed = noChange
	if len(pr.removed) > 0 || len(pr.added) > 0 {
		slices.SortFunc(pr.removed, itemOrder)
		slices.SortFunc(pr.added, itemOrder)
		out := make([]item, 0, len(pr.items)-len(pr.removed)+len(pr.added))
		rm, add := pr.removed, pr.added
		for _, it := range pr.items {
			for len(rm) > 0 && itemOrder(rm[0], it) < 0 {
				rm = rm[1:] // not there: nothing to take away
			}
			if len(rm) > 0 && rm[0] == it {
				rm = rm[1:]
				continue
			}
			for len(add) > 0 && itemOrder(add[0], it) < 0 {
				out = append(out, add[0])
				add = add[1:]
			}
			out = append(out, it)
		}
		out = append(out, add...)
		pr.last = math.MinInt64
		for _, it := range out {
			pr.last = max(pr.last, it.finish)
		}
		for _, it := range pr.added {
			pr.maxLen = max(pr.maxLen, it.finish-it.start)
		}
		pr.items, pr.removed, pr.added = out, pr.removed[:0], pr.added[:0]
	}
	if pr.ok && d <= pr.stop {
		pr.ok = false
	}
	if d <= pr.cursor {
		k, _ := slices.BinarySearch(pr.cleans, d)
		pr.cleans = pr.cleans[:k]
		pr.cursor = noClean
		if k > 0 {
			pr.cursor = pr.cleans[k-1]
		}
		pr.ok, pr.done = false, false
	}
	if !pr.ok {
		pr.done = false
	}
}

// bound is the earliest a conflict of the resource that Level may
// resolve can start: the one found, or the cursor. ok reports a found
// one; none is false when there is none at all.
func (pr *profile) bound() (at int64, found, none bool) {
	switch {
	case pr.ok:
		return pr.nextAt, true, false
	case pr.done:
		return 0, false, true
	}
	return pr.cursor, false, false
}

// event is a change of demand (task ≥ 0) or of capacity (task < 0) at a
// moment, in Unix seconds.
type event struct {
	at    int64
	task  int
	units float64
}

// look searches the resource's conflicts from its cursor on, stopping at
// the first one Level may resolve (skip says which not) or once past
// limit. It reports whether it found one (pr.next).
func (lv *leveler) look(pr *profile, limit int64) bool {
	pr.settle()
	if pr.ok {
		return true
	}
	if pr.done || len(pr.items) == 0 {
		pr.done = true
		return false
	}
	from := pr.cursor
	if from == noClean {
		from = pr.items[0].start
	}
	width := int64(firstWindow)
	for {
		to := from + width
		evs, last := lv.events(pr, from, to)
		if len(evs) == 0 && last <= from {
			pr.done, pr.cursor = true, from
			return false
		}
		final := to >= last // the window holds everything from here on
		c, stop, clean, ok := lv.sweep(pr, evs, final)
		if clean > from {
			pr.cursor = clean
			if len(pr.cleans) == 0 || clean > pr.cleans[len(pr.cleans)-1] {
				pr.cleans = append(pr.cleans, clean)
			}
		}
		if ok {
			pr.next, pr.stop, pr.ok = c, stop, true
			pr.nextAt = c.From.Unix()
			pr.nextIdx = pr.nextIdx[:0]
			for _, u := range c.Uses {
				i, _ := lv.n.Index(u.Task)
				pr.nextIdx = append(pr.nextIdx, i)
			}
			return true
		}
		if final {
			pr.done = true
			return false
		}
		if pr.cursor > limit {
			return false
		}
		// Nothing settled in the window: from the last clean moment on,
		// with a wider one.
		if pr.cursor > from {
			from = pr.cursor
		}
		width *= 2
	}
}

// events returns the changes of demand and capacity of the resource in
// [from, to), in order of time, and the latest finish of its pieces from
// from on.
func (lv *leveler) events(pr *profile, from, to int64) ([]event, int64) {
	lo, _ := slices.BinarySearchFunc(pr.items, from-pr.maxLen, func(it item, t int64) int { return cmp.Compare(it.start, t) })
	var evs []event
	last := int64(math.MinInt64)
	loc := lv.loc
	for _, it := range pr.items[lo:] {
		if it.start >= to {
			break
		}
		if it.finish <= from {
			continue
		}
		last = max(last, it.finish)
		seq, err := lv.n.WorkingTime(lv.cal[it.task], time.Unix(max(it.start, from), 0).In(loc), time.Unix(min(it.finish, to), 0).In(loc))
		if err != nil {
			continue // checked when the pieces were made
		}
		for s, e := range seq {
			evs = append(evs, event{s.Unix(), it.task, it.units}, event{e.Unix(), it.task, -it.units})
		}
	}
	last = max(last, pr.last) // what comes after the window, for knowing when all is seen
	if len(evs) == 0 {
		return nil, last
	}
	first, end := evs[0].at, evs[0].at
	for _, ev := range evs {
		first, end = min(first, ev.at), max(end, ev.at)
	}
	if seq, err := lv.n.WorkingTime(pr.cal, time.Unix(first, 0).In(loc), time.Unix(end, 0).In(loc)); err == nil {
		for s, e := range seq {
			evs = append(evs, event{s.Unix(), -1, pr.units}, event{e.Unix(), -1, -pr.units})
		}
	}
	slices.SortFunc(evs, func(a, b event) int { return cmp.Compare(a.at, b.at) })
	return evs, last
}

// sweep runs Conflicts' count over the events of one window that starts
// at a clean moment: it returns the first conflict Level may resolve and
// the moment its extent was settled, and the latest clean moment before
// it (or before the window's end) — the end of a conflict Level leaves
// counts as one: a look from there sees the conflicts after it as
// Conflicts does, unless one continues it (the same tasks after a pause),
// which a look then sees on its own. When the window is not final, a
// conflict still going on at its end is not settled.
func (lv *leveler) sweep(pr *profile, evs []event, final bool) (c Conflict, stop, clean int64, ok bool) {
	active := map[int]float64{}
	var capacity, demand float64
	joinable := false
	var pending Conflict
	has := false
	clean = noClean
	loc := lv.loc
	at := func(s int64) time.Time { return time.Unix(s, 0).In(loc) }
	for k := 0; k < len(evs); {
		now := evs[k].at
		for ; k < len(evs) && evs[k].at == now; k++ {
			ev := evs[k]
			if ev.task < 0 {
				capacity += ev.units
				continue
			}
			demand += ev.units
			if active[ev.task] += ev.units; active[ev.task] < tolerance {
				delete(active, ev.task)
			}
		}
		if k == len(evs) {
			break
		}
		next := evs[k].at
		if demand <= capacity+tolerance {
			if has && !(joinable && demand < tolerance) { // the pending conflict is over
				if !lv.skip(pr, pending) {
					return pending, now, clean, true
				}
				has, clean = false, now // a look may start again here: what went before is left as it is
			}
			joinable = joinable && demand < tolerance
			if demand >= tolerance && !has {
				clean = next
			}
			continue
		}
		cur := Conflict{Resource: pr.id, From: at(now), To: at(next), Available: max0(capacity)}
		for t, u := range active {
			cur.Uses = append(cur.Uses, Use{Task: lv.n.ID(t), Units: u})
		}
		slices.SortFunc(cur.Uses, func(a, b Use) int { return cmp.Compare(a.Task, b.Task) })
		for _, u := range cur.Uses {
			cur.Demand += u.Units
		}
		cur.Excess = cur.Demand - cur.Available
		if has && joinable && pending.Available == cur.Available && slices.Equal(pending.Uses, cur.Uses) {
			pending.To = cur.To
			continue
		}
		if has { // another conflict begins where it ends
			if !lv.skip(pr, pending) {
				return pending, now, clean, true
			}
			clean = now
		}
		pending, has, joinable = cur, true, true
	}
	if has && final && !lv.skip(pr, pending) {
		return pending, math.MaxInt64, clean, true
	}
	return Conflict{}, 0, clean, false
}

// skip reports whether Level leaves conflict c as it is: proved stuck, or
// outside the dates it was asked to level.
func (lv *leveler) skip(pr *profile, c Conflict) bool {
	o := lv.opts
	return pr.stuck[stuckKey(c)] || !o.From.IsZero() && c.From.Before(o.From) || !o.To.IsZero() && !c.From.Before(o.To)
}

// stuckKey names a conflict by its start and its tasks' demands: the
// same tasks asking the same from the same moment are the same conflict.
func stuckKey(c Conflict) string {
	var b strings.Builder
	fmt.Fprint(&b, c.From.Unix())
	for _, u := range c.Uses {
		fmt.Fprintf(&b, "|%s:%g", u.Task, u.Units)
	}
	return b.String()
}

// piecesOf returns task i's pieces of work as the profiles count them:
// none for a summary, a task of no length or one that asks nothing of a
// work resource.
func (lv *leveler) piecesOf(i int) []schedule.Segment {
	tr := lv.ed.Result().Task(i)
	if tr.Summary || !tr.Start.Before(tr.Finish) || len(lv.uses[i]) == 0 {
		return nil
	}
	return lv.ed.Result().Segments(i)
}

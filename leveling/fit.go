package leveling

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/critpath/critpath/schedule"
)

// fitter finds where a task's work fits among a set of pieces on its
// resources: the placed tasks' during the first pass, every other task's
// when a conflict left after it is resolved.
type fitter struct {
	lv *leveler
	// set returns profile k's pieces, in order of start, and the longest.
	set     func(k int) ([]item, int64)
	scratch []event
	ends    finishes
}

// probe returns task i's pieces as items.
func probe(i int, segs []schedule.Segment, units float64) []item {
	var out []item
	for _, s := range segs {
		if s.Start.Before(s.Finish) {
			out = append(out, item{s.Start.Unix(), s.Finish.Unix(), i, units})
		}
	}
	return out
}

// firstClash returns the first moment task i's pieces, with the placed
// tasks, ask more of one of its resources than it has: when, until when,
// and which profile (the first in the project's order on a tie).
func (f *fitter) firstClash(i int, segs []schedule.Segment) (at, end int64, k int, ok bool) {
	at = math.MaxInt64
	for _, u := range f.lv.uses[i] {
		pieces := probe(i, segs, u.units)
		if len(pieces) == 0 {
			continue
		}
		if a, e, found := f.clash(u.prof, pieces); found && (a < at || a == at && u.prof < k) {
			at, end, k, ok = a, e, u.prof, true
		}
	}
	return at, end, k, ok
}

// clash returns the first over-allocation of profile k by the probe's
// pieces with the placed ones: its start and end. Where the probe alone
// asks more than the resource has (working when it does not, say), no
// delay helps: that is not counted.
func (f *fitter) clash(k int, pieces []item) (at, end int64, ok bool) {
	lv := f.lv
	pr := lv.profs[k]
	from, to := pieces[0].start, pieces[len(pieces)-1].finish
	evs := f.scratch[:0]
	add := func(it item, task int) error {
		seq, err := lv.n.WorkingTime(lv.cal[it.task], time.Unix(max(it.start, from), 0).In(lv.loc), time.Unix(min(it.finish, to), 0).In(lv.loc))
		if err != nil {
			return err
		}
		for s, e := range seq {
			evs = append(evs, event{s.Unix(), task, it.units}, event{e.Unix(), task, -it.units})
		}
		return nil
	}
	for _, it := range pieces {
		if add(it, 0) != nil {
			return 0, 0, false
		}
	}
	items, maxLen := f.set(k)
	lo, _ := slices.BinarySearchFunc(items, from-maxLen, func(it item, t int64) int { return cmp.Compare(it.start, t) })
	for _, it := range items[lo:] {
		if it.start >= to {
			break
		}
		if it.finish > from && it.task != pieces[0].task {
			add(it, 1)
		}
	}
	if seq, err := lv.n.WorkingTime(pr.cal, time.Unix(from, 0).In(lv.loc), time.Unix(to, 0).In(lv.loc)); err == nil {
		for s, e := range seq {
			evs = append(evs, event{s.Unix(), -1, pr.units}, event{e.Unix(), -1, -pr.units})
		}
	}
	f.scratch = evs
	slices.SortFunc(evs, func(a, b event) int { return cmp.Compare(a.at, b.at) })
	var capacity, demand, mine float64
	for j := 0; j < len(evs); {
		now := evs[j].at
		for ; j < len(evs) && evs[j].at == now; j++ {
			switch ev := evs[j]; ev.task {
			case -1:
				capacity += ev.units
			case 0:
				mine += ev.units
				demand += ev.units
			default:
				demand += ev.units
			}
		}
		over := mine > tolerance && demand > capacity+tolerance && mine <= capacity+tolerance
		if ok && !over && demand >= tolerance { // not a pause in all the work: it is over
			return at, now, true
		}
		if !ok && over {
			at, ok = now, true
		}
	}
	return at, to, ok
}

// room returns the earliest moment from after on, among the moments the
// placed tasks on its resources finish, at which task i's work (minutes
// on its calendar, as one stretch) fits on all its resources.
func (f *fitter) room(i int, work int64, after int64) (int64, bool) {
	lv := f.lv
	// Spans overlap wherever work does: where the spans leave room, the
	// task surely fits (where it alone asks more than a resource has does
	// not count). When the tasks work on other calendars, the moments
	// before that are tried one by one, a few at most, by working time.
	bound, sure := f.roomPlain(i, work, after)
	if !sure {
		bound = math.MaxInt64
	}
	if f.plain(i) {
		return bound, sure
	}
	tries := 0
	var moments []int64
	for _, u := range lv.uses[i] {
		items, maxLen := f.set(u.prof)
		lo, _ := slices.BinarySearchFunc(items, after-maxLen, func(it item, t int64) int { return cmp.Compare(it.start, t) })
		for _, it := range items[lo:] {
			if it.finish > after && it.task != i {
				moments = append(moments, it.finish)
			}
		}
	}
	slices.Sort(moments)
	moments = slices.Compact(moments)
	cal := lv.cal[i]
	for c := 0; c < len(moments); c++ {
		m := moments[c]
		if m >= bound || tries == maxExact {
			break
		}
		tries++
		t := time.Unix(m, 0).In(lv.loc)
		finish, err := lv.n.AddWork(cal, t, work)
		if err != nil {
			return 0, false
		}
		first, err := lv.n.AddWork(cal, t, min(work, 1))
		if err != nil {
			return 0, false
		}
		start := first.Add(-time.Duration(min(work, 1)) * time.Minute)
		fits := true
		for _, u := range lv.uses[i] {
			block := item{start.Unix(), finish.Unix(), i, u.units}
			ok, sure, next := f.spanFit(u.prof, block)
			if !sure {
				at, _, found := f.clash(u.prof, []item{block})
				ok, next = !found, at+1
			}
			if !ok {
				// No start up to next fits: the next moment to try is one
				// after it.
				fits = false
				if k, _ := slices.BinarySearch(moments, next); k-1 > c {
					c = k - 1
				}
				break
			}
		}
		if fits {
			return m, true
		}
	}
	return bound, sure
}

// maxExact bounds the moments room tries one by one, each by the
// resources' working time.
const maxExact = 24

// spanFit checks a block of task work against the placed pieces of
// profile k by their spans alone: the most the placed pieces ask at once
// while the block lasts, plus the block's units, within what the resource
// has. Spans overlap wherever work does, so a fit is sure when the task
// works only while the resource does; a clash is sure when it comes of
// pieces on the task's own calendar alone (their spans then overlap only
// where work does).
func (f *fitter) spanFit(k int, b item) (fits, sure bool, next int64) {
	lv := f.lv
	within := lv.within[b.task]
	items, maxLen := f.set(k)
	lo, _ := slices.BinarySearchFunc(items, b.start-maxLen, func(it item, t int64) int { return cmp.Compare(it.start, t) })
	evs := f.scratch[:0]
	same := true
	var over []item // the pieces that overlap the block
	for _, it := range items[lo:] {
		if it.start >= b.finish {
			break
		}
		if it.finish <= b.start || it.task == b.task {
			continue
		}
		same = same && lv.cal[it.task] == lv.cal[b.task]
		evs = append(evs, event{max(it.start, b.start), 1, it.units}, event{it.finish, 1, -it.units})
		over = append(over, it)
	}
	f.scratch = evs
	slices.SortFunc(evs, func(x, y event) int { return cmp.Or(cmp.Compare(x.at, y.at), cmp.Compare(x.units, y.units)) })
	room := lv.profs[k].units + tolerance - b.units
	var load float64
	for _, ev := range evs {
		if load += ev.units; load <= room {
			continue
		}
		// The first moment too full: no start before one of the pieces
		// at work then finishes can fit.
		next = math.MaxInt64
		for _, it := range over {
			if it.start <= ev.at && it.finish > ev.at {
				next = min(next, it.finish)
			}
		}
		return false, same && within, next
	}
	return true, within, 0
}

// winner is the placed task that keeps task i waiting until until: the
// last one on profile k (then on i's other resources) to finish by then.
func (f *fitter) winner(i, k int, until int64) int {
	best, bestAt := -1, int64(math.MinInt64)
	look := func(prof int) {
		items, _ := f.set(prof)
		for _, it := range items {
			if it.task != i && it.finish <= until && (it.finish > bestAt || it.finish == bestAt && best >= 0 && f.lv.order(contender{i: it.task}, contender{i: best}) < 0) {
				best, bestAt = it.task, it.finish
			}
		}
	}
	look(k)
	if best < 0 {
		for _, u := range f.lv.uses[i] {
			look(u.prof)
		}
	}
	if best < 0 {
		return i
	}
	return best
}

// plain reports whether every task on task i's resources works on its
// calendar, within theirs: their pieces' spans then overlap exactly where
// their work does.
func (f *fitter) plain(i int) bool {
	lv := f.lv
	if !lv.within[i] {
		return false
	}
	for _, u := range lv.uses[i] {
		if cals := lv.cals[u.prof]; len(cals) != 1 || cals[0] != lv.cal[i] {
			return false
		}
	}
	return true
}

// roomPlain is room for a task whose resources' tasks all work on its
// calendar (plain): the stretches where some resource has less room than
// the task asks are found in one sweep per resource, and the first gap
// between them with enough working time for the task's work taken.
func (f *fitter) roomPlain(i int, work int64, after int64) (int64, bool) {
	lv := f.lv
	var bad [][2]int64
	for _, u := range lv.uses[i] {
		bad = merge(bad, f.full(u.prof, i, after, lv.profs[u.prof].units+tolerance-u.units))
	}
	if len(bad) == 0 {
		return 0, false // nothing in the way: the clash is the task's own
	}
	// Join them: ends are then increasing.
	joined := bad[:1]
	for _, b := range bad[1:] {
		if last := &joined[len(joined)-1]; b[0] <= last[1] {
			last[1] = max(last[1], b[1])
			continue
		}
		joined = append(joined, b)
	}
	cal := lv.cal[i]
	loc := lv.loc
	for k, b := range joined {
		if k+1 == len(joined) {
			return b[1], true
		}
		w, err := lv.n.WorkBetween(cal, time.Unix(b[1], 0).In(loc), time.Unix(joined[k+1][0], 0).In(loc))
		if err != nil {
			return 0, false
		}
		if w >= work {
			return b[1], true
		}
	}
	return 0, false
}

// merge merges two lists of stretches in order of start.
func merge(a, b [][2]int64) [][2]int64 {
	if len(a) == 0 {
		return b
	}
	out := make([][2]int64, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0][0] <= b[0][0] {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// full returns the stretches from after on where the pieces of profile k
// (other than task i's) ask more than room, in order, by a sweep of their
// starts and finishes.
func (f *fitter) full(k, i int, after int64, room float64) [][2]int64 {
	items, maxLen := f.set(k)
	lo, _ := slices.BinarySearchFunc(items, after-maxLen, func(it item, t int64) int { return cmp.Compare(it.start, t) })
	var out [][2]int64
	ends := f.ends[:0]
	var load float64
	open := int64(math.MinInt64) // the start of the stretch too full, if one is open
	step := func(at int64) {
		switch {
		case load > room && open == math.MinInt64:
			open = at
		case load <= room && open != math.MinInt64:
			out = append(out, [2]int64{open, at})
			open = math.MinInt64
		}
	}
	release := func(until int64) { // the finishes up to until, in order
		for len(ends) > 0 && ends[0].at <= until {
			at := ends[0].at
			for len(ends) > 0 && ends[0].at == at {
				load -= ends[0].units
				ends = ends.pop()
			}
			step(at)
		}
	}
	for _, it := range items[lo:] {
		if it.finish <= after || it.task == i {
			continue
		}
		s := max(it.start, after)
		release(s)
		load += it.units
		ends = ends.push(event{it.finish, it.task, it.units})
		step(s)
	}
	release(math.MaxInt64)
	f.ends = ends
	return out
}

// finishes is a binary heap of pieces' finishes, the earliest first.
type finishes []event

func (h finishes) push(e event) finishes {
	h = append(h, e)
	for c := len(h) - 1; c > 0; {
		p := (c - 1) / 2
		if h[p].at <= h[c].at {
			break
		}
		h[p], h[c] = h[c], h[p]
		c = p
	}
	return h
}

func (h finishes) pop() finishes {
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for p := 0; ; {
		c := 2*p + 1
		if c >= len(h) {
			break
		}
		if c+1 < len(h) && h[c+1].at < h[c].at {
			c++
		}
		if h[p].at <= h[c].at {
			break
		}
		h[p], h[c] = h[c], h[p]
		p = c
	}
	return h
}

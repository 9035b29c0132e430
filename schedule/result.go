package schedule

import (
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/critpath/critpath/internal/instant"
)

// Result is one schedule of a Network: the durations it was run with and
// the dates and floats they give. Run recomputes it in place without
// allocating, so leveling, crashing and simulation can re-run one Result
// with other durations. A Result is not safe for concurrent use; give each
// goroutine its own Result of a shared Network (one from Compile, which
// never changes). An Editor's Result, and its Network, are the Editor's:
// it changes them in place on every Apply and Preview.
type Result struct {
	net *Network
	dur []int64
	// Each node's early, late and free dates as (start, finish) pairs on
	// its timeline; free is the latest start and finish that delay no
	// successor's early dates. ff is the free float.
	early, late, free [][2]int64
	ff                []int64
	maxEF, pf         []int64 // per timeline
	finish            int64   // the project finish, wall minutes
	start             int64   // the project start, wall minutes
	floor             []int64 // a backward schedule's worked-out start, per node
	asap              [][2]int64
	placed            [][2]int64 // under ALAPFreeFloat, where each late task goes
	placing           bool
	// Under P6's progress modes, each complete task's place in the logic,
	// as wall minutes: done is its logic moment (doneAt), doneLate the
	// latest the tasks after it allow that moment (doneLateOf). Nil
	// otherwise; a complete task's own dates stay its actual dates.
	done, doneLate []int64
	journal        journal // scratch for incremental updates
	// gap holds the nodes' pauses when SetDuration has changed a split
	// task's (a longer task may reach more of its splits); nil means the
	// network's.
	gap []int64
	// origin is the start on the project calendar's working-minute count,
	// for the start originAt (see originMinutes).
	origin, originAt int64
	hasOrigin        bool

	rolled bool
	tasks  []TaskResult // made and filled lazily by rollUp
	// stale marks the tasks a shift moved (Editor.Shift): their results
	// are worked out again when read.
	stale    []bool
	staleAny bool
	weights  []float64 // summaries' total subtask duration, for progress
}

// TaskResult is one task's schedule. Floats are working minutes on the
// task's calendar.
type TaskResult struct {
	ID, Name string
	// Start and Finish are the dates the task is scheduled on: its early
	// dates, or its late dates when it is placed as late as possible.
	Start, Finish           time.Time
	EarlyStart, EarlyFinish time.Time
	LateStart, LateFinish   time.Time
	TotalFloat, FreeFloat   int64
	Critical                bool
	Summary, Milestone      bool
	// PercentComplete is the task's progress, 0–100; a summary's is its
	// subtasks' weighted by duration.
	PercentComplete float64
	// Work is the minutes of work of the task's work resources, and Cost
	// what the task costs (see Result.Progress); a summary's are its
	// subtasks' summed.
	Work int64
	Cost float64
}

// NewResult returns a Result holding the project's own durations, not yet
// run.
func (n *Network) NewResult() *Result {
	nn := len(n.kind)
	r := &Result{net: n}
	r.dur, r.ff = make([]int64, nn), make([]int64, nn)
	pairs := make([][2]int64, 3*nn)
	r.early, r.late, r.free = pairs[:nn:nn], pairs[nn:2*nn:2*nn], pairs[2*nn:]
	copy(r.dur, n.dur)
	r.maxEF = make([]int64, len(n.tls))
	r.pf = make([]int64, len(n.tls))
	r.weights = make([]float64, len(n.tasks))
	r.asap = make([][2]int64, len(n.late))
	r.placed = make([][2]int64, len(n.late))
	r.start = n.start
	if n.opts.Progress != ActualDates {
		r.done, r.doneLate = make([]int64, nn), make([]int64, nn)
	}
	if n.backward {
		r.floor = make([]int64, nn)
	}
	return r
}

// Run compiles p and schedules it: the one call for a caller who schedules
// a project once.
func Run(p *Project) (*Result, error) {
	n, err := Compile(p)
	if err != nil {
		return nil, err
	}
	r := n.NewResult()
	r.Run()
	return r, nil
}

// Network returns the network the Result schedules.
func (r *Result) Network() *Network { return r.net }

// Len returns the number of tasks.
func (n *Network) Len() int { return len(n.tasks) }

// Index returns the index of the task with that ID: its position in the
// project's task list.
func (n *Network) Index(id string) (int, bool) {
	i, ok := n.byID[id]
	return int(i), ok
}

// ID returns the ID of task i.
func (n *Network) ID(i int) string { return n.tasks[i].id }

// Calendar returns the name of the calendar task i works on ("" for the
// project's): its own or, when it has work resources whose calendars it
// does not ignore, the time all of them share, named "A ∩ B ∩ …".
// Network's WorkBetween and AddWork accept the name.
func (n *Network) Calendar(i int) string {
	switch c := n.tasks[i].cal; {
	case c == n.defCal:
		return ""
	case c == 0:
		return TwentyFourHours
	default:
		return n.calNames[c]
	}
}

// Duration returns the minutes task i has to work, working minutes on
// its calendar or, for an elapsed task, elapsed minutes: its duration,
// or for a task with progress what remains of it. A summary's is zero.
func (r *Result) Duration(i int) int64 {
	t := &r.net.tasks[i]
	if t.summary {
		return 0
	}
	return r.dur[t.node]
}

// SetDuration sets the minutes task i has to work for the next Run, as
// Duration returns them. It fails on a summary task and on a negative or
// out-of-range value, changing nothing. Changing a milestone's zero
// duration or making a task zero long keeps the task's way of counting
// time (a milestone stays on wall-clock time).
func (r *Result) SetDuration(i int, minutes int64) error {
	t := &r.net.tasks[i]
	switch {
	case t.summary:
		return fmt.Errorf("schedule: task %q: a summary task's duration comes from its subtasks", t.id)
	case minutes < 0 || minutes > maxMinutes:
		return fmt.Errorf("schedule: task %q: duration %d minutes: %w", t.id, minutes, ErrBadValue)
	}
	v := t.node
	r.dur[v] = minutes
	if len(t.splitList()) > 0 && r.net.fop[v] != fFinished {
		if r.gap == nil {
			r.gap = slices.Clone(r.net.gap)
		}
		r.gap[v] = t.gapsWithin(r.workStart(v), r.workEnd(v))
	}
	return nil
}

// Start returns the project start.
func (r *Result) Start() time.Time { return wallTime(r.start, r.net.loc) }

// Finish returns the project finish: the latest early finish.
func (r *Result) Finish() time.Time { return wallTime(r.finish, r.net.loc) }

// Task returns task i's schedule (i as in Network.Index).
func (r *Result) Task(i int) TaskResult {
	if r.rolled && r.staleAny && r.stale[i] {
		r.refresh(int32(i))
		return r.tasks[i]
	}
	r.rollUp()
	return r.tasks[i]
}

// refresh works out stale task i's result again, a summary's after its
// stale subtasks'.
func (r *Result) refresh(i int32) {
	n := r.net
	if n.tasks[i].summary {
		for _, k := range n.kids[n.kidOf[i]:n.kidOf[i+1]] {
			if r.stale[k] {
				r.refresh(k)
			}
		}
		r.tasks[i] = r.summaryResult(i)
	} else {
		r.tasks[i] = r.leafResult(i)
	}
	r.stale[i] = false
}

// Segment is a stretch of a task's work without a pause: from Start to
// Finish it works as its calendar lets it. Done marks work already done.
type Segment struct {
	Start, Finish time.Time
	Done          bool
}

// Segments returns task i's work as its splits and its progress cut it,
// in order: one segment for a task that is neither split nor in progress
// (a milestone's starts and finishes at once), none for a summary. A task
// in progress has its done work first, up to its stop, then its remaining
// work from where it resumes.
func (r *Result) Segments(i int) []Segment {
	n := r.net
	t := &n.tasks[i]
	if t.summary {
		return nil
	}
	v := t.node
	if !r.segmented(i) {
		tr := r.Task(i)
		return []Segment{{Start: tr.Start, Finish: tr.Finish, Done: n.fop[v] == fFinished}}
	}
	tl := n.tls[n.tl[v]]
	var out []Segment
	// emit adds the work from position from to to (minutes of work from
	// the task's start), beginning at moment at on its timeline and
	// pausing at each split in [from, to).
	emit := func(at, from, to int64, done bool) {
		add := func(a, b int64) {
			if b > a {
				out = append(out, Segment{Start: wallTime(tl.startAt(a), n.loc), Finish: wallTime(tl.finishAt(b), n.loc), Done: done})
			}
		}
		pos := from
		for _, p := range t.splitList() {
			if p.at < from || p.at >= to {
				continue
			}
			add(at, at+p.at-pos)
			at, pos = at+p.at-pos+p.gap, p.at
		}
		add(at, at+to-pos)
	}
	sched := r.early[v]
	switch n.fop[v] {
	case fFinished: // history: its splits from its actual start; the last piece ends at its actual finish
		af := wallTime(tl.finishAt(n.act[v][1]), n.loc)
		emit(n.act[v][0], 0, maxMinutes, true)
		out = slices.DeleteFunc(out, func(s Segment) bool { return !s.Start.Before(af) })
		if len(out) == 0 { // finished the moment it started
			out = append(out, Segment{Start: af, Finish: af, Done: true})
		}
		out[len(out)-1].Finish = af
	case fStarted:
		done, resume := n.act[v][1], sched[1]-r.nodeSpan(v)
		emit(n.act[v][0], 0, done, true)
		// Work reported done beyond where the rest resumes (more done
		// than the time since the actual start holds) ends there.
		rs := wallTime(tl.startAt(resume), n.loc)
		out = slices.DeleteFunc(out, func(s Segment) bool { return !s.Start.Before(rs) })
		end := rs
		var whole TaskResult // a task in progress with nothing left: where it starts and ends
		if r.dur[v] == 0 {
			whole = r.leafNow(i)
			end = wallTime(tl.finishAt(resume), n.loc)
			if len(out) == 0 {
				out = append(out, Segment{Start: whole.Start, Finish: whole.Finish, Done: true})
			}
		}
		if k := len(out) - 1; k >= 0 && out[k].Finish.After(end) {
			out[k].Finish = end
			if end.Before(out[k].Start) {
				out[k].Finish = out[k].Start
			}
		}
		emit(resume, done, done+r.dur[v], false)
		if r.dur[v] == 0 && out[len(out)-1].Finish.Before(whole.Finish) { // it ends where its remaining (none) would resume
			out = append(out, Segment{Start: whole.Finish, Finish: whole.Finish})
		}
	default:
		emit(sched[0], 0, r.dur[v], false)
	}
	return out
}

// leafNow is leaf task i's schedule: from the Result's cache when it is
// filled, worked out afresh otherwise (see eachTask).
func (r *Result) leafNow(i int) TaskResult {
	if r.rolled {
		return r.Task(i)
	}
	return r.leafResult(int32(i))
}

// segmented reports whether leaf task i's work is cut in pieces: split,
// or in progress.
func (r *Result) segmented(i int) bool {
	t := &r.net.tasks[i]
	v := t.node
	splits := t.splitList()
	return r.net.fop[v] == fStarted || len(splits) > 0 && splits[0].at < r.workEnd(v) && r.net.fop[v] != fFinished || len(t.pauses()) > 0
}

// Lookup returns the schedule of the task with that ID.
func (r *Result) Lookup(id string) (TaskResult, bool) {
	i, ok := r.net.byID[id]
	if !ok {
		return TaskResult{}, false
	}
	return r.Task(int(i)), true
}

// Tasks yields every task's schedule in the project's order.
func (r *Result) Tasks() iter.Seq2[int, TaskResult] {
	return func(yield func(int, TaskResult) bool) {
		r.rollUp()
		for i := range r.tasks {
			if !yield(i, r.tasks[i]) {
				return
			}
		}
	}
}

// rollUp fills r.tasks: leaves from their nodes, then summaries, deepest
// first, from their subtasks.
func (r *Result) rollUp() {
	if r.rolled {
		if r.staleAny {
			for i, st := range r.stale {
				if st {
					r.refresh(int32(i))
				}
			}
			r.staleAny = false
		}
		return
	}
	if r.staleAny {
		clear(r.stale)
		r.staleAny = false
	}
	r.freeFloat()
	n := r.net
	if r.tasks == nil {
		r.tasks = make([]TaskResult, len(n.tasks))
	}
	for i := range n.tasks {
		if !n.tasks[i].summary {
			r.tasks[i] = r.leafResult(int32(i))
		}
	}
	for _, i := range n.up {
		r.tasks[i] = r.summaryResult(i)
	}
	r.rolled = true
}

// eachTask yields every task's schedule in the project's order, as Tasks
// does, without filling the Result's cache of them when it is not filled
// yet (a large project's results take as much memory as its network):
// a leaf's is worked out as it is yielded, and only the summaries' are
// held meanwhile, rolled up first as rollUp does.
func (r *Result) eachTask(yield func(int, TaskResult) bool) {
	if r.rolled {
		r.Tasks()(yield)
		return
	}
	r.freeFloat()
	n := r.net
	sums := make(map[int32]TaskResult, len(n.up))
	kid := func(k int32) TaskResult {
		if n.tasks[k].summary {
			return sums[k]
		}
		return r.leafResult(k)
	}
	for _, i := range n.up {
		sums[i] = r.rollUpSummary(i, kid)
	}
	for i := range n.tasks {
		var t TaskResult
		if n.tasks[i].summary {
			t = sums[int32(i)]
		} else {
			t = r.leafResult(int32(i))
		}
		if !yield(i, t) {
			return
		}
	}
}

// leafResult is task i's schedule, from its node; i is not a summary.
func (r *Result) leafResult(i int32) TaskResult {
	n := r.net
	t := &n.tasks[i]
	v := t.node
	tl := n.tls[n.tl[v]]
	early, late := r.early[v], r.late[v] // the scheduled dates...
	sched := early
	if n.fop[v] == fLate && n.opts.ALAP == ALAPTotalFloat { // ...but the float of a task at its late dates counts from its early dates (P6's early dates are where it is placed)
		k, _ := slices.BinarySearch(n.late, v)
		early = r.asap[k]
	}
	es, ef := tl.startAt(early[0]), tl.finishAt(early[1])
	ls, lf := tl.startAt(late[0]), tl.finishAt(late[1])
	ss, sf := es, ef
	if sched != early {
		ss, sf = tl.startAt(sched[0]), tl.finishAt(sched[1])
	}
	switch {
	case r.dur[v] == 0 && n.fop[v] == fStarted: // in progress with nothing left: started where it did, ends no earlier
		ef, sf, ls = max(ef, es), max(sf, ss), lf
		lf = max(lf, ls)
	case r.dur[v] == 0 && t.startMS: // a start milestone sits at the start of the working time after it
		ef, sf, lf = es, ss, ls
	case r.dur[v] == 0: // a zero-length task sits at its finish
		es, ss, ls = ef, sf, lf
	}
	tf := r.totalFloat(i)
	free := r.ff[v]
	if fc := r.floatCal(i); n.tl[v] != fc { // counted in wall-clock time or on another calendar: count working minutes on the float's
		cal := n.tls[fc]
		free = cal.cum(tl.finishAt(sched[1]+r.ff[v])) - cal.cum(sf)
	}
	res := TaskResult{
		ID: t.id, Name: t.name,
		EarlyStart: wallTime(es, n.loc), EarlyFinish: wallTime(ef, n.loc),
		LateStart: wallTime(ls, n.loc), LateFinish: wallTime(lf, n.loc),
		TotalFloat: tf, FreeFloat: max(0, min(free, tf)),
		Critical:        tf <= n.critical,
		Milestone:       r.dur[v] == 0 && n.fop[v] != fStarted,
		PercentComplete: t.extra().pct,
	}
	res.Work, res.Cost = r.workCost(i)
	res.Start, res.Finish = res.EarlyStart, res.EarlyFinish
	if ss != es || sf != ef {
		res.Start, res.Finish = wallTime(ss, n.loc), wallTime(sf, n.loc)
	}
	return res
}

// summaryResult rolls summary task i's schedule up from its subtasks'
// results, which must be current.
func (r *Result) summaryResult(i int32) TaskResult {
	return r.rollUpSummary(i, func(k int32) TaskResult { return r.tasks[k] })
}

// rollUpSummary rolls summary task i's schedule up from its subtasks'
// results, as kid gives them.
func (r *Result) rollUpSummary(i int32, kid func(int32) TaskResult) TaskResult {
	n := r.net
	loc := n.loc
	t := &n.tasks[i]
	s := TaskResult{ID: t.id, Name: t.name, Summary: true, TotalFloat: 1 << 62, FreeFloat: 1 << 62, Cost: t.extra().fixedCost}
	var done, total float64
	for j, k := range n.kids[n.kidOf[i]:n.kidOf[i+1]] {
		w := r.weight(k)
		kr := kid(k)
		done, total = done+w*kr.PercentComplete/100, total+w
		if j == 0 {
			s.Start, s.Finish, s.EarlyStart, s.EarlyFinish, s.LateStart, s.LateFinish = kr.Start, kr.Finish, kr.EarlyStart, kr.EarlyFinish, kr.LateStart, kr.LateFinish
		}
		s.Start, s.EarlyStart, s.LateStart = instant.Earlier(s.Start, kr.Start), instant.Earlier(s.EarlyStart, kr.EarlyStart), instant.Earlier(s.LateStart, kr.LateStart)
		s.Finish, s.EarlyFinish, s.LateFinish = instant.Later(s.Finish, kr.Finish), instant.Later(s.EarlyFinish, kr.EarlyFinish), instant.Later(s.LateFinish, kr.LateFinish)
		s.TotalFloat = min(s.TotalFloat, kr.TotalFloat)
		s.FreeFloat = min(s.FreeFloat, kr.FreeFloat)
		s.Work, s.Cost = s.Work+kr.Work, s.Cost+kr.Cost
	}
	if total > 0 {
		s.PercentComplete = 100 * done / total
	}
	r.weights[i] = total
	if n.opts.SummaryFloat == RolledUpFloat {
		w := func(t time.Time) int64 { return wallMinutes(t, loc) }
		s.TotalFloat = r.float(n.tls[t.cal], w(s.EarlyStart), w(s.EarlyFinish), w(s.LateStart), w(s.LateFinish))
		s.FreeFloat = max(0, min(s.FreeFloat, s.TotalFloat))
	}
	s.Critical = s.TotalFloat <= n.critical
	return s
}

// weight is task k's duration for progress roll-ups: its full duration in
// working minutes (done and remaining), or a summary's total.
func (r *Result) weight(k int32) float64 {
	t := &r.net.tasks[k]
	if t.summary {
		return r.weights[k]
	}
	return float64(r.workEnd(t.node))
}

// floatCal is the timeline leaf task i's float is counted on: its own
// calendar's or, under FloatWorkCalendar, the one it is scheduled on.
func (r *Result) floatCal(i int32) int32 {
	t := &r.net.tasks[i]
	if r.net.opts.FloatCalendar == FloatTaskCalendar {
		return t.own
	}
	return t.cal
}

// float is the total float, in working minutes on cal, of a task with
// these early and late dates (wall minutes), by the chosen formula.
func (r *Result) float(cal *timeline, es, ef, ls, lf int64) int64 {
	return r.floatOf(cal.cum(ls)-cal.cum(es), cal.cum(lf)-cal.cum(ef))
}

// floatOf is the total float from the start and finish floats, by the
// chosen formula.
func (r *Result) floatOf(start, finish int64) int64 {
	switch r.net.opts.TotalFloat {
	case FinishFloat:
		return finish
	case StartFloat:
		return start
	}
	return min(start, finish)
}

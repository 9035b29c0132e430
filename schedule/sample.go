package schedule

import (
	"slices"
	"time"
)

// Reads for callers that re-run one Result many times, as risk analysis
// does: none allocates, and for tasks that are not summaries none fills
// the whole result. Their times are project
// minutes: working minutes on the project calendar since the project
// start, so a sampled schedule is measured without converting dates.

// Length returns the project's length in project minutes: the working
// minutes on the project calendar from its start to its finish.
func (r *Result) Length() int64 {
	return r.net.tls[r.net.defCal].cum(r.finish) - r.originMinutes()
}

// originMinutes is the project start on the project calendar's count of
// working minutes, kept while the start does not move.
func (r *Result) originMinutes() int64 {
	if !r.hasOrigin || r.originAt != r.start {
		r.origin, r.originAt, r.hasOrigin = r.net.tls[r.net.defCal].cum(r.start), r.start, true
	}
	return r.origin
}

// Span returns task i's scheduled start and finish in project minutes. A
// zero-length task starts where it finishes; a summary spans its subtasks.
func (r *Result) Span(i int) (start, finish int64) {
	n := r.net
	t := &n.tasks[i]
	cal := n.tls[n.defCal]
	origin := r.originMinutes()
	if t.summary {
		start, finish = 1<<62, -1<<62
		for _, k := range n.kids[n.kidOf[i]:n.kidOf[i+1]] {
			s, f := r.Span(int(k))
			start, finish = min(start, s), max(finish, f)
		}
		return start, finish
	}
	v := t.node
	e := r.early[v]
	if n.tl[v] == n.defCal { // already on the project calendar
		start, finish = e[0]-origin, e[1]-origin
	} else {
		tl := n.tls[n.tl[v]]
		start, finish = cal.cum(tl.startAt(e[0]))-origin, cal.cum(tl.finishAt(e[1]))-origin
	}
	if r.dur[v] == 0 && n.fop[v] != fStarted {
		start = finish
	}
	return start, max(start, finish)
}

// Critical reports whether task i is critical, as Task(i).Critical does.
func (r *Result) Critical(i int) bool {
	n := r.net
	if n.tasks[i].summary {
		return r.Task(i).Critical
	}
	return r.totalFloat(int32(i)) <= n.critical
}

// At returns the moment m project minutes after the project start: the
// end of the m-th working minute on the project calendar (the start for m
// = 0), as a finish is dated.
func (r *Result) At(m int64) time.Time {
	cal := r.net.tls[r.net.defCal]
	w := r.originMinutes() + m
	if m <= 0 {
		return wallTime(cal.startAt(w), r.net.loc)
	}
	return wallTime(cal.finishAt(w), r.net.loc)
}

// totalFloat is leaf task i's total float in working minutes on the
// calendar its float counts on (Options.FloatCalendar), counted from its as-soon-as-possible dates.
func (r *Result) totalFloat(i int32) int64 {
	n := r.net
	t := &n.tasks[i]
	v := t.node
	early, late := r.early[v], r.late[v]
	if n.fop[v] == fLate && n.opts.ALAP == ALAPTotalFloat {
		k, _ := slices.BinarySearch(n.late, v)
		early = r.asap[k]
	}
	tl := n.tls[n.tl[v]]
	fc := r.floatCal(i)
	var tf int64
	switch {
	case n.fop[v] == fFinished: // done: nothing left to float
		return 0
	case n.fop[v] == fStarted: // started: only the finish can move
		cal := n.tls[fc]
		return cal.cum(tl.finishAt(late[1])) - cal.cum(tl.finishAt(early[1]))
	case n.tl[v] == fc, // counted on the float's calendar already
		t.elapsed && n.tl[v] == 0: // an elapsed task's float is elapsed time, as Microsoft Project counts it
		tf = r.floatOf(late[0]-early[0], late[1]-early[1])
	default: // counted in wall-clock time: count working minutes instead
		cal := n.tls[fc]
		es, ef := tl.startAt(early[0]), tl.finishAt(early[1])
		ls, lf := tl.startAt(late[0]), tl.finishAt(late[1])
		switch {
		case r.dur[v] == 0 && t.startMS:
			ef, lf = es, ls
		case r.dur[v] == 0:
			es, ls = ef, lf
		}
		tf = r.floatOf(cal.cum(ls)-cal.cum(es), cal.cum(lf)-cal.cum(ef))
	}
	return tf
}

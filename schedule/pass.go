package schedule

import (
	"math"
	"slices"
)

// Run schedules the network with the Result's durations: a forward pass
// for the early dates and a backward pass for the late dates; then, for
// tasks placed as late as possible, a second forward pass from their late
// dates; a project scheduled from its finish first works out its start. It
// allocates nothing. (Free float, which only readers of the result need,
// is worked out when the first task is read.)
func (r *Result) Run() {
	n := r.net
	if n.backward {
		r.fromFinish()
	} else {
		r.forward()
		r.finishDate()
		r.backward()
	}
	if len(n.late) > 0 {
		r.placeLate()
	}
	r.rolled = false
}

// placeLate puts the as-late-as-possible tasks at their late dates, keeping
// their as-soon-as-possible early dates for their float, and moves what
// follows them. Under ALAPFreeFloat they go only as late as delays no
// successor's early dates, the last first, so nothing else moves but the
// summaries above them.
func (r *Result) placeLate() {
	n := r.net
	for k, v := range n.late {
		r.asap[k] = r.early[v]
	}
	if n.opts.ALAP == ALAPFreeFloat {
		for k := len(n.late) - 1; k >= 0; k-- {
			v := n.late[k]
			d := r.nodeSpan(v)
			lf := r.freeFinish(v, d)
			// P6 does not stop at the late finish: past it, the float goes negative.
			if lf > r.early[v][1] {
				r.early[v] = [2]int64{lf - d, lf}
			}
			r.placed[k] = r.early[v]
		}
	}
	r.placing = true
	r.forward()
	r.placing = false
	r.finishDate()
	r.backward()
}

// freeFinish is the latest node v (of span d) may finish without delaying
// what follows it: its successors' early dates and, for each summary it
// belongs to, what follows the summary. A summary's own rolled-up dates do
// not hold it back (they would pin every task to them); a link that
// bounds nothing (one into a complete task, say) is passed over. The walk
// climbs the outline, which compile has checked for loops.
func (r *Result) freeFinish(v int32, d int64) int64 {
	n := r.net
	lf := int64(noDate)
	for k := n.outOff[v]; k < n.outOff[v+1]; k++ {
		e := n.out[k]
		s := e.node
		kind := n.kind[s]
		if kind != firstNode && kind != lastNode {
			if b := r.linkBound(e, v, d, r.early, false); b != noDate {
				lf = min(lf, b)
			}
			continue
		}
		b := r.freeFinish(s, 0) // how late the summary's start or finish may go
		if b == noDate {
			continue
		}
		if e.kind&edgeGeneral != 0 { // onto v's timeline
			b = n.tls[n.tl[v]].cum(n.tls[n.tl[s]].finishAt(b))
		}
		if kind == firstNode { // v's start no later than the summary's may go
			b += d
		}
		lf = min(lf, b)
	}
	if lf == noDate && n.kind[v] != firstNode {
		return r.pf[n.tl[v]]
	}
	return lf
}

// fromFinish schedules a project backward from its finish date: late dates
// from the finish, then early dates from the earliest late start, until
// the start settles (it moves only when a summary's start feeds a link).
func (r *Result) fromFinish() {
	n := r.net
	start := n.start
	for range 4 {
		for v := range n.kind {
			r.floor[v] = n.floorAt(int32(v), start)
		}
		r.forward()
		r.finishDate()
		r.backward()
		s := int64(noDate)
		for v, k := range n.kind {
			if k == leafNode {
				s = min(s, n.tls[n.tl[v]].startAt(r.late[v][0]))
			}
		}
		if s == start || s == noDate {
			break
		}
		start = s
	}
	r.start = start
}

// A link of type k leaves its predecessor's finish when fromFinish(k) is 1
// and binds its successor's finish when toFinish(k) is 1: the link types
// are numbered so that the passes index (start, finish) pairs with them
// and need no branch per type.
func fromFinish(k edgeKind) int { return int(1 - k&1) }
func toFinish(k edgeKind) int   { return int(k >> 1) }

func (r *Result) forward() {
	n := r.net
	for t := range r.maxEF {
		r.maxEF[t] = math.MinInt64
	}
	floor := n.floor
	if n.backward {
		floor = r.floor
	}
	early, maxEF, tl, dur, plain := r.early, r.maxEF, n.tl, r.dur, n.plain
	lo := n.inOff[0]
	for v, hi := range n.inOff[1:] {
		var e [2]int64
		if plain[v]&plainIn != 0 { // earlyOf's common case, inline: links on one timeline, no constraint
			d := dur[v]
			start := floor[v]
			for _, e := range n.in[lo:hi] {
				k := e.kind
				start = max(start, early[e.node][fromFinish(k)]+e.lag-d*int64(toFinish(k)))
			}
			e = [2]int64{start, start + d}
		} else {
			e = r.earlyOf(int32(v), floor[v])
		}
		lo = hi
		early[v] = e
		if t := tl[v]; e[1] > maxEF[t] && n.movesFinish(int32(v)) {
			maxEF[t] = e[1]
		}
	}
}

// earlyOf is node v's early start and finish from its predecessors' early
// dates and its own constraint, progress or placement; floor is the
// earliest start the project allows it.
func (r *Result) earlyOf(v int32, floor int64) [2]int64 {
	n := r.net
	early := r.early
	d := r.nodeSpan(v)
	start := floor
	links := int64(math.MinInt64) // what the links alone allow
	for _, e := range n.in[n.inOff[v]:n.inOff[v+1]] {
		if b, ok := r.doneBound(e, v, d); ok {
			links = max(links, b)
		}
		if k := e.kind; k <= edgeKind(SF) {
			links = max(links, early[e.node][fromFinish(k)]+e.lag-d*int64(toFinish(k)))
			continue
		}
		if e.kind&edgeMin != 0 {
			start = min(start, r.startClock(e.node))
			continue
		}
		links = max(links, r.boundIn(e, e.node, v, d))
	}
	start = max(start, links)
	// Microsoft Project lets a start-no-earlier-than date before the
	// project start put a task there (links still hold it); P6 never goes
	// before its project start or data date. The two are told apart by
	// the options on which their profiles differ here (see doc.go).
	msp := n.opts.Constraints != MandatoryConstraints && n.opts.Progress == ActualDates && n.kind[v] == leafNode
	switch c := n.cdate[v]; n.fop[v] {
	case fStartMin:
		start = max(start, c)
		if msp && c < floor {
			start = max(links, c)
		}
	case fFinishMin:
		start = max(start, c-d)
	case fStartMax:
		start = min(start, c)
	case fFinishMax:
		start = min(start, c-d)
	case fStartFix:
		start = c
	case fFinishFix:
		start = c - d
	case fLate:
		switch {
		case r.placing && n.opts.ALAP == ALAPFreeFloat:
			k, _ := slices.BinarySearch(n.late, v)
			start = max(start, r.placed[k][0])
		case r.placing:
			start = max(start, r.late[v][0])
		}
	case fFinished:
		if r.done != nil {
			r.done[v] = r.doneAt(v)
		}
		return n.act[v]
	case fStarted:
		return [2]int64{n.act[v][0], r.remainingStart(v, start, floor) + d}
	}
	return [2]int64{start, start + d}
}

// doneBound is the earliest start that in-edge e from a complete task
// allows task node v (of span d) under P6's progress modes: the complete
// task's logic moment (doneAt) on v's timeline, the same for every link
// type, no lag added (its actual dates and the lag bind as any link's do).
// ok is false when e passes no logic moment on: a summary's dates roll up
// from its subtasks' own, so neither a link into a summary nor a complete
// subtask's outline edge carries one (nor does the moment move the
// project finish).
func (r *Result) doneBound(e edge, v int32, d int64) (b int64, ok bool) {
	n := r.net
	if r.done == nil || n.fop[e.node] != fFinished || n.kind[v] != leafNode || n.fop[v] == fFinished {
		return 0, false
	}
	return n.tls[n.tl[v]].cum(r.done[e.node]) - d*int64(toFinish(e.kind&edgeType)), true
}

// doneAt is where the logic reaches complete task node v under P6's
// progress modes, as a moment: the status date (or the project start), or
// later when a link from work still to finish, or from another complete
// task the logic reaches later, holds it there. A task in progress with
// nothing left finishes at the start of the working time after the
// status date, as P6 puts it.
func (r *Result) doneAt(v int32) int64 {
	n := r.net
	m := n.start
	if n.status != noDate {
		m = max(m, n.status)
	}
	for _, e := range n.in[n.inOff[v]:n.inOff[v+1]] {
		if e.kind&edgeMin != 0 {
			continue
		}
		p := e.node
		lag := e.lag
		if e.kind&edgePercent != 0 {
			lag = percentOf(lag, r.dur[p])
		}
		k := e.kind & edgeType
		t := r.linkMoment(e, p, lag)
		switch {
		case n.fop[p] == fFinished:
			t = max(t, r.done[p])
		case n.fop[p] == fStarted && r.dur[p] == 0 && fromFinish(k) == 1:
			t = n.shift(n.tls[n.tl[p]].startAt(r.early[p][1]), lag, e)
		}
		m = max(m, t)
	}
	return m
}

// remainingStart is when the remaining work of task-in-progress node v
// resumes: after the work done (Microsoft Project), at the status date
// (floor), or also after its predecessors (retained logic: bound is what
// they and the status date allow) — and never before its actual start,
// which progress recorded after the status date puts later.
func (r *Result) remainingStart(v int32, bound, floor int64) int64 {
	n := r.net
	switch n.opts.Progress {
	case RetainedLogic:
		return max(bound, n.act[v][0])
	case ProgressOverride:
		return max(floor, n.act[v][0])
	}
	done := n.act[v][1]
	paused, _ := n.tasks[n.owner[v]].gaps(done)
	return n.act[v][0] + done + paused
}

// nodeSpan is node v's length from its start to its finish: its duration and
// the pauses of its splits still to come.
func (r *Result) nodeSpan(v int32) int64 {
	if r.gap != nil {
		return r.dur[v] + r.gap[v]
	}
	return r.dur[v] + r.net.gap[v]
}

// movesFinish reports whether node v's early finish counts for the project
// finish: a task's does, and a summary's last finish (its subtasks'), but
// not a summary's gate, which only holds its subtasks back; when they are
// complete, the gate may be later than any of them (at the status date, or
// where a link into the summary puts it), and no task finishes there.
func (n *Network) movesFinish(v int32) bool { return n.kind[v] != gateNode }

// finishDate finds the project finish, the latest early finish of a task,
// and converts it onto every timeline.
func (r *Result) finishDate() {
	n := r.net
	r.finish = math.MinInt64
	for t, m := range r.maxEF {
		if m != math.MinInt64 {
			r.finish = max(r.finish, n.tls[t].finishAt(m))
		}
	}
	if r.finish == math.MinInt64 { // no tasks
		r.finish = n.start
	}
	bound := r.finish // what bounds the late dates of open ends
	if n.backward {
		bound = n.finishDate
	}
	for t, tl := range n.tls {
		r.pf[t] = tl.cum(bound)
	}
}

func (r *Result) backward() {
	n := r.net
	late, dur, plain := r.late, r.dur, n.plain
	hi := n.outOff[len(n.outOff)-1]
	for v := len(late) - 1; v >= 0; v-- {
		lo := n.outOff[v]
		if plain[v]&plainOut != 0 { // lateOf's common case, inline: successors on one timeline, no constraint
			d := dur[v]
			lf := int64(noDate)
			for _, e := range n.out[lo:hi] {
				k := e.kind
				lf = min(lf, late[e.node][toFinish(k)]+d*int64(1-fromFinish(k))-e.lag)
			}
			lf = min(lf, r.lateBound(int32(v)))
			late[v] = [2]int64{lf - d, lf}
		} else {
			late[v] = r.lateOf(int32(v))
		}
		hi = lo
	}
}

// lateBound is the latest any task on node v's timeline may finish: the
// finish-by date, else the project finish (LateCapped: Microsoft Project
// and P6 cap every late finish there, even where a start-to-start or
// start-to-finish successor would allow later); no bound with LateByLinks.
func (r *Result) lateBound(v int32) int64 {
	if r.net.opts.LateDates == LateByLinks {
		return noDate
	}
	if b := r.net.finBy[v]; b != noDate {
		return b
	}
	return r.pf[r.net.tl[v]]
}

// lateOf is node v's late start and finish from its successors' late
// dates, the project's finish and its own constraint and deadline.
func (r *Result) lateOf(v int32) [2]int64 {
	n := r.net
	d := r.nodeSpan(v)
	lo, hi := n.outOff[v], n.outOff[v+1]
	if r.doneLate != nil && n.bop[v] == bFinished { // P6: a complete task stays in the logic; its own dates stay put
		r.doneLate[v] = r.doneLateOf(v)
		return n.act[v]
	}
	lf := r.latestFinish(v, d, n.out[lo:hi], r.late, true)
	if lo == hi && n.finBy[v] != noDate { // an open end, bound by the finish-by date
		lf = n.finBy[v]
	}
	if n.kind[v] != firstNode {
		lf = min(lf, r.lateBound(v))
	}
	switch c := n.cdate[v]; n.bop[v] {
	case bStartMax:
		lf = min(lf, c+d)
	case bFinishMax:
		lf = min(lf, c)
	case bStartFix:
		lf = c + d
	case bFinishFix:
		lf = c
	case bFinished:
		return n.act[v]
	}
	lf = min(lf, n.dead[v])
	return [2]int64{lf - d, lf}
}

// doneLateOf is the latest moment complete task node v's logic moment
// (doneAt) may take under P6's progress modes, the inverse of doneBound:
// each task after it binds it at its late start (its late finish, for FF
// and SF links), a complete one at its own such moment, with no lag.
// Where nothing after it binds it, it is an open end, bound by the
// finish-by date, else by the project finish or, when that is earlier,
// its logic moment itself: a complete task does not move the project
// finish. The bound caps the links' too unless Options.LateDates is
// LateByLinks, as for any task.
func (r *Result) doneLateOf(v int32) int64 {
	n := r.net
	m := int64(noDate)
	for _, e := range n.out[n.outOff[v]:n.outOff[v+1]] {
		s := e.node
		switch {
		case n.kind[s] != leafNode: // (see doneBound)
		case n.fop[s] == fFinished:
			m = min(m, r.doneLate[s])
		case e.kind&edgeNoBack == 0: // (not a task in progress whose remaining work ignores its links)
			m = min(m, n.tls[n.tl[s]].startAt(r.late[s][toFinish(e.kind&edgeType)]))
		}
	}
	bound := n.finishBy
	if bound == noDate {
		bound = r.finish
		if n.backward {
			bound = n.finishDate
		}
		bound = max(bound, r.done[v])
	}
	if m == noDate || n.opts.LateDates != LateByLinks {
		m = min(m, bound)
	}
	return m
}

// freeFloat computes each node's free dates, the latest start and finish
// that delay no successor's early dates (a backward pass against the early
// dates, through the summaries' own free dates), and from them the free
// float of every task. Results need it only when they are read.
func (r *Result) freeFloat() {
	for v := len(r.free) - 1; v >= 0; v-- {
		r.freeOf(int32(v))
	}
}

// freeOf works out node v's free dates and, for a task, its free float,
// from its successors' free dates.
func (r *Result) freeOf(v int32) {
	n := r.net
	d := r.nodeSpan(v)
	ff := r.latestFinish(v, d, n.out[n.outOff[v]:n.outOff[v+1]], r.free, false)
	if n.kind[v] == leafNode {
		r.ff[v] = ff - r.early[v][1]
		r.free[v] = r.early[v]
	} else {
		r.free[v] = [2]int64{ff - d, ff}
	}
}

// latestFinish is the latest finish node v's out-edges allow it against
// the successors' dates in pairs: the project finish for an open end.
func (r *Result) latestFinish(v int32, d int64, out []edge, pairs [][2]int64, late bool) int64 {
	if r.net.kind[v] == firstNode && len(out) == 0 {
		return noDate // nothing waits for the summary's start
	}
	lf := int64(noDate)
	for _, e := range out {
		lf = min(lf, r.linkBound(e, v, d, pairs, late))
	}
	if lf == noDate && r.net.kind[v] != firstNode { // an open end (or only work fixed by progress after it)
		return r.pf[r.net.tl[v]]
	}
	return lf
}

// linkBound is the latest finish link e allows its predecessor v (of
// span d) against the successor's dates in pairs, noDate when it bounds
// nothing; late says pairs are the late dates (see boundOut).
func (r *Result) linkBound(e edge, v int32, d int64, pairs [][2]int64, late bool) int64 {
	if k := e.kind; k <= edgeKind(SF) {
		return pairs[e.node][toFinish(k)] + d*int64(1-fromFinish(k)) - e.lag
	}
	return r.boundOut(e, v, e.node, d, pairs, late)
}

// percentOf returns bp basis points of d, rounded half away from zero.
func percentOf(bp, d int64) int64 {
	x := bp * d
	if x < 0 {
		return -((-x + 5000) / 10000)
	}
	return (x + 5000) / 10000
}

// boundIn is the earliest start a link allows its successor v, computed
// through wall-clock time: the predecessor's end as a moment, shifted by
// the lag on the lag calendar, read back on v's timeline.
func (r *Result) boundIn(e edge, p, v int32, d int64) int64 {
	n := r.net
	typ := LinkType(e.kind & edgeType)
	lag := e.lag
	if e.kind&edgePercent != 0 {
		lag = percentOf(lag, r.dur[p])
	}
	if e.kind&edgeGeneral == 0 { // a percent lag between tasks on one timeline
		k := edgeKind(typ)
		return r.early[p][fromFinish(k)] + lag - d*int64(toFinish(k))
	}
	t := r.linkMoment(e, p, lag)
	// Either end is bound in the successor's working time: a finish at t or
	// in the non-working time just before it is no earlier than t.
	b := n.tls[n.tl[v]].cum(t)
	if typ.toFinish() {
		return b - d
	}
	return b
}

// linkMoment is the moment a link from p binds its successor at: p's start
// or finish as a moment, shifted by the lag (in minutes) on the lag
// calendar.
func (r *Result) linkMoment(e edge, p int32, lag int64) int64 {
	var t int64
	switch {
	case r.startMilestone(p) && r.net.fop[p] != fLate: // the start of the working time at or after it, on its own calendar (one placed late stays where it was placed)
		c := r.net.tls[r.net.tasks[r.net.owner[p]].cal]
		t = c.startAt(c.cum(r.startClock(p)))
	case fromFinish(e.kind&edgeType) == 1:
		t = r.finishClock(p)
	default:
		t = r.startClock(p)
	}
	return r.net.shift(t, lag, e)
}

// boundOut is the latest finish a link allows its predecessor v against
// the successor's dates in pairs (late, free or early): the exact inverse
// of boundIn. Only against the late dates (late) does a complete task
// bound the work before it.
func (r *Result) boundOut(e edge, v, s int32, d int64, pairs [][2]int64, late bool) int64 {
	n := r.net
	tv := n.tls[n.tl[v]]
	k := e.kind & edgeType
	lag := e.lag
	if e.kind&edgePercent != 0 {
		lag = percentOf(lag, r.dur[v])
	}
	var m int64 // the successor's bound as a moment
	switch {
	case e.kind&edgeNoBack != 0:
		if r.doneLate == nil || n.fop[s] != fFinished || !late {
			return noDate
		}
		// P6's progress modes: work before a complete task is bound by the
		// latest moment the task's logic may take (doneLateOf).
		m = r.doneLate[s]
	case e.kind&edgeMin != 0:
		// Only a subtask that starts its summary is bound by the summary's start.
		if r.startClock(v) != r.early[s][0] || pairs[s][0] == noDate {
			return noDate
		}
		return tv.cumStart(pairs[s][0]) + d
	case e.kind&edgeGeneral == 0:
		return pairs[s][toFinish(k)] + d*int64(1-fromFinish(k)) - lag
	default:
		// The successor's bound as a moment; with CrossP6 a milestone's is
		// the end of the working time before it on its own calendar (Friday
		// 17:00, not Monday 08:00), as P6 reads it.
		ts := n.tls[n.tl[s]]
		m = ts.startAt(pairs[s][toFinish(k)])
		if n.opts.CrossCalendar == CrossP6 && n.kind[s] == leafNode && pairs[s][0] == pairs[s][1] && !r.startMilestone(s) {
			m = ts.finishAt(pairs[s][toFinish(k)])
			if o := n.owner[s]; o >= 0 {
				c := n.tls[n.tasks[o].cal]
				m = min(m, c.finishAt(c.cum(m)))
			}
		}
	}
	t := n.unshift(m, lag, e)
	switch {
	case fromFinish(k) == 1:
		return tv.cum(t)
	case n.opts.CrossCalendar == CrossP6: // a start at a period's end may be the next one's
		return tv.cum(t) + d
	}
	return tv.cumStart(t) + d
}

// shift moves moment t by a lag: elapsed minutes, or working minutes on the
// lag calendar counted from t.
func (n *Network) shift(t, lag int64, e edge) int64 {
	switch {
	case lag == 0:
		return t
	case e.kind&edgeElapsed != 0:
		return t + lag
	}
	lc := n.tls[e.lagCal]
	return lc.finishAt(lc.cum(t) + lag)
}

// unshift is shift's inverse: the latest moment that shift keeps at or
// before t.
func (n *Network) unshift(t, lag int64, e edge) int64 {
	switch {
	case lag == 0:
		return t
	case e.kind&edgeElapsed != 0:
		return t - lag
	}
	lc := n.tls[e.lagCal]
	return lc.startAt(lc.cum(t) - lag)
}

// startMilestone reports whether node v is a zero-length task marked a
// start milestone: it sits at the start of the working time after it.
func (r *Result) startMilestone(v int32) bool {
	o := r.net.owner[v]
	return o >= 0 && r.net.kind[v] == leafNode && r.dur[v] == 0 && r.net.tasks[o].startMS
}

// startClock and finishClock return node v's early start and finish as
// wall minutes.
func (r *Result) startClock(v int32) int64 { return r.net.tls[r.net.tl[v]].startAt(r.early[v][0]) }

func (r *Result) finishClock(v int32) int64 { return r.net.tls[r.net.tl[v]].finishAt(r.early[v][1]) }

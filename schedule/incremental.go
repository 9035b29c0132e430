package schedule

import (
	"math"
	"math/bits"
	"slices"
)

// Incremental rescheduling: after the durations, constraints or progress
// of a few nodes change, recompute only the nodes whose dates depend on
// them. The forward pass visits, in topological order, the nodes whose
// early dates may change, stopping wherever they do not; the backward and
// free-float passes do the same in reverse. Node positions are the
// topological order, so a bitset walked from low to high (or high to low)
// is the work queue. The per-node functions are the full passes' own
// (earlyOf, lateOf, freeOf), so the result is the same, bit for bit, as a
// full Run: the editor's property test checks it.

// dirty is a set of node positions, walked in order.
type dirty struct {
	words    []uint64
	lo, hi   int // the set bits lie in [lo, hi]
	nonempty bool
}

func (d *dirty) add(v int32) {
	d.words[v>>6] |= 1 << (v & 63)
	if !d.nonempty {
		d.lo, d.hi, d.nonempty = int(v), int(v), true
		return
	}
	d.lo, d.hi = min(d.lo, int(v)), max(d.hi, int(v))
}

// next removes and returns the smallest member, or -1.
func (d *dirty) next() int32 {
	if !d.nonempty {
		return -1
	}
	for w := d.lo >> 6; w <= d.hi>>6; w++ {
		if x := d.words[w]; x != 0 {
			v := w<<6 + bits.TrailingZeros64(x)
			d.words[w] = x &^ (1 << (v & 63))
			d.lo = v + 1
			if d.lo > d.hi {
				d.nonempty = false
			}
			return int32(v)
		}
	}
	d.nonempty = false
	return -1
}

// last removes and returns the largest member, or -1.
func (d *dirty) last() int32 {
	if !d.nonempty {
		return -1
	}
	for w := d.hi >> 6; w >= d.lo>>6; w-- {
		if x := d.words[w]; x != 0 {
			v := w<<6 + 63 - bits.LeadingZeros64(x)
			d.words[w] = x &^ (1 << (v & 63))
			d.hi = v - 1
			if d.hi < d.lo {
				d.nonempty = false
			}
			return int32(v)
		}
	}
	d.nonempty = false
	return -1
}

// nodeState is a node's computed values, kept so that an edit can be
// undone.
type nodeState struct {
	v                 int32
	early, late, free [2]int64
	ff                int64
	done, doneLate    int64 // under P6's progress modes, a complete task's place in the logic
}

// journal records what an incremental update changed, for the delta and
// for undoing it. Its lists are reused from edit to edit.
type journal struct {
	gen      uint32
	seen     []uint32 // per node: gen when noted
	nodes    []nodeState
	tseen    []uint32 // per task: gen when its result was kept
	taskIdx  []int32
	taskOld  []TaskResult
	moved    []int32
	maxEF    []int64
	pf       []int64
	finish   int64
	visited  int
	forward  dirty
	backward dirty
}

// begin starts a journal for a new update of r.
func (r *Result) begin() *journal {
	j := &r.journal
	n := r.net
	if j.seen == nil {
		words := (len(n.kind) + 63) / 64
		j.seen = make([]uint32, len(n.kind))
		j.tseen = make([]uint32, len(n.tasks))
		j.forward.words = make([]uint64, words)
		j.backward.words = make([]uint64, words)
	}
	j.gen++
	j.nodes, j.taskIdx, j.taskOld, j.moved = j.nodes[:0], j.taskIdx[:0], j.taskOld[:0], j.moved[:0]
	j.maxEF, j.pf = append(j.maxEF[:0], r.maxEF...), append(j.pf[:0], r.pf...)
	j.finish, j.visited = r.finish, 0
	return j
}

func (j *journal) note(r *Result, v int32) {
	if j.seen[v] != j.gen {
		j.seen[v] = j.gen
		s := nodeState{v: v, early: r.early[v], late: r.late[v], free: r.free[v], ff: r.ff[v]}
		if r.done != nil {
			s.done, s.doneLate = r.done[v], r.doneLate[v]
		}
		j.nodes = append(j.nodes, s)
	}
}

// undo puts back every value the journal saw change.
func (r *Result) undo(j *journal) {
	for _, s := range j.nodes {
		r.early[s.v], r.late[s.v], r.free[s.v], r.ff[s.v] = s.early, s.late, s.free, s.ff
		if r.done != nil {
			r.done[s.v], r.doneLate[s.v] = s.done, s.doneLate
		}
	}
	for k, i := range j.taskIdx {
		r.tasks[i] = j.taskOld[k]
	}
	copy(r.maxEF, j.maxEF)
	copy(r.pf, j.pf)
	r.finish = j.finish
}

// update recomputes the schedule after the nodes in touched changed their
// duration, constraint or progress. It returns false when the change
// reaches the whole schedule (the project finish moves): the caller then
// undoes it and runs a full Run.
func (r *Result) update(touched []int32, j *journal) bool {
	r.updateEarly(touched, j)
	if !r.finishKept(j) {
		return false
	}
	r.updateLate(touched, j)
	r.updateFree(touched, j)
	r.refreshTasks(j)
	return true
}

// updateEarly recomputes early dates, in topological order, from the
// touched nodes on as far as they move.
func (r *Result) updateEarly(touched []int32, j *journal) {
	n := r.net
	fw, bw := &j.forward, &j.backward
	for _, v := range touched {
		fw.add(v)
		j.note(r, v) // their tasks' results change with them (progress, say)
	}
	for v := fw.next(); v >= 0; v = fw.next() {
		j.visited++
		od := r.doneMark(v, r.done)
		if od != noDate {
			j.note(r, v) // earlyOf sets its logic moment
		}
		e := r.earlyOf(v, n.floor[v])
		moved := r.doneMark(v, r.done) != od
		if moved {
			bw.add(v) // its late moment may be its logic moment
		}
		if e == r.early[v] && !moved && !slices.Contains(touched, v) {
			continue
		}
		if e != r.early[v] {
			j.note(r, v)
			r.early[v] = e
			j.moved = append(j.moved, v)
		}
		for _, o := range n.out[n.outOff[v]:n.outOff[v+1]] {
			fw.add(o.node)
		}
	}
}

// updateLate recomputes late dates, in reverse, from the touched nodes
// (and their predecessors, whose links to them may have changed kind) and
// from the subtasks that start their summaries, which early dates decide.
func (r *Result) updateLate(touched []int32, j *journal) {
	n := r.net
	bw := &j.backward
	n.addWithPreds(bw, touched)
	for _, v := range j.moved {
		for _, o := range n.out[n.outOff[v]:n.outOff[v+1]] {
			if o.kind&edgeMin != 0 {
				for _, c := range n.in[n.inOff[o.node]:n.inOff[o.node+1]] {
					bw.add(c.node)
				}
			}
		}
		if n.kind[v] == firstNode {
			for _, c := range n.in[n.inOff[v]:n.inOff[v+1]] {
				bw.add(c.node)
			}
		}
	}
	for v := bw.last(); v >= 0; v = bw.last() {
		j.visited++
		od := r.doneMark(v, r.doneLate)
		if od != noDate {
			j.note(r, v) // lateOf sets its late moment
		}
		l := r.lateOf(v)
		if l == r.late[v] && r.doneMark(v, r.doneLate) == od {
			continue
		}
		j.note(r, v)
		r.late[v] = l
		for _, e := range n.in[n.inOff[v]:n.inOff[v+1]] {
			bw.add(e.node)
		}
	}
}

// updateFree recomputes free dates, in reverse, from the moved and
// touched nodes (and their predecessors, whose links to them may have
// changed kind) back as far as they change.
func (r *Result) updateFree(touched []int32, j *journal) {
	n := r.net
	bw := &j.backward
	n.addWithPreds(bw, j.moved)
	n.addWithPreds(bw, touched)
	for v := bw.last(); v >= 0; v = bw.last() {
		j.visited++
		free, ff := r.free[v], r.ff[v]
		r.freeOf(v)
		if r.free[v] == free && r.ff[v] == ff {
			continue
		}
		if j.seen[v] != j.gen { // note the values from before freeOf
			nf, nff := r.free[v], r.ff[v]
			r.free[v], r.ff[v] = free, ff
			j.note(r, v)
			r.free[v], r.ff[v] = nf, nff
		}
		if r.free[v] != free {
			for _, e := range n.in[n.inOff[v]:n.inOff[v+1]] {
				bw.add(e.node)
			}
		}
	}
}

// addWithPreds adds the nodes and their predecessors to d.
func (n *Network) addWithPreds(d *dirty, nodes []int32) {
	for _, v := range nodes {
		d.add(v)
		for _, e := range n.in[n.inOff[v]:n.inOff[v+1]] {
			d.add(e.node)
		}
	}
}

// doneMark is node v's entry in done (Result.done or doneLate), or
// noDate when there is none: what a complete task passes on under P6's
// progress modes, which moves with the logic while its dates stay put.
func (r *Result) doneMark(v int32, done []int64) int64 {
	if done == nil || r.net.fop[v] != fFinished {
		return noDate
	}
	return done[v]
}

// finishKept updates the latest early finish of each timeline from the
// moved nodes and reports whether the project finish stayed put.
func (r *Result) finishKept(j *journal) bool {
	n := r.net
	for _, v := range j.moved {
		if t, e := n.tl[v], r.early[v][1]; e > r.maxEF[t] && n.movesFinish(v) {
			r.maxEF[t] = e
		}
	}
	for t := range r.maxEF {
		if r.maxEF[t] != j.maxEF[t] {
			continue
		}
		lost := false // did the node holding the latest finish move earlier?
		for _, s := range j.nodes {
			lost = lost || n.tl[s.v] == int32(t) && s.early[1] == j.maxEF[t] && r.early[s.v][1] < s.early[1]
		}
		if lost {
			r.maxEF[t] = math.MinInt64
			for v, e := range r.early {
				if n.tl[v] == int32(t) && e[1] > r.maxEF[t] && n.movesFinish(int32(v)) {
					r.maxEF[t] = e[1]
				}
			}
		}
	}
	r.finishDate()
	return r.finish == j.finish
}

// refreshTasks recomputes the results of the tasks whose nodes the journal
// saw change, and of their summaries, keeping the old results.
func (r *Result) refreshTasks(j *journal) {
	n := r.net
	keep := func(i int32) bool {
		if j.tseen[i] == j.gen {
			return false
		}
		j.tseen[i] = j.gen
		j.taskIdx, j.taskOld = append(j.taskIdx, i), append(j.taskOld, r.tasks[i])
		return true
	}
	for _, s := range j.nodes {
		for i := n.owner[s.v]; i >= 0 && keep(i); i = n.tasks[i].parent {
		}
	}
	// Leaves first, then summaries from the deepest up.
	slices.SortFunc(j.taskIdx, func(a, b int32) int {
		ta, tb := &n.tasks[a], &n.tasks[b]
		if ta.summary != tb.summary {
			if ta.summary {
				return 1
			}
			return -1
		}
		return int(tb.depth - ta.depth)
	})
	for k, i := range j.taskIdx { // the old results, in the sorted order
		j.taskOld[k] = r.tasks[i]
	}
	for _, i := range j.taskIdx {
		if n.tasks[i].summary {
			r.tasks[i] = r.summaryResult(i)
		} else {
			r.tasks[i] = r.leafResult(i)
		}
	}
}

package risk

import (
	"cmp"
	"math"

	"github.com/critpath/critpath/schedule"
)

// fast is the network in the form the fast path schedules it: a project
// whose every task works on the project calendar, with nothing but links
// and its outline between them, is scheduled in that calendar's working
// minutes, where
// each link is an integer sum and each date a maximum or a minimum
// (schedule.Result does the same arithmetic for such tasks, through its
// general machinery). The passes run over a chunk of iterations at once,
// each task's dates for the chunk side by side, so that every link's
// bound is one loop of additions and maxima over the chunk, without a
// branch.
//
// Nodes are the tasks and each summary's gate and last finish (see
// compileFast), in a topological order; a date is in project minutes
// (working minutes from the project start, which is the floor of every
// start).
type fast struct {
	task  []int32 // the node's task, or −1 for a summary's gate or last finish
	vary  []int32 // its index in sim.vary, or −1: its duration never changes
	fixed []int64 // the duration of a task that never changes
	// in and out are the links of each node, in[inOff[v]:inOff[v+1]] and
	// out[outOff[v]:outOff[v+1]].
	inOff, outOff []int32
	in, out       []link
	// toFinish marks the nodes with an FF or SF predecessor, fromStart
	// those with an SS or SF successor: their passes need a second bound.
	toFinish, fromStart []bool
	// ends are the nodes whose finish may be the project's: those that no
	// FS or FF link with a lag of zero or more holds before a successor's
	// finish.
	ends []int32
	// capped bounds every late finish by the project finish
	// (schedule.LateCapped); critical is the float at or below which a
	// task is critical.
	capped     bool
	critical   int64
	leaves     []int32 // the node of each of sim.leaves
	merges     []int32 // the node of each of sim.merges
	milestones []int32 // the node of each of sim.milestones
}

// link is a link as a node's pass reads it: the node at the other end,
// the link's type and its lag in minutes.
type link struct {
	node int32
	typ  schedule.LinkType
	lag  int64
}

// fromFinish reports whether a link of type t leaves its predecessor's
// finish; toFinish whether it binds its successor's finish.
func fromFinish(t schedule.LinkType) bool { return t == schedule.FS || t == schedule.FF }
func toFinish(t schedule.LinkType) bool   { return t == schedule.FF || t == schedule.SF }

// chunk is how many iterations the fast passes take at once, at most:
// each node's four dates for a chunk take 1 KiB, so a network of a
// thousand tasks keeps its chunk within a core's own cache. A network so
// large that a worker's dates would pass maxPassBytes takes fewer at a
// time (chunkFor).
const chunk = 32

// maxPassBytes bounds the memory of one worker's fast passes.
const maxPassBytes = 64 << 20

// chunkFor returns the iterations a chunk holds for n nodes: chunk, or
// the largest power of two below it whose dates stay within maxPassBytes
// (at least 1). It divides chunk, so that a tile of samples is scheduled
// in whole chunks.
func chunkFor(n int) int {
	c := chunk
	for c > 1 && n*c*36 > maxPassBytes { // four int64 dates and an int32 duration per node and iteration
		c /= 2
	}
	return c
}

// compileFast lays s out for the fast path, or returns nil when the
// project needs the general one: a calendar other than the project's, an
// elapsed duration, a constraint, a deadline, progress, splits, an
// elapsed, percent or round-the-clock lag, a start-to-start or
// start-to-finish link from a task into a milestone or into or out of a
// summary, a finish-by date, scheduling from the finish, or P6's status
// date. It also checks itself:
// the fast passes must give the deterministic schedule's every date and
// critical flag, or the general path is taken.
//
// Milestones count wall-clock time in the scheduler, but every link into
// or out of one is read back on the project calendar as working minutes
// (cum of a moment), and a moment and the working minute it falls in
// give the same count: in project minutes a milestone is a task of no
// duration. The exception is the late start a start-to-start or
// start-to-finish link gives a task before a milestone, which the
// scheduler counts one minute less when the milestone's late date falls
// in non-working time (Result.boundOut's cumStart): those links take the
// general path.
//
// A summary is two nodes of no duration, as in the scheduler: its gate,
// after the links into it and before its subtasks, and its last finish,
// after its subtasks and before the links from it. Its first start (the
// least of its subtasks' starts) bounds the subtask that starts it only
// when a link leaves the summary's start, which takes the general path;
// otherwise it bounds nothing and is left out.
func compileFast(s *sim) *fast {
	p, net, det := s.project, s.net, s.det
	if p.FromFinish || !p.FinishBy.IsZero() || !p.StatusDate.IsZero() && p.Options.Progress != schedule.ActualDates {
		return nil
	}
	calendar := cmp.Or(p.Calendar, schedule.Standard)
	for i := range p.Tasks {
		t := &p.Tasks[i]
		switch {
		case net.Calendar(i) != "", t.Calendar != "" && t.Calendar != calendar,
			t.Duration.Elapsed, det.Duration(i) < 0, t.Constraint.Type != schedule.ASAP, t.Manual,
			!t.Deadline.IsZero(), !t.ActualStart.IsZero(), !t.ActualFinish.IsZero(), t.PercentComplete != 0,
			t.Remaining != nil, len(t.Splits) > 0:
			return nil
		}
	}
	critical, err := net.Minutes(p.Options.CriticalFloat)
	if err != nil {
		return nil
	}
	f := &fast{capped: p.Options.LateDates == schedule.LateCapped, critical: critical}
	// The graph's nodes: a task's, or a summary's two, its gate (where
	// links into it arrive and its subtasks start from) and its last
	// finish (where links from it leave, its subtasks' latest finish).
	ntasks := net.Len()
	gate, last := make([]int32, ntasks), make([]int32, ntasks)
	var owner []int32 // the task of each node, −1 for a summary's
	summary := make([]bool, ntasks)
	for i := range ntasks {
		summary[i] = det.Task(i).Summary
		gate[i] = int32(len(owner))
		if summary[i] {
			owner = append(owner, -1, -1)
			last[i] = gate[i] + 1
		} else {
			owner = append(owner, int32(i))
			last[i] = gate[i]
		}
	}
	n := len(owner)
	type edge struct {
		pred, succ int32
		typ        schedule.LinkType
		lag        int64
	}
	edges := make([]edge, 0, len(p.Links))
	for _, l := range p.Links {
		if l.Lag.Unit == schedule.Percent || l.Lag.Elapsed {
			return nil
		}
		lag, err := net.Minutes(l.Lag)
		if err != nil || lag != 0 && p.Options.LagCalendar == schedule.Lag24Hours {
			return nil
		}
		a, okA := net.Index(l.Pred)
		b, okB := net.Index(l.Succ)
		switch {
		case !okA || !okB:
			return nil
		case !fromFinish(l.Type) && (summary[a] || summary[b] || det.Duration(b) == 0 && det.Duration(a) > 0):
			return nil // (see above; a summary's start is the least of its subtasks', and bounds only the first of them)
		}
		edges = append(edges, edge{last[a], gate[b], l.Type, lag})
	}
	for i, t := range p.Tasks { // the outline: a summary's gate holds its subtasks back; its last finish follows them
		if t.Parent == "" {
			continue
		}
		k, ok := net.Index(t.Parent)
		if !ok {
			return nil
		}
		edges = append(edges, edge{gate[k], gate[i], schedule.SS, 0}, edge{last[i], last[k], schedule.FF, 0})
	}
	// A topological order (Kahn's algorithm); any order gives the same
	// dates.
	indeg := make([]int32, n)
	succOff := make([]int32, n+1)
	for _, e := range edges {
		indeg[e.succ]++
		succOff[e.pred+1]++
	}
	for i := range n {
		succOff[i+1] += succOff[i]
	}
	succ := make([]int32, len(edges))
	fill := append([]int32(nil), succOff[:n]...)
	for _, e := range edges {
		succ[fill[e.pred]] = e.succ
		fill[e.pred]++
	}
	order := make([]int32, 0, n)
	for i := range n {
		if indeg[i] == 0 {
			order = append(order, int32(i))
		}
	}
	for head := 0; head < len(order); head++ {
		for _, j := range succ[succOff[order[head]]:succOff[order[head]+1]] {
			if indeg[j]--; indeg[j] == 0 {
				order = append(order, j)
			}
		}
	}
	if len(order) != n { // a loop: Compile would have refused it
		return nil
	}
	node := make([]int32, n) // graph node → node of the passes
	for v, g := range order {
		node[g] = int32(v)
	}
	varyOf := make([]int32, ntasks)
	for i := range varyOf {
		varyOf[i] = -1
	}
	for k, i := range s.vary {
		varyOf[i] = int32(k)
	}
	f.task = make([]int32, n)
	f.vary = make([]int32, n)
	f.fixed = make([]int64, n)
	for v, g := range order {
		i := owner[g]
		f.task[v], f.vary[v] = i, -1
		if i < 0 { // a summary's node: no duration
			continue
		}
		f.vary[v] = varyOf[i]
		f.fixed[v] = det.Duration(int(i))
		if f.fixed[v] > maxSample { // the passes read durations as int32
			return nil
		}
	}
	f.inOff, f.outOff = make([]int32, n+1), make([]int32, n+1)
	for _, e := range edges {
		f.inOff[node[e.succ]+1]++
		f.outOff[node[e.pred]+1]++
	}
	for v := range n {
		f.inOff[v+1] += f.inOff[v]
		f.outOff[v+1] += f.outOff[v]
	}
	f.in, f.out = make([]link, len(edges)), make([]link, len(edges))
	f.toFinish, f.fromStart = make([]bool, n), make([]bool, n)
	inFill, outFill := append([]int32(nil), f.inOff[:n]...), append([]int32(nil), f.outOff[:n]...)
	held := make([]bool, n) // a successor finishes no earlier
	for _, e := range edges {
		a, b := node[e.pred], node[e.succ]
		f.in[inFill[b]] = link{node: a, typ: e.typ, lag: e.lag}
		inFill[b]++
		f.out[outFill[a]] = link{node: b, typ: e.typ, lag: e.lag}
		outFill[a]++
		f.toFinish[b] = f.toFinish[b] || toFinish(e.typ)
		f.fromStart[a] = f.fromStart[a] || !fromFinish(e.typ)
		if fromFinish(e.typ) && e.lag >= 0 {
			held[a] = true
		}
	}
	for v := range n {
		if !held[v] {
			f.ends = append(f.ends, int32(v))
		}
	}
	for _, i := range s.leaves {
		f.leaves = append(f.leaves, node[gate[i]])
	}
	for _, i := range s.merges {
		f.merges = append(f.merges, node[gate[i]])
	}
	for _, i := range s.milestones {
		f.milestones = append(f.milestones, node[gate[i]])
	}
	if !f.matches(s) {
		return nil
	}
	return f
}

// passes is one worker's scratch for the fast passes: each node's early
// and late dates for a chunk of c iterations, at [v*c, v*c+c).
type passes struct {
	f              *fast
	c              int
	es, ef, ls, lf []int64
	pf, side       []int64 // the project finish; a second bound
	fixed          []int32 // the durations that never change, a chunk of each (where f.vary is −1)
	crit           []int32 // per node: iterations of the block it was critical in
}

// newPasses returns the scratch for chunks of c iterations.
func newPasses(f *fast, c int) *passes {
	n := len(f.task)
	p := &passes{f: f, c: c, pf: make([]int64, c), side: make([]int64, c), crit: make([]int32, n)}
	all := make([]int64, 4*n*c)
	p.es, p.ef, p.ls, p.lf = all[:n*c], all[n*c:2*n*c], all[2*n*c:3*n*c], all[3*n*c:]
	p.fixed = make([]int32, n*c)
	for v, k := range f.vary { // set once
		if k < 0 {
			d := p.fixed[v*c : (v+1)*c]
			for i := range d {
				d[i] = int32(f.fixed[v])
			}
		}
	}
	return p
}

// forward works out the early dates and the project finish of c
// iterations (c ≤ p.c): those at i0, i0+1, … of the sampled durations
// dur, the varying task k's at dur[k*stride+i].
func (p *passes) forward(dur []int32, stride, i0, c int) {
	f, chunk := p.f, p.c
	for v, k := range f.vary {
		at := v * chunk
		d := p.fixed[at : at+c]
		if k >= 0 {
			d = dur[int(k)*stride+i0:]
			d = d[:c]
		}
		st := p.es[at : at+c]
		bound := p.side[:c]
		if f.toFinish[v] { // bounds on its finish, gathered apart
			for i := range bound {
				bound[i] = math.MinInt64
			}
		}
		first := true // the first bound on its start replaces the project start
		for _, l := range f.in[f.inOff[v]:f.inOff[v+1]] {
			q := int(l.node) * chunk
			src := p.es[q : q+c]
			if fromFinish(l.typ) {
				src = p.ef[q : q+c]
			}
			lag := l.lag
			switch {
			case toFinish(l.typ):
				src := src[:len(bound)]
				for i := range bound {
					bound[i] = max(bound[i], src[i]+lag)
				}
			case first:
				src := src[:len(st)]
				for i := range st {
					st[i] = max(0, src[i]+lag)
				}
				first = false
			default:
				src := src[:len(st)]
				for i := range st {
					st[i] = max(st[i], src[i]+lag)
				}
			}
		}
		if first {
			clear(st) // the project start
		}
		if f.toFinish[v] {
			bound, d := bound[:len(st)], d[:len(st)]
			for i := range st {
				st[i] = max(st[i], bound[i]-int64(d[i]))
			}
		}
		fin := p.ef[at : at+c]
		st, d = st[:len(fin)], d[:len(fin)]
		for i := range fin {
			fin[i] = st[i] + int64(d[i])
		}
	}
	pf := p.pf[:c]
	clear(pf) // no task: the project finishes at its start
	for _, v := range f.ends {
		fin := p.ef[int(v)*chunk:]
		fin = fin[:len(pf)]
		for i := range pf {
			pf[i] = max(pf[i], fin[i])
		}
	}
}

// backward works out the late dates of the c iterations forward left,
// and adds to p.crit the iterations in which each node is critical. A
// node's duration is its early finish less its early start.
func (p *passes) backward(c int) {
	f, chunk := p.f, p.c
	pf := p.pf[:c]
	thr := f.critical
	for v := len(f.task) - 1; v >= 0; v-- {
		at := v * chunk
		st, fin := p.es[at:at+c], p.ef[at:at+c]
		lf := p.lf[at : at+c]
		links := f.out[f.outOff[v]:f.outOff[v+1]]
		bound := p.side[:c] // bounds on its start, gathered apart
		if f.fromStart[v] {
			for i := range bound {
				bound[i] = math.MaxInt64
			}
		}
		first := true // the first bound on its finish replaces the project finish
		for _, l := range links {
			q := int(l.node) * chunk
			src := p.ls[q : q+c]
			if toFinish(l.typ) {
				src = p.lf[q : q+c]
			}
			lag := l.lag
			switch {
			case !fromFinish(l.typ):
				src := src[:len(bound)]
				for i := range bound {
					bound[i] = min(bound[i], src[i]-lag)
				}
			case first && f.capped:
				src, pf := src[:len(lf)], pf[:len(lf)]
				for i := range lf {
					lf[i] = min(pf[i], src[i]-lag)
				}
				first = false
			case first:
				src := src[:len(lf)]
				for i := range lf {
					lf[i] = src[i] - lag
				}
				first = false
			default:
				src := src[:len(lf)]
				for i := range lf {
					lf[i] = min(lf[i], src[i]-lag)
				}
			}
		}
		switch {
		case len(links) == 0: // an open end: the project finish bounds it
			copy(lf, pf)
		case first && f.capped: // start-sourced links only
			copy(lf, pf)
		case first:
			for i := range lf {
				lf[i] = math.MaxInt64
			}
		}
		if f.fromStart[v] {
			bound, st, fin := bound[:len(lf)], st[:len(lf)], fin[:len(lf)]
			for i := range lf {
				lf[i] = min(lf[i], bound[i]+fin[i]-st[i])
			}
		}
		ls := p.ls[at : at+c]
		st, fin, lf = st[:len(ls)], fin[:len(ls)], lf[:len(ls)]
		var n int32
		for i := range ls {
			ls[i] = lf[i] - (fin[i] - st[i])
			// Total float lf − ef at or below the threshold: the sign
			// of lf − ef − thr − 1, without a branch.
			n += int32(uint64(lf[i]-fin[i]-thr-1) >> 63)
		}
		p.crit[v] += n
	}
}

// matches reports whether the fast passes give s's deterministic
// schedule: its length, every task's dates and every leaf's critical
// flag.
func (f *fast) matches(s *sim) bool {
	p := newPasses(f, 1)
	dur := make([]int32, len(s.vary))
	for k, b := range s.base {
		if b > maxSample {
			return false
		}
		dur[k] = int32(b)
	}
	p.forward(dur, 1, 0, 1)
	p.backward(1)
	if p.pf[0] != s.det.Length() {
		return false
	}
	for v, i := range f.task {
		if i < 0 { // a summary's node
			continue
		}
		if st, fin := s.det.Span(int(i)); st != p.es[v*p.c] || fin != p.ef[v*p.c] {
			return false
		}
	}
	for k, i := range s.leaves {
		if s.det.Critical(i) != (p.crit[f.leaves[k]] == 1) {
			return false
		}
	}
	return true
}

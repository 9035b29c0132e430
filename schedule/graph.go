package schedule

import (
	"cmp"
	"slices"
)

// graph is the network before topological ordering: nodes numbered in
// canonical order (tasks by ID), so that everything built from it is the
// same whatever order the project listed its tasks and links in.
type graph struct {
	owner []int32
	kind  []nodeKind
	tl    []int32
	dur   []int64
	edges []gedge
}

type gedge struct {
	from, to int32
	edge     // the lag and kind; edge.node is unused here
	link     int32
}

// graph builds the nodes and edges: one node per task, three per summary,
// the links, and the outline's own edges.
func (c *compiler) graph() *graph {
	n := c.n
	nodes, edges := len(n.tasks), len(n.linkVals)
	for _, t := range n.tasks {
		if t.summary {
			nodes += 2
		}
		if t.parent >= 0 {
			edges += 3
		}
	}
	g := &graph{
		owner: make([]int32, 0, nodes), kind: make([]nodeKind, 0, nodes),
		tl: make([]int32, 0, nodes), dur: make([]int64, 0, nodes),
		edges: make([]gedge, 0, edges),
	}
	add := func(task int32, k nodeKind, tl int32, dur int64) int32 {
		g.owner = append(g.owner, task)
		g.kind = append(g.kind, k)
		g.tl = append(g.tl, tl)
		g.dur = append(g.dur, dur)
		return int32(len(g.owner) - 1)
	}
	for _, i := range c.ids {
		t := &n.tasks[i]
		if t.summary {
			t.node = add(i, gateNode, 0, 0)
			t.first = add(i, firstNode, 0, 0)
			t.last = add(i, lastNode, 0, 0)
			continue
		}
		tl := c.cal[i]
		if c.mins[i] == 0 || t.elapsed {
			tl = 0
		}
		t.node = add(i, leafNode, tl, c.mins[i])
		t.first, t.last = t.node, t.node
	}
	for li := range n.linkVals {
		lv := &n.linkVals[li]
		from, to, e := c.linkEdge(lv.typ, lv.lagDuration(), lv.pred, lv.succ, g.tl)
		g.edges = append(g.edges, gedge{from: from, to: to, link: int32(li), edge: e})
	}
	for _, i := range c.ids {
		t := &n.tasks[i]
		if !t.summary {
			continue
		}
		for _, k := range n.kids[n.kidOf[i]:n.kidOf[i+1]] {
			kt := &n.tasks[k]
			g.outline(t.node, kt.node, edgeKind(SS))
			g.outline(kt.first, t.first, edgeMin|edgeGeneral)
			g.outline(kt.last, t.last, edgeKind(FF))
		}
	}
	return g
}

// linkEdge returns the nodes a link of type typ and lag from task pi to
// task si joins, and its edge (edge.node unset); tl gives the nodes'
// timelines.
func (c *compiler) linkEdge(typ LinkType, lag Duration, pi, si int32, tl []int32) (from, to int32, e edge) {
	n := c.n
	from, to = n.tasks[pi].first, n.tasks[si].node
	if typ.fromFinish() {
		from = n.tasks[pi].last
	}
	m, _ := lag.minutes(n.settings)
	e = edge{kind: edgeKind(typ), lag: m}
	var lagTL int32
	switch n.opts.LagCalendar {
	case LagSuccessor:
		lagTL = c.cal[si]
	case LagPredecessor:
		lagTL = c.cal[pi]
	case Lag24Hours:
		lagTL = 0
	case LagProject:
		lagTL = c.def
	}
	if lag.Elapsed {
		e.kind |= edgeElapsed
		lagTL = 0
	}
	if lag.Unit == Percent {
		e.kind |= edgePercent
	}
	e.lagCal = int16(lagTL)
	if tl[from] != tl[to] || (lagTL != tl[to] && (m != 0 || e.kind&edgePercent != 0)) {
		e.kind |= edgeGeneral
	}
	return from, to, e
}

// outline adds an edge of the outline, general unless both ends count
// wall-clock time.
func (g *graph) outline(from, to int32, kind edgeKind) {
	if g.tl[from] != 0 || g.tl[to] != 0 {
		kind |= edgeGeneral
	}
	g.edges = append(g.edges, gedge{from: from, to: to, link: -1, edge: edge{kind: kind}})
}

// topo returns the nodes in topological order (Kahn's algorithm, ties in
// canonical order), or a *CycleError naming one loop.
func (g *graph) topo(n *Network) ([]int32, error) {
	nn := len(g.owner)
	outOff, out, _ := csr(g.edges, nn, false)
	indeg := make([]int32, nn)
	for _, e := range g.edges {
		indeg[e.to]++
	}
	order := make([]int32, 0, nn)
	for v := range nn {
		if indeg[v] == 0 {
			order = append(order, int32(v))
		}
	}
	for head := 0; head < len(order); head++ {
		u := order[head]
		for _, e := range out[outOff[u]:outOff[u+1]] {
			if indeg[e.node]--; indeg[e.node] == 0 {
				order = append(order, e.node)
			}
		}
	}
	if len(order) == nn {
		return order, nil
	}
	return nil, g.cycle(n, indeg)
}

// cycle finds a loop among the nodes Kahn's algorithm could not order
// (those with indeg > 0): from the first such node it walks back along
// in-edges from unordered nodes until a node repeats.
func (g *graph) cycle(n *Network, indeg []int32) error {
	nn := len(g.owner)
	inOff := make([]int32, nn+1)
	for _, e := range g.edges {
		inOff[e.to+1]++
	}
	for i := range nn {
		inOff[i+1] += inOff[i]
	}
	preds := make([]int32, len(g.edges))
	fill := slices.Clone(inOff[:nn])
	for _, e := range g.edges {
		preds[fill[e.to]] = e.from
		fill[e.to]++
	}
	start := int32(-1)
	for v := range nn {
		if indeg[v] > 0 {
			start = int32(v)
			break
		}
	}
	seen := map[int32]int{}
	var walk []int32
	v := start
	for {
		if at, ok := seen[v]; ok {
			walk = walk[at:]
			break
		}
		seen[v] = len(walk)
		walk = append(walk, v)
		next := int32(-1)
		for _, p := range preds[inOff[v]:inOff[v+1]] {
			if indeg[p] > 0 && (next < 0 || p < next) {
				next = p
			}
		}
		v = next
	}
	// walk follows edges backwards; name the tasks in link order.
	slices.Reverse(walk)
	var ids []string
	for _, v := range walk {
		id := n.tasks[g.owner[v]].id
		if len(ids) == 0 || ids[len(ids)-1] != id {
			ids = append(ids, id)
		}
	}
	if len(ids) > 1 && ids[0] == ids[len(ids)-1] {
		ids = ids[:len(ids)-1]
	}
	lo := 0
	for i, id := range ids {
		if id < ids[lo] {
			lo = i
		}
	}
	ids = append(ids[lo:], ids[:lo]...)
	return &CycleError{Tasks: ids}
}

// layOut renumbers the nodes in topological order and fills the network's
// arrays.
func (c *compiler) layOut(g *graph, order []int32) {
	n := c.n
	nn := len(order)
	pos := make([]int32, nn)
	for i, v := range order {
		pos[v] = int32(i)
	}
	// The edges first: once laid out, the graph's go before the nodes'
	// arrays are made.
	for i := range g.edges {
		e := &g.edges[i]
		e.from, e.to = pos[e.from], pos[e.to]
	}
	n.inOff, n.in, n.inLink = csr(g.edges, nn, true)
	n.outOff, n.out, _ = csr(g.edges, nn, false)
	g.edges = nil
	n.kind = make([]nodeKind, nn)
	n.owner = make([]int32, nn)
	n.tl = make([]int32, nn)
	n.dur = make([]int64, nn)
	n.gap = make([]int64, nn)
	n.floor = make([]int64, nn)
	n.ctype = make([]ConstraintType, nn)
	n.fop = make([]fwdOp, nn)
	n.bop = make([]bwdOp, nn)
	n.cdate = make([]int64, nn)
	n.dead = make([]int64, nn)
	n.finBy = make([]int64, nn)
	for i, v := range order {
		n.kind[i], n.owner[i], n.tl[i], n.dur[i] = g.kind[v], g.owner[v], g.tl[v], g.dur[v]
	}
	for i := range n.tasks {
		t := &n.tasks[i]
		t.node, t.first, t.last = pos[t.node], pos[t.first], pos[t.last]
	}
	for v := range nn {
		tl := n.tls[n.tl[v]]
		n.floor[v] = n.floorAt(int32(v), n.start)
		n.dead[v], n.finBy[v] = noDate, noDate
		if n.finishBy != noDate {
			n.finBy[v] = tl.cum(n.finishBy)
		}
	}
	for _, i := range c.ids {
		c.constrain(i)
	}
	slices.Sort(n.late)
	defer func() {
		n.plain = make([]uint8, nn)
		for v := range nn {
			n.setPlain(int32(v))
		}
	}()
	for v := range nn {
		n.markNoBack(int32(v))
	}
}

// constrain converts task i's constraint (or manual start) and deadline
// onto its nodes, as the constraint mode says they bind.
func (c *compiler) constrain(i int32) {
	n := c.n
	t, info := c.taskDates(i), &n.tasks[i]
	mode := n.opts.Constraints
	set := func(v int32, ct ConstraintType, f fwdOp, b bwdOp, d int64) {
		tl := n.tls[n.tl[v]]
		n.ctype[v], n.fop[v], n.bop[v] = ct, f, b
		n.cdate[v] = tl.cum(d)
		if ct == SNLT { // no later than: the last start at or before d
			n.cdate[v] = tl.cumStart(d)
		}
	}
	for _, v := range [...]int32{info.node, info.first, info.last} { // start afresh (an edit may call again)
		n.ctype[v], n.fop[v], n.bop[v], n.cdate[v], n.dead[v] = ASAP, fNone, bNone, 0, noDate
	}
	if !info.summary {
		n.dur[info.node] = c.mins[i]
		_, n.gap[info.node] = info.gaps(0)
	}
	ct, d := t.ct, t.date
	switch {
	case t.started: // progress: its constraint no longer applies
		if n.act == nil {
			n.act = make([][2]int64, len(n.kind))
		}
		v := info.node
		tl := n.tls[n.tl[v]]
		as := tl.cum(t.as)
		// Nothing left and no actual finish: done, as Microsoft Project
		// takes it; under P6's modes it is still in progress, ending at
		// the status date, and keeps its float.
		if t.finished || c.rem[i] == 0 && n.opts.Progress == ActualDates {
			af := as + c.mins[i]
			if t.finished {
				af = max(as, tl.cum(t.af))
			}
			n.fop[v], n.bop[v], n.act[v], n.dur[v], n.gap[v] = fFinished, bFinished, [2]int64{as, af}, af-as, 0
		} else {
			done := max(0, c.mins[i]-c.rem[i])
			n.fop[v], n.act[v], n.dur[v] = fStarted, [2]int64{as, done}, c.rem[i]
			_, n.gap[v] = info.gaps(done)
		}
	case t.manual: // its own constraint does not apply
		set(info.node, ASAP, fStartFix, bNone, t.start)
	case info.summary && ct == SNET:
		set(info.node, ct, fStartMin, bNone, d)
	case info.summary && ct == SNLT:
		set(info.first, ct, fNone, bStartMax, d)
	case info.summary && ct == FNLT:
		set(info.last, ct, fNone, bFinishMax, d)
	case info.summary:
	case ct == SNET:
		set(info.node, ct, fStartMin, bNone, d)
	case ct == FNET:
		set(info.node, ct, fFinishMin, bNone, d)
	case ct == SNLT && mode == HonorConstraints:
		set(info.node, ct, fStartMax, bStartMax, d)
	case ct == SNLT:
		set(info.node, ct, fNone, bStartMax, d)
	case ct == FNLT && mode == HonorConstraints:
		set(info.node, ct, fFinishMax, bFinishMax, d)
	case ct == FNLT:
		set(info.node, ct, fNone, bFinishMax, d)
	case ct == MSO && mode == HonorConstraints:
		set(info.node, ct, fStartFix, bStartFix, d)
	case ct == MSO && mode == LinksFirst:
		set(info.node, ct, fStartMin, bStartMax, d)
	case ct == MSO:
		set(info.node, ct, fStartFix, bStartMax, d)
	case ct == MFO && mode == HonorConstraints:
		set(info.node, ct, fFinishFix, bFinishFix, d)
	case ct == MFO && mode == LinksFirst:
		set(info.node, ct, fFinishMin, bFinishMax, d)
	case ct == MFO:
		set(info.node, ct, fFinishFix, bFinishMax, d)
	case ct == ALAP || n.backward:
		n.ctype[info.node], n.fop[info.node] = ct, fLate
		n.late = append(n.late, info.node)
	}
	if t.hasDeadline {
		n.dead[info.last] = n.tls[n.tl[info.last]].cum(t.deadline)
	}
}

// markNoBack sets or clears edgeNoBack on node v's out-edges: work fixed
// by progress bounds nothing before it (complete tasks always, tasks in
// progress unless their remaining work keeps its logic), and the start of
// a task in progress, history, is bound by nothing after it — except under
// P6's modes, where the remaining work's start is what a start link
// bounds.
func (n *Network) markNoBack(v int32) {
	from := n.fop[v]
	for j := n.outOff[v]; j < n.outOff[v+1]; j++ {
		e := &n.out[j]
		to := n.fop[e.node]
		fromStart := e.kind&edgeMin != 0 || fromFinish(e.kind&edgeType) == 0
		history := fromStart && (n.opts.Progress == ActualDates || e.kind&edgeMin != 0)
		e.kind &^= edgeNoBack
		if from == fStarted && history || to == fFinished || to == fStarted && n.opts.Progress != RetainedLogic {
			e.kind |= edgeNoBack
		}
	}
}

// csr lays the edges out by successor (in) or by predecessor (out), each
// node's edges in the order of the node at their other end: a counting
// sort, then an insertion sort of each node's few edges. The in-edges
// come with their links (link: nil for the out-edges).
func csr(edges []gedge, nn int, in bool) (off []int32, out []edge, link []int32) {
	off = make([]int32, nn+1)
	for i := range edges {
		k, _ := csrKey(&edges[i], in)
		off[k+1]++
	}
	for i := range nn {
		off[i+1] += off[i]
	}
	out = make([]edge, len(edges))
	if in {
		link = make([]int32, len(edges))
	}
	fill := slices.Clone(off[:nn])
	for i := range edges {
		e := &edges[i]
		k, other := csrKey(e, in)
		j := fill[k]
		fill[k]++
		out[j] = e.edge
		out[j].node = other
		if in {
			link[j] = e.link
		}
	}
	for v := range nn {
		lo, hi := off[v], off[v+1]
		if hi-lo > 32 { // a hub: sort by the other end, links along
			idx := make([]int32, hi-lo)
			for i := range idx {
				idx[i] = lo + int32(i)
			}
			slices.SortStableFunc(idx, func(a, b int32) int { return cmp.Compare(out[a].node, out[b].node) })
			eo := make([]edge, len(idx))
			for i, j := range idx {
				eo[i] = out[j]
			}
			copy(out[lo:hi], eo)
			if in {
				lo2 := make([]int32, len(idx))
				for i, j := range idx {
					lo2[i] = link[j]
				}
				copy(link[lo:hi], lo2)
			}
			continue
		}
		for j := lo + 1; j < hi; j++ {
			for k := j; k > lo && out[k].node < out[k-1].node; k-- {
				out[k], out[k-1] = out[k-1], out[k]
				if in {
					link[k], link[k-1] = link[k-1], link[k]
				}
			}
		}
	}
	return off, out, link
}

// csrKey returns the node an edge is filed under and the node at its
// other end.
func csrKey(e *gedge, in bool) (int32, int32) {
	if in {
		return e.to, e.from
	}
	return e.from, e.to
}

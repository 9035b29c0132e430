package optimize

import (
	"errors"
	"math"
)

// The time–cost trade-off with linear costs is a linear program over
// event times: each task i has a start s_i and a finish f_i, its duration
// f_i − s_i lies between its crash and normal durations, every link is a
// difference of two event times bounded below, and the project's end E
// less its start S is at most the target T. The cost of the shortenings,
// Σ k_i (normal_i − (f_i − s_i)), is least where Σ k_i (f_i − s_i) is
// greatest. An LP of the form
//
//	maximize Σ_v b_v π_v  subject to  π_v − π_u ≤ w_uv for every arc u→v
//
// is the dual of an uncapacitated min-cost flow (minimize Σ w_uv x_uv with
// inflow − outflow = b_v at every node, x ≥ 0): Kelley's and Fulkerson's
// observation. The successive-shortest-path algorithm solves the flow
// while keeping potentials π that are a feasible schedule throughout; at
// the end they are an optimal one. The arc lengths are whole minutes, so
// the potentials — the schedule — are exact integers; only the flow,
// which carries the cost slopes, is in floating point.

// arc is the constraint π_v − π_u ≤ w.
type arc struct {
	u, v int32
	w    int64
}

// flowNet is an instance: nodes, arcs and each node's b (Σ b = 0).
type flowNet struct {
	nodes int
	arcs  []arc
	b     []float64
	// CSR adjacency: arcs leaving node u are out[outOff[u]:outOff[u+1]],
	// arcs entering node v are in[inOff[v]:inOff[v+1]] (arc indexes).
	outOff, out, inOff, in []int32
}

func newFlowNet(nodes int, arcs []arc, b []float64) *flowNet {
	g := &flowNet{nodes: nodes, arcs: arcs, b: b}
	g.outOff, g.out = adjacency(nodes, arcs, func(a arc) int32 { return a.u })
	g.inOff, g.in = adjacency(nodes, arcs, func(a arc) int32 { return a.v })
	return g
}

func adjacency(nodes int, arcs []arc, end func(arc) int32) (off, idx []int32) {
	off = make([]int32, nodes+1)
	for _, a := range arcs {
		off[end(a)+1]++
	}
	for v := range nodes {
		off[v+1] += off[v]
	}
	idx = make([]int32, len(arcs))
	next := append([]int32(nil), off[:nodes]...)
	for k, a := range arcs {
		x := end(a)
		idx[next[x]] = int32(k)
		next[x]++
	}
	return off, idx
}

// errInfeasible says the constraints cannot all hold: the target is too
// early even with every task crashed.
var errInfeasible = errors.New("no schedule meets the constraints")

const inf = math.MaxInt64 / 4

// feasible returns potentials that satisfy every arc — shortest
// distances from a virtual root joined to every node by a zero arc — or
// errInfeasible on a negative cycle.
func (g *flowNet) feasible() ([]int64, error) {
	all := make([]int32, g.nodes)
	for v := range all {
		all[v] = int32(v)
	}
	return g.shortestFrom(all)
}

// shortestFrom returns the shortest distances from the roots (Bellman–Ford
// with a queue; unreached nodes are inf), or errInfeasible on a negative
// cycle.
func (g *flowNet) shortestFrom(roots []int32) ([]int64, error) {
	p := make([]int64, g.nodes)
	for v := range p {
		p[v] = inf
	}
	inQueue := make([]bool, g.nodes)
	count := make([]int32, g.nodes)
	queue := make([]int32, 0, g.nodes)
	for _, v := range roots {
		p[v] = 0
		queue, inQueue[v] = append(queue, v), true
	}
	for head := 0; head < len(queue); head++ {
		u := queue[head]
		inQueue[u] = false
		for _, k := range g.out[g.outOff[u]:g.outOff[u+1]] {
			a := g.arcs[k]
			if d := p[u] + a.w; p[u] < inf && d < p[a.v] {
				p[a.v] = d
				if !inQueue[a.v] {
					if count[a.v]++; int(count[a.v]) > g.nodes {
						return nil, errInfeasible
					}
					queue, inQueue[a.v] = append(queue, a.v), true
				}
			}
		}
		if head > 4*g.nodes && head > len(queue)/2 { // drop the consumed head now and then
			queue = append(queue[:0], queue[head+1:]...)
			head = -1
		}
	}
	return p, nil
}

// flowState is a flow being built: the flow on each arc, potentials that
// keep every residual arc's reduced cost at or above zero, and scratch.
type flowState struct {
	g    *flowNet
	p    []int64
	x    []float64
	eps  float64
	dist []int64
	via  []int32 // the arc a path reached each node by, +1; negative for a reverse arc
	h    distHeap
}

func (g *flowNet) state(p []int64) *flowState {
	var total float64
	for _, b := range g.b {
		total += math.Abs(b)
	}
	return &flowState{g: g, p: p, x: make([]float64, len(g.arcs)), eps: 1e-12 * max(total, 1),
		dist: make([]int64, g.nodes), via: make([]int32, g.nodes)}
}

// path runs Dijkstra from s on reduced costs over the residual arcs until
// it settles a node for which stop is true, and returns it (−1 if none is
// reached); then it raises the potentials by the distances, capped at the
// target's, so that reduced costs stay nonnegative.
func (f *flowState) path(s int32, stop func(v int32) bool) int32 {
	g, p, x, dist, via := f.g, f.p, f.x, f.dist, f.via
	for v := range dist {
		dist[v], via[v] = inf, 0
	}
	dist[s] = 0
	f.h = append(f.h[:0], distItem{s, 0})
	t := int32(-1)
	for len(f.h) > 0 {
		it := f.h.pop()
		u := it.v
		if it.d != dist[u] { // stale: a shorter path came since; reduced costs ≥ 0 settle a node once
			continue
		}
		if stop(u) {
			t = u
			break
		}
		for _, k := range g.out[g.outOff[u]:g.outOff[u+1]] { // forward: uncapacitated
			a := g.arcs[k]
			if d := dist[u] + a.w + p[u] - p[a.v]; d < dist[a.v] {
				dist[a.v], via[a.v] = d, k+1
				f.h.push(distItem{a.v, d})
			}
		}
		for _, k := range g.in[g.inOff[u]:g.inOff[u+1]] { // reverse: up to the flow
			a := g.arcs[k]
			if x[k] <= f.eps {
				continue
			}
			if d := dist[u] - a.w + p[u] - p[a.u]; d < dist[a.u] {
				dist[a.u], via[a.u] = d, -(k + 1)
				f.h.push(distItem{a.u, d})
			}
		}
	}
	if t >= 0 {
		for v := range p {
			p[v] += min(dist[v], dist[t])
		}
	}
	return t
}

// capacity returns what the path from s to t can carry: the least flow
// on the reverse arcs it takes (+Inf when it takes none).
func (f *flowState) capacity(s, t int32) float64 {
	c := math.Inf(1)
	for v := t; v != s; {
		if k := f.via[v]; k < 0 {
			c = min(c, f.x[-k-1])
			v = f.g.arcs[-k-1].v
		} else {
			v = f.g.arcs[k-1].u
		}
	}
	return c
}

// augment sends delta along the path from s to t.
func (f *flowState) augment(s, t int32, delta float64) {
	for v := t; v != s; {
		if k := f.via[v]; k < 0 {
			f.x[-k-1] -= delta
			v = f.g.arcs[-k-1].v
		} else {
			f.x[k-1] += delta
			v = f.g.arcs[k-1].u
		}
	}
}

// solve runs successive shortest paths from the feasible potentials p,
// meeting every node's b, and returns the state: optimal potentials (a
// schedule) and an optimal flow.
func (g *flowNet) solve(p []int64) *flowState {
	f := g.state(p)
	excess := make([]float64, g.nodes) // supply still to send (b < 0), or demand still to meet (b > 0), as −b
	for v, b := range g.b {
		excess[v] = -b
	}
	short := func(v int32) bool { return excess[v] < -f.eps }
	for s := range int32(g.nodes) {
		for excess[s] > f.eps {
			t := f.path(s, short)
			if t < 0 { // cannot happen: every task's start reaches its finish
				panic("optimize: no path for the flow")
			}
			delta := min(excess[s], -excess[t], f.capacity(s, t))
			f.augment(s, t, delta)
			excess[s] -= delta
			excess[t] += delta
		}
	}
	return f
}

// parametric lowers the target from where the flow state leaves it
// (none: no flow on the project's arc) step by step, as Fulkerson's
// algorithm does: each shortest path from E back to S in the residual
// network is the next breakpoint of the time–cost curve, at the length
// minus that path's. At each distinct length it calls each with the
// potentials, a schedule optimal for that target; it stops at the least
// length, where the path has no capacity limit, or when each says so.
func (f *flowState) parametric(S, E int32, each func(p []int64) bool) {
	last := int64(inf)
	for {
		if f.path(E, func(v int32) bool { return v == S }) < 0 {
			return // cannot happen: every finish reaches the project start
		}
		if T := f.p[E] - f.p[S]; T != last {
			last = T
			if !each(f.p) {
				return
			}
		}
		delta := f.capacity(E, S)
		if math.IsInf(delta, 1) {
			return
		}
		f.augment(E, S, delta)
	}
}

type distItem struct {
	v int32
	d int64
}

// distHeap is a binary min-heap of tentative distances, ties by node.
type distHeap []distItem

func (a distItem) less(b distItem) bool { return a.d < b.d || a.d == b.d && a.v < b.v }

func (h *distHeap) push(it distItem) {
	*h = append(*h, it)
	q := *h
	for k := len(q) - 1; k > 0; {
		up := (k - 1) / 2
		if !q[k].less(q[up]) {
			break
		}
		q[k], q[up] = q[up], q[k]
		k = up
	}
}

func (h *distHeap) pop() distItem {
	q := *h
	top := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q = q[:last]
	for k := 0; ; {
		c := 2*k + 1
		if c >= len(q) {
			break
		}
		if c+1 < len(q) && q[c+1].less(q[c]) {
			c++
		}
		if !q[c].less(q[k]) {
			break
		}
		q[k], q[c] = q[c], q[k]
		k = c
	}
	*h = q
	return top
}

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
// observation. The network simplex method (simplex.go) solves the flow
// with potentials π that end as an optimal schedule. The arc lengths are
// whole minutes, so the potentials — the schedule — are exact integers;
// only the flow, which carries the cost slopes, is in floating point.

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

// shortestFrom returns the shortest distances from the roots over arcs
// below skip (Bellman–Ford with a queue; unreached nodes are inf), or
// errInfeasible on a negative cycle.
func (g *flowNet) shortestFrom(roots []int32, skip int32) ([]int64, error) {
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
			if k >= skip {
				continue
			}
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

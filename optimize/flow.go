package optimize

import (
	"container/heap"
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

// solve runs successive shortest paths from the feasible potentials p and
// returns optimal potentials (a schedule) and the flow on each arc.
func (g *flowNet) solve(p []int64) ([]int64, []float64) {
	x := make([]float64, len(g.arcs))
	excess := make([]float64, g.nodes) // supply still to send (b < 0), or demand still to meet (b > 0), as −b
	var total float64
	for v, b := range g.b {
		excess[v] = -b
		total += math.Abs(b)
	}
	eps := 1e-12 * max(total, 1)
	dist := make([]int64, g.nodes)
	done := make([]bool, g.nodes)
	via := make([]int32, g.nodes) // the arc a path reached each node by, +1; negative for a reverse arc
	var h distHeap
	for s := range g.nodes {
		for excess[s] > eps {
			// Dijkstra from s on reduced costs, to the nearest node still
			// short of flow.
			for v := range dist {
				dist[v], done[v], via[v] = inf, false, 0
			}
			dist[s] = 0
			h = append(h[:0], distItem{int32(s), 0})
			t := int32(-1)
			for len(h) > 0 {
				it := heap.Pop(&h).(distItem)
				u := it.v
				if done[u] || it.d != dist[u] {
					continue
				}
				done[u] = true
				if excess[u] < -eps {
					t = u
					break
				}
				for _, k := range g.out[g.outOff[u]:g.outOff[u+1]] { // forward: uncapacitated
					a := g.arcs[k]
					if d := dist[u] + a.w + p[u] - p[a.v]; d < dist[a.v] {
						dist[a.v], via[a.v] = d, k+1
						heap.Push(&h, distItem{a.v, d})
					}
				}
				for _, k := range g.in[g.inOff[u]:g.inOff[u+1]] { // reverse: up to the flow
					a := g.arcs[k]
					if x[k] <= eps {
						continue
					}
					if d := dist[u] - a.w + p[u] - p[a.u]; d < dist[a.u] {
						dist[a.u], via[a.u] = d, -(k + 1)
						heap.Push(&h, distItem{a.u, d})
					}
				}
			}
			if t < 0 { // cannot happen: every task's start reaches its finish
				panic("optimize: no path for the flow")
			}
			for v := range p {
				p[v] += min(dist[v], dist[t])
			}
			// Augment along the path by what it can carry.
			delta := min(excess[s], -excess[t])
			for v := t; v != int32(s); {
				k := via[v]
				if k < 0 {
					a := g.arcs[-k-1]
					delta = min(delta, x[-k-1])
					v = a.v
				} else {
					v = g.arcs[k-1].u
				}
			}
			for v := t; v != int32(s); {
				k := via[v]
				if k < 0 {
					x[-k-1] -= delta
					v = g.arcs[-k-1].v
				} else {
					x[k-1] += delta
					v = g.arcs[k-1].u
				}
			}
			excess[s] -= delta
			excess[t] += delta
		}
	}
	return p, x
}

type distItem struct {
	v int32
	d int64
}

type distHeap []distItem

func (h distHeap) Len() int { return len(h) }
func (h distHeap) Less(i, j int) bool {
	if h[i].d != h[j].d {
		return h[i].d < h[j].d
	}
	return h[i].v < h[j].v
}
func (h distHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *distHeap) Push(x any)   { *h = append(*h, x.(distItem)) }
func (h *distHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

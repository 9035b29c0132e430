package optimize

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// The network simplex method keeps a spanning tree of the nodes — the
// basis — with a flow on each of its arcs and none on the others, and
// potentials that make every tree arc tight (π_v − π_u = w). An arc
// outside the tree with a negative reduced cost w + π_u − π_v enters:
// flow goes round the cycle it closes with the tree until an arc of the
// cycle runs dry, and that arc leaves. The costs are whole minutes, so
// the potentials — the schedule — are exact integers throughout; only the
// flows, which carry the cost slopes, are floating point, and they decide
// nothing but which arc leaves. At the end no arc has a negative reduced
// cost: the potentials are a feasible schedule, and an optimal one.
//
// The tree starts as a star: an artificial root joined to every node by
// an arc costing more than any path, carrying that node's b (the big-M
// start). Once they carry nothing, all but one leave (purge), and from
// then on the tree is warm: a new target changes one arc's cost and the
// pivots go on from the tree as it is, and the curve is swept by
// lowering the target through the tree's own intervals of optimality
// (sweep).
//
// The tree is kept strongly feasible (an arc that carries nothing points
// away from the root), and the leaving arc is chosen by Cunningham's rule,
// so degenerate pivots cannot cycle. Entering arcs are priced by block
// search (the best of about √m arcs at a time, round the list).

// simplex is the state of the method on a flowNet.
type simplex struct {
	g    *flowNet
	arcs []arc     // g's arcs, then for each node v the artificial arc m+v joining it to the root
	x    []float64 // the flow on each arc
	m    int32     // g's arcs: pricing reaches the artificial ones only before the purge
	root int32     // the artificial root, node g.nodes
	// The tree, rooted at root: each node's parent, the arc joining it to
	// its parent and whether that arc points up (from the node to its
	// parent); its first child and its siblings; its depth; its potential.
	parent, pred, child, next, prev, depth []int32
	up                                     []bool
	pi                                     []int64
	eps                                    float64 // flows this small are nothing
	priced                                 int32   // arcs pricing looks at: all, or g's after the purge
	from, block                            int32   // block search: where the next block starts, and its size
	mark                                   []uint32
	stamp                                  uint32
	hung                                   []int32 // the nodes the last rehang moved
	pivots                                 int
}

// newSimplex sets up the big-M start on g, with the target (g's last arc)
// costing T, at most a cost that binds nothing.
func newSimplex(g *flowNet, T int64) *simplex {
	n, m := int32(g.nodes), int32(len(g.arcs))
	s := &simplex{g: g, m: m, root: n, priced: m + n, arcs: make([]arc, m+n), x: make([]float64, m+n)}
	copy(s.arcs, g.arcs)
	s.arcs[m-1].w = min(T, s.loose())
	// The artificial arcs cost more than any simple path of real arcs,
	// in either direction, so that none carries flow at the optimum.
	big := int64(1)
	for _, a := range s.arcs[:m] {
		big += abs(a.w)
	}
	nn := n + 1
	s.parent, s.pred, s.child = make([]int32, nn), make([]int32, nn), make([]int32, nn)
	s.next, s.prev, s.depth = make([]int32, nn), make([]int32, nn), make([]int32, nn)
	s.up, s.pi, s.mark = make([]bool, nn), make([]int64, nn), make([]uint32, nn)
	var total float64
	for _, b := range g.b {
		total += math.Abs(b)
	}
	s.eps = 1e-12 * max(total, 1)
	s.parent[s.root], s.pred[s.root], s.child[s.root] = -1, -1, -1
	for v := range n {
		e := m + v
		s.child[v], s.depth[v] = -1, 1
		if b := g.b[v]; b >= 0 { // a demand, met from the root
			s.arcs[e] = arc{s.root, v, big}
			s.x[e], s.pi[v] = b, big
		} else {
			s.arcs[e] = arc{v, s.root, big}
			s.x[e], s.pi[v], s.up[v] = -b, -big, true
		}
		s.pred[v] = e
		s.attach(v, s.root)
	}
	s.block = max(10, int32(math.Sqrt(float64(m+n))))
	return s
}

// loose returns a target cost that binds nothing: more than any simple
// path of the other arcs, and so than the length of any optimal basic
// schedule.
func (s *simplex) loose() int64 {
	sum := int64(1)
	for _, a := range s.g.arcs[:len(s.g.arcs)-1] {
		sum += abs(a.w)
	}
	return sum
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func (s *simplex) detach(v int32) {
	if p := s.prev[v]; p >= 0 {
		s.next[p] = s.next[v]
	} else {
		s.child[s.parent[v]] = s.next[v]
	}
	if n := s.next[v]; n >= 0 {
		s.prev[n] = s.prev[v]
	}
}

func (s *simplex) attach(v, p int32) {
	s.parent[v], s.prev[v], s.next[v] = p, -1, s.child[p]
	if c := s.child[p]; c >= 0 {
		s.prev[c] = v
	}
	s.child[p] = v
}

// subtree calls f on every node of the subtree under q, q first, each
// after its parent.
func (s *simplex) subtree(q int32, f func(v int32)) {
	f(q)
	for v := q; ; {
		if c := s.child[v]; c >= 0 {
			v = c
		} else {
			for v != q && s.next[v] < 0 {
				v = s.parent[v]
			}
			if v == q {
				return
			}
			v = s.next[v]
		}
		f(v)
	}
}

// reduced returns arc e's reduced cost.
func (s *simplex) reduced(e int32) int64 {
	a := s.arcs[e]
	return a.w + s.pi[a.u] - s.pi[a.v]
}

// run pivots until no arc has a negative reduced cost, or returns
// errInfeasible when one closes a cycle nothing blocks.
func (s *simplex) run(ctx context.Context) error {
	for {
		if s.pivots%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("optimize: %w", err)
			}
		}
		e := s.entering()
		if e < 0 {
			return nil
		}
		if _, err := s.pivot(e, false); err != nil {
			return err
		}
	}
}

// entering returns the arc with the most negative reduced cost in the
// first block, going round the arcs from where the last search stopped,
// that has one; −1 when none has.
func (s *simplex) entering() int32 {
	best, least := int32(-1), int64(0)
	left := s.block
	scan := func(lo, hi int32) bool {
		for e := lo; e < hi; e++ {
			if c := s.reduced(e); c < least {
				best, least = e, c
			}
			if left--; left == 0 {
				if best >= 0 {
					s.from = e + 1
					return true
				}
				left = s.block
			}
		}
		return false
	}
	if s.from >= s.priced {
		s.from = 0
	}
	if scan(s.from, s.priced) || scan(0, s.from) {
		return best
	}
	return best // the best of the last, partial block, or −1
}

// pivot brings arc e into the tree, sending flow along it round the cycle
// it closes, and takes out the arc that blocks: of those that block
// first, the last met going round from the cycle's apex (Cunningham), so
// the tree stays strongly feasible. It returns the end of e in the part
// of the tree that now hangs from e, or errInfeasible, changing nothing,
// when no arc blocks. With tight, e's reduced cost is known to be zero
// (the potentials need not be read).
func (s *simplex) pivot(e int32, tight bool) (int32, error) {
	a, b := s.arcs[e].u, s.arcs[e].v
	join := a
	for x, y := a, b; ; {
		if x == y {
			join = x
			break
		}
		dx, dy := s.depth[x], s.depth[y]
		if dx >= dy {
			x = s.parent[x]
		}
		if dy >= dx {
			y = s.parent[y]
		}
	}
	// Flow goes from the apex down to a, along e, and from b up to the
	// apex: an arc against that direction loses it.
	delta, out, outA := math.Inf(1), int32(-1), false
	for y := a; y != join; y = s.parent[y] {
		if s.up[y] {
			if f := s.x[s.pred[y]]; f < delta {
				delta, out, outA = f, y, true
			}
		}
	}
	for y := b; y != join; y = s.parent[y] {
		if !s.up[y] {
			if f := s.x[s.pred[y]]; f <= delta {
				delta, out, outA = f, y, false
			}
		}
	}
	if out < 0 {
		return -1, errInfeasible
	}
	s.pivots++
	if delta > 0 {
		s.x[e] += delta
		for y := a; y != join; y = s.parent[y] {
			s.push(s.pred[y], !s.up[y], delta)
		}
		for y := b; y != join; y = s.parent[y] {
			s.push(s.pred[y], s.up[y], delta)
		}
	}
	s.x[s.pred[out]] = 0
	// The side of the leaving arc away from the root hangs from the other
	// end of e now; its potentials move so that e is tight.
	var c int64
	if !tight {
		c = s.reduced(e)
	}
	if outA {
		s.rehang(a, b, e, true, out, -c)
		return a, nil
	}
	s.rehang(b, a, e, false, out, c)
	return b, nil
}

// push adds delta to arc k's flow, or takes it off; what is left within
// rounding of nothing is nothing.
func (s *simplex) push(k int32, add bool, delta float64) {
	if add {
		s.x[k] += delta
	} else {
		s.x[k] -= delta
	}
	if s.x[k] <= s.eps {
		s.x[k] = 0
	}
}

// rehang cuts the tree arc above out, re-roots the cut-off subtree at q
// (which lies in it) and hangs it from p by arc e (pointing up from q
// when qUp), moving the subtree's potentials by sigma.
func (s *simplex) rehang(q, p, e int32, qUp bool, out int32, sigma int64) {
	cur, np, npred, nup := q, p, e, qUp
	for {
		op, opred, oup := s.parent[cur], s.pred[cur], s.up[cur]
		s.detach(cur)
		s.attach(cur, np)
		s.pred[cur], s.up[cur] = npred, nup
		if cur == out {
			break
		}
		np, npred, nup, cur = cur, opred, !oup, op
	}
	// The subtree's potentials and depths, in preorder; its nodes are
	// kept in s.hung.
	s.hung = s.hung[:0]
	for v := q; ; {
		s.pi[v] += sigma
		s.depth[v] = s.depth[s.parent[v]] + 1
		s.hung = append(s.hung, v)
		if c := s.child[v]; c >= 0 {
			v = c
			continue
		}
		for v != q && s.next[v] < 0 {
			v = s.parent[v]
		}
		if v == q {
			return
		}
		v = s.next[v]
	}
}

// purge takes the artificial arcs out of the optimal tree the big-M start
// ends on, but one under the root: each carries nothing by then, and the
// subtree under it hangs instead from the real arc into it of least
// reduced cost, its potentials raised to make that arc tight (every real
// reduced cost stays nonnegative; the flows stay as they are). The
// target, at any cost, makes the real network strongly connected (the
// end reaches every finish, each finish its start, each start the
// project's, and the project's end its start), so there is always such
// an arc. Pricing looks at real arcs only from then
// on.
func (s *simplex) purge() error {
	for {
		first := s.child[s.root]
		c := s.next[first]
		if c < 0 {
			break
		}
		if s.x[s.pred[c]] > s.eps {
			return fmt.Errorf("optimize: the flow cannot be routed (node %d)", c)
		}
		s.stamp++
		s.subtree(c, func(v int32) { s.mark[v] = s.stamp })
		best, least := int32(-1), int64(math.MaxInt64)
		s.subtree(c, func(v int32) {
			g := s.g
			for _, k := range g.in[g.inOff[v]:g.inOff[v+1]] {
				if a := s.arcs[k]; s.mark[a.u] != s.stamp {
					if r := s.reduced(k); r < least {
						best, least = k, r
					}
				}
			}
		})
		if best < 0 {
			return fmt.Errorf("optimize: the network is not connected (node %d)", c)
		}
		s.x[s.pred[c]] = 0
		s.rehang(s.arcs[best].v, s.arcs[best].u, best, false, c, least)
	}
	if first := s.child[s.root]; s.x[s.pred[first]] > s.eps {
		return fmt.Errorf("optimize: the flow cannot be routed (node %d)", first)
	}
	s.priced = s.m
	return nil
}

// potentials works the potentials out again from the tree, after an arc's
// cost changed.
func (s *simplex) potentials() {
	s.subtree(s.root, func(v int32) {
		if v == s.root {
			return
		}
		a, p := s.arcs[s.pred[v]], s.parent[v]
		if s.up[v] { // v → p: π_p − π_v = w
			s.pi[v] = s.pi[p] - a.w
		} else {
			s.pi[v] = s.pi[p] + a.w
		}
	})
}

// solve returns optimal potentials for the target costing T (at most a
// cost that binds nothing), going on from the tree as it is; errInfeasible
// when no schedule meets the target. The potentials belong to s.
func (s *simplex) solve(ctx context.Context, T int64) ([]int64, error) {
	t := s.m - 1
	if w := min(T, s.loose()); w != s.arcs[t].w {
		s.arcs[t].w = w
		s.potentials()
	}
	if err := s.run(ctx); err != nil {
		return nil, err
	}
	if s.priced > s.m {
		if err := s.purge(); err != nil {
			return nil, err
		}
	}
	return s.pi[:s.root], nil
}

// hangFrom makes node v the root's one child, the tree re-rooted at it:
// the artificial arc above the root's child now leaves (it carries
// nothing), v's enters. It needs the purge done.
func (s *simplex) hangFrom(v int32) {
	top := s.child[s.root]
	if top == v {
		return
	}
	e := s.m + v
	s.x[s.pred[top]] = 0
	s.rehang(v, s.root, e, s.arcs[e].v == s.root, top, 0)
	if s.up[v] { // keep the arc tight: the root's potential is its own
		s.pi[s.root] = s.pi[v] + s.arcs[e].w
	} else {
		s.pi[s.root] = s.pi[v] - s.arcs[e].w
	}
}

// sweeper is the state of a sweep: the side of the cut the target makes
// in the tree that holds the project's end (the subtree under it), the
// arcs from that side to the other in a heap by reduced cost, and how far
// the target has come down. As the target comes down, the end's side
// moves with it: the potentials there are kept as they were, less lag,
// and each arc's key is its reduced cost plus fall at the time it went
// in, so that nothing but the two numbers changes.
type sweeper struct {
	s         *simplex
	end       []bool
	heap      crossHeap
	keyed     []int64 // each arc's key in the heap, or none
	lag, fall int64
}

// potential returns node v's potential.
func (w *sweeper) potential(v int32) int64 {
	if w.end[v] {
		return w.s.pi[v] - w.lag
	}
	return w.s.pi[v]
}

// reduced returns arc k's reduced cost.
func (w *sweeper) reduced(k int32) int64 {
	a := w.s.arcs[k]
	return a.w + w.potential(a.u) - w.potential(a.v)
}

// settle brings the potentials up to date.
func (w *sweeper) settle() {
	if w.lag == 0 {
		return
	}
	for v, in := range w.end {
		if in {
			w.s.pi[v] -= w.lag
		}
	}
	w.lag = 0
}

// add puts the arcs across the cut at v into the heap: out of v when it is
// on the end's side, into it otherwise.
func (w *sweeper) add(v int32) {
	g := w.s.g
	if w.end[v] {
		for _, k := range g.out[g.outOff[v]:g.outOff[v+1]] {
			if !w.end[w.s.arcs[k].v] {
				w.push(k)
			}
		}
		return
	}
	for _, k := range g.in[g.inOff[v]:g.inOff[v+1]] {
		if w.end[w.s.arcs[k].u] {
			w.push(k)
		}
	}
}

// push puts arc k in the heap, unless it is there with the same key.
func (w *sweeper) push(k int32) {
	key := w.reduced(k) + w.fall
	if w.keyed[k] == key {
		return
	}
	w.keyed[k] = key
	if len(w.heap) >= 2*len(w.keyed)+1024 {
		w.compact()
	}
	w.heap.push(crossItem{key, k})
}

// compact drops from the heap what least would drop: arcs there under an
// old key or no longer across the cut.
func (w *sweeper) compact() {
	live := w.heap[:0]
	for _, it := range w.heap {
		a := w.s.arcs[it.arc]
		switch {
		case w.keyed[it.arc] != it.key:
		case !w.end[a.u] || w.end[a.v]:
			w.keyed[it.arc] = none
		default:
			live = append(live, it)
		}
	}
	w.heap = live
	for k := len(live)/2 - 1; k >= 0; k-- {
		w.heap.down(k)
	}
}

// least returns the arc across the cut of least reduced cost, and that
// cost (−1 when there is none), dropping what the heap holds of arcs no
// longer across it, or there under another key.
func (w *sweeper) least() (int32, int64) {
	for len(w.heap) > 0 {
		it := w.heap[0]
		a := w.s.arcs[it.arc]
		if w.keyed[it.arc] != it.key {
			w.heap.pop()
			continue
		}
		if !w.end[a.u] || w.end[a.v] {
			w.heap.pop()
			w.keyed[it.arc] = none
			continue
		}
		return it.arc, it.key - w.fall
	}
	return -1, 0
}

// none is the key of an arc not in the heap.
const none = math.MinInt64

// move takes the subtree the last pivot hung from the other side of the
// cut (s.hung) to that side, and puts the arcs now across the cut at its
// nodes into the heap.
func (w *sweeper) move() {
	s := w.s
	for _, v := range s.hung {
		if w.end[v] {
			s.pi[v] -= w.lag
		} else {
			s.pi[v] += w.lag
		}
		w.end[v] = !w.end[v]
	}
	for _, v := range s.hung {
		w.add(v)
	}
}

// sweep lowers the target from where the optimal tree leaves it, as far
// as the schedule can go: the tree stays optimal while the target falls,
// the end's side of the cut the target makes in it moving with the
// target, until an arc across the cut becomes tight; that arc enters, and
// so on. It calls each with the target and the optimal potentials at
// every breakpoint of the time–cost curve — where the flow on the target,
// the curve's slope, is more below than above — and at the shortest
// length, where it stops; it stops too when each returns false. The tree
// is re-rooted at the project's start first, so that the end's side is
// the subtree under the end, and what a pivot moves across the cut is the
// subtree it hangs anew.
func (s *simplex) sweep(ctx context.Context, each func(T int64, p []int64) bool) error {
	t := s.m - 1
	S, E := s.arcs[t].u, s.arcs[t].v
	s.hangFrom(S)
	if s.pred[E] != t { // the target binds nothing: bring it down to the length, and in
		s.arcs[t].w = s.pi[E] - s.pi[S]
		if _, err := s.pivot(t, true); errors.Is(err, errInfeasible) {
			each(s.arcs[t].w, s.pi[:s.root])
			return nil
		}
	}
	w := &sweeper{s: s, end: make([]bool, s.root+1), keyed: make([]int64, s.m)}
	for k := range w.keyed {
		w.keyed[k] = none
	}
	s.subtree(E, func(v int32) { w.end[v] = true })
	s.subtree(E, w.add)
	above := 0.0
	for {
		if err := ctx.Err(); err != nil {
			w.settle()
			return fmt.Errorf("optimize: %w", err)
		}
		T := s.arcs[t].w
		var delta int64
		for { // bring in every arc tight at T that would be violated below it
			e, r := w.least()
			if e < 0 { // cannot happen: the end reaches the start
				w.settle()
				return fmt.Errorf("optimize: the project's end does not reach its start")
			}
			if r > 0 {
				delta = r
				break
			}
			w.heap.pop()
			w.keyed[e] = none
			if _, err := s.pivot(e, true); errors.Is(err, errInfeasible) {
				w.settle()
				each(T, s.pi[:s.root])
				return nil
			}
			w.move()
		}
		if below := s.x[t]; below > above+s.eps {
			above = below
			w.settle()
			if !each(T, s.pi[:s.root]) {
				return nil
			}
		}
		s.arcs[t].w -= delta
		w.lag += delta
		w.fall += delta
	}
}

type crossItem struct {
	key int64
	arc int32
}

// crossHeap is a binary min-heap of arcs by key, ties by arc.
type crossHeap []crossItem

func (a crossItem) less(b crossItem) bool { return a.key < b.key || a.key == b.key && a.arc < b.arc }

func (h *crossHeap) push(it crossItem) {
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

func (h *crossHeap) pop() {
	q := *h
	last := len(q) - 1
	q[0] = q[last]
	*h = q[:last]
	h.down(0)
}

// down moves item k down to its place.
func (h *crossHeap) down(k int) {
	q := *h
	for {
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
}

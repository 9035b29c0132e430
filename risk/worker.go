package risk

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/critpath/critpath/schedule"
)

// worker is one goroutine's scratch: its own Result to schedule, random
// streams, and the block's samples. Nothing in it is allocated per
// iteration.
type worker struct {
	r    *run
	s    *sim
	res  *schedule.Result
	pcg  rand.PCG // the iteration's stream
	bpcg rand.PCG // the block's stream: strata and score permutations
	brng *rand.Rand

	x, hit []float64 // a tile's uncertainties' values and events' impacts (see sampleTile)
	u      []float64 // a tile's uniforms, in the order drawn
	bad    []bool    // a tile's iterations with a sample that is not a number
	dur    []int32   // a tile's sampled durations, task by task (tile each, in s.vary's order)
	fast   *passes   // the fast path's scratch, when s.fast is set
	xc     []float64 // the block's correlated values, iteration by iteration
	perm   []int32   // with Latin hypercube sampling: each variable's strata, block by block

	vdw                       []float64 // normal scores for a full block
	icS, icE, icF, icInv, icM []float64
	icOut, icVals, vdwScratch []float64
	icOrder                   []int32
}

func newWorker(r *run) *worker {
	s := r.s
	w := &worker{r: r, s: s, res: s.net.NewResult()}
	w.brng = rand.New(&w.bpcg)
	w.x = make([]float64, tile*len(s.unc))
	w.hit = make([]float64, tile*len(s.events))
	w.u = make([]float64, tile*s.uniforms())
	w.bad = make([]bool, tile)
	w.dur = make([]int32, tile*len(s.vary))
	if s.fast != nil {
		w.fast = newPasses(s.fast, chunkFor(len(s.fast.task)))
	}
	if r.opts.LatinHypercube {
		w.perm = make([]int32, blockSize*s.uniforms())
	}
	w.xc = make([]float64, blockSize*len(s.corr))
	if k := len(s.corr); k > 0 {
		w.icS, w.icOut = make([]float64, blockSize*k), make([]float64, blockSize*k)
		w.icE, w.icF, w.icInv, w.icM = make([]float64, k*k), make([]float64, k*k), make([]float64, k*k), make([]float64, k*k)
		w.icVals, w.icOrder = make([]float64, blockSize), make([]int32, blockSize)
		w.vdw, w.vdwScratch = normalScores(blockSize), make([]float64, blockSize)
	}
	return w
}

// scores returns the van der Waerden normal scores Φ⁻¹(i/(n+1)) for a
// block of n.
func (w *worker) scores(n int) []float64 {
	if n == blockSize {
		return w.vdw
	}
	copy(w.vdwScratch, normalScores(n))
	return w.vdwScratch[:n]
}

func normalScores(n int) []float64 {
	out := make([]float64, n)
	for i := range n {
		out[i] = stdNormal.Quantile(float64(i+1) / float64(n+1))
	}
	return out
}

// mix is SplitMix64's finalizer: it spreads seeds that differ in a bit.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// uniform is a draw from the open interval (0, 1).
func uniform(src *rand.PCG) float64 { return (float64(src.Uint64()>>11) + 0.5) * 0x1p-53 }

// safeBlock runs block b, turning a panic (from a Distribution supplied
// by the caller, say) into an error.
func (w *worker) safeBlock(b int, out *blockOut) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("risk: block %d panicked: %v", b, p)
		}
	}()
	return w.block(b, out)
}

// block samples and schedules the iterations of block b, writing what each
// iteration gives at its index and the block's counts to out.
//
// Each iteration's stream gives, in order, a uniform for each correlated
// uncertainty (s.corr), for each other uncertainty (s.free), and two for
// each event (whether it happens, its impact). The correlated values of
// the whole block are drawn first and reordered together; the rest are
// drawn a tile of iterations at a time (sampleTile), each iteration's
// stream seeded again, and each tile scheduled as it is sampled, so that
// a worker never holds more than a block's correlated values and a
// tile's samples.
func (w *worker) block(b int, out *blockOut) error {
	r, s := w.r, w.s
	first := b * blockSize
	n := min(blockSize, r.n-first)
	kc := len(s.corr)
	w.bpcg.Seed(mix(r.seed^0xb10c), mix(uint64(b)))
	lhs := r.opts.LatinHypercube
	if lhs { // a random stratum of the block for each variable and iteration
		kk := s.uniforms()
		for j := range kk {
			perm := w.perm[j*blockSize : j*blockSize+n]
			for i := range perm {
				perm[i] = int32(i)
			}
			w.brng.Shuffle(n, func(a, c int) { perm[a], perm[c] = perm[c], perm[a] })
		}
	}
	// draw is variable j's uniform for iteration i of the block.
	draw := func(i, j int) float64 {
		u := uniform(&w.pcg)
		if lhs {
			u = (float64(w.perm[j*blockSize+i]) + u) / float64(n)
		}
		return u
	}
	xc := w.xc[:n*kc]
	if kc > 0 {
		for i := range n {
			w.seedIteration(first + i)
			for c, u := range s.corr {
				xc[i*kc+c] = s.unc[u].quantile(draw(i, c))
			}
		}
		w.imanConover(xc, n, w.brng)
	}
	clear(out.crit)
	clear(out.starts)
	if w.fast != nil {
		clear(w.fast.crit)
	}
	for t0 := 0; t0 < n; t0 += tile {
		tn := min(tile, n-t0)
		if err := w.sampleTile(first, n, t0, tn, xc); err != nil {
			return err
		}
		if r.tasks { // the durations for the statistics, task by task
			for k := range s.vary {
				col := r.durs[k*r.n+first+t0 : k*r.n+first+t0+tn]
				for i, d := range w.dur[k*tile : k*tile+tn] {
					col[i] = float32(d)
				}
			}
		}
		if err := w.schedule(w.dur, tile, first+t0, tn, out); err != nil {
			return err
		}
	}
	if w.fast != nil && r.tasks {
		for k, v := range s.fast.leaves {
			out.crit[k] = w.fast.crit[v]
		}
	}
	return nil
}

// schedule schedules n iterations, numbered from at, whose sampled
// durations are dur (varying task k's in the i-th at dur[k*stride+i]), and
// records what they give: on the fast path a chunk at a time (criticality
// counted in w.fast.crit, per node), else iteration by iteration through
// schedule.Result.
func (w *worker) schedule(dur []int32, stride, at, n int, out *blockOut) error {
	r, s := w.r, w.s
	if p := w.fast; p != nil {
		f := s.fast
		for i0 := 0; i0 < n; i0 += p.c {
			c := min(p.c, n-i0)
			p.forward(dur, stride, i0, c)
			it := at + i0
			copy(r.length[it:it+c], p.pf[:c])
			for k, v := range f.milestones { // a milestone's finish is its early finish
				copy(r.milestones[k][it:it+c], p.ef[int(v)*p.c:int(v)*p.c+c])
			}
			if !r.tasks {
				continue
			}
			p.backward(c)
			for k, v := range f.merges {
				var sum int64
				for _, st := range p.es[int(v)*p.c : int(v)*p.c+c] {
					sum += st
				}
				out.starts[k] += sum
			}
		}
		return nil
	}
	for i := range n {
		for k, t := range s.vary {
			if err := w.res.SetDuration(t, int64(dur[k*stride+i])); err != nil {
				return err
			}
		}
		w.res.Run()
		w.record(at+i, out)
	}
	return nil
}

// tile is how many iterations are sampled together: each uncertainty is
// worked out for all of them in one loop, its parameters loaded once.
const tile = 32

// sampleTile samples iterations t0 … t0+tn−1 of the block of n from
// first, whose correlated values xc are worked out already, and sets
// their durations in w.dur (iteration t0+i's at w.dur[k*tile+i]). Each iteration's uniforms are drawn from its
// own stream, in order, iteration by iteration; then each free
// uncertainty is sampled for every iteration of the tile in one loop
// (its duration, when it alone sets one, rounded as it goes), then each
// event, then the durations of the other tasks, iteration by iteration.
// A sample that is not a number is an error naming the first task in
// error of the first iteration that has one.
func (w *worker) sampleTile(first, n, t0, tn int, xc []float64) error {
	s := w.s
	kc, nu, ne := len(s.corr), s.uniforms(), len(s.events)
	us := w.u[:tn*nu] // iteration i's j-th uniform at us[i*nu+j]
	for i := range tn {
		w.seedIteration(first + t0 + i)
		pcg := w.pcg // the stream's state in registers while it is drawn (uniform, inline)
		row := us[i*nu : (i+1)*nu]
		for j := range row {
			row[j] = (float64(pcg.Uint64()>>11) + 0.5) * 0x1p-53
		}
	}
	if w.r.opts.LatinHypercube { // each uniform into its stratum, as draw does
		for i := range tn {
			for j := kc; j < nu; j++ { // (the correlated ones were drawn, and stratified, for the block)
				us[i*nu+j] = (float64(w.perm[j*blockSize+t0+i]) + us[i*nu+j]) / float64(n)
			}
		}
	}
	xs := w.x // uncertainty u's value in iteration i at xs[u*tile+i]
	for c, u := range s.corr {
		for i := range tn {
			xs[int(u)*tile+i] = xc[(t0+i)*kc+c]
		}
	}
	bad := w.bad[:tn] // a direct sample that is not a number: durations names the task
	clear(bad)
	for f, u := range s.free {
		un := &s.unc[u]
		j := kc + f
		x := xs[int(u)*tile : int(u)*tile+tn]
		if t := un.tri; t != nil { // triangle.quantile, inline: p is inside (0, 1)
			a, b, mode, ba, ca, bc := t.a, t.b, t.f, t.ba, t.ca, t.bc
			for i := range x {
				p := us[i*nu+j]
				below := math.Float64bits(p * ba * ca)
				above := math.Float64bits((1 - p) * ba * bc)
				v, base, sign := above, math.Float64bits(b), uint64(1)<<63
				if p < mode {
					v, base, sign = below, math.Float64bits(a), 0
				}
				r := math.Float64bits(math.Sqrt(math.Float64frombits(v)))
				x[i] = math.Float64frombits(base) + math.Float64frombits(r^sign)
			}
		} else if bt := un.beta; bt != nil { // scaledBeta.Quantile, its table's call alone left
			lo, width, tb := bt.lo, bt.width, bt.table
			for i := range x {
				x[i] = lo + width*tb.quantile(us[i*nu+j])
			}
		} else {
			for i := range x {
				x[i] = un.quantile(us[i*nu+j])
			}
		}
		if k := un.direct; k >= 0 { // as durations would: the sample in minutes, rounded
			per := s.perUnit[k]
			d := w.dur[int(k)*tile : int(k)*tile+tn]
			for i, v := range x {
				m := v * per
				if !(math.Abs(m) <= math.MaxFloat64) { // not a number, or infinite
					bad[i] = true
				}
				d[i] = minutes(m)
			}
		}
	}
	hits := w.hit[:tn*ne] // event h's impact in iteration i at hits[i*ne+h], NaN when it did not happen
	for h := range s.events {
		e := &s.events[h]
		j := kc + len(s.free) + 2*h
		for i := range tn {
			hits[i*ne+h] = math.NaN()
			if us[i*nu+j] < e.prob {
				hits[i*ne+h] = e.impact.Quantile(us[i*nu+j+1])
			}
		}
	}
	for i := range tn {
		if err := s.durations(xs, tile, i, hits[i*ne:(i+1)*ne], w.dur, i, tile, !bad[i]); err != nil {
			return err
		}
	}
	return nil
}

// seedIteration starts iteration it's own stream, made from the seed and
// the iteration's number.
func (w *worker) seedIteration(it int) {
	u := uint64(it)
	w.pcg.Seed(mix(w.r.seed^mix(u)), mix(u^0x5851f42d4c957f2d))
}

// record keeps what iteration it scheduled.
func (w *worker) record(it int, out *blockOut) {
	r, s, res := w.r, w.s, w.res
	r.length[it] = res.Length()
	for k, i := range s.milestones {
		_, f := res.Span(i)
		r.milestones[k][it] = f
	}
	if !r.tasks {
		return
	}
	for k, i := range s.leaves {
		if res.Critical(i) {
			out.crit[k]++
		}
	}
	for k, i := range s.merges {
		st, _ := res.Span(i)
		out.starts[k] += st
	}
}

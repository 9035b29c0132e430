package leveling

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Problem is a resource-constrained project scheduling problem in whole
// periods (the RCPSP of the literature): jobs that may not be interrupted,
// finish-to-start precedence without lag, and renewable resources whose
// capacity is the same in every period. Job j uses Demands[j][r] units of
// resource r in every period it runs.
//
// Two fields generalize it for projects (Level's search): Lags gives
// links other than finish-to-start without lag, and Busy work already
// placed that the jobs must fit around.
type Problem struct {
	Durations  []int
	Demands    [][]int
	Capacities []int
	Successors [][]int
	// Lags, when set, holds each link's minimum time lag from start to
	// start: Successors[j][k] starts at least Lags[j][k] periods after job
	// j starts (Durations[j] for a finish-to-start link without lag; a
	// lag may be negative). Nil: every link is finish-to-start without
	// lag.
	Lags [][]int
	// Busy, when set, is what work already placed takes of each resource
	// in each period from 0 (Busy[t][r]); the jobs fit in what is left.
	// It may take more than the capacity: the jobs then fit in nothing.
	Busy [][]int
}

// SolveOptions tune Solve. The zero value is the fast default: one pass of the
// best priority rule, justified.
type SolveOptions struct {
	// Schedules is the budget: how many schedules the search may generate,
	// each pass of a schedule-generation scheme (justification passes
	// included) counting as one; at least 3. Zero (the default) is one
	// pass of the best rule, latest finish time on the parallel scheme,
	// justified until justifying no longer shortens it.
	Schedules int
	// Seed seeds the search; the same seed and budget give the same
	// schedule.
	Seed uint64
}

// Solution is a feasible schedule: each job's start period, the makespan,
// and how many schedules were generated to find it.
type Solution struct {
	Starts    []int
	Makespan  int
	Schedules int
}

// ErrProblem is wrapped by the errors Solve returns for a problem that
// cannot be scheduled as given.
var ErrProblem = errors.New("leveling: bad problem")

// maxPopulation bounds the genetic algorithm's population.
const maxPopulation = 80

// Limits on a problem's size, so that the time grid stays bounded.
const (
	maxJobs     = 1 << 20
	maxResource = 64
	maxHorizon  = 1 << 26 // the sum of durations, in periods
)

// Solve finds a short feasible schedule of p. It starts from the best
// single rule (latest finish time on the parallel schedule-generation
// scheme) and, given a budget, runs a genetic algorithm over activity
// lists: a population seeded by regret-biased sampling of the same rule
// and justified, then two populations (after the bi-population algorithm
// of Debels and Vanhoucke), one of left-justified schedules and one of
// right-justified ones (in reversed time). A generation crosses the
// parents of one side, a child keeping the stretches of one parent's
// schedule where it is busier than the other's (after the peak crossover
// of Valls, Ballestín and Quintanilla 2008, which keeps one parent's
// best-packed stretch); each child is decoded by the serial scheme in
// that side's direction and justified in the other, joining the other
// side: two schedules a child. The best of each side survive, the newest
// first among schedules as short. (A general problem — lags or busy periods —
// runs one population, each child decoded and justified both ways.) It
// stops early when ctx is done, returning the best schedule so far.
func Solve(ctx context.Context, p *Problem, opts SolveOptions) (*Solution, error) {
	s, err := newSolver(p)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed_1e7e1))
	best := s.search(ctx, opts.Schedules, rng)
	sol := &Solution{Starts: make([]int, s.n), Makespan: int(best.makespan), Schedules: s.generated}
	for j, t := range best.starts {
		sol.Starts[j] = int(t)
	}
	return sol, nil
}

// solver holds a problem in flat arrays and the scratch of its passes.
type solver struct {
	n, r    int
	dur     []int32
	dem     []int32   // dem[j*r+k]
	uses    [][]int32 // the resources job j needs
	cap     []int32
	preds   [][]int32
	succs   [][]int32
	topo    []int32 // a topological order
	rank    []int32 // each job's place in it
	lft     []int32 // latest finish, resources ignored
	horizon int32

	// A general problem (Lags or Busy set) has each link's lag, in both
	// directions, and what is free of each resource in each period of
	// Busy; its lists are kept precedence-feasible by topological repair.
	general bool
	predLag [][]int32 // predLag[j][k]: job j starts at least this after preds[j][k] starts
	succLag [][]int32 // succLag[j][k]: the same link in reversed time, for succs[j][k]
	free    []int32   // free[t*r+k]: capacity less Busy, for t < len(Busy)
	busy    int32     // len(Busy)

	avail     []int32 // avail[t*r+k]: what is left of resource k in period t
	used      int32   // periods of avail touched by the current pass
	mirror    int32   // the origin avail's Busy is mirrored around (reversed time), or -1
	generated int

	util []float64 // each job's utilization: its demands as fractions of the capacities, summed

	// The crossover's scratch, reused from child to child.
	delta, busier []float64
	in            []bool
	taken, next   []int32
}

func newSolver(p *Problem) (*solver, error) {
	n, r := len(p.Durations), len(p.Capacities)
	switch {
	case n == 0 || n > maxJobs:
		return nil, fmt.Errorf("%w: %d jobs", ErrProblem, n)
	case r > maxResource:
		return nil, fmt.Errorf("%w: %d resources, at most %d", ErrProblem, r, maxResource)
	case len(p.Demands) != n || len(p.Successors) != n:
		return nil, fmt.Errorf("%w: %d durations, %d demand rows, %d successor lists", ErrProblem, n, len(p.Demands), len(p.Successors))
	}
	s := &solver{n: n, r: r, dur: make([]int32, n), dem: make([]int32, n*r), uses: make([][]int32, n),
		cap: make([]int32, r), preds: make([][]int32, n), succs: make([][]int32, n)}
	for k, c := range p.Capacities {
		if c < 0 || c > math.MaxInt32 {
			return nil, fmt.Errorf("%w: resource %d: capacity %d", ErrProblem, k+1, c)
		}
		s.cap[k] = int32(c)
	}
	var total int64
	for j := range n {
		d := p.Durations[j]
		if d < 0 || d > maxHorizon {
			return nil, fmt.Errorf("%w: job %d: duration %d", ErrProblem, j+1, d)
		}
		s.dur[j], total = int32(d), total+int64(d)
		if len(p.Demands[j]) != r {
			return nil, fmt.Errorf("%w: job %d: %d demands for %d resources", ErrProblem, j+1, len(p.Demands[j]), r)
		}
		for k, q := range p.Demands[j] {
			if q < 0 || q > p.Capacities[k] {
				return nil, fmt.Errorf("%w: job %d: demand %d of resource %d, capacity %d", ErrProblem, j+1, q, k+1, p.Capacities[k])
			}
			if q > 0 && d > 0 {
				s.dem[j*r+k] = int32(q)
				s.uses[j] = append(s.uses[j], int32(k))
			}
		}
		for _, x := range p.Successors[j] {
			if x < 0 || x >= n || x == j {
				return nil, fmt.Errorf("%w: job %d: successor %d", ErrProblem, j+1, x+1)
			}
			s.succs[j] = append(s.succs[j], int32(x))
			s.preds[x] = append(s.preds[x], int32(j))
		}
	}
	if total > maxHorizon {
		return nil, fmt.Errorf("%w: durations add up to %d periods, at most %d", ErrProblem, total, maxHorizon)
	}
	s.util = make([]float64, n)
	for j := range n {
		for _, q := range s.uses[j] {
			s.util[j] += float64(s.dem[j*r+int(q)]) / float64(s.cap[q])
		}
	}
	s.horizon = int32(total) + 1
	s.mirror = -1
	if p.Lags != nil || p.Busy != nil {
		if err := s.generalize(p, total); err != nil {
			return nil, err
		}
	}
	if err := s.order(); err != nil {
		return nil, err
	}
	s.avail = make([]int32, int(s.horizon)*r)
	for t := range int(s.horizon) {
		copy(s.avail[t*r:], s.cap)
	}
	if s.busy > 0 {
		copy(s.avail, s.free)
	}
	return s, nil
}

// generalize reads a problem's lags and busy periods; total is the sum of
// its durations.
func (s *solver) generalize(p *Problem, total int64) error {
	s.general = true
	n, r := s.n, s.r
	s.predLag, s.succLag = make([][]int32, n), make([][]int32, n)
	lag := func(j, k int) int { return p.Durations[j] } // finish-to-start without lag
	if p.Lags != nil {
		if len(p.Lags) != n {
			return fmt.Errorf("%w: %d lag lists for %d jobs", ErrProblem, len(p.Lags), n)
		}
		for j := range n {
			if len(p.Lags[j]) != len(p.Successors[j]) {
				return fmt.Errorf("%w: job %d: %d lags for %d successors", ErrProblem, j+1, len(p.Lags[j]), len(p.Successors[j]))
			}
		}
		lag = func(j, k int) int { return p.Lags[j][k] }
	}
	// The horizon must hold every job started as late as its links and
	// the busy periods allow, then waiting for all the others.
	extra := int64(len(p.Busy))
	for j := range n {
		most := 0
		for k, x := range p.Successors[j] {
			l := lag(j, k)
			if l < -maxHorizon || l > maxHorizon {
				return fmt.Errorf("%w: job %d: lag %d to job %d", ErrProblem, j+1, l, x+1)
			}
			s.succLag[j] = append(s.succLag[j], int32(p.Durations[x]-p.Durations[j]+l))
			s.predLag[x] = append(s.predLag[x], int32(l))
			most = max(most, l-p.Durations[j])
		}
		extra += int64(most)
	}
	if total+extra > maxHorizon {
		return fmt.Errorf("%w: durations, lags and busy periods add up to %d periods, at most %d", ErrProblem, total+extra, maxHorizon)
	}
	s.horizon = int32(total+extra) + 1
	if len(p.Busy) == 0 {
		return nil
	}
	if int64(len(p.Busy))*int64(r) > maxHorizon {
		return fmt.Errorf("%w: %d busy periods", ErrProblem, len(p.Busy))
	}
	s.busy = int32(len(p.Busy))
	s.free = make([]int32, len(p.Busy)*r)
	for t, row := range p.Busy {
		if len(row) != r {
			return fmt.Errorf("%w: busy period %d: %d resources, want %d", ErrProblem, t, len(row), r)
		}
		for k, b := range row {
			if b < 0 || b > math.MaxInt32/2 {
				return fmt.Errorf("%w: busy period %d: %d of resource %d", ErrProblem, t, b, k+1)
			}
			s.free[t*r+k] = s.cap[k] - int32(b)
		}
	}
	return nil
}

// lagOf returns the lag of the k-th link into job j (forward) or of the
// k-th link out of it (reversed time).
func (s *solver) lagOf(j int32, k int, forward bool) int32 {
	if forward {
		return s.predLag[j][k]
	}
	return s.succLag[j][k]
}

// sources returns each job's count of predecessors and the jobs without
// any, smallest first.
func (s *solver) sources() (indeg, sources []int32) {
	indeg = make([]int32, s.n)
	for j := range s.n {
		if indeg[j] = int32(len(s.preds[j])); indeg[j] == 0 {
			sources = append(sources, int32(j))
		}
	}
	return indeg, sources
}

// order finds a topological order (Kahn, smallest job first) and the
// latest finish times of the resource-free schedule.
func (s *solver) order() error {
	indeg, ready := s.sources()
	for len(ready) > 0 {
		j := ready[0]
		ready = ready[1:]
		s.topo = append(s.topo, j)
		for _, x := range s.succs[j] {
			if indeg[x]--; indeg[x] == 0 {
				ready = append(ready, x)
			}
		}
	}
	if len(s.topo) != s.n {
		return fmt.Errorf("%w: the precedence relations form a cycle", ErrProblem)
	}
	s.rank = make([]int32, s.n)
	for i, j := range s.topo {
		s.rank[j] = int32(i)
	}
	s.lft = make([]int32, s.n)
	if s.general {
		es := make([]int32, s.n)
		var length int32
		for _, j := range s.topo {
			for k, p := range s.preds[j] {
				es[j] = max(es[j], es[p]+s.predLag[j][k])
			}
			length = max(length, es[j]+s.dur[j])
		}
		for _, j := range slices.Backward(s.topo) {
			ls := length - s.dur[j]
			for k, x := range s.succs[j] {
				ls = min(ls, s.lft[x]-s.dur[x]-(s.succLag[j][k]-s.dur[x]+s.dur[j]))
			}
			s.lft[j] = ls + s.dur[j]
		}
		return nil
	}
	ef := make([]int32, s.n)
	var length int32
	for _, j := range s.topo {
		for _, p := range s.preds[j] {
			ef[j] = max(ef[j], ef[p])
		}
		ef[j] += s.dur[j]
		length = max(length, ef[j])
	}
	for _, j := range slices.Backward(s.topo) {
		s.lft[j] = length
		for _, x := range s.succs[j] {
			s.lft[j] = min(s.lft[j], s.lft[x]-s.dur[x])
		}
	}
	return nil
}

// candidate is a feasible schedule and the activity list that produced it.
type candidate struct {
	list     []int32
	starts   []int32
	makespan int32
	back     bool // in reversed time: the bi-population's right-justified side
}

// serial runs the serial schedule-generation scheme: the jobs of list
// (precedence-feasible for preds), each at the earliest period its
// predecessors and the resources allow. starts receives the start of
// each job; it returns the makespan.
func (s *solver) serial(list []int32, preds [][]int32, starts []int32) int32 {
	if s.general { // forward only: justifyGeneral runs its own backward pass
		return s.serialGeneral(list, true, starts, -1)
	}
	s.generated++
	r := s.r
	// Reset what the previous pass used.
	for t := range int(s.used) {
		copy(s.avail[t*r:t*r+r], s.cap)
	}
	s.used = 0
	var makespan int32
	for _, j := range list {
		var t int32
		for _, p := range preds[j] {
			t = max(t, starts[p]+s.dur[p])
		}
		d, uses := s.dur[j], s.uses[j]
	fit:
		for k := int32(0); k < d && len(uses) > 0; k++ {
			row := s.avail[int(t+k)*r:]
			for _, q := range uses {
				if row[q] < s.dem[int(j)*r+int(q)] {
					t += k + 1
					k = -1
					continue fit
				}
			}
		}
		for k := t; k < t+d; k++ {
			row := s.avail[int(k)*r:]
			for _, q := range uses {
				row[q] -= s.dem[int(j)*r+int(q)]
			}
		}
		starts[j] = t
		makespan = max(makespan, t+d)
		s.used = max(s.used, t+d)
	}
	return makespan
}

// justify improves sc by double justification: every job as late as the
// others allow (a backward serial pass in order of decreasing finish),
// then every job as early as possible (a forward pass in order of the new
// starts). Neither pass lengthens the schedule; sc's list becomes the
// order of its new starts.
func (s *solver) justify(sc *candidate, tmp []int32) {
	if s.general {
		s.justifyGeneral(sc, tmp)
		return
	}
	list := sc.list
	finish := func(j int32) int32 { return sc.starts[j] + s.dur[j] }
	slices.SortFunc(list, func(a, b int32) int { // successors first, ties (zero durations) in reverse topological order
		if fa, fb := finish(a), finish(b); fa != fb {
			return int(fb - fa)
		}
		if sc.starts[a] != sc.starts[b] {
			return int(sc.starts[b] - sc.starts[a])
		}
		return int(s.rank[b] - s.rank[a])
	})
	// Backward: time runs from the end; a job's successors come first.
	m := s.serial(list, s.succs, tmp)
	for j := range s.n { // back to forward time
		tmp[j] = m - tmp[j] - s.dur[j]
	}
	slices.SortFunc(list, func(a, b int32) int { // predecessors first
		if tmp[a] != tmp[b] {
			return int(tmp[a] - tmp[b])
		}
		if fa, fb := tmp[a]+s.dur[a], tmp[b]+s.dur[b]; fa != fb {
			return int(fa - fb)
		}
		return int(s.rank[a] - s.rank[b])
	})
	sc.makespan = s.serial(list, s.preds, sc.starts)
}

// decode turns sc.list into a justified schedule.
func (s *solver) decode(sc *candidate, tmp []int32) {
	sc.makespan = s.serial(sc.list, s.preds, sc.starts)
	s.justify(sc, tmp)
}

// sample draws a precedence-feasible activity list by regret-biased
// random sampling on the latest-finish-time rule (Drexl 1991): among the
// eligible jobs, one with a smaller latest finish is likelier, in
// proportion to its regret plus one.
func (s *solver) sample(rng *rand.Rand, list []int32) {
	indeg, eligible := s.sources()
	weights := make([]float64, 0, s.n)
	for i := range s.n {
		worst := int32(0)
		for _, j := range eligible {
			worst = max(worst, s.lft[j])
		}
		weights = weights[:0]
		var sum float64
		for _, j := range eligible {
			w := float64(worst-s.lft[j]) + 1
			weights, sum = append(weights, w), sum+w
		}
		x := rng.Float64() * sum
		pick := 0
		for ; pick < len(eligible)-1 && x >= weights[pick]; pick++ {
			x -= weights[pick]
		}
		j := eligible[pick]
		eligible = slices.Delete(eligible, pick, pick+1)
		list[i] = j
		for _, x := range s.succs[j] {
			if indeg[x]--; indeg[x] == 0 {
				eligible = append(eligible, x)
			}
		}
	}
}

func (s *solver) newSchedule() *candidate {
	return &candidate{list: make([]int32, s.n), starts: make([]int32, s.n)}
}

// search runs the search within budget schedules and returns the best.
func (s *solver) search(ctx context.Context, budget int, rng *rand.Rand) *candidate {
	tmp := make([]int32, s.n)
	prio := make([]float64, s.n)
	for j := range s.n {
		prio[j] = float64(s.lft[j])
	}
	// The best rule's schedule, justified until three rounds in a row bring
	// nothing (a round that keeps the makespan still moves jobs, which
	// the next may use), or the budget ends: the fast default, and the
	// search's first.
	if budget > 0 {
		budget = max(budget, 3)
	}
	best := s.newSchedule()
	if s.general { // the parallel scheme knows no lags: the serial one, on the rule's order
		s.byRule(prio, best.list)
		best.makespan = s.serial(best.list, s.preds, best.starts)
	} else {
		best.makespan = s.parallel(prio, best.list, best.starts)
	}
	s.justify(best, tmp)
	for idle := 0; idle < 3 && (budget <= 0 || s.generated+2 <= budget); idle++ {
		m := best.makespan
		s.justify(best, tmp)
		if best.makespan < m {
			idle = -1
		}
	}
	if budget <= 0 {
		return best
	}
	if !s.general {
		return s.searchBoth(ctx, budget, rng, best, tmp)
	}
	const perDecode = 3 // a pass and its two justification passes
	// Small problems converge sooner: a larger population keeps them
	// diverse (measured on PSPLIB: 80 for 30 jobs, 40 from 60 jobs up).
	pop := min(maxPopulation, max(40, 2600/s.n), (budget-s.generated)/perDecode/4)
	if pop < 2 || s.n < 3 {
		return best
	}
	population := make([]*candidate, 0, 2*pop)
	population = append(population, best)
	for len(population) < pop && s.generated+perDecode <= budget {
		sc := s.newSchedule()
		s.sample(rng, sc.list)
		s.decode(sc, tmp)
		population = append(population, sc)
	}
	for s.generated+2*perDecode <= budget && ctx.Err() == nil {
		// Pair parents at random; each pair gives two children.
		rng.Shuffle(len(population), func(a, b int) { population[a], population[b] = population[b], population[a] })
		parents := len(population)
		for i := 0; i+1 < parents && s.generated+2*perDecode <= budget; i += 2 {
			mother, father := population[i], population[i+1]
			for _, pair := range [2][2]*candidate{{mother, father}, {father, mother}} {
				child := s.newSchedule()
				s.crossover(rng, pair[0], pair[1], child.list)
				s.repair(child.list, true) // a negative lag lets a job start before what it follows
				s.mutate(rng, child.list, false, mutation)
				s.decode(child, tmp)
				population = append(population, child)
			}
		}
		// The best survive, one of each schedule while there are enough,
		// the newest first among schedules as short (the search drifts
		// along plateaus).
		slices.Reverse(population)
		slices.SortStableFunc(population, func(a, b *candidate) int { return int(a.makespan - b.makespan) })
		population = distinct(population, pop)
		population = population[:min(len(population), pop)]
	}
	for _, sc := range population {
		if sc.makespan < best.makespan {
			best = sc
		}
	}
	return best
}

// The probability mutate swaps two neighbours: in the one population of a
// general problem's search, and in the bi-population search (measured on
// PSPLIB's J120: 0.02 better there than 0.01, 0.03 and 0.05).
const (
	mutation     = 0.05
	mutationBoth = 0.02
)

// mutate swaps neighbouring jobs that do not depend on each other, each
// with probability rate; a list in reversed time when back.
func (s *solver) mutate(rng *rand.Rand, list []int32, back bool, rate float64) {
	after := s.succs // a job's neighbour after it that must stay after it
	if back {
		after = s.preds
	}
	for i := 0; i+1 < len(list); i++ {
		if rng.Float64() >= rate {
			continue
		}
		a, b := list[i], list[i+1]
		if !slices.Contains(after[a], b) {
			list[i], list[i+1] = b, a
		}
	}
}

// searchBoth is the bi-population search of a plain problem: best is the
// fast default's schedule, the search's first.
func (s *solver) searchBoth(ctx context.Context, budget int, rng *rand.Rand, best *candidate, tmp []int32) *candidate {
	const perChild = 2 // a pass and its justification the other way
	pop := min(maxPopulation, max(40, 2600/s.n), (budget-s.generated)/3/4)
	if pop < 2 || s.n < 3 {
		return best
	}
	left := []*candidate{best}
	for len(left) < pop && s.generated+3 <= budget {
		sc := s.newSchedule()
		s.sample(rng, sc.list)
		s.decode(sc, tmp)
		left = append(left, sc)
	}
	// The right-justified side: each of the left one justified backward.
	var right []*candidate
	for _, sc := range left {
		if s.generated+1 > budget {
			break
		}
		right = append(right, s.flip(sc))
	}
	// The best survive, one of each schedule while there are enough, the
	// children first among schedules as short.
	survive := func(side, children []*candidate) []*candidate {
		all := append(children, side...)
		slices.SortStableFunc(all, func(a, b *candidate) int { return int(a.makespan - b.makespan) })
		all = distinct(all, pop)
		return all[:min(len(all), pop)]
	}
	back := false // the side whose children this generation makes: left first
	// One schedule is kept for turning a right-justified best forward.
	for s.generated+2*perChild+1 <= budget && ctx.Err() == nil && len(right) >= 2 {
		parents := left
		if back {
			parents = right
		}
		var children []*candidate
		// Pair parents at random; each pair gives two children.
		rng.Shuffle(len(parents), func(a, b int) { parents[a], parents[b] = parents[b], parents[a] })
		for i := 0; i+1 < len(parents) && s.generated+2*perChild+1 <= budget; i += 2 {
			mother, father := parents[i], parents[i+1]
			for _, pair := range [2][2]*candidate{{mother, father}, {father, mother}} {
				child := s.newSchedule()
				child.back = back
				s.crossover(rng, pair[0], pair[1], child.list)
				s.mutate(rng, child.list, back, mutationBoth)
				preds := s.preds
				if back {
					preds = s.succs
				}
				child.makespan = s.serial(child.list, preds, child.starts)
				children = append(children, s.flip(child))
			}
		}
		if back {
			left = survive(left, children)
		} else {
			right = survive(right, children)
		}
		back = !back
	}
	for _, sc := range append(left, right...) {
		if sc.makespan < best.makespan || sc.makespan == best.makespan && best.back && !sc.back {
			best = sc
		}
	}
	if best.back {
		best = s.flip(best) // forward, no longer
	}
	return best
}

// flip justifies schedule sc the other way: every job as late as the
// others allow in its time, by a serial pass in the other direction on
// the jobs in order of decreasing finish. The result, in the other time,
// lists the jobs in order of its starts; its makespan is no longer.
func (s *solver) flip(sc *candidate) *candidate {
	out := s.newSchedule()
	out.back = !sc.back
	list := out.list
	copy(list, sc.list)
	finish := func(j int32) int32 { return sc.starts[j] + s.dur[j] }
	slices.SortFunc(list, func(a, b int32) int { // the latest to finish first
		if fa, fb := finish(a), finish(b); fa != fb {
			return int(fb - fa)
		}
		if sc.starts[a] != sc.starts[b] {
			return int(sc.starts[b] - sc.starts[a])
		}
		if sc.back { // ties (zero durations) in the other time's topological order
			return int(s.rank[a] - s.rank[b])
		}
		return int(s.rank[b] - s.rank[a])
	})
	preds := s.succs
	if sc.back {
		preds = s.preds
	}
	out.makespan = s.serial(list, preds, out.starts)
	slices.SortStableFunc(list, func(a, b int32) int { return int(out.starts[a] - out.starts[b]) })
	return out
}

// parallel runs the parallel schedule-generation scheme: at each moment a
// job finishes (from period 0), it starts every eligible job the
// resources allow, in order of priority (smaller first; ties by job
// number). list receives the jobs in the order they start, starts their
// starts; it returns the makespan.
func (s *solver) parallel(priority []float64, list, starts []int32) int32 {
	return s.parallelOn(s.preds, s.succs, priority, list, starts)
}

// parallelOn is parallel on a network given by preds and succs (the
// reversed network for a backward pass).
func (s *solver) parallelOn(preds, succs [][]int32, priority []float64, list, starts []int32) int32 {
	s.generated++
	r := s.r
	left := slices.Clone(s.cap)   // free now
	waiting := make([]int32, s.n) // unfinished predecessors
	var eligible []int32
	for j := range s.n {
		waiting[j] = int32(len(preds[j]))
		if waiting[j] == 0 {
			eligible = append(eligible, int32(j))
		}
	}
	type running struct{ job, finish int32 }
	var active []running
	done, t := 0, int32(0)
	var makespan int32
	for done < s.n {
		slices.SortFunc(eligible, func(a, b int32) int {
			if priority[a] != priority[b] {
				if priority[a] < priority[b] {
					return -1
				}
				return 1
			}
			return int(a - b)
		})
		kept := eligible[:0]
		for _, j := range eligible {
			fits := true
			for _, q := range s.uses[j] {
				if left[q] < s.dem[int(j)*r+int(q)] {
					fits = false
					break
				}
			}
			if !fits {
				kept = append(kept, j)
				continue
			}
			for _, q := range s.uses[j] {
				left[q] -= s.dem[int(j)*r+int(q)]
			}
			starts[j] = t
			list[done] = j
			done++
			active = append(active, running{j, t + s.dur[j]})
		}
		eligible = kept
		if len(active) == 0 {
			break // cannot happen: a job alone always fits
		}
		// Move to the next finish; release every job finishing then.
		t = active[0].finish
		for _, a := range active {
			t = min(t, a.finish)
		}
		still := active[:0]
		for _, a := range active {
			if a.finish > t {
				still = append(still, a)
				continue
			}
			makespan = max(makespan, a.finish)
			for _, q := range s.uses[a.job] {
				left[q] += s.dem[int(a.job)*r+int(q)]
			}
			for _, x := range succs[a.job] {
				if waiting[x]--; waiting[x] == 0 {
					eligible = append(eligible, x)
				}
			}
		}
		active = still
	}
	for _, a := range active {
		makespan = max(makespan, a.finish)
	}
	return makespan
}

// distinct moves schedules that repeat an earlier one (the same starts)
// behind the others, as long as at least keep remain in front.
func distinct(sorted []*candidate, keep int) []*candidate {
	front := make([]*candidate, 0, len(sorted))
	var back []*candidate
	for i, sc := range sorted {
		dup := false
		for k := len(front) - 1; k >= 0 && front[k].makespan == sc.makespan; k-- {
			if slices.Equal(front[k].starts, sc.starts) {
				dup = true
				break
			}
		}
		if dup && len(front)+len(sorted)-i > keep {
			back = append(back, sc)
			continue
		}
		front = append(front, sc)
	}
	return append(front, back...)
}

// Crossover windows: how many stretches of the father's schedule a child
// keeps, and their widths as fractions of its makespan. Measured on
// PSPLIB's J120 at 5,000 schedules, seeds 1 and 2: three of a twentieth
// to a fifth 31.69–31.75 %, two 31.76–31.79 %, four 31.87–31.88 %, three
// of 0.03 to 0.15 31.75 %, one of a tenth to a half (the peak
// crossover's widths) 32.09–32.16 %, against the peak crossover's
// 32.31–32.33 %.
const (
	windows              = 3
	windowMin, windowMax = 0.05, 0.2
)

// crossover keeps the stretches of the father's schedule where it is
// busier than the mother's (after the peak crossover of Valls, Ballestín
// and Quintanilla 2008, which keeps the father's one best-packed
// stretch): up to windows stretches of random widths, chosen one after
// the other, none overlapping another, where the father's resource
// utilization exceeds the mother's the most. The child lists the jobs by
// the stretch of the father's schedule they start in, stretch after
// stretch: those starting in a window in the father's order, the others
// in the mother's. On a plain problem the child of two
// precedence-feasible lists is precedence-feasible: a job's predecessors
// start no later in the father's schedule, so they are listed in an
// earlier stretch or before it in the same one. (On a general problem a
// negative lag breaks that; the caller repairs the list.)
func (s *solver) crossover(rng *rand.Rand, mother, father *candidate, child []int32) {
	m := int(father.makespan)
	if m == 0 {
		copy(child, mother.list)
		return
	}
	s.delta, s.busier = grown(s.delta, m+1), grown(s.busier, m+1)
	s.in, s.taken = grown(s.in, m+1), grown(s.taken, m+1)
	delta, busier, in, taken := s.delta, s.busier, s.in, s.taken
	// busier[t]: how much more of the resources the father uses than the
	// mother in the periods before t (their utilization summed over the
	// resources, each a fraction of its capacity), from start and end
	// deltas.
	for j := range s.n {
		u := s.util[j]
		if u == 0 {
			continue
		}
		delta[father.starts[j]] += u
		delta[father.starts[j]+s.dur[j]] -= u
		if st := int(mother.starts[j]); st < m {
			delta[st] -= u
			delta[min(st+int(s.dur[j]), m)] += u
		}
	}
	var now float64
	for t := range m {
		now += delta[t]
		busier[t+1] = busier[t] + now
	}
	// in[t]: period t lies in a window; taken[t]: how many before t do.
	for range windows {
		for t := range m {
			taken[t+1] = taken[t]
			if in[t] {
				taken[t+1]++
			}
		}
		width := max(1, int(float64(m)*(windowMin+(windowMax-windowMin)*rng.Float64())))
		from, best := -1, math.Inf(-1)
		for a := 0; a+width <= m; a++ {
			if taken[a+width] != taken[a] {
				continue
			}
			if v := busier[a+width] - busier[a]; v > best {
				from, best = a, v
			}
		}
		if from < 0 {
			break
		}
		for t := from; t < from+width; t++ {
			in[t] = true
		}
	}
	// Stretches: the runs of periods in and out of windows; a job belongs
	// to the one its start in the father's schedule falls in.
	stretch := taken // reused: the stretch of each period
	stretch[0] = 0
	for t := 1; t <= m; t++ {
		stretch[t] = stretch[t-1]
		if in[t] != in[t-1] {
			stretch[t]++
		}
	}
	of := func(j int32) int32 { return stretch[min(int(father.starts[j]), m)] }
	s.next = grown(s.next, int(stretch[m])+2)
	next := s.next // where each stretch's next job goes
	for j := range int32(s.n) {
		next[of(j)+1]++
	}
	for k := 1; k < len(next); k++ {
		next[k] += next[k-1]
	}
	place := func(list []int32, window bool) {
		for _, j := range list {
			k := of(j)
			if t := min(int(father.starts[j]), m); in[t] == window {
				child[next[k]] = j
				next[k]++
			}
		}
	}
	place(mother.list, false)
	place(father.list, true)
}

// serialGeneral is the serial scheme on a general problem: each job of
// list at the earliest period its links (forward: from its predecessors;
// else in reversed time, from its successors) and the resources allow,
// never before 0. Busy periods are taken from the resources as they lie
// in forward time or, when mirror ≥ 0, mirrored around that origin
// (reversed time). It returns the makespan.
func (s *solver) serialGeneral(list []int32, forward bool, starts []int32, mirror int32) int32 {
	s.generated++
	r := s.r
	preds := s.preds
	if !forward {
		preds = s.succs
	}
	// Reset what the previous pass used, and the busy periods wherever
	// either pass has them.
	reset := s.used
	if s.busy > 0 {
		reset = max(reset, s.busy, s.mirror+1, mirror+1)
	}
	for t := range min(reset, s.horizon) {
		row := s.avail[int(t)*r : int(t)*r+r]
		switch b := s.busyAt(t, mirror); {
		case b < 0:
			copy(row, s.cap)
		default:
			copy(row, s.free[int(b)*r:int(b)*r+r])
		}
	}
	s.used, s.mirror = 0, mirror
	var makespan int32
	for _, j := range list {
		var t int32
		for k, p := range preds[j] {
			t = max(t, starts[p]+s.lagOf(j, k, forward))
		}
		d, uses := s.dur[j], s.uses[j]
	fit:
		for k := int32(0); k < d && len(uses) > 0; k++ {
			if t+k >= s.horizon {
				break // cannot happen: the horizon holds every job
			}
			row := s.avail[int(t+k)*r:]
			for _, q := range uses {
				if row[q] < s.dem[int(j)*r+int(q)] {
					t += k + 1
					k = -1
					continue fit
				}
			}
		}
		for k := t; k < t+d && k < s.horizon; k++ {
			row := s.avail[int(k)*r:]
			for _, q := range uses {
				row[q] -= s.dem[int(j)*r+int(q)]
			}
		}
		starts[j] = t
		makespan = max(makespan, t+d)
		s.used = max(s.used, min(t+d, s.horizon))
	}
	return makespan
}

// busyAt returns the busy period that period t is, or -1: t itself in
// forward time; mirror−t in reversed time around origin mirror.
func (s *solver) busyAt(t, mirror int32) int32 {
	b := t
	if mirror >= 0 {
		b = mirror - t
	}
	if b < 0 || b >= s.busy {
		return -1
	}
	return b
}

// justifyGeneral is justify on a general problem: the backward pass in
// reversed time around the origin H (the makespan, or the end of the busy
// periods if later), its order repaired to follow the links; a backward
// pass that would need time before 0 is dropped.
func (s *solver) justifyGeneral(sc *candidate, tmp []int32) {
	list := sc.list
	finish := func(j int32) int32 { return sc.starts[j] + s.dur[j] }
	slices.SortFunc(list, func(a, b int32) int {
		if fa, fb := finish(a), finish(b); fa != fb {
			return int(fb - fa)
		}
		if sc.starts[a] != sc.starts[b] {
			return int(sc.starts[b] - sc.starts[a])
		}
		return int(s.rank[b] - s.rank[a])
	})
	s.repair(list, false)
	h := max(sc.makespan, s.busy)
	m := s.serialGeneral(list, false, tmp, h-1)
	if s.busy == 0 {
		h = m
	}
	ok := true
	for j := range s.n { // back to forward time
		if tmp[j] = h - tmp[j] - s.dur[j]; tmp[j] < 0 {
			ok = false
		}
	}
	if !ok { // the backward pass went past the start: keep the schedule as it is
		copy(tmp, sc.starts)
	}
	slices.SortFunc(list, func(a, b int32) int {
		if tmp[a] != tmp[b] {
			return int(tmp[a] - tmp[b])
		}
		if fa, fb := tmp[a]+s.dur[a], tmp[b]+s.dur[b]; fa != fb {
			return int(fa - fb)
		}
		return int(s.rank[a] - s.rank[b])
	})
	s.repair(list, true)
	sc.makespan = s.serialGeneral(list, true, sc.starts, -1)
}

// repair makes list precedence-feasible (forward: every job after its
// predecessors; else after its successors) keeping its order where the
// links allow: each job as soon as all it follows are listed.
func (s *solver) repair(list []int32, forward bool) {
	preds, succs := s.preds, s.succs
	if !forward {
		preds, succs = succs, preds
	}
	pos := s.scratchPos()
	for k, j := range list {
		pos[j] = int32(k)
	}
	waiting := make([]int32, s.n)
	ready := &posHeap{pos: pos}
	for _, j := range list {
		if waiting[j] = int32(len(preds[j])); waiting[j] == 0 {
			ready.push(j)
		}
	}
	out := list[:0:0]
	for len(ready.jobs) > 0 {
		j := ready.pop()
		out = append(out, j)
		for _, x := range succs[j] {
			if waiting[x]--; waiting[x] == 0 {
				ready.push(x)
			}
		}
	}
	copy(list, out)
}

func (s *solver) scratchPos() []int32 { return make([]int32, s.n) }

// grown returns buf resized to n and zeroed.
func grown[T any](buf []T, n int) []T {
	buf = slices.Grow(buf[:0], n)[:n]
	clear(buf)
	return buf
}

// byRule fills list with the jobs in order of priority (smaller first,
// ties by job number), each after all it follows.
func (s *solver) byRule(priority []float64, list []int32) {
	for k := range list {
		list[k] = int32(k)
	}
	slices.SortStableFunc(list, func(a, b int32) int {
		if priority[a] != priority[b] {
			if priority[a] < priority[b] {
				return -1
			}
			return 1
		}
		return int(a - b)
	})
	s.repair(list, true)
}

// posHeap is a heap of jobs by their place in a list.
type posHeap struct {
	pos  []int32
	jobs []int32
}

func (h *posHeap) push(j int32) {
	h.jobs = append(h.jobs, j)
	for c := len(h.jobs) - 1; c > 0; {
		p := (c - 1) / 2
		if h.pos[h.jobs[p]] <= h.pos[h.jobs[c]] {
			break
		}
		h.jobs[p], h.jobs[c] = h.jobs[c], h.jobs[p]
		c = p
	}
}

func (h *posHeap) pop() int32 {
	top := h.jobs[0]
	last := len(h.jobs) - 1
	h.jobs[0] = h.jobs[last]
	h.jobs = h.jobs[:last]
	for p := 0; ; {
		c := 2*p + 1
		if c >= len(h.jobs) {
			break
		}
		if c+1 < len(h.jobs) && h.pos[h.jobs[c+1]] < h.pos[h.jobs[c]] {
			c++
		}
		if h.pos[h.jobs[p]] <= h.pos[h.jobs[c]] {
			break
		}
		h.jobs[p], h.jobs[c] = h.jobs[c], h.jobs[p]
		p = c
	}
	return top
}

package leveling_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/psplib"
	"github.com/critpath/critpath/internal/feasible"
	"github.com/critpath/critpath/leveling"
)

// check checks a schedule with the independent checker.
func check(p *leveling.Problem, sol *leveling.Solution) error {
	return feasible.Check(p.Durations, p.Demands, p.Capacities, p.Successors, sol.Starts, sol.Makespan)
}

// checkLeveled reads a leveled PSPLIB project's starts (whole days from
// the project's start) and checks them with the independent checker; it returns
// the makespan.
func checkLeveled(t *testing.T, name string, in *psplib.Instance, l *leveling.Leveled) int {
	t.Helper()
	sol := &leveling.Solution{Starts: make([]int, len(in.Durations))}
	for j := range sol.Starts {
		tr, _ := l.Result.Lookup(psplib.ID(j))
		sol.Starts[j] = int(tr.Start.Sub(in.Project.Start) / (24 * time.Hour))
		sol.Makespan = max(sol.Makespan, sol.Starts[j]+in.Durations[j])
	}
	if err := check(problemOf(in), sol); err != nil {
		t.Fatalf("%s: leveled project: %v", name, err)
	}
	return sol.Makespan
}

func problemOf(in *psplib.Instance) *leveling.Problem {
	return &leveling.Problem{Durations: in.Durations, Demands: in.Demands, Capacities: in.Capacities, Successors: in.Successors}
}

func instance(t testing.TB, path string) (*leveling.Problem, *psplib.Instance) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	in, err := psplib.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return problemOf(in), in
}

// cpmLength is the critical-path length, resources aside: a lower bound.
func cpmLength(p *leveling.Problem) int {
	n := len(p.Durations)
	ef := make([]int, n)
	changed := true
	for changed { // Bellman–Ford style: independent of the solver's order
		changed = false
		for j := range n {
			for _, x := range p.Successors[j] {
				if f := ef[j] + p.Durations[x]; f > ef[x] {
					ef[x], changed = f, true
				}
			}
			if ef[j] < p.Durations[j] {
				ef[j], changed = p.Durations[j], true
			}
		}
	}
	return slices.Max(ef)
}

// TestTextbook: three jobs of one resource of capacity 2, each needing 1
// or 2: the optimum is known by hand.
func TestTextbook(t *testing.T) {
	// A (3 periods, 2 units) and B (2, 1) in parallel, then C (2, 1) after
	// A. A and B cannot overlap: the best is B, then A, then C (7), or A,
	// then B with C (5).
	p := &leveling.Problem{
		Durations:  []int{3, 2, 2},
		Demands:    [][]int{{2}, {1}, {1}},
		Capacities: []int{2},
		Successors: [][]int{{2}, {}, {}},
	}
	for _, budget := range []int{0, 50} {
		sol, err := leveling.Solve(t.Context(), p, leveling.SolveOptions{Schedules: budget})
		if err != nil {
			t.Fatal(err)
		}
		if err := check(p, sol); err != nil {
			t.Fatal(err)
		}
		if sol.Makespan != 5 {
			t.Errorf("budget %d: makespan %d, want 5 (starts %v)", budget, sol.Makespan, sol.Starts)
		}
	}
}

// TestPSPLIBInstances levels a J30 instance to its proven optimum and a
// J120 instance near its best known makespan.
func TestPSPLIBInstances(t *testing.T) {
	cases := []struct {
		file      string
		optimum   int // proven (J30) or best known (J120)
		within    int // how far above it the search may stop
		schedules int
	}{
		{"j301_1.sm", 43, 0, 5000},
		{"j1201_1.sm", 105, 6, 5000},
	}
	for _, c := range cases {
		p, _ := instance(t, filepath.Join("testdata", c.file))
		sol, err := leveling.Solve(t.Context(), p, leveling.SolveOptions{Schedules: c.schedules, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := check(p, sol); err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if sol.Makespan < c.optimum || sol.Makespan > c.optimum+c.within {
			t.Errorf("%s: makespan %d, want %d to %d", c.file, sol.Makespan, c.optimum, c.optimum+c.within)
		}
		if sol.Schedules > c.schedules {
			t.Errorf("%s: %d schedules, budget %d", c.file, sol.Schedules, c.schedules)
		}
	}
}

// randomProblem is a random RCPSP: jobs in index order, successors later.
func randomProblem(rng *rand.Rand, n, r int) *leveling.Problem {
	p := &leveling.Problem{Durations: make([]int, n), Demands: make([][]int, n), Successors: make([][]int, n), Capacities: make([]int, r)}
	for k := range r {
		p.Capacities[k] = 1 + rng.IntN(10)
	}
	for j := range n {
		p.Durations[j] = rng.IntN(8)
		p.Demands[j] = make([]int, r)
		for k := range r {
			if rng.IntN(2) == 0 {
				p.Demands[j][k] = rng.IntN(p.Capacities[k] + 1)
			}
		}
		for x := j + 1; x < n; x++ {
			if rng.IntN(n) < 2 {
				p.Successors[j] = append(p.Successors[j], x)
			}
		}
	}
	// Shuffle the job numbers, so that the index order is not topological.
	perm := rng.Perm(n)
	q := &leveling.Problem{Durations: make([]int, n), Demands: make([][]int, n), Successors: make([][]int, n), Capacities: p.Capacities}
	for j := range n {
		q.Durations[perm[j]], q.Demands[perm[j]] = p.Durations[j], p.Demands[j]
		for _, x := range p.Successors[j] {
			q.Successors[perm[j]] = append(q.Successors[perm[j]], perm[x])
		}
	}
	return q
}

// TestRandomProblems checks on random problems that every schedule is
// feasible, no shorter than the critical path, within budget, and the
// same for the same seed; and that a larger budget never does worse than
// the fast default.
func TestRandomProblems(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 1))
		p := randomProblem(rng, 1+rng.IntN(40), 1+rng.IntN(4))
		fast, err := leveling.Solve(t.Context(), p, leveling.SolveOptions{})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		opts := leveling.SolveOptions{Schedules: 300, Seed: seed}
		sol, err := leveling.Solve(t.Context(), p, opts)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, s := range []*leveling.Solution{fast, sol} {
			if err := check(p, s); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
		}
		switch again, _ := leveling.Solve(t.Context(), p, opts); {
		case sol.Makespan < cpmLength(p):
			t.Fatalf("seed %d: makespan %d below the critical path %d", seed, sol.Makespan, cpmLength(p))
		case sol.Makespan > fast.Makespan:
			t.Fatalf("seed %d: %d schedules gave %d, the fast default %d", seed, sol.Schedules, sol.Makespan, fast.Makespan)
		case sol.Schedules > opts.Schedules:
			t.Fatalf("seed %d: %d schedules over a budget of %d", seed, sol.Schedules, opts.Schedules)
		case !slices.Equal(again.Starts, sol.Starts):
			t.Fatalf("seed %d: the same seed gave another schedule", seed)
		}
	}
}

// TestCrossover checks on random problems, forward and in reversed time,
// that a child lists every job once, each after all it follows in that
// time, and that children are not all copies of a parent.
func TestCrossover(t *testing.T) {
	novel := 0
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 3))
		p := randomProblem(rng, 2+rng.IntN(40), 1+rng.IntN(4))
		for _, back := range []bool{false, true} {
			mother, father, child, err := leveling.Cross(p, seed, back)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			at := make([]int, len(p.Durations))
			for i := range at {
				at[i] = -1
			}
			for i, j := range child {
				if at[j] >= 0 {
					t.Fatalf("seed %d, back %v: job %d listed twice in %v", seed, back, j, child)
				}
				at[j] = i
			}
			for j, succs := range p.Successors {
				for _, x := range succs {
					if before, after := at[j], at[x]; back && before < after || !back && before > after {
						t.Fatalf("seed %d, back %v: job %d listed %d, its successor %d listed %d", seed, back, j, before, x, after)
					}
				}
			}
			if !slices.Equal(child, mother) && !slices.Equal(child, father) {
				novel++
			}
		}
	}
	if novel < 300 {
		t.Errorf("%d children of 600 differ from both parents", novel)
	}
}

func TestBadProblems(t *testing.T) {
	ok := func() *leveling.Problem {
		return &leveling.Problem{Durations: []int{1, 1}, Demands: [][]int{{1}, {1}}, Capacities: []int{1}, Successors: [][]int{{1}, {}}}
	}
	cases := map[string]func(p *leveling.Problem){
		"cycle":              func(p *leveling.Problem) { p.Successors[1] = []int{0} },
		"self":               func(p *leveling.Problem) { p.Successors[0] = []int{0} },
		"unknown successor":  func(p *leveling.Problem) { p.Successors[0] = []int{7} },
		"demand > capacity":  func(p *leveling.Problem) { p.Demands[0][0] = 2 },
		"negative duration":  func(p *leveling.Problem) { p.Durations[0] = -1 },
		"missing demand row": func(p *leveling.Problem) { p.Demands = p.Demands[:1] },
		"no jobs":            func(p *leveling.Problem) { *p = leveling.Problem{} },
	}
	for name, edit := range cases {
		p := ok()
		edit(p)
		if _, err := leveling.Solve(t.Context(), p, leveling.SolveOptions{}); !errors.Is(err, leveling.ErrProblem) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// randomGeneral is a random general problem: links of every kind as
// start-to-start lags (some negative), and busy periods, some taking all
// of a resource or more.
func randomGeneral(rng *rand.Rand, n, r int) *leveling.Problem {
	p := randomProblem(rng, n, r)
	p.Lags = make([][]int, n)
	for j := range n {
		for _, x := range p.Successors[j] {
			var l int
			switch rng.IntN(4) {
			case 0: // finish to start, with a lag
				l = p.Durations[j] + rng.IntN(4) - 1
			case 1: // start to start
				l = rng.IntN(4) - 1
			case 2: // finish to finish
				l = p.Durations[j] - p.Durations[x] + rng.IntN(3)
			default: // start to finish
				l = rng.IntN(6) - p.Durations[x]
			}
			p.Lags[j] = append(p.Lags[j], l)
		}
	}
	if rng.IntN(2) == 0 {
		p.Busy = make([][]int, rng.IntN(30))
		for t := range p.Busy {
			p.Busy[t] = make([]int, r)
			for k := range r {
				if rng.IntN(3) == 0 {
					p.Busy[t][k] = rng.IntN(p.Capacities[k] + 2)
				}
			}
		}
	}
	return p
}

// checkGeneral checks a schedule of a general problem independently: no
// start before 0, every link's lag, and in every period what the jobs
// ask within what the busy periods leave; and the makespan.
func checkGeneral(p *leveling.Problem, sol *leveling.Solution) error {
	makespan := 0
	for j, s := range sol.Starts {
		if s < 0 {
			return fmt.Errorf("job %d starts at %d", j+1, s)
		}
		makespan = max(makespan, s+p.Durations[j])
		for k, x := range p.Successors[j] {
			if sol.Starts[x] < s+p.Lags[j][k] {
				return fmt.Errorf("job %d starts at %d, %d after job %d at %d; the lag is %d", x+1, sol.Starts[x], sol.Starts[x]-s, j+1, s, p.Lags[j][k])
			}
		}
	}
	if makespan != sol.Makespan {
		return fmt.Errorf("makespan %d, the starts give %d", sol.Makespan, makespan)
	}
	for t := range makespan {
		for k, c := range p.Capacities {
			use := 0
			for j, s := range sol.Starts {
				if s <= t && t < s+p.Durations[j] {
					use += p.Demands[j][k]
				}
			}
			free := c
			if t < len(p.Busy) {
				free = max(0, c-p.Busy[t][k])
			}
			if use > free {
				return fmt.Errorf("period %d: resource %d: %d used, %d free", t, k+1, use, free)
			}
		}
	}
	return nil
}

// TestGeneralProblems: on random general problems every schedule keeps
// every lag and fits the busy periods, a budget does no worse than the
// fast default, and the same seed gives the same schedule.
func TestGeneralProblems(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 2))
		p := randomGeneral(rng, 1+rng.IntN(30), 1+rng.IntN(3))
		fast, err := leveling.Solve(t.Context(), p, leveling.SolveOptions{})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		opts := leveling.SolveOptions{Schedules: 200, Seed: seed}
		sol, err := leveling.Solve(t.Context(), p, opts)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, s := range []*leveling.Solution{fast, sol} {
			if err := checkGeneral(p, s); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
		}
		if sol.Makespan > fast.Makespan {
			t.Fatalf("seed %d: %d schedules gave %d, the fast default %d", seed, sol.Schedules, sol.Makespan, fast.Makespan)
		}
		if again, _ := leveling.Solve(t.Context(), p, opts); !slices.Equal(again.Starts, sol.Starts) {
			t.Fatalf("seed %d: the same seed gave another schedule", seed)
		}
	}
}

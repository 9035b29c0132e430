package risk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/risk"
	"github.com/critpath/critpath/schedule"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// tower reads the example project and its risk model.
func tower(t *testing.T) (*schedule.Project, *risk.Model) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "dhaka-tower-risk.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := risk.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := os.Open(filepath.Join("testdata", doc.ProjectPath))
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	p, err := schedule.ReadJSON(pf)
	if err != nil {
		t.Fatal(err)
	}
	return p, doc.Model
}

func encode(t *testing.T, a *risk.Analysis) []byte {
	t.Helper()
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// The same seed gives the same bytes for 1, 2, 3 and 8 workers and for
// any GOMAXPROCS, and the bytes of the golden file of that seed.
func TestGolden(t *testing.T) {
	p, m := tower(t)
	for _, c := range []struct {
		seed uint64
		opts risk.Options
	}{
		{1, risk.Options{Iterations: 2000, Tasks: true}},
		{2, risk.Options{Iterations: 1600, Tasks: true, LatinHypercube: true, Mitigated: true, Percentile: 90}},
	} {
		t.Run(fmt.Sprint("seed ", c.seed), func(t *testing.T) {
			var first []byte
			for _, procs := range []int{1, 4} {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				for _, workers := range []int{1, 2, 3, 8} {
					opts := c.opts
					opts.Seed, opts.Workers = c.seed, workers
					a, err := risk.Simulate(context.Background(), p, m, opts)
					if err != nil {
						t.Fatal(err)
					}
					got := encode(t, a)
					if first == nil {
						first = got
						continue
					}
					if !bytes.Equal(got, first) {
						t.Fatalf("GOMAXPROCS %d, %d workers: the analysis differs from the first run's", procs, workers)
					}
				}
			}
			golden := filepath.Join("testdata", fmt.Sprintf("tower-seed%d.golden.json", c.seed))
			if *update {
				if err := os.WriteFile(golden, first, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, want) {
				t.Errorf("the analysis differs from %s (go test ./risk -run Golden -update rewrites it)", golden)
			}
		})
	}
}

// With fixed distributions and certain events every iteration is one
// schedule: the one the scheduler gives the project with those durations
// written in. Random projects of every kind (calendars, elapsed time, all
// link types and lags, constraints, progress, summaries) check that the
// sampled durations go through the calendars as the project's own do.
func TestFixedSamplesMatchTheScheduler(t *testing.T) {
	for seed := range uint64(60) {
		p := randnet.Project(randnet.Config{Tasks: 5 + int(seed%40), Mixed: true, Seed: seed})
		base, err := schedule.Run(p)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(seed, 77))
		assigned := map[string]bool{}
		for _, a := range p.Assignments {
			assigned[a.Task] = true
		}
		changed := *p
		changed.Tasks = append([]schedule.Task(nil), p.Tasks...)
		m := &risk.Model{}
		for i := range changed.Tasks {
			task := &changed.Tasks[i]
			tr := base.Task(i)
			if tr.Summary || tr.Milestone || rng.IntN(3) > 0 {
				continue
			}
			if planned, _ := base.Network().Minutes(task.Duration); planned != base.Duration(i) && task.ActualStart.IsZero() || assigned[task.ID] || task.Duration.IsZero() {
				continue // its work may set its duration: the project's can't be written in to compare
			}
			days := float64(1 + rng.IntN(12))
			switch rng.IntN(3) {
			case 0:
				m.Durations = append(m.Durations, risk.Uncertainty{Task: task.ID, Dist: risk.Fixed(days)})
			case 1: // a certain event adds the days to the planned duration
				mins := base.Duration(i) // the remaining duration of a task in progress
				m.Risks = append(m.Risks, risk.Event{Probability: 1, Impact: risk.Fixed(days), Tasks: []string{task.ID}})
				add, _ := base.Network().Minutes(schedule.Duration{Amount: days, Unit: schedule.Day, Elapsed: task.Duration.Elapsed})
				days = float64(mins+add) / float64(perDay(base, task.Duration.Elapsed))
			default: // a certain event that never happens
				m.Durations = append(m.Durations, risk.Uncertainty{Task: task.ID, Dist: risk.Fixed(days)})
				m.Risks = append(m.Risks, risk.Event{Probability: 0, Impact: risk.Fixed(100), Tasks: []string{task.ID}})
			}
			d := schedule.Duration{Amount: days, Unit: schedule.Day, Elapsed: task.Duration.Elapsed}
			switch {
			case !task.ActualFinish.IsZero() || task.PercentComplete == 100 || task.Remaining != nil && task.Remaining.IsZero(): // done: samples change nothing
			case !task.ActualStart.IsZero() || task.PercentComplete > 0 || task.Remaining != nil:
				// A task in progress samples its remaining duration: the
				// work done stays, the total grows by the difference.
				total, _ := base.Network().Minutes(task.Duration)
				rem, _ := base.Network().Minutes(d)
				task.Duration = schedule.Duration{Amount: float64(max(0, total-base.Duration(i)) + rem), Elapsed: task.Duration.Elapsed}
				task.Remaining = &d
			default:
				task.Duration = d
			}
		}
		want, err := schedule.Run(&changed)
		if err != nil {
			t.Fatal(err)
		}
		a, err := risk.Simulate(context.Background(), p, m, risk.Options{Iterations: 3, Seed: seed, Tasks: true})
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		day := float64(want.Network().Settings().MinutesPerDay)
		if s := a.Project.Samples(); s[0] != s[2] || math.Abs(s[0]-float64(want.Length())/day) > 1e-9 {
			t.Fatalf("%s: finishes %v days, the scheduler's %v", p.Name, s, float64(want.Length())/day)
		}
		for _, f := range a.Milestones {
			i, _ := want.Network().Index(f.Task)
			if _, fin := want.Span(i); math.Abs(f.Mean-float64(fin)/day) > 1e-9 {
				t.Fatalf("%s: milestone %s at %v days, the scheduler's %v", p.Name, f.Task, f.Mean, float64(fin)/day)
			}
		}
		for _, tr := range a.Tasks {
			i, _ := want.Network().Index(tr.Task)
			if crit := want.Task(i).Critical; (tr.Criticality == 1) != crit || (tr.Criticality != 0 && tr.Criticality != 1) {
				t.Fatalf("%s: task %s criticality %v, the scheduler says critical %v", p.Name, tr.Task, tr.Criticality, crit)
			}
		}
	}
}

func perDay(r *schedule.Result, elapsed bool) int64 {
	m, _ := r.Network().Minutes(schedule.Duration{Amount: 1, Unit: schedule.Day, Elapsed: elapsed})
	return m
}

// A tolerance stops the run early, at the same iteration whatever the
// workers; progress is reported in order; cancelling stops it.
func TestStopsAndProgress(t *testing.T) {
	p, m := tower(t)
	var counts []int
	for _, workers := range []int{1, 4} {
		var last int
		a, err := risk.Simulate(context.Background(), p, m, risk.Options{Iterations: 200_000, Seed: 4, Workers: workers, Tolerance: 3,
			Progress: func(done, total int) {
				if done <= last || total != 200_000 {
					t.Errorf("progress %d of %d after %d", done, total, last)
				}
				last = done
			}})
		if err != nil {
			t.Fatal(err)
		}
		if last != a.Iterations {
			t.Errorf("progress ended at %d, the analysis holds %d", last, a.Iterations)
		}
		e := a.Project.Percentile(80)
		if a.Iterations >= 200_000 || e.High-e.Low >= 3 {
			t.Errorf("stopped after %d iterations with the P80 interval %.2f days wide", a.Iterations, e.High-e.Low)
		}
		t.Logf("%d workers: stopped after %d iterations", workers, a.Iterations)
		counts = append(counts, a.Iterations)
	}
	if counts[0] != counts[1] {
		t.Errorf("stopped after %v iterations with 1 and 4 workers", counts)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err := risk.Simulate(ctx, p, m, risk.Options{Iterations: 1_000_000, Progress: func(done, _ int) {
		if done >= 2000 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: error %v, want context.Canceled", err)
	}
	// The error says how far the run got: at least the 2,000 iterations
	// merged before the cancel, and less than all.
	if se, ok := errors.AsType[*risk.StoppedError](err); !ok || se.Done < 2000 || se.Done >= 1_000_000 || se.Iterations != 1_000_000 ||
		!strings.Contains(err.Error(), fmt.Sprintf("stopped after %d of 1000000 iterations", se.Done)) {
		t.Errorf("cancelled: error %v, want a StoppedError after 2,000 or more of 1,000,000 iterations", err)
	}
}

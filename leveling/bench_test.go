package leveling_test

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/leveling"
	"github.com/critpath/critpath/schedule"
)

// BenchmarkSolveJ120 levels one J120 instance (PSPLIB j1201_1) at the
// budget the literature compares heuristics at: 5,000 schedules.
func BenchmarkSolveJ120(b *testing.B) {
	p, _ := instance(b, filepath.Join("testdata", "j1201_1.sm"))
	b.ReportAllocs()
	var makespan int
	for b.Loop() {
		sol, err := leveling.Solve(b.Context(), p, leveling.SolveOptions{Schedules: 5000, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		makespan = sol.Makespan
	}
	b.ReportMetric(float64(makespan), "makespan")
}

// benchProject is a seeded random project for the leveling benchmarks:
// the generator's with every feature (calendars, every link type and lag,
// ALAP and manual tasks, progress, constraints, splits, summaries; a crew,
// a crane and two resources leveling leaves) or a plain resource-loaded
// network (four crews of 2–4 units, each task on one or two).
func benchProject(kind string, n int) *schedule.Project {
	if kind == "loaded" {
		return randnet.Loaded(n, 1)
	}
	return randnet.Project(randnet.Config{Tasks: n, Mixed: true, Seed: 11})
}

// BenchmarkLevel levels seeded random projects in one pass and reports
// the delays per task, the most delays of one task and the conflicts left.
func BenchmarkLevel(b *testing.B) {
	for _, kind := range []string{"mixed", "loaded"} {
		for _, n := range []int{300, 1000, 3000, 10000} {
			b.Run(fmt.Sprintf("%s/tasks=%d", kind, n), func(b *testing.B) {
				p := benchProject(kind, n)
				b.ReportAllocs()
				var l *leveling.Leveled
				for b.Loop() {
					var err error
					if l, err = leveling.Level(b.Context(), p, leveling.LevelOptions{}); err != nil {
						b.Fatal(err)
					}
				}
				per := map[string]int{}
				for _, d := range l.Delays {
					per[d.Task]++
				}
				b.ReportMetric(float64(len(l.Delays))/float64(n), "delays/task")
				b.ReportMetric(float64(slices.Max(append(slices.Collect(maps.Values(per)), 0))), "most-delays")
				b.ReportMetric(float64(len(l.Unresolved)), "left")
			})
		}
	}
}

// BenchmarkLevelVersusBefore levels the same project with Level and with
// Level as it was (LevelBefore), interleaved in every iteration so that
// both see the same machine, and reports the ratio of their times and of
// their leveled lengths (finish − start) and each one's delays per task.
func BenchmarkLevelVersusBefore(b *testing.B) {
	for _, c := range []struct {
		kind string
		n    int
	}{{"mixed", 300}, {"mixed", 1000}, {"loaded", 300}} {
		b.Run(fmt.Sprintf("%s/tasks=%d", c.kind, c.n), func(b *testing.B) {
			p := benchProject(c.kind, c.n)
			var now, before time.Duration
			var ln, lb *leveling.Leveled
			for b.Loop() {
				t0 := time.Now()
				var err error
				if ln, err = leveling.Level(b.Context(), p, leveling.LevelOptions{}); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if lb, err = leveling.LevelBefore(b.Context(), p, leveling.LevelOptions{}); err != nil {
					b.Fatal(err)
				}
				now, before = now+t1.Sub(t0), before+time.Since(t1)
			}
			length := func(l *leveling.Leveled) float64 { return float64(l.Result.Finish().Sub(l.Result.Start())) }
			b.ReportMetric(float64(before)/float64(now), "x-faster")
			b.ReportMetric(length(ln)/length(lb), "x-length")
			b.ReportMetric(float64(len(ln.Delays))/float64(c.n), "delays/task")
			b.ReportMetric(float64(len(lb.Delays))/float64(c.n), "before-delays/task")
		})
	}
}

// BenchmarkLevelPassVersusSearch levels plain loaded networks (seeds 1–3)
// with Level's own pass and with the search's fast default, each alone,
// and reports the leveled length of the pass against the search's.
func BenchmarkLevelPassVersusSearch(b *testing.B) {
	for _, n := range []int{300, 1000, 3000} {
		b.Run(fmt.Sprintf("loaded/tasks=%d", n), func(b *testing.B) {
			var pass, search float64
			for b.Loop() {
				pass, search = 0, 0
				for seed := range uint64(3) {
					p := randnet.Loaded(n, 1+seed)
					lp, err := leveling.LevelPass(b.Context(), p, leveling.LevelOptions{})
					if err != nil {
						b.Fatal(err)
					}
					ls, err := leveling.LevelSearch(b.Context(), p, leveling.LevelOptions{})
					if err != nil {
						b.Fatal(err)
					}
					pass += float64(lp.Result.Finish().Sub(lp.Result.Start()))
					search += float64(ls.Result.Finish().Sub(ls.Result.Start()))
				}
			}
			b.ReportMetric(pass/search, "x-pass-length")
		})
	}
}

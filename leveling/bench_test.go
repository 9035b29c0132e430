package leveling_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/leveling"
)

// BenchmarkSolveJ120 levels one J120 instance (PSPLIB j1201_1) at the
// budget the literature compares heuristics at: 5,000 schedules.
func BenchmarkSolveJ120(b *testing.B) {
	p, _ := instance(b, filepath.Join("testdata", "j1201_1.sm"))
	b.ReportAllocs()
	var makespan int
	for b.Loop() {
		sol, err := leveling.Solve(b.Context(), p, leveling.Options{Schedules: 5000, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		makespan = sol.Makespan
	}
	b.ReportMetric(float64(makespan), "makespan")
}

// BenchmarkLevel levels random projects (calendars, every link type,
// ALAP tasks, progress, constraints, splits, four resources) in one pass.
func BenchmarkLevel(b *testing.B) {
	for _, n := range []int{300, 1000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			p := randnet.Project(randnet.Config{Tasks: n, Mixed: true, Seed: 11})
			var delays int
			for b.Loop() {
				l, err := leveling.Level(b.Context(), p, leveling.LevelOptions{})
				if err != nil {
					b.Fatal(err)
				}
				delays = len(l.Delays)
			}
			b.ReportMetric(float64(delays), "delays")
		})
	}
}

package leveling_test

import (
	"path/filepath"
	"testing"

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

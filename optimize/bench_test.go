package optimize_test

import (
	"math"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/optimize"
	"github.com/critpath/critpath/schedule"
)

// BenchmarkVersusSimplex crashes 50-task random instances to 80 % of their
// normal length, and solves the same LP with gonum's simplex; it reports
// how many times faster Compress is (a whole Compress: model, exact
// solve, the plan scheduled), checking the two costs agree.
func BenchmarkVersusSimplex(b *testing.B) {
	const instances = 20
	var ps []*schedule.Project
	var targets []float64
	for seed := range uint64(instances) {
		p := randomInstance(1000+seed, 50)
		r, err := schedule.Run(p)
		if err != nil {
			b.Fatal(err)
		}
		ps = append(ps, p)
		targets = append(targets, math.Round(r.Finish().Sub(start).Hours()/24*0.8))
	}
	var ours, theirs time.Duration
	for b.Loop() {
		for k, p := range ps {
			t0 := time.Now()
			pl, err := optimize.Compress(b.Context(), p, days(int(targets[k])), optimize.Options{})
			t1 := time.Now()
			want, lperr := lpOptimum(p, targets[k], true, false)
			t2 := time.Now()
			if (err == nil) != (lperr == nil) || err == nil && math.Abs(pl.Cost-want) > 1e-9*max(1, want) {
				b.Fatalf("instance %d: %v %v; simplex %v %v", k, pl, err, want, lperr)
			}
			ours, theirs = ours+t1.Sub(t0), theirs+t2.Sub(t1)
		}
	}
	b.ReportMetric(float64(theirs)/float64(ours), "x-faster-than-simplex")
	b.ReportMetric(float64(ours.Microseconds())/float64(b.N*instances), "µs/instance")
}

// BenchmarkCurve finds the whole time–cost curve of a 1,000-task random
// network (mixed link types and lags, about 80 % of the tasks crashable).
func BenchmarkCurve(b *testing.B) {
	p := randnet.Project(randnet.Config{Tasks: 1000, LinkTypes: true, Window: 30, Seed: 3})
	for i := range p.Tasks {
		t := &p.Tasks[i]
		if i%5 != 0 && t.Duration.Amount > 1 {
			t.Crash = &schedule.Crash{Duration: schedule.Days(math.Ceil(t.Duration.Amount / 2)), Cost: float64(100 * (1 + i%7))}
		}
	}
	var points int
	for b.Loop() {
		pts, err := optimize.Curve(b.Context(), p, optimize.Options{})
		if err != nil {
			b.Fatal(err)
		}
		points = len(pts)
	}
	b.ReportMetric(float64(points), "breakpoints")
}

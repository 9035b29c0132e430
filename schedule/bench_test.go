package schedule_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// benchNetworks caches compiled random networks across benchmarks: about
// two predecessors per task, a third of the links SS, FF or SF with lags.
var benchNetworks sync.Map

func benchNetwork(b *testing.B, tasks int, calendar string) *schedule.Network {
	key := fmt.Sprint(tasks, calendar)
	if n, ok := benchNetworks.Load(key); ok {
		return n.(*schedule.Network)
	}
	p := randnet.Project(randnet.Config{Tasks: tasks, LinkTypes: true, Calendar: calendar, Seed: 1})
	n, err := schedule.Compile(p)
	if err != nil {
		b.Fatal(err)
	}
	benchNetworks.Store(key, n)
	return n
}

var benchSizes = []int{1_000, 10_000, 100_000, 1_000_000}

func perLink(b *testing.B, n *schedule.Network) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n.Links()), "ns/link")
}

// BenchmarkRun re-schedules a compiled network: forward and backward
// passes, free float, every link type, calendar arithmetic.
func BenchmarkRun(b *testing.B) {
	for _, cal := range []string{schedule.Standard, schedule.TwentyFourHours} {
		for _, size := range benchSizes {
			b.Run(fmt.Sprintf("cal=%s/tasks=%d", cal, size), func(b *testing.B) {
				n := benchNetwork(b, size, cal)
				r := n.NewResult()
				b.ReportAllocs()
				for b.Loop() {
					r.Run()
				}
				perLink(b, n)
			})
		}
	}
}

// BenchmarkBare runs the baselines over the same arrays: a bare
// longest-path forward pass, and a bare forward and backward pass.
func BenchmarkBare(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("pass=forward/tasks=%d", size), func(b *testing.B) {
			n := benchNetwork(b, size, schedule.Standard)
			r := n.NewResult()
			b.ReportAllocs()
			for b.Loop() {
				r.BareForward()
			}
			perLink(b, n)
		})
		b.Run(fmt.Sprintf("pass=both/tasks=%d", size), func(b *testing.B) {
			n := benchNetwork(b, size, schedule.Standard)
			r := n.NewResult()
			b.ReportAllocs()
			for b.Loop() {
				r.BareForward()
				r.BareBackward()
			}
			perLink(b, n)
		})
	}
}

// BenchmarkForward compares the engine's forward pass alone with the bare
// forward pass over the same arrays.
func BenchmarkForward(b *testing.B) {
	for _, size := range benchSizes {
		n := benchNetwork(b, size, schedule.Standard)
		r := n.NewResult()
		r.Run()
		b.Run(fmt.Sprintf("pass=engine/tasks=%d", size), func(b *testing.B) {
			for b.Loop() {
				r.Forward()
			}
			perLink(b, n)
		})
		b.Run(fmt.Sprintf("pass=bare/tasks=%d", size), func(b *testing.B) {
			for b.Loop() {
				r.BareForward()
			}
			perLink(b, n)
		})
	}
}

// BenchmarkVersusBare interleaves the engine's Run with the bare passes in
// every iteration, so that both see the same machine, and reports the
// ratios: Run against a bare forward pass, and against a bare forward and
// backward pass.
func BenchmarkVersusBare(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("tasks=%d", size), func(b *testing.B) {
			n := benchNetwork(b, size, schedule.Standard)
			r := n.NewResult()
			var engine, forward, both time.Duration
			for b.Loop() {
				t0 := time.Now()
				r.Run()
				t1 := time.Now()
				r.BareForward()
				t2 := time.Now()
				r.BareForward()
				r.BareBackward()
				t3 := time.Now()
				engine, forward, both = engine+t1.Sub(t0), forward+t2.Sub(t1), both+t3.Sub(t2)
			}
			b.ReportMetric(float64(engine)/float64(forward), "x-bare-forward")
			b.ReportMetric(float64(engine)/float64(both), "x-bare-both")
			b.ReportMetric(float64(engine.Nanoseconds())/float64(b.N)/float64(n.Links()), "engine-ns/link")
		})
	}
}

// BenchmarkCompile measures compiling a project into a network.
func BenchmarkCompile(b *testing.B) {
	for _, size := range benchSizes[:3] {
		b.Run(fmt.Sprintf("tasks=%d", size), func(b *testing.B) {
			p := randnet.Project(randnet.Config{Tasks: size, LinkTypes: true, Seed: 1})
			b.ReportAllocs()
			for b.Loop() {
				if _, err := schedule.Compile(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestRunDoesNotAllocate(t *testing.T) {
	p := randnet.Project(randnet.Config{Tasks: 300, Mixed: true, Seed: 5})
	n, err := schedule.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	r := n.NewResult()
	if a := testing.AllocsPerRun(20, r.Run); a != 0 {
		t.Errorf("Run allocates %v times per call", a)
	}
	p.FromFinish, p.Finish = true, randnet.Start.AddDate(1, 0, 0)
	if n, err = schedule.Compile(p); err != nil {
		t.Fatal(err)
	}
	r = n.NewResult()
	if a := testing.AllocsPerRun(20, r.Run); a != 0 {
		t.Errorf("Run of a backward schedule allocates %v times per call", a)
	}
}

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

// BenchmarkEdit changes one task's duration in a 100,000-task network, by
// two days and back, three ways, interleaved in one loop so that each
// ratio compares timings from the same run:
//
//   - edit: Editor.Apply, which recomputes only the affected cone and
//     returns the delta;
//   - reschedule: what a caller without the editor does: set the duration
//     in the project, compile it, schedule it and read every task's
//     result;
//   - rerun: re-run an already compiled network with the new duration and
//     read every task's result (the cheapest full recomputation there is,
//     and only possible for edits that keep the network's shape).
//
// The task is the first, from the middle of the network on, whose change
// moves about 1,000 tasks without moving the project finish.
func BenchmarkEdit(b *testing.B) {
	p := randnet.Project(randnet.Config{Tasks: 100_000, LinkTypes: true, Calendar: schedule.Standard, Seed: 1})
	ed, err := schedule.NewEditor(p)
	if err != nil {
		b.Fatal(err)
	}
	pick, cone := -1, 0
	for i := 50_000; i < len(p.Tasks) && pick < 0; i += 31 {
		if ed.Result().Task(i).TotalFloat < 2*480 {
			continue
		}
		d, err := ed.Preview(schedule.SetDuration{Task: p.Tasks[i].ID, Duration: schedule.Days(p.Tasks[i].Duration.Amount + 2)})
		if err == nil && len(d.Changes) >= 900 && len(d.Changes) <= 1100 && d.Finish[0].Equal(d.Finish[1]) {
			pick, cone = i, len(d.Changes)
		}
	}
	if pick < 0 {
		b.Fatal("no task with a cone of about 1,000")
	}
	id := p.Tasks[pick].ID
	durs := [2]schedule.Duration{schedule.Days(p.Tasks[pick].Duration.Amount + 2), p.Tasks[pick].Duration}
	n, err := schedule.Compile(p)
	if err != nil {
		b.Fatal(err)
	}
	rerun := n.NewResult()
	mins := [2]int64{int64(durs[0].Amount * 480), int64(durs[1].Amount * 480)}
	var tEdit, tReschedule, tRerun time.Duration
	k := 0
	for b.Loop() {
		t0 := time.Now()
		if _, err := ed.Apply(schedule.SetDuration{Task: id, Duration: durs[k%2]}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		p.Tasks[pick].Duration = durs[k%2]
		full, err := schedule.Run(p)
		if err != nil {
			b.Fatal(err)
		}
		for range full.Tasks() {
		}
		t2 := time.Now()
		rerun.SetDuration(pick, mins[k%2])
		rerun.Run()
		for range rerun.Tasks() {
		}
		t3 := time.Now()
		tEdit, tReschedule, tRerun = tEdit+t1.Sub(t0), tReschedule+t2.Sub(t1), tRerun+t3.Sub(t2)
		k++
	}
	b.ReportMetric(float64(cone), "tasks-changed")
	b.ReportMetric(float64(tEdit.Nanoseconds())/float64(b.N), "edit-ns")
	b.ReportMetric(float64(tReschedule)/float64(tEdit), "x-faster-than-reschedule")
	b.ReportMetric(float64(tRerun)/float64(tEdit), "x-faster-than-rerun")
}

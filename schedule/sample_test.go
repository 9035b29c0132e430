package schedule_test

import (
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// The simulation reads agree with the full result on random projects of
// every kind: spans with the dates counted on the project calendar,
// Critical with TaskResult.Critical, Length with the project's dates.
func TestSimulationReads(t *testing.T) {
	for seed := range uint64(300) {
		p := randnet.Project(randnet.Config{Tasks: 2 + int(seed%60), Mixed: true, Seed: seed})
		v := newView(t, p)
		r, n := v.r, v.n
		if got, want := r.Length(), mustWork(t, n, r.Start(), r.Finish()); got != want {
			t.Fatalf("%s: Length %d, want %d", p.Name, got, want)
		}
		if w := mustWork(t, n, r.At(r.Length()), r.Finish()); w != 0 || r.At(r.Length()).After(r.Finish()) {
			t.Fatalf("%s: At(Length) %v, finish %v", p.Name, r.At(r.Length()), r.Finish())
		}
		for i := range n.Len() {
			tr := r.Task(i)
			s, f := r.Span(i)
			ws, wf := mustWork(t, n, r.Start(), tr.Start), mustWork(t, n, r.Start(), tr.Finish)
			if s != ws || f != wf {
				t.Fatalf("%s: task %s: Span (%d, %d), want (%d, %d) from %v–%v", p.Name, tr.ID, s, f, ws, wf, tr.Start, tr.Finish)
			}
			if r.Critical(i) != tr.Critical {
				t.Fatalf("%s: task %s: Critical %v, want %v", p.Name, tr.ID, r.Critical(i), tr.Critical)
			}
		}
	}
}

func mustWork(t *testing.T, n *schedule.Network, a, b time.Time) int64 {
	t.Helper()
	w, err := n.WorkBetween("", a, b)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

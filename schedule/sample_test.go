package schedule_test

import (
	"math/rand/v2"
	"slices"
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

// Re-running a Result with other durations gives the schedule of the
// project compiled with those durations: dates, floats and segments (a
// split task that grows reaches more of its splits, one that shrinks
// fewer).
func TestRerunMatchesCompile(t *testing.T) {
	for seed := range uint64(300) {
		p := randnet.Project(randnet.Config{Tasks: 3 + int(seed%50), Mixed: true, Seed: seed})
		r, err := schedule.Run(p)
		if err != nil {
			t.Fatal(err)
		}
		n := r.Network()
		rng := rand.New(rand.NewPCG(seed, 3))
		assigned := map[string]bool{}
		for _, a := range p.Assignments {
			assigned[a.Task] = true
		}
		changed := *p
		changed.Tasks = slices.Clone(p.Tasks)
		for i := range changed.Tasks {
			task := &changed.Tasks[i]
			planned, _ := n.Minutes(task.Duration)
			if r.Task(i).Summary || task.Duration.IsZero() || !task.ActualStart.IsZero() || assigned[task.ID] || planned != r.Duration(i) || rng.IntN(2) == 0 {
				continue
			}
			m := int64(1 + rng.IntN(int(3*planned)))
			if err := r.SetDuration(i, m); err != nil {
				t.Fatal(err)
			}
			task.Duration = schedule.Duration{Amount: float64(m), Elapsed: task.Duration.Elapsed}
		}
		r.Run()
		want, err := schedule.Run(&changed)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n.Len() {
			if got, w := r.Task(i), want.Task(i); got != w {
				t.Fatalf("%s: task %s re-run:\n%+v\ncompiled:\n%+v", p.Name, got.ID, got, w)
			}
			if got, w := r.Segments(i), want.Segments(i); !slices.Equal(got, w) {
				t.Fatalf("%s: task %s segments re-run %v, compiled %v", p.Name, n.ID(i), got, w)
			}
		}
	}
}

// Durations set on an editor's Result (a split task's among them) are the
// network's again after the next edit, which then schedules as a fresh
// compile does, whatever the edit (a reshape included).
func TestEditorTakesItsResultBack(t *testing.T) {
	p := &schedule.Project{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC), Tasks: []schedule.Task{
		{ID: "S", Duration: schedule.Days(3), Splits: []schedule.Split{{At: schedule.Days(4), Gap: schedule.Days(2)}}},
		{ID: "B", Duration: schedule.Days(1)},
	}, Links: []schedule.Link{{Pred: "S", Succ: "B"}}}
	for _, edit := range []schedule.Edit{
		schedule.SetDuration{Task: "S", Duration: schedule.Days(5)},
		schedule.AddTask{Task: schedule.Task{ID: "N", Duration: schedule.Days(1)}},
	} {
		e, err := schedule.NewEditor(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Result().SetDuration(0, 8*480); err != nil { // reaches the split
			t.Fatal(err)
		}
		e.Result().Run()
		if _, err := e.Apply(edit); err != nil {
			t.Fatal(err)
		}
		fresh, err := schedule.Run(e.Project())
		if err != nil {
			t.Fatal(err)
		}
		if got, want := e.Result().Finish(), fresh.Finish(); !got.Equal(want) {
			t.Errorf("%T: finish %v, a fresh schedule %v", edit, got, want)
		}
	}
}

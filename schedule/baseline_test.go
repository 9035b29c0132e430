package schedule_test

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// evProject is two 10-day tasks in a row under one summary, each with a
// crew at 125 an hour: a budget of 10,000 each.
func evProject() *schedule.Project {
	return &schedule.Project{
		Start: time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC), // a Monday
		Tasks: []schedule.Task{
			{ID: "frame", Name: "Frame"},
			{ID: "cols", Parent: "frame", Duration: schedule.Days(10)},
			{ID: "slab", Parent: "frame", Duration: schedule.Days(10)},
		},
		Links:       []schedule.Link{{Pred: "cols", Succ: "slab"}},
		Resources:   []schedule.Resource{{ID: "crew", StandardRate: 125}},
		Assignments: []schedule.Assignment{{Task: "cols", Resource: "crew", Units: 1}, {Task: "slab", Resource: "crew", Units: 1}},
	}
}

func TestBaselineVariance(t *testing.T) {
	p := evProject()
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	p.SetBaseline(r.SaveBaseline("Baseline"))
	// The baseline survives JSON.
	var buf bytes.Buffer
	if err := schedule.WriteJSON(&buf, p); err != nil {
		t.Fatal(err)
	}
	q, err := schedule.ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	b, ok := q.Baseline("Baseline")
	if !ok {
		t.Fatal("baseline lost in JSON")
	}
	vs, err := r.Compare(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v != (schedule.Variance{ID: v.ID, BaselineStart: v.BaselineStart, BaselineFinish: v.BaselineFinish, BaselineDuration: v.BaselineDuration, BaselineWork: v.BaselineWork}) {
			t.Errorf("against itself: %+v", v)
		}
	}
	// Columns take two days longer: the slab starts two days late.
	ed, err := schedule.NewEditor(q)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Apply(schedule.SetDuration{Task: "cols", Duration: schedule.Days(12)}); err != nil {
		t.Fatal(err)
	}
	ed.Apply(schedule.AddTask{Task: schedule.Task{ID: "snag", Duration: schedule.Days(1)}})
	vs, err = ed.Result().Compare(b)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]schedule.Variance{
		"frame": {Start: 0, Finish: 960, Duration: 960, Work: 960, Cost: 2000},
		"cols":  {Start: 0, Finish: 960, Duration: 960, Work: 960, Cost: 2000},
		"slab":  {Start: 960, Finish: 960},
		"snag":  {Added: true},
	}
	for _, v := range vs {
		w := want[v.ID]
		if v.Added != w.Added || v.Start != w.Start || v.Finish != w.Finish || v.Duration != w.Duration || v.Work != w.Work || v.Cost != w.Cost {
			t.Errorf("%s: %+v; want %+v", v.ID, v, w)
		}
	}
}

// TestEarnedValue works the indices out by hand: at the status date the
// baseline planned 4 of the columns' 10 days (4,000 of 10,000); the
// columns are 30 % done (3,000 earned) for 3,500 spent.
func TestEarnedValue(t *testing.T) {
	p := evProject()
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	b := r.SaveBaseline("Baseline")
	status := time.Date(2027, 3, 5, 8, 0, 0, 0, time.UTC) // Friday morning: Mon–Thu worked
	p.StatusDate = status
	p.Tasks[1].ActualStart, p.Tasks[1].PercentComplete = p.Start, 30
	p.Tasks[1].ActualCost = new(3500.0)
	r, err = schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	tasks, project, err := r.EarnedValue(&b, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	cpi := 3000.0 / 3500
	eac := 20000 / cpi
	want := map[string]schedule.EarnedValue{
		"cols":  {BCWS: 4000, BCWP: 3000, ACWP: 3500, BAC: 10000, SV: -1000, CV: -500, SPI: 0.75, CPI: cpi, EAC: 10000 / cpi, VAC: 10000 - 10000/cpi},
		"slab":  {BAC: 10000, EAC: 10000},
		"frame": {BCWS: 4000, BCWP: 3000, ACWP: 3500, BAC: 20000, SV: -1000, CV: -500, SPI: 0.75, CPI: cpi, EAC: eac, VAC: 20000 - eac},
	}
	check := func(got schedule.EarnedValue, w schedule.EarnedValue) {
		t.Helper()
		g := []float64{got.BCWS, got.BCWP, got.ACWP, got.BAC, got.SV, got.CV, got.SPI, got.CPI, got.EAC, got.VAC}
		e := []float64{w.BCWS, w.BCWP, w.ACWP, w.BAC, w.SV, w.CV, w.SPI, w.CPI, w.EAC, w.VAC}
		for k := range g {
			if math.Abs(g[k]-e[k]) > 1e-9*max(1, math.Abs(e[k])) {
				t.Errorf("%s: got %+v\nwant %+v", got.ID, got, w)
				return
			}
		}
	}
	for _, ev := range tasks {
		check(ev, want[ev.ID])
	}
	project.ID = "frame"
	check(project, want["frame"])

	// Without an actual cost the spending is the current cost × 30 %.
	p.Tasks[1].ActualCost = nil
	r, _ = schedule.Run(p)
	tasks, _, _ = r.EarnedValue(&b, time.Time{})
	if tasks[1].ACWP != 3000 {
		t.Errorf("ACWP %v, want 3000", tasks[1].ACWP)
	}
}

func TestEarnedValueErrors(t *testing.T) {
	p := evProject()
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	b := r.SaveBaseline("B")
	var ie *schedule.InputError
	if _, _, err := r.EarnedValue(&b, time.Time{}); !errors.As(err, &ie) || ie.Field != "status_date" {
		t.Errorf("no status date: %v", err)
	}
	b.Tasks = append(b.Tasks, b.Tasks[1])
	if _, err := r.Compare(&b); !errors.As(err, &ie) || ie.Task != "cols" || !errors.Is(err, schedule.ErrDuplicateTask) {
		t.Errorf("a duplicate baseline task: %v", err)
	}
	b.Tasks = b.Tasks[:3]
	b.Tasks[2].Finish = b.Tasks[2].Start.Add(-time.Hour)
	if _, _, err := r.EarnedValue(&b, p.Start); !errors.As(err, &ie) || ie.Task != "slab" {
		t.Errorf("a baseline finishing before it starts: %v", err)
	}
}

// TestEarnedValueProperties checks on random projects, against a baseline
// of their own schedule: planned value is nothing before the start, the
// budget after the finish, and never falls as the status date moves on;
// the project's sums are its tasks'.
func TestEarnedValueProperties(t *testing.T) {
	for seed := range uint64(200) {
		p := randnet.Project(randnet.Config{Tasks: 2 + int(seed%40), Mixed: true, Seed: seed})
		r, err := schedule.Run(p)
		if err != nil {
			t.Fatal(err)
		}
		b := r.SaveBaseline("B")
		var bac float64
		for _, tr := range r.Tasks() {
			if !tr.Summary {
				bac += tr.Cost
			}
		}
		first, last := r.Task(0).Start, r.Finish()
		for _, tr := range r.Tasks() {
			if tr.Start.Before(first) {
				first = tr.Start
			}
		}
		prev := -1.0
		for k := -1; k <= 41; k++ {
			at := first.Add(time.Duration(k) * last.Sub(first) / 40)
			_, project, err := r.EarnedValue(&b, at)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			switch {
			case math.Abs(project.BAC-bac) > 1e-6*max(1, bac):
				t.Fatalf("seed %d: BAC %v, tasks' costs %v", seed, project.BAC, bac)
			case k < 0 && project.BCWS != 0:
				t.Fatalf("seed %d: BCWS %v before the start", seed, project.BCWS)
			case k > 40 && math.Abs(project.BCWS-bac) > 1e-6*max(1, bac):
				t.Fatalf("seed %d: BCWS %v after the finish, want %v", seed, project.BCWS, bac)
			case project.BCWS < prev-1e-6:
				t.Fatalf("seed %d: BCWS fell from %v to %v at %v", seed, prev, project.BCWS, at)
			}
			prev = project.BCWS
		}
	}
}

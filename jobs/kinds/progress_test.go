package kinds

import (
	"math"
	"testing"
	"time"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// dhakaWithBaseline is the Dhaka Tower project with its schedule saved as
// "Baseline".
func dhakaWithBaseline(t *testing.T) *schedule.Project {
	p := dhaka(t)
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	p.SetBaseline(r.SaveBaseline("Baseline"))
	return p
}

func TestProgressDhaka(t *testing.T) {
	f := newFixture(t, nil, "tower", dhakaWithBaseline(t))
	dhakaZone := time.FixedZone("+06", 6*3600)
	// Three weeks in: the survey done, the soil investigation and the
	// architectural design under way.
	rev := f.apply(t, "tower", 1,
		store.Set("D2", "actual_start", time.Date(2027, 1, 3, 8, 0, 0, 0, dhakaZone)),
		store.Set("D2", "actual_finish", time.Date(2027, 1, 7, 17, 0, 0, 0, dhakaZone)),
		store.Set("D2", "percent_complete", 100.0),
		store.Set("D1", "actual_start", time.Date(2027, 1, 3, 8, 0, 0, 0, dhakaZone)),
		store.Set("D1", "percent_complete", 80.0),
		store.Set("D3", "actual_start", time.Date(2027, 1, 10, 8, 0, 0, 0, dhakaZone)),
		store.Set("D3", "percent_complete", 25.0),
	)
	status := time.Date(2027, 1, 21, 17, 0, 0, 0, dhakaZone)
	if err := f.run(t, ProgressArgs{Project: "tower", StatusDate: status}, nil); err != nil {
		t.Fatal(err)
	}
	var rep ProgressReport
	if kind := f.ann.last(t, &rep); kind != KindProgress {
		t.Fatalf("announced a %q", kind)
	}

	// The same figures straight from the engine.
	p, _, err := f.store.Project(t.Context(), "tower")
	if err != nil {
		t.Fatal(err)
	}
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := p.Baseline("Baseline")
	_, whole, err := r.EarnedValue(b, status)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Project != "tower" || rep.Revision != rev || !rep.StatusDate.Equal(status) || rep.Baseline != "Baseline" {
		t.Errorf("report of %q at revision %d, status %v, baseline %q; want tower, %d, %v, Baseline", rep.Project, rep.Revision, rep.StatusDate, rep.Baseline, rev, status)
	}
	if want := Rollup(r.ProjectProgress()); rep.Progress != want || want.ByDuration <= 0 {
		t.Errorf("progress %+v, want %+v (above zero)", rep.Progress, want)
	}
	if rep.EarnedValue == nil || *rep.EarnedValue != *earnedValue(whole) || rep.EarnedValue.BCWP <= 0 {
		t.Fatalf("earned value %+v, want %+v with something earned", rep.EarnedValue, whole)
	}
	// Ahead of the baseline on the design, behind on nothing yet: the
	// indices must be numbers.
	if math.IsNaN(rep.EarnedValue.SPI) || rep.EarnedValue.SPI <= 0 {
		t.Errorf("SPI %v", rep.EarnedValue.SPI)
	}
	var sums int
	for _, s := range rep.Summaries {
		if s.ID == "PRE-D" {
			i, _ := r.Network().Index("PRE-D")
			if s.Progress != Rollup(r.Progress(i)) || s.Progress.ByDuration <= 0 || s.EarnedValue == nil {
				t.Errorf("PRE-D: %+v, want the engine's %+v with earned value", s, r.Progress(i))
			}
		}
		sums++
	}
	if sums < 10 {
		t.Errorf("%d summaries reported; the tower has more", sums)
	}

	// Run again at the same revision: read from the cache, announced again.
	sets := f.cache.sets
	if err := f.run(t, ProgressArgs{Project: "tower", StatusDate: status}, nil); err != nil {
		t.Fatal(err)
	}
	if got := f.ann.all(); len(got) != 2 || string(got[0].payload) != string(got[1].payload) || f.cache.sets != sets {
		t.Errorf("%d announcements, %d cache writes after the second run; want the cached report announced again", len(got), f.cache.sets-sets)
	}
}

func TestProgressWithoutBaseline(t *testing.T) {
	f := newFixture(t, nil, "tower", dhaka(t))
	if err := f.run(t, ProgressArgs{Project: "tower"}, nil); err != nil {
		t.Fatal(err)
	}
	var rep ProgressReport
	f.ann.last(t, &rep)
	if rep.EarnedValue != nil || rep.Baseline != "" {
		t.Errorf("earned value %+v against %q, want none", rep.EarnedValue, rep.Baseline)
	}
	// The project has no status date: the clock's now is used.
	if !rep.StatusDate.Equal(f.deps.Now()) {
		t.Errorf("status date %v, want now, %v", rep.StatusDate, f.deps.Now())
	}
}

func TestProgressBadStatusDate(t *testing.T) {
	f := newFixture(t, nil, "tower", dhakaWithBaseline(t))
	err := f.run(t, ProgressArgs{Project: "tower", StatusDate: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}, nil)
	if !jobs.IsPermanent(err) {
		t.Errorf("got %v, want a permanent failure", err)
	}
}

// TestCacheDown runs with a cache that fails every call: the job does its
// work and announces it all the same.
func TestCacheDown(t *testing.T) {
	f := newFixture(t, nil, "tower", dhaka(t))
	f.cache.failing = true
	if err := f.run(t, ProgressArgs{Project: "tower"}, nil); err != nil {
		t.Fatal(err)
	}
	if len(f.ann.all()) != 1 || f.cache.gets != 1 || f.cache.sets != 1 {
		t.Errorf("%d announcements, %d gets, %d sets; want 1, 1, 1", len(f.ann.all()), f.cache.gets, f.cache.sets)
	}
}

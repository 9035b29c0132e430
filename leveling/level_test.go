package leveling_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/leveling"
	"github.com/critpath/critpath/schedule"
)

// twoOnOneCrew is A (3 days) and B (2 days), unlinked, each needing the
// one crew: they cannot overlap.
func twoOnOneCrew() *schedule.Project {
	return &schedule.Project{
		Start:       monday,
		Tasks:       []schedule.Task{{ID: "A", Duration: schedule.Days(3), Priority: 500}, {ID: "B", Duration: schedule.Days(2), Priority: 500}},
		Resources:   []schedule.Resource{{ID: "crew", MaxUnits: 1}},
		Assignments: []schedule.Assignment{{Task: "A", Resource: "crew", Units: 1}, {Task: "B", Resource: "crew", Units: 1}},
	}
}

func level(t *testing.T, p *schedule.Project, opts leveling.LevelOptions) *leveling.Leveled {
	t.Helper()
	l, err := leveling.Level(t.Context(), p, opts)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func start(t *testing.T, l *leveling.Leveled, id string) time.Time {
	t.Helper()
	tr, ok := l.Result.Lookup(id)
	if !ok {
		t.Fatalf("no task %s", id)
	}
	return tr.Start
}

func TestLevelStandard(t *testing.T) {
	l := level(t, twoOnOneCrew(), leveling.LevelOptions{})
	// B has a day of float, A none: B waits for A (Mon–Wed), Thu–Fri.
	if len(l.Delays) != 1 || len(l.Unresolved) != 0 {
		t.Fatalf("delays %+v, unresolved %+v", l.Delays, l.Unresolved)
	}
	d := l.Delays[0]
	if d.Task != "B" || d.Winner != "A" || d.Resource != "crew" || !d.From.Equal(at(1, 8)) || !d.To.Equal(at(3, 17)) || d.Rule == "" {
		t.Errorf("delay %+v", d)
	}
	if s := start(t, l, "B"); !s.Equal(at(4, 8)) {
		t.Errorf("B starts %v, want Thu 4 08:00", s)
	}
	if s := start(t, l, "A"); !s.Equal(at(1, 8)) {
		t.Errorf("A moved to %v", s)
	}
}

func TestLevelOptions(t *testing.T) {
	// Priority 1000 never moves: A waits for B this time.
	p := twoOnOneCrew()
	p.Tasks[1].Priority = 1000
	if l := level(t, p, leveling.LevelOptions{}); len(l.Delays) != 1 || l.Delays[0].Task != "A" || l.Delays[0].Rule != "may not move" {
		t.Errorf("priority 1000: %+v", l.Delays)
	}
	// A manually scheduled task is pinned.
	p = twoOnOneCrew()
	p.Tasks[1].Manual, p.Tasks[1].Start = true, monday
	if l := level(t, p, leveling.LevelOptions{}); len(l.Delays) != 1 || l.Delays[0].Task != "A" {
		t.Errorf("pinned: %+v", l.Delays)
	}
	// By ID, the first task listed keeps its place even with more float.
	p = twoOnOneCrew()
	p.Tasks[0], p.Tasks[1] = p.Tasks[1], p.Tasks[0] // B listed first
	if l := level(t, p, leveling.LevelOptions{Order: leveling.ByID}); len(l.Delays) != 1 || l.Delays[0].Task != "A" || l.Delays[0].Winner != "B" {
		t.Errorf("by ID: %+v", l.Delays)
	}
	// Within float: B has one day of float but must wait three: nothing
	// moves and the conflict stays.
	if l := level(t, twoOnOneCrew(), leveling.LevelOptions{WithinFloat: true}); len(l.Delays) != 0 || len(l.Unresolved) != 1 {
		t.Errorf("within float: delays %+v, unresolved %+v", l.Delays, l.Unresolved)
	}
	// A date range that ends before the conflict starts leaves it.
	if l := level(t, twoOnOneCrew(), leveling.LevelOptions{To: at(1, 0)}); len(l.Delays) != 0 || len(l.Unresolved) != 1 {
		t.Errorf("date range: delays %+v, unresolved %+v", l.Delays, l.Unresolved)
	}
}

// TestLevelPSPLIB levels PSPLIB's j301_1 as a project (days on a
// round-the-clock calendar) and checks the leveled starts with the
// independent checker: precedence and capacity in every period.
func TestLevelPSPLIB(t *testing.T) {
	_, in := instance(t, filepath.Join("testdata", "j301_1.sm"))
	l := level(t, in.Project, leveling.LevelOptions{})
	if len(l.Unresolved) != 0 {
		t.Fatalf("%d conflicts left: %+v", len(l.Unresolved), l.Unresolved[0])
	}
	makespan := checkLeveled(t, "j301_1", in, l)
	if makespan < 43 {
		t.Errorf("makespan %d below the optimum 43", makespan)
	}
	t.Logf("j301_1 leveled to %d periods with %d delays (optimum 43)", makespan, len(l.Delays))
	// The same project levels the same way.
	again := level(t, in.Project, leveling.LevelOptions{})
	if len(again.Delays) != len(l.Delays) {
		t.Fatalf("%d delays, then %d", len(l.Delays), len(again.Delays))
	}
	for k := range l.Delays {
		if l.Delays[k] != again.Delays[k] {
			t.Fatalf("delay %d: %+v, then %+v", k, l.Delays[k], again.Delays[k])
		}
	}
}

// TestCriticalPath: C follows A by a link; B waited for A's crew. After
// leveling, B (finishing last) waits for A by the crew: the path is A, then
// B by the resource.
func TestCriticalPath(t *testing.T) {
	p := twoOnOneCrew()
	p.Tasks = append(p.Tasks, schedule.Task{ID: "C", Duration: schedule.Days(1), Priority: 500})
	p.Links = []schedule.Link{{Pred: "A", Succ: "C"}}
	l := level(t, p, leveling.LevelOptions{})
	path := l.CriticalPath()
	if len(path) != 2 || path[0].Task != "A" || path[1].Task != "B" || path[1].Resource != "crew" || path[1].Link != nil {
		t.Fatalf("%+v", path)
	}
	// Without the crew conflict, the path runs by the link.
	p.Assignments = p.Assignments[:1]
	l = level(t, p, leveling.LevelOptions{})
	if path := l.CriticalPath(); len(path) != 2 || path[0].Task != "A" || path[1].Task != "C" || path[1].Link == nil || path[1].Resource != "" {
		t.Fatalf("%+v", path)
	}
}

// TestPlan applies the plan's moves to the original project through an
// editor and gets the leveled schedule.
func TestPlan(t *testing.T) {
	_, in := instance(t, filepath.Join("testdata", "j301_1.sm"))
	l := level(t, in.Project, leveling.LevelOptions{})
	ed, err := schedule.NewEditor(in.Project)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range l.Plan() {
		if m.Why.Task == "" || m.Why.Winner == "" {
			t.Errorf("a move without its reason: %+v", m)
		}
		if _, err := ed.Apply(m.Edit); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range l.Result.Tasks() {
		if got := ed.Result().Task(i); !got.Start.Equal(want.Start) || !got.Finish.Equal(want.Finish) {
			t.Fatalf("%s: %v–%v after the plan, %v–%v leveled", want.ID, got.Start, got.Finish, want.Start, want.Finish)
		}
	}
}

// alternatives returns the alternatives for p's one conflict.
func alternatives(t *testing.T, p *schedule.Project) []leveling.Alternative {
	t.Helper()
	r, cs := conflicts(t, p)
	if len(cs) != 1 {
		t.Fatalf("%d conflicts: %+v", len(cs), cs)
	}
	alts, err := leveling.Alternatives(p, r, cs[0])
	if err != nil {
		t.Fatal(err)
	}
	return alts
}

// TestAlternatives ranks the ways out of the crew conflict (Mon–Tue): a
// free mason of the same group takes A or B, nothing moves; added
// capacity, nothing moves, at 16 working hours of the crew's rate; A
// waits two days for B or B three for A, either way the finish moves from
// Wednesday to Friday, the shorter delay first.
func TestAlternatives(t *testing.T) {
	p := twoOnOneCrew()
	p.Resources[0].Group, p.Resources[0].StandardRate = "masons", 100
	p.Resources = append(p.Resources, schedule.Resource{ID: "crew2", MaxUnits: 1, Group: "masons"})
	alts := alternatives(t, p)
	day := 24 * time.Hour
	want := []struct {
		kind  leveling.AlternativeKind
		task  string
		moves time.Duration
	}{
		{leveling.Substitute, "A", 0}, {leveling.Substitute, "B", 0}, {leveling.AddCapacity, "", 0},
		{leveling.DelayTask, "A", 2 * day}, {leveling.DelayTask, "B", 2 * day},
	}
	if len(alts) != len(want) {
		t.Fatalf("%d alternatives: %+v", len(alts), alts)
	}
	for k, w := range want {
		a := alts[k]
		if a.Kind != w.kind || a.Task != w.task || a.FinishMoves != w.moves {
			t.Errorf("alternative %d: %v %s moves the finish %v; want %v %s, %v", k, a.Kind, a.Task, a.FinishMoves, w.kind, w.task, w.moves)
		}
	}
	if c := alts[2]; c.Units != 1 || c.Cost != 100*16 {
		t.Errorf("added capacity: %+v", c)
	}
}

// TestSmooth: A (Mon–Wed) and B (2 days, three days of free float) share
// the crew; C (5 days, no resource) sets the finish. Smoothing moves B to
// Thu–Fri: 8 crew-hours every day instead of 16, 16, 8, and the finish
// stays.
func TestSmooth(t *testing.T) {
	p := &schedule.Project{
		Start:       monday,
		Tasks:       []schedule.Task{{ID: "A", Duration: schedule.Days(3)}, {ID: "B", Duration: schedule.Days(2)}, {ID: "C", Duration: schedule.Days(5)}},
		Resources:   []schedule.Resource{{ID: "crew", MaxUnits: 2}},
		Assignments: []schedule.Assignment{{Task: "A", Resource: "crew", Units: 1}, {Task: "B", Resource: "crew", Units: 1}},
	}
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	s, err := leveling.Smooth(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if s.Before != 2*256+64 || s.After != 5*64 {
		t.Errorf("squared usage %v → %v, want 576 → 320", s.Before, s.After)
	}
	if tr, _ := s.Result.Lookup("B"); !tr.Start.Equal(at(4, 8)) {
		t.Errorf("B starts %v, want Thu 4 08:00", tr.Start)
	}
	if !s.Result.Finish().Equal(r.Finish()) {
		t.Errorf("finish moved from %v to %v", r.Finish(), s.Result.Finish())
	}
	if len(s.Moves) != 1 || s.Moves[0].Why.Task != "B" {
		t.Errorf("moves %+v", s.Moves)
	}
}

// TestSmoothRandom: on random projects smoothing never moves the finish
// or a task it did not slide, and never raises the squared usage.
func TestSmoothRandom(t *testing.T) {
	moved := 0
	for seed := range uint64(15) {
		p := randnet.Project(randnet.Config{Tasks: 25, Mixed: true, Seed: seed})
		p.FinishBy = time.Time{}
		r, err := schedule.Run(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := leveling.Smooth(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Result.Finish().Equal(r.Finish()) || s.After > s.Before+1e-6 {
			t.Fatalf("seed %d: finish %v → %v, squared usage %v → %v", seed, r.Finish(), s.Result.Finish(), s.Before, s.After)
		}
		movedIDs := map[string]bool{}
		for _, m := range s.Moves {
			movedIDs[m.Why.Task] = true
		}
		for i, tr := range r.Tasks() {
			if after := s.Result.Task(i); !tr.Summary && !movedIDs[tr.ID] && !after.Start.Equal(tr.Start) {
				t.Fatalf("seed %d: %s moved from %v to %v, not by smoothing", seed, tr.ID, tr.Start, after.Start)
			}
		}
		moved += len(s.Moves)
	}
	if moved == 0 {
		t.Errorf("smoothing moved nothing in 15 random projects")
	}
}

// TestLevelPasses: more passes never finish later than one, stay
// feasible, and the same seed gives the same leveling.
func TestLevelPasses(t *testing.T) {
	_, in := instance(t, filepath.Join("testdata", "j301_1.sm"))
	days := func(l *leveling.Leveled) int { return int(l.Result.Finish().Sub(l.Result.Start()) / (24 * time.Hour)) }
	one := level(t, in.Project, leveling.LevelOptions{})
	many := level(t, in.Project, leveling.LevelOptions{Passes: 30, Seed: 3})
	again := level(t, in.Project, leveling.LevelOptions{Passes: 30, Seed: 3})
	if days(many) > days(one) || len(many.Unresolved) != 0 {
		t.Fatalf("30 passes: %d days, %d conflicts left; one pass %d days", days(many), len(many.Unresolved), days(one))
	}
	if days(again) != days(many) || len(again.Delays) != len(many.Delays) {
		t.Fatalf("same seed: %d days and %d delays, then %d and %d", days(many), len(many.Delays), days(again), len(again.Delays))
	}
	checkLeveled(t, "j301_1", in, many)
	t.Logf("j301_1: one pass %d days, 30 passes %d (optimum 43)", days(one), days(many))
}

// TestLevelRandom levels random projects (calendars, every link type,
// progress, constraints, splits), every other one allowing splits: each
// pass ends with few delays, every delay moves its task later, leveling
// never adds conflicts, and the plan applied to the project gives the
// leveled schedule.
func TestLevelRandom(t *testing.T) {
	splits := 0
	for seed := range uint64(25) {
		p := randnet.Project(randnet.Config{Tasks: 30, Mixed: true, Seed: seed})
		_, before := conflicts(t, p)
		l, err := leveling.Level(t.Context(), p, leveling.LevelOptions{Passes: 3, Seed: seed, Split: seed%2 == 1})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		ed, err := schedule.NewEditor(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range l.Plan() {
			if _, err := ed.Apply(m.Edit); err != nil {
				t.Fatalf("seed %d: %+v: %v", seed, m, err)
			}
		}
		for i, want := range l.Result.Tasks() {
			if got := ed.Result().Task(i); !got.Start.Equal(want.Start) || !got.Finish.Equal(want.Finish) ||
				!slices.Equal(ed.Result().Segments(i), l.Result.Segments(i)) {
				t.Fatalf("seed %d: %s: %v–%v after the plan, %v–%v leveled", seed, want.ID, got.Start, got.Finish, want.Start, want.Finish)
			}
		}
		if len(l.Delays) > 5*len(p.Tasks) || len(l.Unresolved) > len(before) {
			t.Fatalf("seed %d: %d delays; conflicts %d before, %d after", seed, len(l.Delays), len(before), len(l.Unresolved))
		}
		for _, d := range l.Delays {
			if !d.To.After(d.From) || d.Winner == "" || d.Resource == "" {
				t.Fatalf("seed %d: delay %+v", seed, d)
			}
			if d.Split {
				splits++
			}
		}
	}
	if splits == 0 {
		t.Error("no task split in 12 random projects that allow it")
	}
	t.Logf("%d splits", splits)
}

// TestLevelSearch levels PSPLIB's j301_1 as a project with Solve's search
// (a budget of 5,000 schedules, then the fast default): the project fits
// the grid exactly, so Level finds what Solve finds, the optimum 43 at
// 5,000 schedules, each delay with the search's reason, the plan giving
// the leveled schedule. A random project with calendars does not fit: what
// was approximated is said, and what the approximation left is resolved.
func TestLevelSearch(t *testing.T) {
	p, in := instance(t, filepath.Join("testdata", "j301_1.sm"))
	for _, budget := range []int{5000, 0} {
		opts := leveling.LevelOptions{Schedules: budget, Seed: 1}
		l := level(t, in.Project, opts)
		sol, err := leveling.Solve(t.Context(), p, leveling.SolveOptions{Schedules: budget, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got := checkLeveled(t, "j301_1", in, l); got != sol.Makespan || len(l.Approximated) != 0 {
			t.Errorf("budget %d: makespan %d, Solve's %d; approximated %q", budget, got, sol.Makespan, l.Approximated)
		}
		if !slices.ContainsFunc(l.Delays, func(d leveling.Delay) bool { return strings.HasPrefix(d.Rule, "the search's") }) {
			t.Errorf("budget %d: no delay from the search: %+v", budget, l.Delays)
		}
		checkLevel(t, fmt.Sprintf("j301_1, budget %d", budget), in.Project, opts, l)
	}
	mixed := randnet.Project(randnet.Config{Tasks: 80, Mixed: true, Seed: 3})
	opts := leveling.LevelOptions{Schedules: 200, Seed: 2}
	l := level(t, mixed, opts)
	if len(l.Approximated) == 0 {
		t.Errorf("a random project with calendars fits the grid exactly?")
	}
	checkLevel(t, "random project, searched", mixed, opts, l)
}

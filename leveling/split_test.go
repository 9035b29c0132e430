package leveling_test

import (
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/leveling"
	"github.com/critpath/critpath/schedule"
)

// splitCrew is A (4 days from Monday 1 March) and B (2 days, not before
// Wednesday 3), both on the one crew, then C (10 days) after B: B is
// critical, A has float, and they clash on Wednesday and Thursday.
func splitCrew() *schedule.Project {
	return &schedule.Project{
		Start: monday,
		Tasks: []schedule.Task{
			{ID: "A", Duration: schedule.Days(4), Priority: 500},
			{ID: "B", Duration: schedule.Days(2), Priority: 500, Constraint: schedule.Constraint{Type: schedule.SNET, Date: at(3, 8)}},
			{ID: "C", Duration: schedule.Days(10), Priority: 500},
		},
		Links:       []schedule.Link{{Pred: "B", Succ: "C"}},
		Resources:   []schedule.Resource{{ID: "crew", MaxUnits: 1}},
		Assignments: []schedule.Assignment{{Task: "A", Resource: "crew", Units: 1}, {Task: "B", Resource: "crew", Units: 1}},
	}
}

func segments(t *testing.T, l *leveling.Leveled, id string) []schedule.Segment {
	t.Helper()
	i, ok := l.Result.Network().Index(id)
	if !ok {
		t.Fatalf("no task %s", id)
	}
	return l.Result.Segments(i)
}

func span(a, ah, b, bh int, done bool) schedule.Segment {
	return schedule.Segment{Start: at(a, ah), Finish: at(b, bh), Done: done}
}

// TestLevelSplit: without splitting, A gives way whole and starts on
// Friday; with it, A keeps Monday and Tuesday, pauses while B has the
// crew and finishes its last two days Friday and Monday — two days sooner.
// A task that may not be split moves whole.
func TestLevelSplit(t *testing.T) {
	l := level(t, splitCrew(), leveling.LevelOptions{})
	if len(l.Delays) != 1 || l.Delays[0].Split || !start(t, l, "A").Equal(at(5, 8)) {
		t.Fatalf("no splitting: %+v, A starts %v", l.Delays, start(t, l, "A"))
	}
	l = level(t, splitCrew(), leveling.LevelOptions{Split: true})
	if len(l.Delays) != 1 || len(l.Unresolved) != 0 {
		t.Fatalf("delays %+v, unresolved %+v", l.Delays, l.Unresolved)
	}
	want := leveling.Delay{Task: "A", From: at(3, 8), To: at(4, 17), Split: true, Resource: "crew",
		ConflictFrom: at(3, 8), ConflictTo: at(4, 17), Winner: "B", Rule: l.Delays[0].Rule}
	if l.Delays[0] != want || want.Rule == "" {
		t.Errorf("delay %+v, want %+v", l.Delays[0], want)
	}
	if got, want := segments(t, l, "A"), []schedule.Segment{span(1, 8, 2, 17, false), span(5, 8, 8, 17, false)}; !slices.Equal(got, want) {
		t.Errorf("A's segments %v, want %v", got, want)
	}
	if tr, _ := l.Result.Lookup("A"); tr.Work != 4*480 {
		t.Errorf("A's work %d minutes, want 1920: splitting never shortens", tr.Work)
	}
	// The plan makes the split through an editor.
	moves := l.Plan()
	if len(moves) != 1 {
		t.Fatalf("plan %+v", moves)
	}
	ed, err := schedule.NewEditor(splitCrew())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Apply(moves[0].Edit); err != nil {
		t.Fatal(err)
	}
	if got := ed.Result().Segments(0); !slices.Equal(got, segments(t, l, "A")) {
		t.Errorf("the plan gives %v", got)
	}
	// NoSplit: A moves whole.
	p := splitCrew()
	p.Tasks[0].NoSplit = true
	if l := level(t, p, leveling.LevelOptions{Split: true}); len(l.Delays) != 1 || l.Delays[0].Split || !start(t, l, "A").Equal(at(5, 8)) {
		t.Errorf("no split: %+v", l.Delays)
	}
	// Within float: the pause of two days fits A's float.
	if l := level(t, splitCrew(), leveling.LevelOptions{Split: true, WithinFloat: true}); len(l.Delays) != 1 || !l.Delays[0].Split {
		t.Errorf("within float: %+v", l.Delays)
	}
}

// TestLevelSplitStarted: A started on Monday and did a day's work by the
// status date. Without splitting it cannot move, so B waits for it;
// with splitting A's remaining work pauses, its work done stays.
func TestLevelSplitStarted(t *testing.T) {
	started := func() *schedule.Project {
		p := splitCrew()
		p.StatusDate = at(2, 8)
		p.Tasks[0].ActualStart, p.Tasks[0].PercentComplete = monday, 25
		return p
	}
	l := level(t, started(), leveling.LevelOptions{})
	if len(l.Delays) != 1 || l.Delays[0].Task != "B" || l.Delays[0].Rule != "may not move" || !start(t, l, "B").Equal(at(5, 8)) {
		t.Fatalf("no splitting: %+v", l.Delays)
	}
	l = level(t, started(), leveling.LevelOptions{Split: true})
	if len(l.Delays) != 1 || l.Delays[0].Task != "A" || !l.Delays[0].Split {
		t.Fatalf("splitting: %+v", l.Delays)
	}
	want := []schedule.Segment{span(1, 8, 1, 17, true), span(2, 8, 2, 17, false), span(5, 8, 8, 17, false)}
	if got := segments(t, l, "A"); !slices.Equal(got, want) {
		t.Errorf("A's segments %v, want %v", got, want)
	}
	if !start(t, l, "B").Equal(at(3, 8)) {
		t.Errorf("B moved to %v", start(t, l, "B"))
	}
}

// TestCriticalPathSplit: with C gone and B first by priority, A finishes
// last, and its finish waits on its pause for B: the path is B, then A
// by the crew.
func TestCriticalPathSplit(t *testing.T) {
	p := splitCrew()
	p.Tasks, p.Links = p.Tasks[:2], nil
	p.Tasks[1].Priority = 600
	l := level(t, p, leveling.LevelOptions{Split: true, Order: leveling.ByPriority})
	path := l.CriticalPath()
	if len(path) != 2 || path[0].Task != "B" || path[1].Task != "A" || path[1].Resource != "crew" {
		t.Fatalf("%+v", path)
	}
}

// TestAlternativesSplit ranks the ways out of A and B's clash: more crew
// moves nothing; A split (paused two days) or delayed whole (four days
// later) leaves the finish, the split first; B delayed moves it two days.
// B began with the clash, so it cannot be split.
func TestAlternativesSplit(t *testing.T) {
	alts := alternatives(t, splitCrew())
	want := []struct {
		kind  leveling.AlternativeKind
		task  string
		delay int64
		moves time.Duration
	}{
		{leveling.AddCapacity, "", 0, 0}, {leveling.SplitTask, "A", 960, 0}, {leveling.DelayTask, "A", 1920, 0},
		{leveling.DelayTask, "B", 960, 4 * 24 * time.Hour},
	}
	if len(alts) != len(want) {
		t.Fatalf("%d alternatives: %+v", len(alts), alts)
	}
	for k, w := range want {
		if a := alts[k]; a.Kind != w.kind || a.Task != w.task || a.Delay != w.delay || a.FinishMoves != w.moves {
			t.Errorf("alternative %d: %v %s by %d moves the finish %v; want %v %s by %d, %v", k, a.Kind, a.Task, a.Delay, a.FinishMoves, w.kind, w.task, w.delay, w.moves)
		}
	}
	if e, ok := alts[1].Edits[0].(schedule.SetSplits); !ok || len(e.Splits) != 1 || e.Splits[0].Gap != schedule.Minutes(960) {
		t.Errorf("split edit %+v", alts[1].Edits)
	}
}

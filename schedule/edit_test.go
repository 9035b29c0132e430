package schedule_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// randomEdit makes an edit, valid or not, for project p.
func randomEdit(rng *rand.Rand, p *schedule.Project, k int) schedule.Edit {
	if len(p.Tasks) == 0 {
		return schedule.AddTask{Task: schedule.Task{ID: fmt.Sprintf("new%d", k), Duration: schedule.Days(2)}}
	}
	t := p.Tasks[rng.IntN(len(p.Tasks))]
	other := p.Tasks[rng.IntN(len(p.Tasks))]
	day := randnet.Start.Add(time.Duration(rng.IntN(60*24)) * time.Hour)
	switch x := rng.IntN(100); {
	case x < 5:
		return schedule.SetSplits{Task: t.ID, Splits: randnet.Splits(rng, t.Duration, true)}
	case x < 45:
		d := schedule.Days(float64(rng.IntN(12)))
		if rng.IntN(10) == 0 {
			d = schedule.Hours(float64(rng.IntN(30) - 2))
		}
		return schedule.SetDuration{Task: t.ID, Duration: d}
	case x < 60:
		c := schedule.Constraint{Type: schedule.ConstraintType(rng.IntN(8)), Date: day}
		return schedule.SetConstraint{Task: t.ID, Constraint: c}
	case x < 70:
		sp := schedule.SetProgress{Task: t.ID}
		if !p.StatusDate.IsZero() && rng.IntN(3) > 0 {
			sp.ActualStart = p.StatusDate.Add(-time.Duration(rng.IntN(400)) * time.Hour)
			if rng.IntN(2) == 0 {
				sp.ActualFinish = sp.ActualStart.Add(time.Duration(rng.IntN(100)) * time.Hour)
			} else {
				sp.PercentComplete = float64(rng.IntN(100))
			}
		}
		return sp
	case x < 77:
		return schedule.AddLink{Link: schedule.Link{Pred: t.ID, Succ: other.ID, Type: schedule.LinkType(rng.IntN(4)), Lag: schedule.Days(float64(rng.IntN(5) - 2))}}
	case x < 82 && len(p.Links) > 0:
		l := p.Links[rng.IntN(len(p.Links))]
		if rng.IntN(2) == 0 { // by type: two links of different types may join the tasks
			return schedule.RemoveLink{Pred: l.Pred, Succ: l.Succ, Type: &l.Type}
		}
		return schedule.RemoveLink{Pred: l.Pred, Succ: l.Succ}
	case x < 88:
		return schedule.AddTask{Task: schedule.Task{ID: fmt.Sprintf("new%d", k), Duration: schedule.Days(float64(1 + rng.IntN(5))), Parent: []string{"", t.ID}[rng.IntN(2)]}}
	case x < 92:
		return schedule.RemoveTask{Task: t.ID}
	case x < 95 && len(p.Resources) > 0:
		r := p.Resources[rng.IntN(len(p.Resources))]
		return schedule.Assign{Assignment: schedule.Assignment{Task: t.ID, Resource: r.ID, Units: float64(1 + rng.IntN(3))}}
	case x < 98 && len(p.Assignments) > 0:
		a := p.Assignments[rng.IntN(len(p.Assignments))]
		return schedule.Unassign{Task: a.Task, Resource: a.Resource}
	case x == 98 || x == 5 || x == 45:
		name, pri, deadline := fmt.Sprintf("renamed %d", k), rng.IntN(1001), day
		cal := ""
		if len(p.Calendars) > 0 && rng.IntN(2) == 0 {
			cal = p.Calendars[rng.IntN(len(p.Calendars))].Name
		}
		which := rng.IntN(4)
		return schedule.UpdateTask{Task: t.ID, Set: func(t *schedule.Task) {
			switch which {
			case 0:
				t.Name, t.Notes = name, "notes "+name
				if t.Fields == nil {
					t.Fields = map[string]string{}
				}
				t.Fields["WBS"] = name
			case 1:
				t.Priority = pri
			case 2:
				t.Calendar = cal
			case 3:
				t.Deadline = deadline
			}
		}}
	default:
		return schedule.SetDuration{Task: "nobody", Duration: schedule.Days(1)}
	}
}

// TestEditsMatchFullReschedule applies random edits, valid and not, and
// checks after each that the editor's schedule is byte for byte a full
// reschedule of its project, that the delta names exactly the tasks that
// changed, and that a preview and a rejected edit change nothing.
func TestEditsMatchFullReschedule(t *testing.T) {
	runs := 200
	if testing.Short() {
		runs = 40
	}
	inPlace, tasksInPlace := 0, 0 // link and task edits made without compiling again
	for seed := range uint64(runs) {
		// EDIT_SEED=n replays one seed and logs its edits, for debugging.
		if os.Getenv("EDIT_SEED") != "" && fmt.Sprint(seed) != os.Getenv("EDIT_SEED") {
			continue
		}
		rng := rand.New(rand.NewPCG(seed, 5))
		p := randnet.Project(randnet.Config{Tasks: 5 + int(seed%40), Mixed: seed%3 != 0, LinkTypes: true, Window: 8, Seed: seed})
		e, err := schedule.NewEditor(p)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for k := range 25 {
			ed := randomEdit(rng, e.Project(), k)
			edits := []schedule.Edit{ed}
			for rng.IntN(5) == 0 { // now and then several at once
				edits = append(edits, randomEdit(rng, e.Project(), 100+len(edits)))
			}
			switch ed.(type) {
			case schedule.AddLink, schedule.RemoveLink:
				if schedule.InPlace(e, ed) {
					inPlace++
				}
			case schedule.AddTask, schedule.RemoveTask:
				if schedule.InPlace(e, ed) {
					tasksInPlace++
				}
			}
			before := canonical(t, e.Result())
			if os.Getenv("EDIT_SEED") != "" {
				t.Logf("edit %d: %#v (in place %v)", k, edits, schedule.InPlace(e, ed))
			}
			preview, perr := e.Preview(edits...)
			if after := canonical(t, e.Result()); !bytes.Equal(before, after) {
				t.Fatalf("seed %d edit %d %#v: preview changed the schedule", seed, k, edits)
			}
			delta, err := e.Apply(edits...)
			if (err == nil) != (perr == nil) {
				t.Fatalf("seed %d edit %d %#v: preview said %v, apply %v", seed, k, ed, perr, err)
			}
			if err != nil {
				checkTyped(t, err)
				if after := canonical(t, e.Result()); !bytes.Equal(before, after) {
					t.Fatalf("seed %d edit %d %#v rejected (%v) but changed the schedule", seed, k, ed, err)
				}
				continue
			}
			if d := schedule.CheckNetwork(e); d != "" {
				t.Fatalf("seed %d edit %d %#v: the editor's network differs from a fresh compile:\n%s", seed, k, edits, d)
			}
			if d := schedule.CheckValues(e); d != "" {
				t.Fatalf("seed %d edit %d %#v: the editor's node values differ from a fresh schedule: %s", seed, k, edits, d)
			}
			full, ferr := schedule.Run(e.Project())
			if ferr != nil {
				t.Fatalf("seed %d edit %d %#v: applied, but the project no longer compiles: %v", seed, k, ed, ferr)
			}
			if a, b := canonical(t, e.Result()), canonical(t, full); !bytes.Equal(a, b) {
				t.Fatalf("seed %d edit %d %#v: incremental schedule differs from a full reschedule\n%s\n%s", seed, k, ed, a, b)
			}
			if !sameChanges(delta, preview) {
				t.Fatalf("seed %d edit %d %#v: preview and apply differ:\n%v\n%v", seed, k, ed, preview.Changes, delta.Changes)
			}
			checkDelta(t, before, canonical(t, e.Result()), delta, fmt.Sprintf("seed %d edit %d %#v", seed, k, edits))
		}
	}
	if inPlace < runs/2 || tasksInPlace < runs/2 {
		t.Errorf("only %d link edits and %d task edits made in place", inPlace, tasksInPlace)
	}
}

func sameChanges(a, b schedule.Delta) bool {
	return slices.EqualFunc(a.Changes, b.Changes, func(x, y schedule.Change) bool { return x.ID == y.ID })
}

// checkDelta checks that the delta lists exactly the tasks whose results
// differ between the two canonical schedules.
func checkDelta(t *testing.T, before, after []byte, d schedule.Delta, what string) {
	t.Helper()
	var b, a struct{ Tasks []schedule.TaskResult }
	mustJSON(t, before, &b)
	mustJSON(t, after, &a)
	old := map[string]schedule.TaskResult{}
	for _, tr := range b.Tasks {
		old[tr.ID] = tr
	}
	want := map[string]bool{}
	for _, tr := range a.Tasks {
		if o, ok := old[tr.ID]; !ok || !sameTask(o, tr) {
			want[tr.ID] = true
		}
		delete(old, tr.ID)
	}
	for id := range old {
		want[id] = true
	}
	got := map[string]bool{}
	for _, c := range d.Changes {
		got[c.ID] = true
	}
	for id := range want {
		if !got[id] {
			t.Fatalf("%s: %s changed but is not in the delta", what, id)
		}
	}
	for id := range got {
		if !want[id] {
			t.Fatalf("%s: %s is in the delta but did not change", what, id)
		}
	}
}

func sameTask(a, b schedule.TaskResult) bool {
	return a.Start.Equal(b.Start) && a.Finish.Equal(b.Finish) && a.EarlyStart.Equal(b.EarlyStart) && a.EarlyFinish.Equal(b.EarlyFinish) &&
		a.LateStart.Equal(b.LateStart) && a.LateFinish.Equal(b.LateFinish) && a.TotalFloat == b.TotalFloat && a.FreeFloat == b.FreeFloat &&
		a.Critical == b.Critical && a.Summary == b.Summary && a.Milestone == b.Milestone && a.PercentComplete == b.PercentComplete &&
		a.Work == b.Work && a.Cost == b.Cost
}

// TestUpdateResource changes a resource and checks the editor's schedule
// against a fresh one, and that a bad update changes nothing.
func TestUpdateResource(t *testing.T) {
	p := randnet.Loaded(60, 3)
	ed, err := schedule.NewEditor(p)
	if err != nil {
		t.Fatal(err)
	}
	id := ed.Project().Resources[0].ID
	if _, err := ed.Apply(schedule.UpdateResource{Resource: id, Set: func(r *schedule.Resource) { r.MaxUnits, r.Name = 7, "Crane crew" }}); err != nil {
		t.Fatal(err)
	}
	got := ed.Project().Resources[0]
	if got.MaxUnits != 7 || got.Name != "Crane crew" {
		t.Errorf("resource after the update = %+v", got)
	}
	fresh, err := schedule.Run(ed.Project())
	if err != nil {
		t.Fatal(err)
	}
	if a, b := canonical(t, ed.Result()), canonical(t, fresh); !bytes.Equal(a, b) {
		t.Error("the editor's schedule after UpdateResource differs from a fresh one")
	}
	for _, bad := range []schedule.UpdateResource{
		{Resource: "nobody", Set: func(*schedule.Resource) {}},
		{Resource: id},
		{Resource: id, Set: func(r *schedule.Resource) { r.ID = "other" }},
		{Resource: id, Set: func(r *schedule.Resource) { r.Calendar = "no such calendar" }},
	} {
		if _, err := ed.Apply(bad); err == nil {
			t.Errorf("UpdateResource %q accepted", bad.Resource)
		}
	}
	if ed.Project().Resources[0].Calendar != got.Calendar || ed.Project().Resources[0].ID != id {
		t.Error("a refused update changed the resource")
	}
}

// TestSetCalendar adds days off to the project's calendar and a new
// calendar: the editor's schedule is a fresh one's, and a calendar that
// does not compile is refused with nothing changed.
func TestSetCalendar(t *testing.T) {
	p := randnet.Loaded(40, 5)
	ed, err := schedule.NewEditor(p)
	if err != nil {
		t.Fatal(err)
	}
	finish := ed.Result().Finish()
	std := schedule.StandardCalendar()
	std.Name = "Monsoon"
	for d := range 10 {
		std.Exceptions = append(std.Exceptions, schedule.Exception{Name: "rain", From: schedule.DateOf(randnet.Start.AddDate(0, 0, 2+d))})
	}
	if _, err := ed.Apply(schedule.SetCalendar{Calendar: std}, schedule.UpdateTask{Task: ed.Project().Tasks[0].ID, Set: func(t *schedule.Task) { t.Calendar = "Monsoon" }}); err != nil {
		t.Fatal(err)
	}
	fresh, err := schedule.Run(ed.Project())
	if err != nil {
		t.Fatal(err)
	}
	if a, b := canonical(t, ed.Result()), canonical(t, fresh); !bytes.Equal(a, b) {
		t.Error("the editor's schedule after SetCalendar differs from a fresh one")
	}
	if ed.Result().Finish().Before(finish) {
		t.Errorf("ten days of rain moved the finish earlier: %v → %v", finish, ed.Result().Finish())
	}
	n := len(ed.Project().Calendars)
	for _, bad := range []schedule.Calendar{{}, {Name: "Loop", Base: "Loop"}, {Name: "Orphan", Base: "nowhere"}} {
		if _, err := ed.Apply(schedule.SetCalendar{Calendar: bad}); err == nil {
			t.Errorf("calendar %+v accepted", bad)
		}
	}
	if len(ed.Project().Calendars) != n {
		t.Error("a refused calendar changed the project's calendars")
	}
}

// TestCalendarJSONRoundTrip: a calendar encoded with encoding/json (as the
// store keeps the ops that set one) decodes to itself, a single-day
// exception's zero To included.
func TestCalendarJSONRoundTrip(t *testing.T) {
	c := schedule.SundayThursdayCalendar()
	c.Exceptions = []schedule.Exception{
		{Name: "Victory Day", From: schedule.Date{Year: 2027, Month: 12, Day: 16}, Yearly: true},
		{Name: "Eid", From: schedule.Date{Year: 2027, Month: 3, Day: 9}, To: schedule.Date{Year: 2027, Month: 3, Day: 12}},
		{Name: "half day", From: schedule.Date{Year: 2027, Month: 4, Day: 1}, Working: []schedule.Interval{schedule.Span(9, 0, 13, 0)}},
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back schedule.Calendar
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	if !reflect.DeepEqual(c, back) {
		t.Errorf("round trip\n got %+v\nwant %+v", back, c)
	}
}

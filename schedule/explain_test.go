package schedule_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

func TestExplainDrivers(t *testing.T) {
	mon := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC) // a Monday, Standard calendar
	p := &schedule.Project{
		Start: mon,
		Tasks: []schedule.Task{
			{ID: "A", Duration: schedule.Days(3)},
			{ID: "B", Duration: schedule.Days(4)},
			{ID: "C", Duration: schedule.Days(2)},
			{ID: "K", Duration: schedule.Days(1), Constraint: schedule.Constraint{Type: schedule.SNET, Date: mon.AddDate(0, 0, 2)}},
			{ID: "S"},
			{ID: "S1", Parent: "S", Duration: schedule.Days(1)},
			{ID: "D", Duration: schedule.Days(1), Deadline: mon.AddDate(0, 0, 10)},
		},
		Links: []schedule.Link{
			{Pred: "A", Succ: "C"}, // A finishes Wed 17:00
			{Pred: "B", Succ: "C", Type: schedule.SS, Lag: schedule.Days(1)}, // B starts Mon: allows Tue
			{Pred: "C", Succ: "S"},
			{Pred: "S", Succ: "D"},
		},
	}
	r := mustRun(t, p)
	explain := func(id string) schedule.Explanation {
		i, _ := r.Network().Index(id)
		return r.Explain(i)
	}
	c := explain("C")
	if len(c.Early) != 1 || c.Early[0].Kind != schedule.ByLink || c.Early[0].Task != "A" || c.Early[0].Link.Type != schedule.FS {
		t.Errorf("C early drivers %v, want the link from A", c.Early)
	}
	// A finishes Wednesday 17:00; C starts Thursday 08:00: a calendar gap.
	if want := mon.AddDate(0, 0, 2).Add(9 * time.Hour); !c.Early[0].At.Equal(want) || !c.Task.EarlyStart.Equal(mon.AddDate(0, 0, 3)) {
		t.Errorf("C: link at %v, start %v", c.Early[0].At, c.Task.EarlyStart)
	}
	if got := c.Back; !slices.Equal(got, []string{"C", "A"}) {
		t.Errorf("C back %v", got)
	}
	if got := c.Ahead; !slices.Equal(got, []string{"C", "S1", "D"}) {
		t.Errorf("C ahead %v", got)
	}
	s1 := explain("S1")
	if len(s1.Early) != 1 || s1.Early[0].Task != "C" || s1.Early[0].Via != "S" {
		t.Errorf("S1 early drivers %v, want C's link into summary S", s1.Early)
	}
	d := explain("D")
	if len(d.Early) != 1 || d.Early[0].Task != "S1" || d.Early[0].Via != "S" {
		t.Errorf("D early drivers %v, want summary S's finish, fixed by S1", d.Early)
	}
	if len(d.Late) != 1 || d.Late[0].Kind != schedule.ByFinish {
		t.Errorf("D late drivers %v, want the project finish", d.Late)
	}
	k := explain("K")
	if len(k.Early) != 1 || k.Early[0].Kind != schedule.ByConstraint || k.Early[0].Constraint != schedule.SNET {
		t.Errorf("K early drivers %v, want its SNET", k.Early)
	}
	b := explain("B")
	if len(b.Early) != 1 || b.Early[0].Kind != schedule.ByStart {
		t.Errorf("B early drivers %v, want the project start", b.Early)
	}
	// Pull the deadline in: it drives D's late finish.
	p.Tasks[6].Deadline = mon.AddDate(0, 0, 7)
	r = mustRun(t, p)
	i, _ := r.Network().Index("D")
	if late := r.Explain(i).Late; len(late) != 1 || late[0].Kind != schedule.ByDeadline {
		t.Errorf("D late drivers %v, want its deadline", late)
	}
	if s := r.Explain(i).Early[0].String(); !strings.Contains(s, `link "S"→"D" FS (through summary "S")`) {
		t.Errorf("driver reads %q", s)
	}
}

// TestExplainProperties: on random networks every task's early start and
// late finish are explained, the chains are chains of drivers ending where
// a constraint or the project's start or finish fixes a date, and the
// float paths partition the tasks they cover, most critical first.
func TestExplainProperties(t *testing.T) {
	for seed := range uint64(1000) {
		p := withoutLateConstraints(randnet.Project(randnet.Config{Tasks: 2 + int(seed%50), Mixed: true, Window: 10, Seed: seed}))
		for i := range p.Tasks {
			if c := p.Tasks[i].Constraint.Type; c == schedule.MSO || c == schedule.MFO {
				p.Tasks[i].Constraint = schedule.Constraint{}
			}
		}
		r := mustRun(t, p)
		n := r.Network()
		for i := range n.Len() {
			x := r.Explain(i)
			if x.Task.Summary {
				continue
			}
			if len(x.Early) == 0 || len(x.Late) == 0 {
				t.Fatalf("%s %s: unexplained: early %v late %v", p.Name, x.Task.ID, x.Early, x.Late)
			}
			for k, id := range x.Back[1:] {
				j, _ := n.Index(x.Back[k])
				if !slices.ContainsFunc(r.Explain(j).Early, func(d schedule.Driver) bool { return d.Task == id }) {
					t.Fatalf("%s: back chain %v: %s does not drive %s", p.Name, x.Back, id, x.Back[k])
				}
			}
			j, _ := n.Index(x.Back[len(x.Back)-1])
			for _, d := range r.Explain(j).Early {
				if d.Task != "" && !slices.Contains(x.Back, d.Task) {
					t.Fatalf("%s: back chain %v stops at %s, driven by %v", p.Name, x.Back, x.Back[len(x.Back)-1], d)
				}
			}
			j, _ = n.Index(x.Ahead[len(x.Ahead)-1])
			for _, d := range r.Explain(j).Late {
				if d.Task != "" && !slices.Contains(x.Ahead, d.Task) {
					t.Fatalf("%s: ahead chain %v stops at %s, bound by %v", p.Name, x.Ahead, x.Ahead[len(x.Ahead)-1], d)
				}
			}
		}
		paths := r.FloatPaths(1 << 20)
		if len(paths) > 0 && !slices.Equal(paths[0].Tasks, r.LongestPath()) {
			t.Fatalf("%s: first float path %v is not the longest path %v", p.Name, paths[0].Tasks, r.LongestPath())
		}
		seen := map[string]bool{}
		leaves := 0
		for _, tr := range r.Tasks() {
			if !tr.Summary {
				leaves++
			}
		}
		for k, fp := range paths {
			if k > 1 && fp.Float < paths[k-1].Float {
				t.Fatalf("%s: path %d float %d after %d", p.Name, k, fp.Float, paths[k-1].Float)
			}
			for _, id := range fp.Tasks {
				if seen[id] {
					t.Fatalf("%s: %s on two float paths", p.Name, id)
				}
				seen[id] = true
			}
		}
		if len(seen) != leaves {
			t.Fatalf("%s: float paths cover %d of %d tasks", p.Name, len(seen), leaves)
		}
	}
}

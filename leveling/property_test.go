package leveling_test

import (
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/leveling"
	"github.com/critpath/critpath/schedule"
)

// checkLevel holds a leveling of p to what every leveling must be: the
// conflicts it reports are the independent recount's of its schedule, and
// none of them is one the options allow resolving (resolvable says which
// are); every delay has its reason and moves its task later; the plan,
// applied to p through an editor, gives the leveled schedule, split pieces
// included. It returns the leveled schedule's conflicts.
func checkLevel(t *testing.T, what string, p *schedule.Project, opts leveling.LevelOptions, l *leveling.Leveled) {
	t.Helper()
	recount, err := leveling.Conflicts(l.Project, l.Result)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !reflect.DeepEqual(recount, l.Unresolved) && (len(recount) > 0 || len(l.Unresolved) > 0) {
		t.Fatalf("%s: %d conflicts reported, %d recounted", what, len(l.Unresolved), len(recount))
	}
	judge := newJudge(l.Project, l.Result, opts)
	for _, c := range recount {
		if why := judge.resolvable(c); why != "" {
			t.Fatalf("%s: conflict left that the options allow resolving (%s): %s %v–%v, %v of %v, %+v", what, why, c.Resource, c.From, c.To, c.Demand, c.Available, c.Uses)
		}
	}
	for _, d := range l.Delays {
		if d.Task == "" || d.Resource == "" || d.Winner == "" || d.Rule == "" || !d.To.After(d.From) || !d.ConflictTo.After(d.ConflictFrom) {
			t.Fatalf("%s: a delay without its reason: %+v", what, d)
		}
	}
	ed, err := schedule.NewEditor(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range l.Plan() {
		if m.Why.Task == "" || m.Why.Winner == "" {
			t.Fatalf("%s: a move without its reason: %+v", what, m)
		}
		if _, err := ed.Apply(m.Edit); err != nil {
			t.Fatalf("%s: %+v: %v", what, m, err)
		}
	}
	for i, want := range l.Result.Tasks() {
		if got := ed.Result().Task(i); !got.Start.Equal(want.Start) || !got.Finish.Equal(want.Finish) ||
			!slices.Equal(ed.Result().Segments(i), l.Result.Segments(i)) {
			t.Fatalf("%s: %s: %v–%v after the plan, %v–%v leveled", what, want.ID, got.Start, got.Finish, want.Start, want.Finish)
		}
	}
}

// judge says, independently of Level, whether a conflict is one the
// options allow resolving: in the dates asked, with tasks that may move
// (by Level's rules: not of priority 1000, not manually scheduled, as soon
// as possible or start-no-earlier-than and not started — or, with Split,
// able to pause after work before the conflict), each able to fit alone,
// and tied to no other task of the conflict by links (moving one would
// move the other), whose moving leaves the rest within what the resource
// has. Conflicts from the first start of a task placed as late as
// possible on are not judged: such a task goes where the finish and what
// follows it put it, so delaying others can move it, and what follows
// it, into their way again (Level settles them a few rounds at most).
type judge struct {
	p     *schedule.Project
	r     *schedule.Result
	opts  leveling.LevelOptions
	after map[string]map[string]bool // each task's successors, through links and the outline
	late  time.Time                  // the first start of a task placed as late as possible
}

func newJudge(p *schedule.Project, r *schedule.Result, opts leveling.LevelOptions) *judge {
	j := &judge{p: p, r: r, opts: opts, after: map[string]map[string]bool{}}
	for i, t := range p.Tasks {
		if tr := r.Task(i); t.Constraint.Type == schedule.ALAP && (j.late.IsZero() || tr.Start.Before(j.late)) {
			j.late = tr.Start
		}
	}
	next := map[string][]string{}
	kids := map[string][]string{}
	for _, t := range p.Tasks {
		if t.Parent != "" {
			kids[t.Parent] = append(kids[t.Parent], t.ID)
			next[t.Parent] = append(next[t.Parent], t.ID) // a link into a summary holds its subtasks
			next[t.ID] = append(next[t.ID], t.Parent)     // a link from it waits for them
		}
	}
	for _, l := range p.Links {
		next[l.Pred] = append(next[l.Pred], l.Succ)
	}
	for _, t := range p.Tasks {
		seen := map[string]bool{}
		stack := []string{t.ID}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, y := range next[x] {
				if !seen[y] {
					seen[y] = true
					stack = append(stack, y)
				}
			}
		}
		j.after[t.ID] = seen
	}
	return j
}

// resolvable returns why conflict c could have been resolved, or "".
func (j *judge) resolvable(c leveling.Conflict) string {
	o := j.opts
	if o.WithinFloat || !o.From.IsZero() && c.From.Before(o.From) || !o.To.IsZero() && !c.From.Before(o.To) {
		return "" // how far float lets a task go is Level's own count
	}
	if !j.late.IsZero() && !c.From.Before(j.late) {
		return ""
	}
	var stay float64
	var movable []string
	for _, u := range c.Uses {
		if j.movable(c, u) {
			movable = append(movable, u.Task)
		} else {
			stay += u.Units
		}
	}
	if len(movable) == 0 || stay > c.Available+1e-9 {
		return ""
	}
	return fmt.Sprintf("%v may move and the rest fit", movable)
}

func (j *judge) movable(c leveling.Conflict, u leveling.Use) bool {
	n := j.r.Network()
	i, _ := n.Index(u.Task)
	t := &j.p.Tasks[i]
	if t.Priority >= 1000 || t.Manual || u.Units > c.Available+1e-9 {
		return false
	}
	for _, v := range c.Uses {
		if v.Task != u.Task && (j.after[u.Task][v.Task] || j.after[v.Task][u.Task]) {
			return false
		}
	}
	started := !t.ActualStart.IsZero()
	whole := !started && (t.Constraint.Type == schedule.ASAP || t.Constraint.Type == schedule.SNET)
	if whole {
		return true
	}
	if !j.opts.Split || t.NoSplit || !started && !whole {
		return false
	}
	for _, s := range j.r.Segments(i) { // it pauses only after work before the conflict, none of it done after
		if s.Done && s.Finish.After(c.From) {
			return false
		}
	}
	return slices.ContainsFunc(j.r.Segments(i), func(s schedule.Segment) bool { return s.Start.Before(c.From) })
}

// TestLevelProperties levels random projects — the generator's with every
// feature (calendars, every link type and lag, constraints, progress,
// ALAP and manual tasks, splits, summaries) and plain resource-loaded
// networks — with each order and option, and with the search, and holds
// every leveling to checkLevel; the same project levels the same way
// twice, the second time on one thread.
func TestLevelProperties(t *testing.T) {
	runs := 24
	if testing.Short() {
		runs = 8
	}
	orders := []leveling.Order{leveling.Standard, leveling.ByPriority, leveling.ByID, leveling.LatestFinish, leveling.LatestStart}
	delays, split, searched := 0, 0, 0
	for seed := range uint64(runs) {
		var p *schedule.Project
		if seed%3 == 2 {
			p = randnet.Loaded(20+int(seed%7)*15, seed)
		} else {
			p = randnet.Project(randnet.Config{Tasks: 20 + int(seed%9)*12, Mixed: true, Seed: seed})
		}
		opts := leveling.LevelOptions{Order: orders[seed%5], Split: seed%2 == 1, WithinFloat: seed%7 == 3}
		if seed%11 == 5 {
			opts.From, opts.To = randnet.Start.AddDate(0, 0, 10), randnet.Start.AddDate(0, 2, 0)
		}
		if seed%4 == 1 {
			opts.Schedules, opts.Seed = 60, seed
		}
		what := fmt.Sprintf("seed %d (%d tasks, %+v)", seed, len(p.Tasks), opts)
		l, err := leveling.Level(t.Context(), p, opts)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		checkLevel(t, what, p, opts, l)
		procs := runtime.GOMAXPROCS(1) // whatever the number of threads
		again, err := leveling.Level(t.Context(), p, opts)
		runtime.GOMAXPROCS(procs)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again.Delays, l.Delays) || !again.Result.Finish().Equal(l.Result.Finish()) {
			t.Fatalf("%s: %d delays, then %d", what, len(l.Delays), len(again.Delays))
		}
		delays += len(l.Delays)
		for _, d := range l.Delays {
			if d.Split {
				split++
			}
			if strings.HasPrefix(d.Rule, "the search's") {
				searched++
			}
		}
	}
	if delays < runs*3 || split == 0 || searched == 0 {
		t.Errorf("%d delays, %d splits, %d from the search in %d projects: the test checks little", delays, split, searched, runs)
	}
	t.Logf("%d delays, %d of them splits, %d from the search", delays, split, searched)
}

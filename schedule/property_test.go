package schedule_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// view gives a property test what it needs about one scheduled project,
// through the public API only.
type view struct {
	p     *schedule.Project
	r     *schedule.Result
	n     *schedule.Network
	task  map[string]*schedule.Task
	res   map[string]schedule.TaskResult
	fixed map[string]bool // a Must Start/Finish On date holds it, or a subtask of it
}

func newView(t *testing.T, p *schedule.Project) *view {
	t.Helper()
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatalf("%s: %v", p.Name, err)
	}
	v := &view{p: p, r: r, n: r.Network(), task: map[string]*schedule.Task{}, res: map[string]schedule.TaskResult{}, fixed: map[string]bool{}}
	for i := range p.Tasks {
		v.task[p.Tasks[i].ID] = &p.Tasks[i]
	}
	for _, tr := range r.Tasks() {
		v.res[tr.ID] = tr
	}
	for _, tk := range p.Tasks {
		if v.overridesLinks(&tk) {
			for id := tk.ID; id != ""; id = v.task[id].Parent {
				v.fixed[id] = true
			}
		}
	}
	return v
}

// overridesLinks reports whether a task's own date may break its links:
// a manual task, or a constraint the mode makes hard.
func (v *view) overridesLinks(t *schedule.Task) bool {
	switch c := t.Constraint.Type; {
	case t.Manual, !t.ActualStart.IsZero():
		return true
	case c == schedule.MSO || c == schedule.MFO:
		return v.p.Options.Constraints != schedule.LinksFirst
	case c == schedule.SNLT || c == schedule.FNLT:
		return v.p.Options.Constraints == schedule.HonorConstraints
	}
	return false
}

func (v *view) calendar(id string) string {
	i, _ := v.n.Index(id)
	return v.n.Calendar(i)
}

// floatCalendar names the calendar a leaf task's float counts on: its own
// (Microsoft Project), or the one it works on (Options.FloatCalendar).
func (v *view) floatCalendar(id string) string {
	if v.p.Options.FloatCalendar == schedule.FloatTaskCalendar {
		return v.task[id].Calendar
	}
	return v.calendar(id)
}

// wallClock reports whether a task counts wall-clock time: a milestone or
// an elapsed duration.
func (v *view) wallClock(id string) bool {
	return !v.res[id].Summary && (v.res[id].Milestone || v.task[id].Duration.Elapsed)
}

// lagMinutes returns a link's lag in minutes and the calendar it runs on
// ("" with elapsed true for round the clock).
func (v *view) lagMinutes(t *testing.T, l schedule.Link) (lag int64, cal string, elapsed bool) {
	d := l.Lag
	per := map[schedule.Unit]float64{schedule.Minute: 1, schedule.Hour: 60, schedule.Day: 480, schedule.Week: 2400, schedule.Month: 9600}
	if v.p.Settings.MinutesPerDay == 1440 {
		per[schedule.Day] = 1440
	}
	if d.Elapsed {
		per[schedule.Day], per[schedule.Week], per[schedule.Month] = 1440, 10080, 43200
	}
	if d.Unit == schedule.Percent {
		i, _ := v.n.Index(l.Pred)
		x := d.Amount * float64(v.r.Duration(i)) / 100
		lag = int64(math.Round(x))
	} else {
		lag = int64(math.Round(d.Amount * per[d.Unit]))
	}
	switch v.p.Options.LagCalendar {
	case schedule.LagSuccessor:
		cal = v.calendar(l.Succ)
	case schedule.LagPredecessor:
		cal = v.calendar(l.Pred)
	case schedule.Lag24Hours:
		cal = schedule.TwentyFourHours
	case schedule.LagProject:
		cal = v.p.Calendar
	}
	return lag, cal, d.Elapsed
}

// ends returns the moment a link leaves its predecessor and the moment it
// binds on its successor, in the early or the late schedule.
func (v *view) ends(l schedule.Link, late bool) (from, to time.Time) {
	p, s := v.res[l.Pred], v.res[l.Succ]
	ps, pf, ss, sf := p.Start, p.Finish, s.Start, s.Finish
	if late {
		ps, pf, ss, sf = p.LateStart, p.LateFinish, s.LateStart, s.LateFinish
	}
	if l.Type == schedule.FS || l.Type == schedule.FF {
		from = pf
	} else {
		from = ps
	}
	if l.Type == schedule.FF || l.Type == schedule.SF {
		to = sf
	} else {
		to = ss
	}
	return from, to
}

// bound returns the earliest moment a link lets its successor's bound end
// be: the predecessor's end shifted by the lag on the lag calendar.
func (v *view) bound(t *testing.T, l schedule.Link, from time.Time) time.Time {
	lag, cal, elapsed := v.lagMinutes(t, l)
	switch {
	case lag == 0:
		return from
	case elapsed:
		return from.Add(time.Duration(lag) * time.Minute)
	}
	b, err := v.n.AddWork(cal, from, lag)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// holds reports whether a link is satisfied between two moments: the
// successor's end is no earlier than the bound, counting a finish in the
// successor's working time (a finish in the non-working time just before
// the bound is no earlier than it).
func (v *view) holds(t *testing.T, l schedule.Link, from, to time.Time) bool {
	b := v.bound(t, l, from)
	if (l.Type == schedule.FF || l.Type == schedule.SF) && !v.wallClock(l.Succ) && !v.res[l.Succ].Summary {
		w, err := v.n.WorkBetween(v.calendar(l.Succ), b, to)
		if err != nil {
			t.Fatal(err)
		}
		return w >= 0
	}
	return !to.Before(b)
}

func (v *view) checkLinks(t *testing.T) {
	t.Helper()
	broken := map[string]bool{}
	for _, c := range v.r.Conflicts() {
		if c.Kind == schedule.LinkBroken {
			broken[c.Link.Pred+"→"+c.Link.Succ] = true
		}
	}
	for _, l := range v.p.Links {
		from, to := v.ends(l, false)
		ok := v.holds(t, l, from, to)
		switch {
		case !ok && !v.fixed[l.Succ]:
			t.Errorf("%s: early schedule breaks %s→%s %v lag %v: %v → %v", v.p.Name, l.Pred, l.Succ, l.Type, l.Lag, from, to)
		case !ok && !v.res[l.Succ].Summary && v.task[l.Succ].ActualStart.IsZero() && !broken[l.Pred+"→"+l.Succ]:
			t.Errorf("%s: %s→%s is broken but not reported", v.p.Name, l.Pred, l.Succ)
		case ok && broken[l.Pred+"→"+l.Succ]:
			t.Errorf("%s: %s→%s holds but is reported broken", v.p.Name, l.Pred, l.Succ)
		}
		if v.fixed[l.Pred] || v.fixed[l.Succ] {
			continue
		}
		if from, to := v.ends(l, true); !v.holds(t, l, from, to) {
			t.Errorf("%s: late schedule breaks %s→%s %v lag %v: %v → %v", v.p.Name, l.Pred, l.Succ, l.Type, l.Lag, from, to)
		}
	}
}

// checkSegments checks each task's segments against its duration and
// splits: a task not started works its duration in them, from its start
// to its finish, pausing between them for its gaps; every task's
// segments are in order and inside its dates.
func (v *view) checkSegments(t *testing.T) {
	t.Helper()
	for i, tk := range v.p.Tasks {
		tr := v.res[tk.ID]
		segs := v.r.Segments(i)
		if tr.Summary {
			if segs != nil {
				t.Errorf("%s: summary %s has segments", v.p.Name, tk.ID)
			}
			continue
		}
		if len(segs) == 0 || !segs[0].Start.Equal(tr.Start) && tk.ActualStart.IsZero() || !segs[len(segs)-1].Finish.Equal(tr.Finish) {
			t.Errorf("%s: %s from %v to %v: segments %v", v.p.Name, tk.ID, tr.Start, tr.Finish, segs)
			continue
		}
		for k := 1; k < len(segs); k++ {
			if segs[k].Start.Before(segs[k-1].Finish) || segs[k].Finish.Before(segs[k].Start) {
				t.Errorf("%s: %s: segments out of order: %v", v.p.Name, tk.ID, segs)
			}
		}
		if !tk.ActualStart.IsZero() || tr.Milestone {
			continue
		}
		cal := v.calendar(tk.ID)
		if tk.Duration.Elapsed {
			cal = schedule.TwentyFourHours
		}
		work := func(a, b time.Time) int64 {
			w, err := v.n.WorkBetween(cal, a, b)
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
		var done int64
		var gaps []int64
		for k, s := range segs {
			done += work(s.Start, s.Finish)
			if k > 0 {
				gaps = append(gaps, work(segs[k-1].Finish, s.Start))
			}
		}
		var want []int64 // the splits inside the work, in minutes
		per := int64(60)
		for _, sp := range tk.Splits {
			if int64(sp.At.Amount)*per < v.r.Duration(i) {
				want = append(want, int64(sp.Gap.Amount)*per)
			}
		}
		if done != v.r.Duration(i) || !slices.Equal(gaps, want) {
			t.Errorf("%s: %s (%v, splits %v): segments %v work %d minutes with gaps %v; want %d with %v",
				v.p.Name, tk.ID, tk.Duration, tk.Splits, segs, done, gaps, v.r.Duration(i), want)
		}
	}
}

// startLinkedProgress reports whether, under P6's progress modes, a task
// in progress has a start-to-start or start-to-finish successor: its
// remaining work is then bound by the successor's late start, which can
// lie before where the remaining work may resume — negative float with
// nothing missed, as P6 shows it.
func startLinkedProgress(p *schedule.Project) bool {
	if p.Options.Progress == schedule.ActualDates {
		return false
	}
	started := map[string]bool{}
	for _, t := range p.Tasks {
		started[t.ID] = !t.ActualStart.IsZero() && t.ActualFinish.IsZero()
	}
	return slices.ContainsFunc(p.Links, func(l schedule.Link) bool {
		return started[l.Pred] && (l.Type == schedule.SS || l.Type == schedule.SF)
	})
}

func (v *view) checkFloats(t *testing.T, lateConstraints bool) {
	t.Helper()
	minKid := map[string]int64{}
	for _, tk := range v.p.Tasks {
		tr := v.res[tk.ID]
		if tk.Parent != "" {
			if m, ok := minKid[tk.Parent]; !ok || tr.TotalFloat < m {
				minKid[tk.Parent] = tr.TotalFloat
			}
		}
		// Microsoft Project lets a start-no-earlier-than date before the
		// project start put a task there.
		early := tk.Constraint.Type == schedule.SNET && tk.Constraint.Date.Before(v.p.Start) &&
			v.p.Options.Constraints != schedule.MandatoryConstraints && v.p.Options.Progress == schedule.ActualDates
		if !v.fixed[tk.ID] && !early && tr.Start.Before(v.p.Start) && !v.p.FromFinish {
			t.Errorf("%s: %s starts %v, before the project", v.p.Name, tk.ID, tr.EarlyStart)
		}
		if tr.EarlyFinish.Before(tr.EarlyStart) || tr.LateFinish.Before(tr.LateStart) {
			t.Errorf("%s: %s finishes before it starts", v.p.Name, tk.ID)
		}
		if tr.Summary {
			continue
		}
		want := v.float(v.floatCalendar(tk.ID), tr)
		if tk.Duration.Elapsed && !tk.Duration.IsZero() { // elapsed time, as Microsoft Project counts it
			want = wallFloat(v.p.Options.TotalFloat, tr)
		}
		switch {
		case !tk.ActualFinish.IsZero() || tr.PercentComplete == 100 && !tk.ActualStart.IsZero() && v.p.Options.Progress == schedule.ActualDates:
			want = 0 // done
		case !tk.ActualStart.IsZero() && tk.Remaining != nil && tk.Remaining.IsZero() && v.p.Options.Progress == schedule.ActualDates:
			want = 0 // done: nothing remains (under P6's modes it is in progress, ending at the status date)
		case !tk.ActualStart.IsZero(): // in progress: only the finish can move
			want, _ = v.n.WorkBetween(v.floatCalendar(tk.ID), tr.EarlyFinish, tr.LateFinish)
		}
		if tr.TotalFloat != want {
			t.Errorf("%s: %s total float %d, dates say %d", v.p.Name, tk.ID, tr.TotalFloat, want)
		}
		if tr.FreeFloat < 0 || tr.FreeFloat > max(tr.TotalFloat, 0) {
			t.Errorf("%s: %s free float %d outside [0, %d]", v.p.Name, tk.ID, tr.FreeFloat, max(tr.TotalFloat, 0))
		}
		if !lateConstraints && tr.TotalFloat < 0 && !startLinkedProgress(v.p) {
			t.Errorf("%s: %s has float %d with nothing to miss", v.p.Name, tk.ID, tr.TotalFloat)
		}
		if tr.Critical != (tr.TotalFloat <= 0) {
			t.Errorf("%s: %s critical %v with float %d", v.p.Name, tk.ID, tr.Critical, tr.TotalFloat)
		}
	}
	for id, m := range minKid {
		tr := v.res[id]
		want := m
		if v.p.Options.SummaryFloat == schedule.RolledUpFloat {
			want = v.float(v.calendar(id), tr)
		}
		if tr.TotalFloat != want {
			t.Errorf("%s: summary %s float %d, want %d (subtasks' least %d)", v.p.Name, id, tr.TotalFloat, want, m)
		}
	}
}

// float is the total float the dates of tr give on cal, by the project's
// formula.
func (v *view) float(cal string, tr schedule.TaskResult) int64 {
	start, _ := v.n.WorkBetween(cal, tr.EarlyStart, tr.LateStart)
	finish, _ := v.n.WorkBetween(cal, tr.EarlyFinish, tr.LateFinish)
	switch v.p.Options.TotalFloat {
	case schedule.FinishFloat:
		return finish
	case schedule.StartFloat:
		return start
	}
	return min(start, finish)
}

// wallFloat is a task's total float in elapsed minutes.
func wallFloat(kind schedule.FloatKind, tr schedule.TaskResult) int64 {
	start := int64(tr.LateStart.Sub(tr.EarlyStart) / time.Minute)
	finish := int64(tr.LateFinish.Sub(tr.EarlyFinish) / time.Minute)
	switch kind {
	case schedule.FinishFloat:
		return finish
	case schedule.StartFloat:
		return start
	}
	return min(start, finish)
}

// earliest returns the earliest date a task's start (or finish) can take
// when something requires it at or after b.
func (v *view) earliest(t *testing.T, id string, b time.Time, finish bool) time.Time {
	if v.wallClock(id) {
		return b
	}
	cal := v.calendar(id)
	if finish {
		at, _ := v.n.AddWork(cal, b, 0)
		return at
	}
	at, _ := v.n.AddWork(cal, b, 1)
	return at.Add(-time.Minute)
}

// logicMoment is, under P6's progress modes, where the logic reaches
// complete task id (ok false otherwise): the status date (or the project
// start), or later when a link from work still to finish, or from a
// complete task the logic reaches later, holds it there; a task in
// progress with nothing left passes the logic on from the start of the
// working time after its finish. Whatever their type, links out of a
// complete task hold their successors no earlier than this moment, with
// no lag — P6 keeps complete activities in the logic, so such a link can
// drive.
func (v *view) logicMoment(t *testing.T, id string, memo map[string]time.Time) (time.Time, bool) {
	tk := v.task[id]
	if v.p.Options.Progress == schedule.ActualDates || tk.ActualFinish.IsZero() {
		return time.Time{}, false
	}
	if m, ok := memo[id]; ok {
		return m, true
	}
	m := v.p.Start
	if v.p.StatusDate.After(m) {
		m = v.p.StatusDate
	}
	for _, l := range v.p.Links {
		if l.Succ != id {
			continue
		}
		from, _ := v.ends(l, false)
		p := v.task[l.Pred]
		i, _ := v.n.Index(l.Pred)
		if !p.ActualStart.IsZero() && p.ActualFinish.IsZero() && v.r.Duration(i) == 0 && (l.Type == schedule.FS || l.Type == schedule.FF) { // in progress, nothing left
			from = v.earliest(t, l.Pred, from, false)
		}
		b := v.bound(t, l, from)
		if pm, ok := v.logicMoment(t, l.Pred, memo); ok && pm.After(b) {
			b = pm
		}
		if b.After(m) {
			m = b
		}
	}
	memo[id] = m
	return m, true
}

// checkLongestPath checks that the longest path is made of chains of
// driving links that end at the project finish (projects without
// summaries).
func (v *view) checkLongestPath(t *testing.T) {
	t.Helper()
	lp := v.r.LongestPath()
	on := map[string]bool{}
	for _, id := range lp {
		on[id] = true
	}
	if len(lp) == 0 && len(v.p.Tasks) > 0 {
		t.Fatalf("%s: no longest path", v.p.Name)
	}
	driven := map[string]bool{}
	continued := map[string]bool{}
	for _, l := range v.p.Links {
		if !on[l.Pred] || !on[l.Succ] {
			continue
		}
		if !v.task[l.Succ].ActualStart.IsZero() { // its remaining work may be what the link drives
			continued[l.Pred] = true
			continue
		}
		from, to := v.ends(l, false)
		toFinish := l.Type == schedule.FF || l.Type == schedule.SF
		if want := v.earliest(t, l.Succ, v.bound(t, l, from), toFinish); to.Equal(want) {
			driven[l.Succ], continued[l.Pred] = true, true
		}
		// Under P6's progress modes a complete predecessor drives by its
		// logic moment as well as by its actual dates.
		if m, ok := v.logicMoment(t, l.Pred, map[string]time.Time{}); ok && to.Equal(v.earliest(t, l.Succ, m, toFinish)) {
			driven[l.Succ], continued[l.Pred] = true, true
		}
	}
	for _, id := range lp {
		tk, tr := v.task[id], v.res[id]
		if !driven[id] {
			var ok bool
			switch c := tk.Constraint; c.Type {
			case schedule.SNET:
				ok = tr.Start.Equal(v.earliest(t, id, c.Date, false))
			case schedule.FNET:
				ok = tr.Finish.Equal(v.earliest(t, id, c.Date, true))
			case schedule.MSO, schedule.MFO, schedule.ALAP:
				ok = true
			}
			ok = ok || tk.Manual || !tk.ActualStart.IsZero()
			if sd := v.p.StatusDate; !sd.IsZero() && v.p.Options.Progress != schedule.ActualDates {
				ok = ok || tr.Start.Equal(v.earliest(t, id, sd, false)) // nothing remaining before the status date
			}
			if !ok && !tr.Start.Equal(v.earliest(t, id, v.p.Start, false)) {
				t.Errorf("%s: %s is on the longest path but nothing drives its start %v", v.p.Name, id, tr.Start)
			}
		}
		if !continued[id] && !tr.Finish.Equal(v.r.Finish()) {
			t.Errorf("%s: the longest path stops at %s, which finishes %v before the project (%v)", v.p.Name, id, tr.Finish, v.r.Finish())
		}
	}
}

// canonical encodes the schedule keyed by task ID, for comparisons across
// input orders.
func canonical(t *testing.T, r *schedule.Result) []byte {
	t.Helper()
	var rows []schedule.TaskResult
	for _, tr := range r.Tasks() {
		rows = append(rows, tr)
	}
	slices.SortFunc(rows, func(a, b schedule.TaskResult) int { return cmp.Compare(a.ID, b.ID) })
	lp := r.LongestPath()
	slices.Sort(lp)
	segs := map[string][]schedule.Segment{}
	for i := range r.Network().Len() {
		segs[r.Network().ID(i)] = r.Segments(i)
	}
	b, err := json.Marshal(struct {
		Start, Finish time.Time
		Tasks         []schedule.TaskResult
		LongestPath   []string
		Conflicts     int
		Segments      map[string][]schedule.Segment
	}{r.Start(), r.Finish(), rows, lp, len(r.Conflicts()), segs})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func shuffled(p *schedule.Project, seed uint64) *schedule.Project {
	rng := rand.New(rand.NewPCG(seed, 7))
	q := *p
	q.Tasks = slices.Clone(p.Tasks)
	q.Links = slices.Clone(p.Links)
	q.Calendars = slices.Clone(p.Calendars)
	rng.Shuffle(len(q.Tasks), func(i, j int) { q.Tasks[i], q.Tasks[j] = q.Tasks[j], q.Tasks[i] })
	rng.Shuffle(len(q.Links), func(i, j int) { q.Links[i], q.Links[j] = q.Links[j], q.Links[i] })
	rng.Shuffle(len(q.Calendars), func(i, j int) { q.Calendars[i], q.Calendars[j] = q.Calendars[j], q.Calendars[i] })
	return &q
}

// withoutLateConstraints strips everything that can make float negative.
func withoutLateConstraints(p *schedule.Project) *schedule.Project {
	q := *p
	q.FinishBy = time.Time{}
	q.Tasks = slices.Clone(p.Tasks)
	for i := range q.Tasks {
		t := &q.Tasks[i]
		t.Deadline, t.Manual = time.Time{}, false
		if c := t.Constraint.Type; c != schedule.SNET && c != schedule.FNET && c != schedule.ALAP {
			t.Constraint = schedule.Constraint{}
		}
	}
	return &q
}

func hasSummaries(p *schedule.Project) bool {
	return slices.ContainsFunc(p.Tasks, func(t schedule.Task) bool { return t.Parent != "" })
}

func TestRandomNetworkProperties(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	for seed := range uint64(n) {
		p := randnet.Project(randnet.Config{Tasks: 2 + int(seed%60), Mixed: true, Window: 12, Seed: seed})
		v := newView(t, p)
		v.checkLinks(t)
		v.checkFloats(t, true)
		v.checkSegments(t)
		free := newView(t, withoutLateConstraints(p))
		free.checkLinks(t)
		free.checkFloats(t, false)
		if !hasSummaries(p) {
			free.checkLongestPath(t)
		}
		if seed%4 == 0 { // the same project scheduled backward from a finish date
			back := *free.p
			back.FromFinish, back.Finish = true, randnet.Start.AddDate(0, 5, 0)
			bv := newView(t, &back)
			bv.checkLinks(t)
			bv.checkFloats(t, true)
		}
		if seed%5 == 0 {
			if a, b := canonical(t, v.r), canonical(t, newView(t, shuffled(p, seed)).r); !bytes.Equal(a, b) {
				t.Fatalf("%s: shuffled input scheduled differently", p.Name)
			}
		}
		if t.Failed() {
			t.Fatalf("seed %d failed", seed)
		}
	}
}

func TestLongestPathWithoutSummaries(t *testing.T) {
	for seed := range uint64(500) {
		p := randnet.Project(randnet.Config{Tasks: 2 + int(seed%80), LinkTypes: true, Window: 10, Seed: seed, Calendar: schedule.SundayThursday})
		newView(t, p).checkLongestPath(t)
		if t.Failed() {
			t.Fatalf("seed %d failed", seed)
		}
	}
}

func TestCycleErrorIsDeterministic(t *testing.T) {
	p := randnet.Project(randnet.Config{Tasks: 40, LinkTypes: true, Window: 5, Seed: 3})
	p.Links = append(p.Links, schedule.Link{Pred: randnet.ID(39), Succ: randnet.ID(0)})
	_, err := schedule.Compile(p)
	ce, ok := errors.AsType[*schedule.CycleError](err)
	if !ok {
		t.Fatalf("got %v, want a CycleError", err)
	}
	if ce.Tasks[0] != randnet.ID(0) {
		t.Errorf("cycle %v does not start at the smallest ID", ce.Tasks)
	}
	links := map[[2]string]bool{}
	for _, l := range p.Links {
		links[[2]string{l.Pred, l.Succ}] = true
	}
	for i, id := range ce.Tasks {
		next := ce.Tasks[(i+1)%len(ce.Tasks)]
		if !links[[2]string{id, next}] {
			t.Errorf("cycle %v: no link %s→%s", ce.Tasks, id, next)
		}
	}
	for s := range uint64(20) {
		_, err2 := schedule.Compile(shuffled(p, s))
		if err2.Error() != err.Error() {
			t.Fatalf("shuffled input reports another cycle: %v, want %v", err2, err)
		}
	}
}

func ExampleCycleError() {
	p := &schedule.Project{
		Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC),
		Tasks: []schedule.Task{{ID: "pour"}, {ID: "cure"}, {ID: "strip"}},
		Links: []schedule.Link{{Pred: "pour", Succ: "cure"}, {Pred: "cure", Succ: "strip"}, {Pred: "strip", Succ: "pour"}},
	}
	_, err := schedule.Compile(p)
	fmt.Println(err)
	// Output: schedule: the links form a cycle: cure → strip → pour → cure
}

func mustJSON(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

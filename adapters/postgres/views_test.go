package postgres

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/instant"

	"github.com/critpath/critpath/internal/demo"

	"github.com/jackc/pgx/v5"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// The views' rows, as the tests read them and work them out.
type dashboardRow struct {
	Project                             string
	Revision                            int64
	Name                                string
	StatusDate                          *time.Time
	Tasks, NotStarted, InProgress, Done int64
	Late                                int64
	PercentWork                         float64
	PlannedFinish                       time.Time
	BaselineFinish                      *time.Time
	Critical, NegativeFloat             int64
	NextMilestone, NextMilestoneName    *string
	NextMilestoneDate                   *time.Time
	SPI, CPI                            *float64
}

const dashboardColumns = `project, revision, name, status_date, tasks, not_started, in_progress, done, late,
	percent_work, planned_finish, baseline_finish, critical, negative_float,
	next_milestone, next_milestone_name, next_milestone_date, spi, cpi`

type utilizationRow struct {
	Project, Resource, Name       string
	Week                          time.Time
	ISOYear, ISOWeek              int32
	AssignedHours, AvailableHours float64
	Utilization                   *float64
	OverAllocated                 bool
}

const utilizationColumns = `project, resource, name, week, iso_year, iso_week,
	assigned_hours, available_hours, utilization, over_allocated`

// dhaka reads the Dhaka Tower project.
func dhaka(t testing.TB) *schedule.Project {
	t.Helper()
	return demo.Project(t, "dhaka-tower.json")
}

func run(t testing.TB, p *schedule.Project) *schedule.Result {
	t.Helper()
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// progressed returns p with a baseline saved from its schedule, then
// some of its durations lengthened and progress reported at a status date
// part-way through: done, in progress and late tasks, and earned value.
func progressed(t testing.TB, p *schedule.Project, seed uint64, at float64) *schedule.Project {
	t.Helper()
	r := run(t, p)
	p.SetBaseline(r.SaveBaseline("Baseline"))
	rng := rand.New(rand.NewPCG(seed, 7))
	status := r.Start().Add(time.Duration(at * float64(r.Finish().Sub(r.Start()))))
	p.StatusDate = status
	for i := range p.Tasks {
		tr := r.Task(i)
		t := &p.Tasks[i]
		if tr.Summary {
			continue
		}
		switch {
		case !tr.Finish.After(status) && rng.Float64() < 0.8:
			t.ActualStart, t.ActualFinish = tr.Start, tr.Finish
		case tr.Start.Before(status) && rng.Float64() < 0.9:
			t.ActualStart, t.PercentComplete = tr.Start, float64(10*rng.IntN(10))
		case tr.Start.After(status) && !t.Duration.IsZero() && rng.Float64() < 0.2:
			t.Duration.Amount *= 1.5
		}
	}
	return p
}

// wantDashboard works out p's row of project_dashboard from the engine,
// as the package documentation defines it.
func wantDashboard(t testing.TB, id string, rev int64, p *schedule.Project) dashboardRow {
	t.Helper()
	r := run(t, p)
	row := dashboardRow{Project: id, Revision: rev, Name: p.Name, PlannedFinish: r.Finish(), PercentWork: r.ProjectProgress().ByWork}
	var base *schedule.Baseline
	if len(p.Baselines) > 0 {
		base = &p.Baselines[0]
	}
	baseFinish := map[string]time.Time{}
	if base != nil {
		for _, bt := range base.Tasks {
			if !bt.Finish.IsZero() {
				baseFinish[bt.ID] = bt.Finish
				if row.BaselineFinish == nil || bt.Finish.After(*row.BaselineFinish) {
					row.BaselineFinish = new(bt.Finish)
				}
			}
		}
	}
	ref := r.Start()
	if !p.StatusDate.IsZero() {
		row.StatusDate, ref = new(p.StatusDate), p.StatusDate
	}
	for i, tr := range r.Tasks() {
		if tr.Summary {
			continue
		}
		task := &p.Tasks[i]
		if task.ID != tr.ID {
			t.Fatalf("result's task %d is %s, the project's %s", i, tr.ID, task.ID)
		}
		row.Tasks++
		finished := tr.PercentComplete >= 100
		switch {
		case finished:
			row.Done++
		case !task.ActualStart.IsZero():
			row.InProgress++
		default:
			row.NotStarted++
		}
		bf, hasBase := baseFinish[tr.ID]
		if !finished && (hasBase && tr.Finish.After(bf) || row.StatusDate != nil && !tr.Finish.After(p.StatusDate)) {
			row.Late++
		}
		if tr.Critical {
			row.Critical++
		}
		if tr.TotalFloat < 0 {
			row.NegativeFloat++
		}
		if tr.Milestone && !finished && tr.Finish.After(ref) && (row.NextMilestoneDate == nil || tr.Finish.Before(*row.NextMilestoneDate)) {
			row.NextMilestone, row.NextMilestoneName, row.NextMilestoneDate = new(tr.ID), new(tr.Name), new(tr.Finish)
		}
	}
	if base != nil && row.StatusDate != nil {
		_, ev, err := r.EarnedValue(base, p.StatusDate)
		if err != nil {
			t.Fatal(err)
		}
		row.SPI, row.CPI = new(ev.SPI), new(ev.CPI)
	}
	return row
}

// wantUtilization works out p's rows of resource_utilization from the
// engine, as the package documentation defines them, day by day with
// Network.WorkBetween.
func wantUtilization(t testing.TB, id string, p *schedule.Project) []utilizationRow {
	t.Helper()
	r := run(t, p)
	n := r.Network()
	loc := r.Start().Location()
	first, last := r.Start(), r.Finish()
	for _, tr := range r.Tasks() {
		first = instant.Earlier(first, tr.Start)
		last = instant.Later(last, tr.Finish)
	}
	date := func(t time.Time) time.Time {
		y, m, d := t.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	inZone := func(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc) }
	from, to := date(first), date(last)
	for from.Weekday() != time.Monday {
		from = from.AddDate(0, 0, -1)
	}
	for to.Weekday() != time.Sunday {
		to = to.AddDate(0, 0, 1)
	}
	type hours struct{ assigned, available float64 }
	days := map[string]map[time.Time]*hours{}
	at := func(res string, d time.Time) *hours {
		if days[res][d] == nil {
			days[res][d] = &hours{}
		}
		return days[res][d]
	}
	minutes := func(cal string, a, b time.Time) float64 {
		m, err := n.WorkBetween(cal, a, b)
		if err != nil {
			t.Fatal(err)
		}
		return float64(m)
	}
	names, units := map[string]string{}, map[string]float64{}
	for _, res := range p.Resources {
		if res.Type != schedule.WorkResource {
			continue
		}
		names[res.ID], units[res.ID] = res.Name, res.MaxUnits
		if units[res.ID] == 0 {
			units[res.ID] = 1
		}
		days[res.ID] = map[time.Time]*hours{}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			at(res.ID, d).available = units[res.ID] * minutes(res.Calendar, inZone(d), inZone(d.AddDate(0, 0, 1))) / 60
		}
	}
	for i, tr := range r.Tasks() {
		if tr.Summary {
			continue
		}
		cal := n.Calendar(i)
		if p.Tasks[i].Duration.Elapsed {
			cal = schedule.TwentyFourHours
		}
		for _, a := range r.Assignments(i) {
			if days[a.Resource] == nil || a.Units <= 0 {
				continue
			}
			for _, sg := range r.Segments(i) {
				for d := date(sg.Start); !d.After(date(sg.Finish)); d = d.AddDate(0, 0, 1) {
					s, f := instant.Later(sg.Start, inZone(d)), instant.Earlier(sg.Finish, inZone(d.AddDate(0, 0, 1)))
					if s.Before(f) {
						at(a.Resource, d).assigned += a.Units * minutes(cal, s, f) / 60
					}
				}
			}
		}
	}
	var out []utilizationRow
	for res, byDay := range days {
		weeks := map[time.Time]*utilizationRow{}
		for d, h := range byDay {
			if h.assigned == 0 && h.available == 0 {
				continue
			}
			y, w := d.ISOWeek()
			monday := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
			row := weeks[monday]
			if row == nil {
				row = &utilizationRow{Project: id, Resource: res, Name: names[res], Week: monday, ISOYear: int32(y), ISOWeek: int32(w)}
				weeks[monday] = row
			}
			row.AssignedHours += h.assigned
			row.AvailableHours += h.available
			row.OverAllocated = row.OverAllocated || h.assigned > h.available+1e-6
		}
		for _, row := range weeks {
			if row.AvailableHours > 0 {
				row.Utilization = new(100 * row.AssignedHours / row.AvailableHours)
			}
			out = append(out, *row)
		}
	}
	sortUtilization(out)
	return out
}

func sortUtilization(rows []utilizationRow) {
	slices.SortFunc(rows, func(a, b utilizationRow) int {
		return cmp.Or(cmp.Compare(a.Project, b.Project), cmp.Compare(a.Resource, b.Resource), a.Week.Compare(b.Week))
	})
}

func dashboard(t testing.TB, b *Backend) map[string]dashboardRow {
	t.Helper()
	rows, err := b.Pool().Query(t.Context(), "SELECT "+dashboardColumns+" FROM project_dashboard")
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[dashboardRow])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]dashboardRow{}
	for _, r := range got {
		out[r.Project] = r
	}
	return out
}

func utilization(t testing.TB, b *Backend) []utilizationRow {
	t.Helper()
	rows, err := b.Pool().Query(t.Context(), "SELECT "+utilizationColumns+" FROM resource_utilization")
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[utilizationRow])
	if err != nil {
		t.Fatal(err)
	}
	sortUtilization(got)
	return got
}

// differ lists the fields in which got and want differ: times compared
// as instants, floating-point numbers to a relative 1e-9 (the database
// sums in another order).
func differ(got, want any) []string {
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	var out []string
	for i := range g.NumField() {
		gf, wf := g.Field(i), w.Field(i)
		if gf.Kind() == reflect.Pointer {
			if gf.IsNil() != wf.IsNil() {
				out = append(out, fmt.Sprintf("%s: got %v, want %v", g.Type().Field(i).Name, show(gf), show(wf)))
				continue
			}
			if gf.IsNil() {
				continue
			}
			gf, wf = gf.Elem(), wf.Elem()
		}
		same := true
		switch gv := gf.Interface().(type) {
		case time.Time:
			same = gv.Equal(wf.Interface().(time.Time))
		case float64:
			wv := wf.Float()
			same = math.Abs(gv-wv) <= 1e-9*max(1, math.Abs(gv), math.Abs(wv))
		default:
			same = gf.Interface() == wf.Interface()
		}
		if !same {
			out = append(out, fmt.Sprintf("%s: got %v, want %v", g.Type().Field(i).Name, gf, wf))
		}
	}
	return out
}

func show(v reflect.Value) any {
	if v.IsNil() {
		return "NULL"
	}
	return v.Elem()
}

// checkViews compares both views, row by row, with what the engine says
// of the projects.
func checkViews(t *testing.T, b *Backend, projects map[string]*schedule.Project, revs map[string]int64) {
	t.Helper()
	gotDash := dashboard(t, b)
	if len(gotDash) != len(projects) {
		t.Errorf("project_dashboard has %d rows, want %d", len(gotDash), len(projects))
	}
	var wantUtil []utilizationRow
	for id, p := range projects {
		want := wantDashboard(t, id, revs[id], p)
		got, ok := gotDash[id]
		if !ok {
			t.Errorf("project_dashboard has no row for %s", id)
			continue
		}
		for _, d := range differ(got, want) {
			t.Errorf("project_dashboard %s: %s", id, d)
		}
		wantUtil = append(wantUtil, wantUtilization(t, id, p)...)
	}
	sortUtilization(wantUtil)
	gotUtil := utilization(t, b)
	if len(gotUtil) != len(wantUtil) {
		t.Errorf("resource_utilization has %d rows, want %d", len(gotUtil), len(wantUtil))
	}
	for i := range min(len(gotUtil), len(wantUtil)) {
		g, w := gotUtil[i], wantUtil[i]
		for _, d := range differ(g, w) {
			t.Errorf("resource_utilization %s %s %s: %s", w.Project, w.Resource, w.Week.Format(time.DateOnly), d)
		}
		if t.Failed() && i > 20 {
			t.FailNow()
		}
	}
}

// TestViewsDhaka compares the views with the engine on the Dhaka Tower,
// as planned and part-way through with progress against a baseline.
func TestViewsDhaka(t *testing.T) {
	b := open(t, Config{})
	ctx := t.Context()
	projects := map[string]*schedule.Project{
		"dhaka":      dhaka(t),
		"dhaka-20":   progressed(t, dhaka(t), 1, 0.2),
		"dhaka-half": progressed(t, dhaka(t), 2, 0.5),
	}
	revs := map[string]int64{"dhaka": 1, "dhaka-20": 7, "dhaka-half": 30}
	for id, p := range projects {
		if err := b.Project(ctx, id, revs[id], p); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	checkViews(t, b, projects, revs)
	// The test sees something: late and done tasks, earned value, a
	// milestone ahead, over-allocated weeks.
	d := dashboard(t, b)
	if half := d["dhaka-half"]; half.Done == 0 || half.Late == 0 || half.SPI == nil || *half.SPI == 0 || half.NextMilestone == nil {
		t.Errorf("the half-done Dhaka Tower's row shows too little to test: %+v", half)
	}
	over := 0
	for _, u := range utilization(t, b) {
		if u.OverAllocated {
			over++
		}
	}
	if over == 0 {
		t.Error("no week of the Dhaka Tower over-allocated: the flag is not tested")
	}
	t.Logf("dashboard: %d rows; utilization: %d rows, %d over-allocated", len(d), len(utilization(t, b)), over)
}

// TestViewsRandom compares the views with the engine on seeded random
// projects of every kind: calendars, elapsed and split tasks, summaries,
// progress, resources of every type, with and without a baseline and a
// status date.
func TestViewsRandom(t *testing.T) {
	b := open(t, Config{})
	ctx := t.Context()
	projects, revs := map[string]*schedule.Project{}, map[string]int64{}
	for seed := range uint64(16) {
		p := randnet.Project(randnet.Config{Tasks: 60, Mixed: true, Seed: seed})
		if _, err := schedule.Run(p); err != nil {
			t.Logf("seed %d: %v", seed, err)
			continue
		}
		if seed%2 == 0 && p.StatusDate.IsZero() {
			p = progressed(t, p, seed, 0.1+0.8*float64(seed)/16)
			if _, err := schedule.Run(p); err != nil {
				t.Logf("seed %d progressed: %v", seed, err)
				continue
			}
		}
		id := fmt.Sprintf("random-%d", seed)
		projects[id], revs[id] = p, int64(seed+1)
		if err := b.Project(ctx, id, revs[id], p); err != nil {
			t.Fatal(err)
		}
	}
	if len(projects) < 12 {
		t.Fatalf("only %d random projects schedule", len(projects))
	}
	// A project without tasks has a row of zeros.
	projects["empty"], revs["empty"] = &schedule.Project{Name: "empty", Start: randnet.Start}, 1
	if err := b.Project(ctx, "empty", 1, projects["empty"]); err != nil {
		t.Fatal(err)
	}
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	checkViews(t, b, projects, revs)
}

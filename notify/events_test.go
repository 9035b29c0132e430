package notify

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/demo"
	"github.com/critpath/critpath/jobs/kinds"
	"github.com/critpath/critpath/leveling"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// towerAudience: each resource has a foreman; the project manager hears
// of everything.
var towerAudience = Audience{
	People:      func(res string) []string { return []string{"user:foreman-" + res} },
	Managers:    []string{"user:pm"},
	ProjectName: "Dhaka Tower",
}

// liveTower is the Dhaka Tower example in a store.
func liveTower(t *testing.T) (*store.Store, context.Context) {
	t.Helper()
	ctx := t.Context()
	s := store.New(store.NewMemory(), store.Config{})
	t.Cleanup(func() { s.Close() })
	if _, err := s.Create(ctx, "tower", demo.Project(t, "dhaka-tower.json"), "pm"); err != nil {
		t.Fatal(err)
	}
	return s, ctx
}

// renders checks that every notification renders on every channel in
// both languages: the events give the templates what they need.
func renders(t *testing.T, ns []Notification) {
	t.Helper()
	ts := DefaultTemplates()
	for _, n := range ns {
		for _, f := range []Format{{Language: English}, {Language: Bangla, BengaliDigits: true}} {
			if _, err := ts.Preview(n.Kind, n.Data, f); err != nil {
				t.Errorf("%s: %v", n.Key, err)
			}
		}
	}
}

func TestEventsFromAChange(t *testing.T) {
	s, ctx := liveTower(t)
	r0, _, err := s.Schedule(ctx, "tower")
	if err != nil {
		t.Fatal(err)
	}
	h4, _ := r0.Lookup("H4")
	ch := store.Change{Actor: "pm", Base: 1, Ops: []store.Op{
		store.Assign("op-1", schedule.Assignment{Task: "D3", Resource: "eng", Units: 0.5}),
		store.Set("R8", "fields.Permit Authority", "RAJUK"),
		store.Set("R8", "fields.Permit Status", "query raised"),
		store.Set("H4", "actual_start", h4.Start),
		store.Set("H4", "actual_finish", h4.Finish),
	}}
	out, err := s.Apply(ctx, "tower", ch)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := s.Project(ctx, "tower")
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := s.Schedule(ctx, "tower")
	if err != nil {
		t.Fatal(err)
	}

	as := Assignments("tower", p, r, ch, out.Revision, towerAudience)
	d3, _ := r.Lookup("D3")
	if len(as) != 1 || as[0].Key != "task_assigned/tower/op-1" || !slices.Equal(as[0].To, []string{"user:foreman-eng"}) ||
		as[0].Data["task"] != "Architectural design & RAJUK submission drawings" || as[0].Data["start"] != d3.Start.Format(time.DateOnly) {
		t.Errorf("assignments: %+v", as)
	}

	ms := Milestones("tower", out.Delta, towerAudience)
	if len(ms) != 1 || ms[0].Data["milestone"] != "RAJUK Occupancy Certificate received" || !slices.Equal(ms[0].To, []string{"user:pm"}) {
		t.Errorf("milestones: %+v", ms)
	}

	ps, err := Permits("tower", p, ch, out.Revision, towerAudience, PermitFields{})
	if err != nil || len(ps) != 1 || ps[0].Severity != High || ps[0].Data["authority"] != "RAJUK" || ps[0].Data["status"] != "query raised" {
		t.Errorf("permits: %+v, %v", ps, err)
	}
	renders(t, slices.Concat(as, ms, ps))

	// The same milestone completed again changes nothing; a permit
	// refused is critical; an unknown status is named.
	ch2 := store.Change{Actor: "pm", Base: out.Revision, Ops: []store.Op{
		store.Set("R8", "fields.Permit Status", "refused"),
		store.Set("R4", "fields.Permit Status", "approved"), // R4 names no authority
	}}
	out2, err := s.Apply(ctx, "tower", ch2)
	if err != nil {
		t.Fatal(err)
	}
	p, _, _ = s.Project(ctx, "tower")
	ps, err = Permits("tower", p, ch2, out2.Revision, towerAudience, PermitFields{})
	if len(ps) != 1 || ps[0].Severity != Critical || !errors.Is(err, ErrInvalid) {
		t.Errorf("refused: %+v, %v", ps, err)
	}
	if ms := Milestones("tower", out2.Delta, towerAudience); len(ms) != 0 {
		t.Errorf("milestones of a change that completes none: %+v", ms)
	}
}

func TestDeadlines(t *testing.T) {
	p := demo.Project(t, "dhaka-tower.json")
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	n := r.Network()
	d1, _ := r.Lookup("D1")
	i, _ := n.Index("D1")
	// Two working days and an hour before D1's finish, on its calendar:
	// it is due within 3 days (a part of a day counts as a day).
	now, err := n.AddWork(n.Calendar(i), d1.Finish, -(2*480 + 60))
	if err != nil {
		t.Fatal(err)
	}
	ns, err := Deadlines("tower", p, r, now, 3, towerAudience)
	if err != nil {
		t.Fatal(err)
	}
	var got *Notification
	for k := range ns {
		if ns[k].Data["task"] == d1.Name {
			got = &ns[k]
		}
	}
	if got == nil || got.Kind != DeadlineNear || got.Data["days"] != "3" || slices.Contains(got.To, "user:pm") {
		t.Fatalf("D1: %+v", got)
	}
	// Within 2 days it is not due yet.
	ns2, _ := Deadlines("tower", p, r, now, 2, towerAudience)
	if slices.ContainsFunc(ns2, func(n Notification) bool { return n.Data["task"] == d1.Name }) {
		t.Error("D1 is due within 2 working days")
	}
	// Half a day after, it is a day late, and the manager hears of it.
	late, _ := n.AddWork(n.Calendar(i), d1.Finish, 240)
	ns3, _ := Deadlines("tower", p, r, late, 3, towerAudience)
	for _, n := range ns3 {
		if n.Data["task"] == d1.Name && (n.Kind != DeadlinePast || n.Data["days"] != "1" || !slices.Contains(n.To, "user:pm") || n.Severity != High) {
			t.Errorf("late D1: %+v", n)
		}
	}
	// H5 has a deadline: it counts, not its finish.
	h5 := slices.IndexFunc(p.Tasks, func(t schedule.Task) bool { return t.ID == "H5" })
	ns4, _ := Deadlines("tower", p, r, p.Tasks[h5].Deadline.Add(-time.Hour), 1, Audience{Managers: []string{"pm"}, People: towerAudience.People})
	for _, n := range ns4 {
		if n.Data["task"] == p.Tasks[h5].Name && n.Data["deadline"] != "2029-05-31" {
			t.Errorf("H5: %+v", n)
		}
	}
	renders(t, slices.Concat(ns, ns3))
	for _, n := range ns {
		if d, _ := strconv.Atoi(n.Data["days"]); n.Kind == DeadlineNear && (d > 3 || d < 0) {
			t.Errorf("%s: %s days", n.Key, n.Data["days"])
		}
	}
}

func TestConflictsAndWeather(t *testing.T) {
	p := demo.Project(t, "dhaka-tower.json")
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := leveling.Conflicts(p, r)
	if err != nil {
		t.Fatal(err)
	}
	ns := Conflicts("tower", p, cs, towerAudience)
	if len(cs) == 0 || len(ns) != len(cs) {
		t.Fatalf("%d conflicts, %d notifications", len(cs), len(ns))
	}
	if ns[0].Severity != High || !slices.Contains(ns[0].To, "user:pm") || !slices.Contains(ns[0].To, "user:foreman-"+cs[0].Resource) {
		t.Errorf("conflict: %+v", ns[0])
	}
	renders(t, ns)

	rain := 62.5
	rep := kinds.WeatherReport{Project: "tower", Alerts: []kinds.WeatherAlert{{
		Date: schedule.Date{Year: 2027, Month: time.July, Day: 12}, Precipitation: &rain, Why: []string{"rain"},
		Tasks: []kinds.AlertTask{{ID: "F2", Name: "Piling"}},
	}}}
	ws := Weather(rep, p, towerAudience)
	if len(ws) != 1 || ws[0].Severity != Critical || ws[0].Key != "weather_alert/tower/2027-07-12" || ws[0].Data["rain_mm"] != "62.5" || ws[0].Data["wind_kmh"] != "" {
		t.Errorf("weather: %+v", ws)
	}
	renders(t, ws)
}

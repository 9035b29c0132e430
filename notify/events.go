package notify

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/jobs/kinds"
	"github.com/critpath/critpath/leveling"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// The functions here turn what the engine reports — a store change and
// its delta, a schedule, leveling conflicts, a weather check — into
// notifications, with idempotency keys made of what they are about, so
// that the same event seen twice (a job run again, an event replayed) is
// sent once.

// Audience says whom a project's events concern.
type Audience struct {
	// People returns the recipients (as Notification.To reads them)
	// behind a resource: its crew's foreman, a subcontractor's contact;
	// nil when it concerns nobody.
	People func(resource string) []string
	// Managers are told of conflicts, milestones, permits, weather and
	// missed deadlines.
	Managers []string
	// ProjectName is the project's name in messages; its ID when empty.
	ProjectName string
}

func (a Audience) people(resources ...string) []string {
	var out []string
	if a.People != nil {
		for _, r := range resources {
			for _, p := range a.People(r) {
				if !slices.Contains(out, p) {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

func (a Audience) with(to []string, managers bool) []string {
	if managers {
		for _, m := range a.Managers {
			if !slices.Contains(to, m) {
				to = append(to, m)
			}
		}
	}
	return to
}

func (a Audience) data(project string, kv ...string) map[string]string {
	m := map[string]string{"project": cmp.Or(a.ProjectName, project)}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			m[kv[i]] = kv[i+1]
		}
	}
	return m
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// taskNames maps a project's task IDs to their names.
func taskNames(p *schedule.Project) map[string]string {
	m := make(map[string]string, len(p.Tasks))
	for _, t := range p.Tasks {
		m[t.ID] = cmp.Or(t.Name, t.ID)
	}
	return m
}

// assigned returns the resources assigned to a task.
func assigned(p *schedule.Project, task string) []string {
	var out []string
	for _, as := range p.Assignments {
		if as.Task == task {
			out = append(out, as.Resource)
		}
	}
	return out
}

// Assignments returns a TaskAssigned notification to the people of each
// resource a change assigns (an "assign" op), with the task's dates from
// r (the schedule after the change; nil leaves them out, and the
// notification then lacks the start its templates need). p is the
// project after the change, rev the revision it made. The key is the
// op's ID when it has one (ops are idempotent by ID), else the revision.
func Assignments(project string, p *schedule.Project, r *schedule.Result, ch store.Change, rev int64, a Audience) []Notification {
	names := taskNames(p)
	var out []Notification
	for i, op := range ch.Ops {
		if op.Op != "assign" || op.Assignment == nil {
			continue
		}
		as := op.Assignment
		to := a.people(as.Resource)
		if len(to) == 0 {
			continue
		}
		var start, finish time.Time
		if r != nil {
			if tr, ok := r.Lookup(as.Task); ok {
				start, finish = tr.Start, tr.Finish
			}
		}
		id := cmp.Or(op.ID, fmt.Sprintf("r%d.%d", rev, i))
		out = append(out, Notification{
			Key: fmt.Sprintf("%s/%s/%s", TaskAssigned, project, id), Kind: TaskAssigned, Project: project, To: to,
			Data: a.data(project, "task", names[as.Task], "start", day(start), "finish", day(finish), "resource", as.Resource),
		})
	}
	return out
}

// Milestones returns a MilestoneCompleted notification for each
// milestone a delta completes (its progress reaching 100 %), to the
// managers.
func Milestones(project string, d schedule.Delta, a Audience) []Notification {
	var out []Notification
	for _, c := range d.Changes {
		if !c.New.Milestone || c.New.Summary || c.New.PercentComplete < 100 || c.Old.ID != "" && c.Old.PercentComplete >= 100 {
			continue
		}
		if to := a.with(nil, true); len(to) > 0 {
			out = append(out, Notification{
				Key: fmt.Sprintf("%s/%s/%s", MilestoneCompleted, project, c.ID), Kind: MilestoneCompleted, Project: project, To: to,
				Data: a.data(project, "milestone", cmp.Or(c.New.Name, c.ID), "date", day(c.New.Finish)),
			})
		}
	}
	return out
}

// Deadlines returns, for each task not yet complete whose deadline — or,
// without one, its scheduled finish — is within `within` working days
// of now (on the task's calendar), a DeadlineNear notification to the
// people of its resources; for each past it, a DeadlinePast one (High)
// to them and the managers. The key names the day count, so a daily run
// sends a reminder a day. An error is the network's (a calendar it does
// not know).
func Deadlines(project string, p *schedule.Project, r *schedule.Result, now time.Time, within int, a Audience) ([]Notification, error) {
	n := r.Network()
	perDay := int64(cmp.Or(n.Settings().MinutesPerDay, 480))
	tasks := make(map[string]*schedule.Task, len(p.Tasks))
	for i := range p.Tasks {
		tasks[p.Tasks[i].ID] = &p.Tasks[i]
	}
	var out []Notification
	for _, tr := range r.Tasks() {
		t := tasks[tr.ID]
		if t == nil || tr.Summary || tr.PercentComplete >= 100 || !t.ActualFinish.IsZero() {
			continue
		}
		target := cmp.Or(t.Deadline, tr.Finish)
		i, ok := n.Index(tr.ID)
		if !ok || target.IsZero() {
			continue
		}
		kind, sev := DeadlineNear, Normal
		minutes, err := n.WorkBetween(n.Calendar(i), now, target)
		if err != nil {
			return out, fmt.Errorf("notify: deadlines of %s: task %s: %w", project, tr.ID, err)
		}
		if target.Before(now) {
			kind, sev, minutes = DeadlinePast, High, -minutes
		}
		days := (minutes + perDay - 1) / perDay // a part of a day is a day
		if kind == DeadlinePast {
			days = max(days, 1)
		}
		if kind == DeadlineNear && days > int64(within) {
			continue
		}
		to := a.with(a.people(assigned(p, tr.ID)...), kind == DeadlinePast)
		if len(to) == 0 {
			continue
		}
		out = append(out, Notification{
			Key:  fmt.Sprintf("%s/%s/%s/%s/%d", kind, project, tr.ID, day(target), days),
			Kind: kind, Project: project, To: to, Severity: sev,
			Data: a.data(project, "task", cmp.Or(tr.Name, tr.ID), "deadline", day(target), "days", strconv.FormatInt(days, 10)),
		})
	}
	return out, nil
}

// Conflicts returns a ResourceConflict notification (High) for each
// over-allocation leveling found, to the managers and the people of the
// resource.
func Conflicts(project string, p *schedule.Project, cs []leveling.Conflict, a Audience) []Notification {
	names := taskNames(p)
	resources := map[string]string{}
	for _, r := range p.Resources {
		resources[r.ID] = cmp.Or(r.Name, r.ID)
	}
	var out []Notification
	for _, c := range cs {
		to := a.with(a.people(c.Resource), true)
		if len(to) == 0 {
			continue
		}
		var tasks []string
		for _, u := range c.Uses {
			tasks = append(tasks, cmp.Or(names[u.Task], u.Task))
		}
		out = append(out, Notification{
			Key:  fmt.Sprintf("%s/%s/%s/%d", ResourceConflict, project, c.Resource, c.From.Unix()),
			Kind: ResourceConflict, Project: project, To: to, Severity: High,
			Data: a.data(project, "resource", cmp.Or(resources[c.Resource], c.Resource), "from", day(c.From), "to", day(c.To),
				"tasks", strings.Join(tasks, ", "), "excess", strconv.FormatFloat(c.Excess, 'f', -1, 64)),
		})
	}
	return out
}

// PermitFields name the custom fields that make a task a permit
// milestone: the authority (RAJUK, DoE, Fire Service) and its status.
// The zero value means "Permit Authority" and "Permit Status".
type PermitFields struct {
	Authority, Status string
}

// Permits returns a PermitStatus notification for each permit status a
// change sets (a "set" of the status field, "fields.Permit Status", on a
// task whose authority field names an authority), to the managers and
// the people of the task's resources: Critical when refused, High when
// a query is raised. p is the project after the change, rev its
// revision. A status or authority the templates do not know is left out
// and named in the error.
func Permits(project string, p *schedule.Project, ch store.Change, rev int64, a Audience, f PermitFields) ([]Notification, error) {
	f.Authority = cmp.Or(f.Authority, "Permit Authority")
	f.Status = cmp.Or(f.Status, "Permit Status")
	tasks := map[string]*schedule.Task{}
	for i := range p.Tasks {
		tasks[p.Tasks[i].ID] = &p.Tasks[i]
	}
	var out []Notification
	var errs []error
	for _, op := range ch.Ops {
		if op.Op != "set" || op.Field != "fields."+f.Status {
			continue
		}
		t := tasks[op.Task]
		if t == nil {
			continue
		}
		var status string
		if err := json.Unmarshal(op.Value, &status); err != nil {
			errs = append(errs, fmt.Errorf("notify: permit %s of %s: status %s: %w", op.Task, project, op.Value, err))
			continue
		}
		authority := t.Fields[f.Authority]
		_, okA := authorityNames[code(authority)]
		_, okS := statusNames[code(status)]
		if !okA || !okS {
			errs = append(errs, fmt.Errorf("notify: permit %s of %s: authority %q, status %q: %w", op.Task, project, authority, status, ErrInvalid))
			continue
		}
		sev := Normal
		switch code(status) {
		case PermitRefused:
			sev = Critical
		case PermitQueryRaised:
			sev = High
		}
		to := a.with(a.people(assigned(p, t.ID)...), true)
		if len(to) == 0 {
			continue
		}
		out = append(out, Notification{
			Key:  fmt.Sprintf("%s/%s/%s/%s/%d", PermitStatus, project, t.ID, code(status), rev),
			Kind: PermitStatus, Project: project, To: to, Severity: sev,
			Data: a.data(project, "permit", cmp.Or(t.Name, t.ID), "authority", authority, "status", status, "note", t.Fields[f.Status+" Note"]),
		})
	}
	return out, errors.Join(errs...)
}

// Weather returns a WeatherAlert notification (Critical) for each alert
// of a weather check, to the managers and the people of the outdoor
// tasks working that day (p: the project checked).
func Weather(rep kinds.WeatherReport, p *schedule.Project, a Audience) []Notification {
	var out []Notification
	for _, al := range rep.Alerts {
		var names, resources []string
		for _, t := range al.Tasks {
			names = append(names, cmp.Or(t.Name, t.ID))
			if p != nil {
				resources = append(resources, assigned(p, t.ID)...)
			}
		}
		to := a.with(a.people(resources...), true)
		if len(to) == 0 {
			continue
		}
		num := func(v *float64) string {
			if v == nil {
				return ""
			}
			return strconv.FormatFloat(*v, 'f', -1, 64)
		}
		date := al.Date.String()
		out = append(out, Notification{
			Key:  fmt.Sprintf("%s/%s/%s", WeatherAlert, rep.Project, date),
			Kind: WeatherAlert, Project: rep.Project, To: to, Severity: Critical,
			Data: a.data(rep.Project, "date", date, "tasks", strings.Join(names, ", "), "rain_mm", num(al.Precipitation), "wind_kmh", num(al.Wind)),
		})
	}
	return out
}

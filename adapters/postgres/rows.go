package postgres

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/critpath/critpath/schedule"
)

// projection is what the Projector writes of one project: the rows the
// views are made from.
type projection struct {
	project   projectRow
	tasks     []taskRow
	resources []resourceRow
	days      []dayRow
}

type projectRow struct {
	name           string
	start          time.Time
	status         *time.Time // nil: no status date
	plannedFinish  time.Time
	baselineFinish *time.Time // nil: no baseline
	percentWork    float64
	spi, cpi       *float64 // nil: no baseline or no status date
}

type taskRow struct {
	id                 string
	position           int
	name               string
	summary, milestone bool
	state              string
	start, finish      time.Time
	baselineFinish     *time.Time // nil: not in the baseline
	totalFloat         int64
	critical           bool
	percent            float64
	work               int64 // minutes
}

type resourceRow struct {
	id, name string
	maxUnits float64
}

type dayRow struct {
	resource            string
	day                 time.Time // midnight UTC of the day (in the project's zone)
	assigned, available float64   // hours
}

// The states of a task in projection_tasks.
const (
	notStarted = "not_started"
	inProgress = "in_progress"
	done       = "done"
)

// taskState says how far a task has got: done when the schedule has it
// 100 % complete (an actual finish, or nothing remaining), in progress
// when it has an actual start (a summary: some progress), not started
// otherwise.
func taskState(t *schedule.Task, tr schedule.TaskResult) string {
	switch {
	case tr.PercentComplete >= 100:
		return done
	case !tr.Summary && !t.ActualStart.IsZero(), tr.Summary && tr.PercentComplete > 0:
		return inProgress
	}
	return notStarted
}

// chooseBaseline returns the baseline named name, or the project's first
// when name is empty; nil when there is none.
func chooseBaseline(p *schedule.Project, name string) *schedule.Baseline {
	if name != "" {
		b, _ := p.Baseline(name)
		return b
	}
	if len(p.Baselines) > 0 {
		return &p.Baselines[0]
	}
	return nil
}

// project schedules p and works out its projection, against the baseline
// named baseline (see chooseBaseline).
func project(p *schedule.Project, baseline string) (*projection, error) {
	r, err := schedule.Run(p)
	if err != nil {
		return nil, err
	}
	pr := &projection{}
	base := chooseBaseline(p, baseline)
	baseFinish := map[string]time.Time{}
	if base != nil {
		var latest time.Time
		for _, bt := range base.Tasks {
			if bt.Finish.IsZero() {
				continue
			}
			baseFinish[bt.ID] = bt.Finish
			if bt.Finish.After(latest) {
				latest = bt.Finish
			}
		}
		if !latest.IsZero() {
			pr.project.baselineFinish = &latest
		}
	}
	pr.project.name = p.Name
	pr.project.start = r.Start()
	pr.project.plannedFinish = r.Finish()
	pr.project.percentWork = r.ProjectProgress().ByWork
	if !p.StatusDate.IsZero() {
		pr.project.status = new(p.StatusDate)
		if base != nil {
			_, ev, err := r.EarnedValue(base, time.Time{})
			if err != nil {
				return nil, err
			}
			pr.project.spi, pr.project.cpi = new(ev.SPI), new(ev.CPI)
		}
	}

	byID := make(map[string]*schedule.Task, len(p.Tasks))
	for i := range p.Tasks {
		byID[p.Tasks[i].ID] = &p.Tasks[i]
	}
	pr.tasks = make([]taskRow, 0, len(p.Tasks))
	for i, tr := range r.Tasks() {
		t := byID[tr.ID]
		row := taskRow{id: tr.ID, position: i, name: tr.Name, summary: tr.Summary, milestone: tr.Milestone,
			state: taskState(t, tr), start: tr.Start, finish: tr.Finish, totalFloat: tr.TotalFloat,
			critical: tr.Critical, percent: tr.PercentComplete, work: tr.Work}
		if f, ok := baseFinish[tr.ID]; ok {
			row.baselineFinish = &f
		}
		pr.tasks = append(pr.tasks, row)
	}
	if err := resourceDays(p, r, byID, pr); err != nil {
		return nil, err
	}
	return pr, nil
}

// day numbers a day since 1970-01-01, as its date reads.
type day int64

func dayOf(t time.Time) day {
	y, m, d := t.Date()
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (d day) time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// monday returns the start of the ISO week (Monday, 00:00) holding t, in
// t's zone.
func monday(t time.Time) time.Time {
	back := (int(t.Weekday()) + 6) % 7
	y, m, d := t.Date()
	return time.Date(y, m, d-back, 0, 0, 0, 0, t.Location())
}

// perDay adds hours × weight to each day [a, b) covers, split at
// midnights in a's zone.
func perDay(a, b time.Time, weight float64, add func(day, float64)) {
	for a.Before(b) {
		y, m, d := a.Date()
		end := time.Date(y, m, d+1, 0, 0, 0, 0, a.Location())
		if b.Before(end) {
			end = b
		}
		add(dayOf(a), weight*end.Sub(a).Hours())
		a = end
	}
}

// resourceDays works out, for each work resource of p, the hours it is
// assigned (its units over the working time of its tasks' segments, as
// leveling counts them) and has (its calendar's working time × its max
// units) each day, from the Monday of the week the schedule
// starts in to the Sunday of the week it finishes in; days with neither
// are left out.
func resourceDays(p *schedule.Project, r *schedule.Result, byID map[string]*schedule.Task, pr *projection) error {
	n := r.Network()
	loc := r.Start().Location()
	first, last := r.Start(), r.Finish()
	for _, tr := range r.Tasks() {
		if tr.Start.Before(first) {
			first = tr.Start
		}
		if tr.Finish.After(last) {
			last = tr.Finish
		}
	}
	from := monday(first.In(loc))
	to := monday(last.In(loc)).AddDate(0, 0, 7)

	type key struct {
		resource string
		day      day
	}
	hours := map[key]*dayRow{}
	row := func(res string, d day) *dayRow {
		k := key{res, d}
		if hours[k] == nil {
			hours[k] = &dayRow{resource: res, day: d.time()}
		}
		return hours[k]
	}
	work := map[string]bool{}
	for _, res := range p.Resources {
		if res.Type != schedule.WorkResource {
			continue
		}
		work[res.ID] = true
		units := cmp.Or(res.MaxUnits, 1)
		pr.resources = append(pr.resources, resourceRow{id: res.ID, name: res.Name, maxUnits: units})
		seq, err := n.WorkingTime(res.Calendar, from, to)
		if err != nil {
			return fmt.Errorf("resource %q: %w", res.ID, err)
		}
		for a, b := range seq {
			perDay(a.In(loc), b.In(loc), units, func(d day, h float64) { row(res.ID, d).available += h })
		}
	}
	for i, tr := range r.Tasks() {
		if tr.Summary {
			continue
		}
		var uses []schedule.AssignmentResult
		for _, a := range r.Assignments(i) {
			if work[a.Resource] && a.Units > 0 {
				uses = append(uses, a)
			}
		}
		if len(uses) == 0 {
			continue
		}
		cal := n.Calendar(i)
		if byID[tr.ID].Duration.Elapsed {
			cal = schedule.TwentyFourHours
		}
		for _, sg := range r.Segments(i) {
			seq, err := n.WorkingTime(cal, sg.Start, sg.Finish)
			if err != nil {
				return fmt.Errorf("task %q: %w", tr.ID, err)
			}
			for a, b := range seq {
				for _, u := range uses {
					perDay(a.In(loc), b.In(loc), u.Units, func(d day, h float64) { row(u.Resource, d).assigned += h })
				}
			}
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(hours), func(a, b key) int {
		return cmp.Or(cmp.Compare(a.resource, b.resource), cmp.Compare(a.day, b.day))
	}) {
		if d := hours[k]; d.assigned > 0 || d.available > 0 {
			pr.days = append(pr.days, *d)
		}
	}
	return nil
}

package kinds

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// ProgressArgs asks for a project's progress recalculated: its roll-ups
// and, against a baseline, its earned value at the status date.
type ProgressArgs struct {
	Project string `json:"project"`
	// StatusDate is the date earned value is measured at; zero means the
	// project's status date, or now when it has none.
	StatusDate time.Time `json:"status_date,omitzero"`
	// Baseline names the baseline earned value is measured against; ""
	// means "Baseline". A project without it gets no earned value.
	Baseline string `json:"baseline,omitempty"`
}

// Kind implements Args.
func (ProgressArgs) Kind() string { return KindProgress }

func (a ProgressArgs) project() string { return a.Project }

// options coalesces the recalculations of a project: while one waits,
// a newer request replaces it.
func (a ProgressArgs) options(j *jobs.Job) { j.CoalesceKey = KindProgress + ":" + a.Project }

// ProgressReport is a project's progress at a revision: the project's
// and each summary's roll-ups, and their earned value when the project
// has the baseline.
type ProgressReport struct {
	Project    string    `json:"project"`
	Revision   int64     `json:"revision"`
	StatusDate time.Time `json:"status_date"`
	Finish     time.Time `json:"finish"`
	// Progress is the project's, 0–100, three ways.
	Progress Rollup `json:"progress"`
	// Baseline names the baseline of the earned values; "" when the
	// project does not have it.
	Baseline    string       `json:"baseline,omitempty"`
	EarnedValue *EarnedValue `json:"earned_value,omitempty"`
	// Summaries are the summary tasks, in the project's order.
	Summaries []SummaryProgress `json:"summaries,omitempty"`
}

// Rollup is schedule.Progress as JSON: how far a task, a summary or the
// project has got, 0–100, weighted by duration, work and cost.
type Rollup struct {
	ByDuration float64 `json:"by_duration"`
	ByWork     float64 `json:"by_work"`
	ByCost     float64 `json:"by_cost"`
}

// SummaryProgress is one summary task's roll-up.
type SummaryProgress struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Progress    Rollup       `json:"progress"`
	EarnedValue *EarnedValue `json:"earned_value,omitempty"`
}

// EarnedValue is schedule.EarnedValue as JSON.
type EarnedValue struct {
	BCWS float64 `json:"bcws"`
	BCWP float64 `json:"bcwp"`
	ACWP float64 `json:"acwp"`
	BAC  float64 `json:"bac"`
	SV   float64 `json:"sv"`
	CV   float64 `json:"cv"`
	SPI  float64 `json:"spi"`
	CPI  float64 `json:"cpi"`
	EAC  float64 `json:"eac"`
	VAC  float64 `json:"vac"`
}

func earnedValue(e schedule.EarnedValue) *EarnedValue {
	return &EarnedValue{e.BCWS, e.BCWP, e.ACWP, e.BAC, e.SV, e.CV, e.SPI, e.CPI, e.EAC, e.VAC}
}

// progress recalculates a project's progress: it schedules the project,
// rolls progress up and measures earned value, caches the report under
// (project, revision, "progress", status date and baseline) and
// announces it. A report cached for the revision is announced again
// without being worked out again.
type progress struct{ *worker }

func (h *progress) Work(ctx context.Context, a ProgressArgs, _ jobs.Progress) error {
	p, rev, err := h.project(ctx, KindProgress, a.Project)
	if err != nil {
		return err
	}
	status := cmp.Or(a.StatusDate, p.StatusDate)
	if status.IsZero() {
		status = h.d.Now()
	}
	base := cmp.Or(a.Baseline, "Baseline")
	key := store.Key{Project: a.Project, Revision: rev, Kind: KindProgress,
		Options: "status=" + status.UTC().Format(time.RFC3339) + ";baseline=" + base}
	if b, ok := h.cached(ctx, key); ok {
		return h.announce(ctx, a.Project, KindProgress, b)
	}
	rep, err := progressOf(p, status, base)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("kinds: progress: project %q at revision %d: %w", a.Project, rev, err))
	}
	rep.Project, rep.Revision = a.Project, rev
	b, err := encode(KindProgress, rep)
	if err != nil {
		return err
	}
	h.keep(ctx, key, b)
	return h.announce(ctx, a.Project, KindProgress, b)
}

// progressOf works a project's progress report out. A project that does
// not schedule is an error: the store holds only projects that do, so
// trying again cannot help.
func progressOf(p *schedule.Project, status time.Time, baseline string) (*ProgressReport, error) {
	r, err := schedule.Run(p)
	if err != nil {
		return nil, err
	}
	pp := r.ProjectProgress()
	rep := &ProgressReport{StatusDate: status, Finish: r.Finish(), Progress: Rollup(pp)}
	var evs map[string]schedule.EarnedValue
	if b, ok := p.Baseline(baseline); ok {
		tasks, whole, err := r.EarnedValue(b, status)
		if err != nil {
			return nil, err
		}
		rep.Baseline, rep.EarnedValue = baseline, earnedValue(whole)
		evs = make(map[string]schedule.EarnedValue, len(tasks))
		for _, e := range tasks {
			evs[e.ID] = e
		}
	}
	for i, t := range r.Tasks() {
		if !t.Summary {
			continue
		}
		s := SummaryProgress{ID: t.ID, Name: t.Name, Progress: Rollup(r.Progress(i))}
		if e, ok := evs[t.ID]; ok {
			s.EarnedValue = earnedValue(e)
		}
		rep.Summaries = append(rep.Summaries, s)
	}
	return rep, nil
}

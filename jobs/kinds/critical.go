package kinds

import (
	"context"
	"fmt"
	"time"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// CriticalPathArgs asks for a project's critical path worked out again
// after edits. Its jobs are coalesced per project: while one waits, the
// edits that follow add no other, and the one that runs reads the
// project as it is then, so a burst of edits is worked out once or
// twice, the last time on the latest revision.
type CriticalPathArgs struct {
	Project string `json:"project"`
}

// Kind implements Args.
func (CriticalPathArgs) Kind() string { return KindCriticalPath }

func (a CriticalPathArgs) project() string { return a.Project }

func (a CriticalPathArgs) options(j *jobs.Job) { j.CoalesceKey = KindCriticalPath + ":" + a.Project }

// CriticalPathResult is a project's critical path at a revision.
type CriticalPathResult struct {
	Project  string    `json:"project"`
	Revision int64     `json:"revision"`
	Start    time.Time `json:"start"`
	Finish   time.Time `json:"finish"`
	// LongestPath is the chains of driving links that fix the finish,
	// in topological order; Critical every task whose total float is
	// within the critical float, in the project's order.
	LongestPath []string `json:"longest_path"`
	Critical    []string `json:"critical"`
	// Conflicts are what the schedule could not honour, said in words.
	Conflicts []string `json:"conflicts,omitempty"`
}

// criticalPath works a project's critical path out at its latest
// revision, caches it under (project, revision, "critical_path") and
// announces it. A result cached for the revision is announced again
// without being worked out again.
type criticalPath struct{ *worker }

func (h *criticalPath) Work(ctx context.Context, a CriticalPathArgs, _ jobs.Progress) error {
	p, rev, err := h.project(ctx, KindCriticalPath, a.Project)
	if err != nil {
		return err
	}
	key := store.Key{Project: a.Project, Revision: rev, Kind: KindCriticalPath}
	if b, ok := h.cached(ctx, key); ok {
		return h.announce(ctx, a.Project, KindCriticalPath, b)
	}
	r, err := schedule.Run(p)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("kinds: critical path: project %q at revision %d: %w", a.Project, rev, err))
	}
	res := CriticalPathResult{Project: a.Project, Revision: rev, Start: r.Start(), Finish: r.Finish(),
		LongestPath: r.LongestPath(), Critical: []string{}}
	for _, t := range r.Tasks() {
		if t.Critical && !t.Summary {
			res.Critical = append(res.Critical, t.ID)
		}
	}
	for _, c := range r.Conflicts() {
		res.Conflicts = append(res.Conflicts, c.String())
	}
	b, err := encode(KindCriticalPath, res)
	if err != nil {
		return err
	}
	h.keep(ctx, key, b)
	return h.announce(ctx, a.Project, KindCriticalPath, b)
}

package store

import (
	"context"

	"github.com/critpath/critpath/schedule"
)

// Projector keeps a queryable copy of projects' schedules — the rows
// PostgreSQL's dashboard and utilization views are made from. The store
// calls it after accepted changes, debounced per project, from a goroutine
// of its own, with a copy of the project as of revision rev that the
// projector may keep; a later call for the same project carries a later
// revision. An error is logged and the projection tried again on the next
// change.
type Projector interface {
	Project(ctx context.Context, id string, rev int64, p *schedule.Project) error
}

// ProjectorFunc adapts a function to Projector.
type ProjectorFunc func(ctx context.Context, id string, rev int64, p *schedule.Project) error

// Project calls f.
func (f ProjectorFunc) Project(ctx context.Context, id string, rev int64, p *schedule.Project) error {
	return f(ctx, id, rev, p)
}

package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/critpath/critpath/schedule"
)

// Project schedules p, the project id at revision rev, and replaces the
// project's rows in the projection tables with its tasks, resources and
// resource days, in one transaction; then the views are refreshed, at
// most once every Config.RefreshEvery. A projection at a revision older
// than the one written already is dropped. It fails, writing nothing,
// when p does not schedule.
func (b *Backend) Project(ctx context.Context, id string, rev int64, p *schedule.Project) error {
	pr, err := project(p, b.cfg.Baseline)
	if err != nil {
		return fmt.Errorf("postgres: projecting %q at revision %d: %w", id, rev, err)
	}
	if err := b.write(ctx, id, rev, pr); err != nil {
		return fmt.Errorf("postgres: projecting %q at revision %d: %w", id, rev, err)
	}
	b.deb.changed()
	return nil
}

// write replaces the project's projection rows with pr's.
func (b *Backend) write(ctx context.Context, id string, rev int64, pr *projection) error {
	tx, err := b.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	pj := pr.project
	tag, err := tx.Exec(ctx, `INSERT INTO projection_projects
		(project, revision, name, start, status_date, planned_finish, baseline_finish, percent_work, spi, cpi)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (project) DO UPDATE SET revision = excluded.revision, name = excluded.name,
			start = excluded.start, status_date = excluded.status_date, planned_finish = excluded.planned_finish,
			baseline_finish = excluded.baseline_finish, percent_work = excluded.percent_work,
			spi = excluded.spi, cpi = excluded.cpi
		WHERE projection_projects.revision <= excluded.revision`,
		id, rev, pj.name, pj.start, pj.status, pj.plannedFinish, pj.baselineFinish, pj.percentWork, pj.spi, pj.cpi)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return nil // a later revision is there already
	}
	for _, table := range []string{"projection_tasks", "projection_resources", "projection_resource_days"} {
		if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE project = $1", id); err != nil {
			return err
		}
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"projection_tasks"},
		[]string{"project", "task", "position", "name", "summary", "milestone", "state", "start", "finish",
			"baseline_finish", "total_float", "critical", "percent", "work_minutes"},
		pgx.CopyFromSlice(len(pr.tasks), func(i int) ([]any, error) {
			t := &pr.tasks[i]
			return []any{id, t.id, t.position, t.name, t.summary, t.milestone, t.state, t.start, t.finish,
				t.baselineFinish, t.totalFloat, t.critical, t.percent, t.work}, nil
		}))
	if err != nil {
		return err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"projection_resources"},
		[]string{"project", "resource", "name", "max_units"},
		pgx.CopyFromSlice(len(pr.resources), func(i int) ([]any, error) {
			r := &pr.resources[i]
			return []any{id, r.id, r.name, r.maxUnits}, nil
		}))
	if err != nil {
		return err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"projection_resource_days"},
		[]string{"project", "resource", "day", "assigned_hours", "available_hours"},
		pgx.CopyFromSlice(len(pr.days), func(i int) ([]any, error) {
			d := &pr.days[i]
			return []any{id, d.resource, d.day, d.assigned, d.available}, nil
		}))
	if err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// The materialized views, refreshed in this order.
var views = []string{"project_dashboard", "resource_utilization"}

// Refresh refreshes both views now, whatever Config.RefreshEvery, so
// that they show every projection written before it was called. Readers
// of the views are not blocked meanwhile (REFRESH … CONCURRENTLY).
func (b *Backend) Refresh(ctx context.Context) error {
	return b.refresh(ctx)
}

func (b *Backend) refresh(ctx context.Context) error {
	b.refreshMu.Lock()
	defer b.refreshMu.Unlock()
	for _, v := range views {
		if err := b.refreshView(ctx, v); err != nil {
			return fmt.Errorf("postgres: refreshing %s: %w", v, err)
		}
	}
	return nil
}

// refreshView refreshes one view in a transaction of its own, with the
// memory to aggregate the projection without spilling to disk and no
// JIT compilation (which cost more than it saved in the benchmark).
func (b *Backend) refreshView(ctx context.Context, view string) error {
	tx, err := b.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SET LOCAL work_mem = '64MB'; SET LOCAL jit = off"); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "REFRESH MATERIALIZED VIEW CONCURRENTLY "+view); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/critpath/critpath/store"
)

// Create implements store.Log: the project's row, its first event, its
// snapshot and the event's place in the outbox, in one transaction.
func (b *Backend) Create(ctx context.Context, first store.Event, snap store.Snapshot) (err error) {
	if err := b.live(ctx); err != nil {
		return err
	}
	if first.Seq != 1 || snap.Revision != 1 || snap.Project != first.Project {
		return fmt.Errorf("sqlite: create project %q: a project starts with event 1 and its snapshot at revision 1 (got event %d, snapshot of %q at %d)",
			first.Project, first.Seq, snap.Project, snap.Revision)
	}
	tx, err := b.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: create project %q: %w", first.Project, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE id = ?`, first.Project).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: create project %q: %w", first.Project, err)
	}
	if n > 0 {
		return fmt.Errorf("sqlite: create project %q: %w", first.Project, store.ErrExists)
	}
	s, ns := split(first.Time)
	if _, err := tx.ExecContext(ctx, `INSERT INTO projects (id, revision, changed_s, changed_ns, touched)
		VALUES (?, 1, ?, ?, (SELECT coalesce(max(touched), 0) + 1 FROM projects))`, first.Project, s, ns); err != nil {
		return fmt.Errorf("sqlite: create project %q: %w", first.Project, err)
	}
	if err := insertEvent(ctx, tx, first); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO snapshots (project, revision, data) VALUES (?, 1, ?)`, snap.Project, blob(snap.Data)); err != nil {
		return fmt.Errorf("sqlite: create project %q: snapshot: %w", first.Project, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: create project %q: commit: %w", first.Project, err)
	}
	return nil
}

// projectTx begins a write transaction (IMMEDIATE: it takes the
// database's write lock) and reads a project's revision in it;
// store.ErrNotFound for no such project. The caller commits it or rolls
// it back.
func (b *Backend) projectTx(ctx context.Context, project string) (*sql.Tx, int64, error) {
	if err := b.live(ctx); err != nil {
		return nil, 0, err
	}
	tx, err := b.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, err
	}
	var last int64
	switch err := tx.QueryRowContext(ctx, `SELECT revision FROM projects WHERE id = ?`, project).Scan(&last); {
	case errors.Is(err, sql.ErrNoRows):
		tx.Rollback()
		return nil, 0, store.ErrNotFound
	case err != nil:
		tx.Rollback()
		return nil, 0, err
	}
	return tx, last, nil
}

// Append implements store.Log. The transaction begins IMMEDIATE, taking
// the database's write lock before it reads the project's revision, so
// that the compare and the swap see no other writer in between, in this
// process or another.
func (b *Backend) Append(ctx context.Context, ev store.Event, cmd *store.Answer) (err error) {
	tx, last, err := b.projectTx(ctx, ev.Project)
	if err != nil {
		return fmt.Errorf("sqlite: project %q: append event %d: %w", ev.Project, ev.Seq, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if ev.Seq != last+1 {
		return fmt.Errorf("sqlite: project %q: event %d after %d: %w", ev.Project, ev.Seq, last, store.ErrStale)
	}
	s, ns := split(ev.Time)
	if _, err := tx.ExecContext(ctx, `UPDATE projects SET revision = ?, changed_s = ?, changed_ns = ?,
		touched = (SELECT max(touched) + 1 FROM projects) WHERE id = ?`, ev.Seq, s, ns, ev.Project); err != nil {
		return fmt.Errorf("sqlite: project %q: append event %d: %w", ev.Project, ev.Seq, err)
	}
	if err := insertEvent(ctx, tx, ev); err != nil {
		return err
	}
	if cmd != nil {
		s, ns := split(cmd.Time)
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO answers (project, command, seq, time_s, time_ns, body)
			VALUES (?, ?, ?, ?, ?, ?)`, cmd.Project, cmd.Command, cmd.Seq, s, ns, blob(cmd.Body)); err != nil {
			return fmt.Errorf("sqlite: project %q: append event %d: the answer to command %q: %w", ev.Project, ev.Seq, cmd.Command, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: project %q: append event %d: commit: %w", ev.Project, ev.Seq, err)
	}
	return nil
}

// insertEvent writes ev and its place in the outbox.
func insertEvent(ctx context.Context, tx *sql.Tx, ev store.Event) error {
	s, ns := split(ev.Time)
	if _, err := tx.ExecContext(ctx, `INSERT INTO events (project, seq, time_s, time_ns, actor, command, kind, body, prev, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.Project, ev.Seq, s, ns, ev.Actor, ev.Command, ev.Kind, blob(ev.Body), ev.Prev, ev.Hash); err != nil {
		return fmt.Errorf("sqlite: project %q: event %d: %w", ev.Project, ev.Seq, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (project, seq) VALUES (?, ?)`, ev.Project, ev.Seq); err != nil {
		return fmt.Errorf("sqlite: project %q: event %d: outbox: %w", ev.Project, ev.Seq, err)
	}
	return nil
}

// eventColumns are the columns scanEvent reads, in its order.
const eventColumns = `project, seq, time_s, time_ns, actor, command, kind, body, prev, hash`

// scanEvent reads one row of eventColumns.
func scanEvent(rows *sql.Rows) (store.Event, error) {
	var ev store.Event
	var s, ns int64
	err := rows.Scan(&ev.Project, &ev.Seq, &s, &ns, &ev.Actor, &ev.Command, &ev.Kind, &ev.Body, &ev.Prev, &ev.Hash)
	ev.Time = join(s, ns)
	if ev.Body == nil {
		ev.Body = []byte{}
	}
	return ev, err
}

// Events implements store.Log, reading in one transaction so that the
// project's existence and its events are seen at one moment.
func (b *Backend) Events(ctx context.Context, project string, after int64, limit int) (evs []store.Event, err error) {
	if err := b.live(ctx); err != nil {
		return nil, err
	}
	tx, err := b.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: project %q: events after %d: %w", project, after, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE id = ?`, project).Scan(&n); err != nil {
		return nil, fmt.Errorf("sqlite: project %q: events after %d: %w", project, after, err)
	}
	if n == 0 {
		return nil, fmt.Errorf("sqlite: project %q: %w", project, store.ErrNotFound)
	}
	if limit <= 0 {
		return []store.Event{}, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+eventColumns+` FROM events WHERE project = ? AND seq > ? ORDER BY seq LIMIT ?`, project, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: project %q: events after %d: %w", project, after, err)
	}
	defer rows.Close()
	evs = []store.Event{}
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: project %q: event after %d: %w", project, after, err)
		}
		evs = append(evs, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: project %q: events after %d: %w", project, after, err)
	}
	return evs, nil
}

// Projects implements store.Log.
func (b *Backend) Projects(ctx context.Context, limit int) ([]store.ProjectInfo, error) {
	if err := b.live(ctx); err != nil {
		return nil, err
	}
	out := []store.ProjectInfo{}
	if limit <= 0 {
		return out, nil
	}
	rows, err := b.read.QueryContext(ctx, `SELECT id, revision, changed_s, changed_ns FROM projects ORDER BY touched DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: projects: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p store.ProjectInfo
		var s, ns int64
		if err := rows.Scan(&p.ID, &p.Revision, &s, &ns); err != nil {
			return nil, fmt.Errorf("sqlite: projects: %w", err)
		}
		p.Changed = join(s, ns)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: projects: %w", err)
	}
	return out, nil
}

// split spells t as Unix seconds and nanoseconds, exact for every time.
func split(t time.Time) (s, ns int64) { return t.Unix(), int64(t.Nanosecond()) }

// join is split's inverse, in UTC; the zero time comes back as the zero
// time.
func join(s, ns int64) time.Time {
	if s == (time.Time{}).Unix() && ns == 0 {
		return time.Time{}
	}
	return time.Unix(s, ns).UTC()
}

// blob keeps an empty byte slice from being written as NULL.
func blob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/critpath/critpath/store"
)

// The log's statements. Create and Append are each one statement, a
// chain of data-modifying CTEs, so that what they write is written
// together or not at all, in one round trip.
const (
	createSQL = `
WITH p AS (
	INSERT INTO projects (id, revision, changed, changed_ns) VALUES ($1, $2, $3, $4)
	ON CONFLICT (id) DO NOTHING
	RETURNING id),
e AS (
	INSERT INTO events (project, seq, at, at_ns, actor, command, kind, body, prev, hash)
	SELECT id, $2::bigint, $3::timestamptz, $4::smallint, $5::text, $6::text, $7::text, $8::bytea, $9::text, $10::text FROM p
	RETURNING project, seq),
s AS (
	INSERT INTO snapshots (project, revision, data) SELECT id, $11::bigint, $12::bytea FROM p),
o AS (
	INSERT INTO outbox (project, seq) SELECT project, seq FROM e)
SELECT count(*) FROM p`

	// appendSQL swaps the project's revision from Seq−1 to Seq (the
	// compare-and-swap: a concurrent writer of the same Seq waits on the
	// project's row, then finds it moved and writes nothing), and only
	// then writes the event, the answer ($17: there is one) and the
	// outbox entry.
	appendSQL = `
WITH p AS (
	UPDATE projects SET revision = $2, changed = $3, changed_ns = $4
	WHERE id = $1 AND revision = $2 - 1
	RETURNING id),
e AS (
	INSERT INTO events (project, seq, at, at_ns, actor, command, kind, body, prev, hash)
	SELECT id, $2::bigint, $3::timestamptz, $4::smallint, $5::text, $6::text, $7::text, $8::bytea, $9::text, $10::text FROM p
	RETURNING project, seq),
a AS (
	INSERT INTO answers (project, command, seq, at, at_ns, body)
	SELECT $11::text, $12::text, $13::bigint, $14::timestamptz, $15::smallint, $16::bytea FROM e WHERE $17::boolean),
o AS (
	INSERT INTO outbox (project, seq) SELECT project, seq FROM e)
SELECT count(*) FROM e`

	eventColumns = `project, seq, at, at_ns, actor, command, kind, body, prev, hash`
)

// stamp splits t for a timestamptz column, which keeps microseconds, and
// a column of the nanoseconds past them.
func stamp(t time.Time) (time.Time, int16) {
	ns := t.Nanosecond() % 1000
	return t.Add(-time.Duration(ns)), int16(ns)
}

// unstamp joins what stamp split, in UTC.
func unstamp(t time.Time, ns int16) time.Time {
	return t.Add(time.Duration(ns)).UTC()
}

// Create stores a new project: its first event, its snapshot and the
// event's place in the outbox. It fails with store.ErrExists when the
// project exists.
func (b *Backend) Create(ctx context.Context, first store.Event, snap store.Snapshot) error {
	if snap.Project != first.Project {
		return fmt.Errorf("postgres: create %q: the snapshot is of project %q", first.Project, snap.Project)
	}
	at, ns := stamp(first.Time)
	var n int
	err := b.pool.QueryRow(ctx, createSQL, first.Project, first.Seq, at, ns, first.Actor, first.Command,
		first.Kind, first.Body, first.Prev, first.Hash, snap.Revision, snap.Data).Scan(&n)
	if err != nil {
		return fmt.Errorf("postgres: create %q: %w", first.Project, err)
	}
	if n == 0 {
		return fmt.Errorf("postgres: create %q: %w", first.Project, store.ErrExists)
	}
	return nil
}

// Append stores ev with cmd's answer (when not nil) and ev's place in the
// outbox, if the project's last event is ev.Seq−1; otherwise it writes
// nothing and fails with store.ErrStale, or store.ErrNotFound for an
// unknown project.
func (b *Backend) Append(ctx context.Context, ev store.Event, cmd *store.Answer) error {
	at, ns := stamp(ev.Time)
	var ans store.Answer
	if cmd != nil {
		ans = *cmd
	}
	aat, ansNS := stamp(ans.Time)
	var n int
	err := b.pool.QueryRow(ctx, appendSQL, ev.Project, ev.Seq, at, ns, ev.Actor, ev.Command, ev.Kind, ev.Body, ev.Prev, ev.Hash,
		ans.Project, ans.Command, ans.Seq, aat, ansNS, ans.Body, cmd != nil).Scan(&n)
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok && pe.Code == "23505" && pe.TableName == "events" {
		// The log holds the event though the project's revision said
		// otherwise: another writer's, all the same.
		return fmt.Errorf("postgres: append %q #%d: %w", ev.Project, ev.Seq, store.ErrStale)
	}
	if err != nil {
		return fmt.Errorf("postgres: append %q #%d: %w", ev.Project, ev.Seq, err)
	}
	if n == 1 {
		return nil
	}
	var rev int64
	switch err := b.pool.QueryRow(ctx, "SELECT revision FROM projects WHERE id = $1", ev.Project).Scan(&rev); {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("postgres: append %q: %w", ev.Project, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("postgres: append %q #%d: %w", ev.Project, ev.Seq, err)
	}
	return fmt.Errorf("postgres: append %q #%d after #%d: %w", ev.Project, ev.Seq, rev, store.ErrStale)
}

// Events returns up to limit of the project's events after Seq after, in
// order (none for a limit of zero or less). An unknown project is
// store.ErrNotFound.
func (b *Backend) Events(ctx context.Context, project string, after int64, limit int) ([]store.Event, error) {
	rows, err := b.pool.Query(ctx, `SELECT `+eventColumns+` FROM events
		WHERE project = $1 AND seq > $2 ORDER BY seq LIMIT $3`, project, after, max(limit, 0))
	if err != nil {
		return nil, fmt.Errorf("postgres: events of %q: %w", project, err)
	}
	evs, err := pgx.CollectRows(rows, scanEvent)
	if err != nil {
		return nil, fmt.Errorf("postgres: events of %q: %w", project, err)
	}
	if len(evs) == 0 {
		if err := b.exists(ctx, project); err != nil {
			return nil, err
		}
	}
	return evs, nil
}

// exists returns store.ErrNotFound, named, when the project is not in
// the log.
func (b *Backend) exists(ctx context.Context, project string) error {
	var ok bool
	if err := b.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM projects WHERE id = $1)", project).Scan(&ok); err != nil {
		return fmt.Errorf("postgres: project %q: %w", project, err)
	}
	if !ok {
		return fmt.Errorf("postgres: project %q: %w", project, store.ErrNotFound)
	}
	return nil
}

func scanEvent(row pgx.CollectableRow) (store.Event, error) {
	var e store.Event
	var at time.Time
	var ns int16
	err := row.Scan(&e.Project, &e.Seq, &at, &ns, &e.Actor, &e.Command, &e.Kind, &e.Body, &e.Prev, &e.Hash)
	e.Time = unstamp(at, ns)
	return e, err
}

// Projects lists up to limit projects, the most recently changed first.
func (b *Backend) Projects(ctx context.Context, limit int) ([]store.ProjectInfo, error) {
	rows, err := b.pool.Query(ctx, `SELECT id, revision, changed, changed_ns FROM projects
		ORDER BY changed DESC, changed_ns DESC, id LIMIT $1`, max(limit, 0))
	if err != nil {
		return nil, fmt.Errorf("postgres: projects: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.ProjectInfo, error) {
		var p store.ProjectInfo
		var at time.Time
		var ns int16
		err := row.Scan(&p.ID, &p.Revision, &at, &ns)
		p.Changed = unstamp(at, ns)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: projects: %w", err)
	}
	return out, nil
}

// SaveSnapshot stores snap unless its project has a snapshot at a higher
// revision. An unknown project is store.ErrNotFound; a revision past the
// project's last event is an error.
func (b *Backend) SaveSnapshot(ctx context.Context, snap store.Snapshot) error {
	tag, err := b.pool.Exec(ctx, `INSERT INTO snapshots (project, revision, data)
		SELECT id, $2, $3 FROM projects WHERE id = $1 AND revision >= $2
		ON CONFLICT (project) DO UPDATE SET revision = excluded.revision, data = excluded.data
		WHERE snapshots.revision <= excluded.revision`, snap.Project, snap.Revision, snap.Data)
	if err != nil {
		return fmt.Errorf("postgres: snapshot of %q: %w", snap.Project, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	// Not written: an unknown project, a revision past its log, or a
	// later snapshot kept.
	var rev int64
	switch err := b.pool.QueryRow(ctx, "SELECT revision FROM projects WHERE id = $1", snap.Project).Scan(&rev); {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("postgres: snapshot of %q: %w", snap.Project, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("postgres: snapshot of %q: %w", snap.Project, err)
	case snap.Revision > rev:
		return fmt.Errorf("postgres: snapshot of %q at revision %d, past its last event %d", snap.Project, snap.Revision, rev)
	}
	return nil
}

// Snapshot returns the project's latest snapshot, or store.ErrNotFound.
func (b *Backend) Snapshot(ctx context.Context, project string) (store.Snapshot, error) {
	s := store.Snapshot{Project: project}
	err := b.pool.QueryRow(ctx, "SELECT revision, data FROM snapshots WHERE project = $1", project).Scan(&s.Revision, &s.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Snapshot{}, fmt.Errorf("postgres: snapshot of %q: %w", project, store.ErrNotFound)
	}
	if err != nil {
		return store.Snapshot{}, fmt.Errorf("postgres: snapshot of %q: %w", project, err)
	}
	return s, nil
}

// Answer returns the first answer recorded for the project's command at
// or after since.
func (b *Backend) Answer(ctx context.Context, project, command string, since time.Time) (store.Answer, bool, error) {
	at, ns := stamp(since)
	a := store.Answer{Project: project, Command: command}
	var aat time.Time
	var ans int16
	err := b.pool.QueryRow(ctx, `SELECT seq, at, at_ns, body FROM answers
		WHERE project = $1 AND command = $2 AND (at, at_ns) >= ($3, $4) ORDER BY seq LIMIT 1`,
		project, command, at, ns).Scan(&a.Seq, &aat, &ans, &a.Body)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Answer{}, false, nil
	}
	if err != nil {
		return store.Answer{}, false, fmt.Errorf("postgres: answer to %q in %q: %w", command, project, err)
	}
	a.Time = unstamp(aat, ans)
	return a, true, nil
}

// ForgetAnswers deletes the answers recorded before a time.
func (b *Backend) ForgetAnswers(ctx context.Context, before time.Time) error {
	at, ns := stamp(before)
	if _, err := b.pool.Exec(ctx, "DELETE FROM answers WHERE (at, at_ns) < ($1, $2)", at, ns); err != nil {
		return fmt.Errorf("postgres: forgetting answers: %w", err)
	}
	return nil
}

// Pending returns up to limit events of the outbox, in the order they
// were appended (each project's in sequence order).
func (b *Backend) Pending(ctx context.Context, limit int) ([]store.Event, error) {
	rows, err := b.pool.Query(ctx, `SELECT e.project, e.seq, e.at, e.at_ns, e.actor, e.command, e.kind, e.body, e.prev, e.hash
		FROM outbox o JOIN events e ON e.project = o.project AND e.seq = o.seq
		ORDER BY o.id LIMIT $1`, max(limit, 0))
	if err != nil {
		return nil, fmt.Errorf("postgres: outbox: %w", err)
	}
	evs, err := pgx.CollectRows(rows, scanEvent)
	if err != nil {
		return nil, fmt.Errorf("postgres: outbox: %w", err)
	}
	return evs, nil
}

// Delivered takes events out of the outbox; one not there is ignored.
func (b *Backend) Delivered(ctx context.Context, events []store.EventID) error {
	if len(events) == 0 {
		return nil
	}
	projects, seqs := make([]string, len(events)), make([]int64, len(events))
	for i, e := range events {
		projects[i], seqs[i] = e.Project, e.Seq
	}
	_, err := b.pool.Exec(ctx, `DELETE FROM outbox WHERE (project, seq) IN
		(SELECT * FROM unnest($1::text[], $2::bigint[]))`, projects, seqs)
	if err != nil {
		return fmt.Errorf("postgres: marking %d events delivered: %w", len(events), err)
	}
	return nil
}

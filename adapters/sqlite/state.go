package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/critpath/critpath/store"
)

// SaveSnapshot implements store.Snapshots: snap replaces the project's
// snapshot when it is at a higher revision. A snapshot of an unknown
// project fails with store.ErrNotFound, one past the project's last
// event with an error naming both revisions.
func (b *Backend) SaveSnapshot(ctx context.Context, snap store.Snapshot) (err error) {
	tx, last, err := b.projectTx(ctx, snap.Project)
	if err != nil {
		return fmt.Errorf("sqlite: project %q: snapshot at revision %d: %w", snap.Project, snap.Revision, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if snap.Revision > last {
		return fmt.Errorf("sqlite: project %q: snapshot at revision %d after the last event, %d", snap.Project, snap.Revision, last)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE snapshots SET revision = ?, data = ? WHERE project = ? AND revision < ?`,
		snap.Revision, blob(snap.Data), snap.Project, snap.Revision); err != nil {
		return fmt.Errorf("sqlite: project %q: snapshot at revision %d: %w", snap.Project, snap.Revision, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: project %q: snapshot at revision %d: commit: %w", snap.Project, snap.Revision, err)
	}
	return nil
}

// Snapshot implements store.Snapshots.
func (b *Backend) Snapshot(ctx context.Context, project string) (store.Snapshot, error) {
	if err := b.live(ctx); err != nil {
		return store.Snapshot{}, err
	}
	snap := store.Snapshot{Project: project}
	err := b.read.QueryRowContext(ctx, `SELECT revision, data FROM snapshots WHERE project = ?`, project).Scan(&snap.Revision, &snap.Data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.Snapshot{}, fmt.Errorf("sqlite: project %q: snapshot: %w", project, store.ErrNotFound)
	case err != nil:
		return store.Snapshot{}, fmt.Errorf("sqlite: project %q: snapshot: %w", project, err)
	}
	return snap, nil
}

// Answer implements store.Commands.
func (b *Backend) Answer(ctx context.Context, project, command string, since time.Time) (store.Answer, bool, error) {
	if err := b.live(ctx); err != nil {
		return store.Answer{}, false, err
	}
	a := store.Answer{Project: project, Command: command}
	var s, ns int64
	ss, sns := split(since)
	err := b.read.QueryRowContext(ctx, `SELECT seq, time_s, time_ns, body FROM answers
		WHERE project = ? AND command = ? AND (time_s, time_ns) >= (?, ?)`, project, command, ss, sns).Scan(&a.Seq, &s, &ns, &a.Body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.Answer{}, false, nil
	case err != nil:
		return store.Answer{}, false, fmt.Errorf("sqlite: project %q: the answer to command %q: %w", project, command, err)
	}
	a.Time = join(s, ns)
	return a, true, nil
}

// ForgetAnswers implements store.Commands.
func (b *Backend) ForgetAnswers(ctx context.Context, before time.Time) error {
	if err := b.live(ctx); err != nil {
		return err
	}
	s, ns := split(before)
	if _, err := b.write.ExecContext(ctx, `DELETE FROM answers WHERE (time_s, time_ns) < (?, ?)`, s, ns); err != nil {
		return fmt.Errorf("sqlite: forgetting the answers before %v: %w", before, err)
	}
	return nil
}

// Pending implements store.Outbox: the outbox in the order appended,
// which keeps each project's events in sequence order.
func (b *Backend) Pending(ctx context.Context, limit int) ([]store.Event, error) {
	if err := b.live(ctx); err != nil {
		return nil, err
	}
	out := []store.Event{}
	if limit <= 0 {
		return out, nil
	}
	rows, err := b.read.QueryContext(ctx, `SELECT e.project, e.seq, e.time_s, e.time_ns, e.actor, e.command, e.kind, e.body, e.prev, e.hash
		FROM outbox o JOIN events e ON e.project = o.project AND e.seq = o.seq ORDER BY o.id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: pending events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: pending events: %w", err)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: pending events: %w", err)
	}
	return out, nil
}

// Delivered implements store.Outbox, in one transaction.
func (b *Backend) Delivered(ctx context.Context, events []store.EventID) (err error) {
	if err := b.live(ctx); err != nil {
		return err
	}
	if len(events) == 0 {
		return nil
	}
	tx, err := b.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: marking %d events delivered: %w", len(events), err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	del, err := tx.PrepareContext(ctx, `DELETE FROM outbox WHERE project = ? AND seq = ?`)
	if err != nil {
		return fmt.Errorf("sqlite: marking %d events delivered: %w", len(events), err)
	}
	defer del.Close()
	for _, id := range events {
		if _, err := del.ExecContext(ctx, id.Project, id.Seq); err != nil {
			return fmt.Errorf("sqlite: project %q: marking event %d delivered: %w", id.Project, id.Seq, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: marking %d events delivered: commit: %w", len(events), err)
	}
	return nil
}

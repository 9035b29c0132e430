package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/notify"
)

// Ledger is a notify.Ledger in a Backend's file: every attempt and how
// every message ended survive a restart, so that a message is neither
// lost nor sent twice to a provider that takes our key. It is safe for
// concurrent use, and fails with store.ErrClosed once its Backend is
// closed.
type Ledger struct{ b *Backend }

// Inbox is a notify.Inbox in a Backend's file: the in-app messages of
// every person. It is safe for concurrent use.
type Inbox struct{ b *Backend }

// Digests is notify.Digests in a Backend's file: the items waiting for
// each person's digest of a project. It is safe for concurrent use.
type Digests struct{ b *Backend }

var (
	_ notify.Ledger  = (*Ledger)(nil)
	_ notify.Inbox   = (*Inbox)(nil)
	_ notify.Digests = (*Digests)(nil)
)

// NewLedger returns the ledger kept in b's file.
func NewLedger(b *Backend) *Ledger { return &Ledger{b} }

// NewInbox returns the inbox kept in b's file.
func NewInbox(b *Backend) *Inbox { return &Inbox{b} }

// NewDigests returns the digests kept in b's file.
func NewDigests(b *Backend) *Digests { return &Digests{b} }

// nullTime splits t for a nullable pair of columns: NULL for the zero
// time.
func nullTime(t time.Time) (s, ns sql.NullInt64) {
	if t.IsZero() {
		return s, ns
	}
	a, b := split(t)
	return sql.NullInt64{Int64: a, Valid: true}, sql.NullInt64{Int64: b, Valid: true}
}

// joinNull is nullTime's inverse.
func joinNull(s, ns sql.NullInt64) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	return join(s.Int64, ns.Int64)
}

// inTx runs f in a write transaction, committing when it returns nil.
func (b *Backend) inTx(ctx context.Context, f func(tx *sql.Tx) error) (err error) {
	tx, err := b.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// readTx runs f in a read transaction, so that its queries see one
// state of the file.
func (b *Backend) readTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := b.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return f(tx)
}

// Record implements notify.Ledger: a new attempt, or the end of the
// latest pending one of the same key, provider and try, in one
// transaction.
func (l *Ledger) Record(ctx context.Context, a notify.Attempt) error {
	if err := l.b.live(ctx); err != nil {
		return err
	}
	err := l.b.inTx(ctx, func(tx *sql.Tx) error {
		n := int64(-1)
		if !a.Done.IsZero() {
			err := tx.QueryRowContext(ctx, `SELECT n FROM notify_attempts
				WHERE key = ? AND provider = ? AND try = ? AND done_s IS NULL ORDER BY n DESC LIMIT 1`,
				a.Key, a.Provider, a.Try).Scan(&n)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if n < 0 {
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(n), 0) + 1 FROM notify_attempts WHERE key = ?`, a.Key).Scan(&n); err != nil {
				return err
			}
		}
		as, ans := split(a.At)
		ds, dns := nullTime(a.Done)
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO notify_attempts (key, n, provider, try, at_s, at_ns, done_s, done_ns,
			accepted, receipt, class, error, retry_after_ns, duplicate_possible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.Key, n, a.Provider, a.Try, as, ans, ds, dns, a.Accepted, a.Receipt, a.Class, a.Err, int64(a.RetryAfter), a.DuplicatePossible)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: notify ledger: message %q: attempt %d of %s: %w", a.Key, a.Try, a.Provider, err)
	}
	return nil
}

// Settle implements notify.Ledger: the first settlement of a key stands.
func (l *Ledger) Settle(ctx context.Context, d notify.Delivery) error {
	if err := l.b.live(ctx); err != nil {
		return err
	}
	s, ns := split(d.At)
	_, err := l.b.write.ExecContext(ctx, `INSERT INTO notify_deliveries (key, user_id, project, kind, severity, channel, to_address,
		state, provider, reason, at_s, at_ns, tries, duplicate_possible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (key) DO NOTHING`,
		d.Key, d.User, d.Project, string(d.Kind), d.Severity, string(d.Channel), d.To, d.State, d.Provider, d.Reason, s, ns, d.Tries, d.DuplicatePossible)
	if err != nil {
		return fmt.Errorf("sqlite: notify ledger: message %q: settle as %v: %w", d.Key, d.State, err)
	}
	return nil
}

// Lookup implements notify.Ledger.
func (l *Ledger) Lookup(ctx context.Context, key string) (notify.Record, error) {
	if err := l.b.live(ctx); err != nil {
		return notify.Record{}, err
	}
	var r notify.Record
	err := l.b.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT provider, try, at_s, at_ns, done_s, done_ns, accepted, receipt, class, error,
			retry_after_ns, duplicate_possible FROM notify_attempts WHERE key = ? ORDER BY n`, key)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a := notify.Attempt{Key: key}
			var as, ans, retry int64
			var ds, dns sql.NullInt64
			if err := rows.Scan(&a.Provider, &a.Try, &as, &ans, &ds, &dns, &a.Accepted, &a.Receipt, &a.Class, &a.Err,
				&retry, &a.DuplicatePossible); err != nil {
				return err
			}
			a.At, a.Done, a.RetryAfter = join(as, ans), joinNull(ds, dns), time.Duration(retry)
			r.Attempts = append(r.Attempts, a)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		ds, err := scanDeliveries(tx.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM notify_deliveries WHERE key = ?`, key))
		if len(ds) > 0 {
			r.Delivery = &ds[0]
		}
		return err
	})
	if err != nil {
		return notify.Record{}, fmt.Errorf("sqlite: notify ledger: message %q: %w", key, err)
	}
	return r, nil
}

// deliveryColumns are the columns scanDeliveries reads, in its order.
const deliveryColumns = `key, user_id, project, kind, severity, channel, to_address, state, provider, reason, at_s, at_ns, tries, duplicate_possible`

// scanDeliveries reads the deliveries a query of deliveryColumns returns.
func scanDeliveries(rows *sql.Rows, err error) ([]notify.Delivery, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notify.Delivery
	for rows.Next() {
		var d notify.Delivery
		var kind, channel string
		var s, ns int64
		if err := rows.Scan(&d.Key, &d.User, &d.Project, &kind, &d.Severity, &channel, &d.To, &d.State, &d.Provider,
			&d.Reason, &s, &ns, &d.Tries, &d.DuplicatePossible); err != nil {
			return nil, err
		}
		d.Kind, d.Channel, d.At = notify.Kind(kind), notify.Channel(channel), join(s, ns)
		out = append(out, d)
	}
	return out, rows.Err()
}

// Deliveries returns the settled messages in the order they ended,
// those in states (all when none is given).
func (l *Ledger) Deliveries(ctx context.Context, states ...notify.State) ([]notify.Delivery, error) {
	if err := l.b.live(ctx); err != nil {
		return nil, err
	}
	q := `SELECT ` + deliveryColumns + ` FROM notify_deliveries`
	args := make([]any, len(states))
	if len(states) > 0 {
		for i, s := range states {
			args[i] = s
		}
		q += ` WHERE state IN (?` + strings.Repeat(`, ?`, len(states)-1) + `)`
	}
	ds, err := scanDeliveries(l.b.read.QueryContext(ctx, q+` ORDER BY seq`, args...))
	if err != nil {
		return nil, fmt.Errorf("sqlite: notify ledger: deliveries: %w", err)
	}
	return ds, nil
}

// DeadLetters returns the messages that ended dead or unconfirmed, in
// the order they ended.
func (l *Ledger) DeadLetters(ctx context.Context) ([]notify.Delivery, error) {
	return l.Deliveries(ctx, notify.Dead, notify.Unconfirmed)
}

// Add implements notify.Inbox: an item without an ID or a user is
// refused with notify.ErrInvalid; one already kept changes nothing.
func (in *Inbox) Add(ctx context.Context, it notify.Item) error {
	if it.ID == "" || it.User == "" {
		return fmt.Errorf("sqlite: inbox item without an ID or a user: %w", notify.ErrInvalid)
	}
	if err := in.b.live(ctx); err != nil {
		return err
	}
	data, err := json.Marshal(it.Data)
	if err != nil {
		return fmt.Errorf("sqlite: inbox of %q: item %q: %w", it.User, it.ID, err)
	}
	cs, cns := split(it.Created)
	rs, rns := nullTime(it.ReadAt)
	if _, err := in.b.write.ExecContext(ctx, `INSERT INTO notify_inbox (user_id, id, title, body, data, created_s, created_ns, read_s, read_ns)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, id) DO NOTHING`,
		it.User, it.ID, it.Title, it.Body, string(data), cs, cns, rs, rns); err != nil {
		return fmt.Errorf("sqlite: inbox of %q: add item %q: %w", it.User, it.ID, err)
	}
	return nil
}

// List implements notify.Inbox. A page's cursor is the sequence number
// of its last item; one that is not a number of an item of the user's
// is refused with notify.ErrBadCursor.
func (in *Inbox) List(ctx context.Context, user string, p notify.Page) (notify.Items, error) {
	if err := in.b.live(ctx); err != nil {
		return notify.Items{}, err
	}
	limit := min(max(p.Limit, 0), 100)
	if limit == 0 {
		limit = 20
	}
	out := notify.Items{Items: []notify.Item{}}
	err := in.b.readTx(ctx, func(tx *sql.Tx) error {
		before := int64(1) << 62
		if p.After != "" {
			c, err := strconv.ParseInt(p.After, 10, 64)
			var n int
			if err == nil && c > 0 {
				err = tx.QueryRowContext(ctx, `SELECT count(*) FROM notify_inbox WHERE user_id = ? AND seq = ?`, user, c).Scan(&n)
				if err != nil {
					return err
				}
			}
			if n == 0 {
				return fmt.Errorf("%w %q", notify.ErrBadCursor, p.After)
			}
			before = c
		}
		q := `SELECT seq, id, title, body, data, created_s, created_ns, read_s, read_ns FROM notify_inbox WHERE user_id = ? AND seq < ?`
		if p.Unread {
			q += ` AND read_s IS NULL`
		}
		rows, err := tx.QueryContext(ctx, q+` ORDER BY seq DESC LIMIT ?`, user, before, limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		var last int64
		for rows.Next() {
			if len(out.Items) == limit {
				out.Next = strconv.FormatInt(last, 10)
				break
			}
			it := notify.Item{User: user}
			var data string
			var cs, cns int64
			var rs, rns sql.NullInt64
			if err := rows.Scan(&last, &it.ID, &it.Title, &it.Body, &data, &cs, &cns, &rs, &rns); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(data), &it.Data); err != nil {
				return fmt.Errorf("item %q: data: %w", it.ID, err)
			}
			it.Created, it.ReadAt = join(cs, cns), joinNull(rs, rns)
			out.Items = append(out.Items, it)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM notify_inbox WHERE user_id = ? AND read_s IS NULL`, user).Scan(&out.Unread)
	})
	if err != nil {
		return notify.Items{}, fmt.Errorf("sqlite: inbox of %q: %w", user, err)
	}
	return out, nil
}

// MarkRead implements notify.Inbox, in one transaction.
func (in *Inbox) MarkRead(ctx context.Context, user string, ids []string, at time.Time) (int, error) {
	if err := in.b.live(ctx); err != nil {
		return 0, err
	}
	s, ns := split(at)
	var n int64
	err := in.b.inTx(ctx, func(tx *sql.Tx) error {
		const mark = `UPDATE notify_inbox SET read_s = ?, read_ns = ? WHERE user_id = ? AND read_s IS NULL`
		if len(ids) == 0 {
			res, err := tx.ExecContext(ctx, mark, s, ns, user)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		}
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, mark+` AND id = ?`, s, ns, user, id)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite: inbox of %q: mark read: %w", user, err)
	}
	return int(n), nil
}

// Unread implements notify.Inbox.
func (in *Inbox) Unread(ctx context.Context, user string) (int, error) {
	if err := in.b.live(ctx); err != nil {
		return 0, err
	}
	var n int
	if err := in.b.read.QueryRowContext(ctx, `SELECT count(*) FROM notify_inbox WHERE user_id = ? AND read_s IS NULL`, user).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: inbox of %q: unread: %w", user, err)
	}
	return n, nil
}

// Add implements notify.Digests: an item already kept under its
// project, user and key changes nothing.
func (d *Digests) Add(ctx context.Context, it notify.DigestItem) error {
	if err := d.b.live(ctx); err != nil {
		return err
	}
	s, ns := split(it.At)
	if _, err := d.b.write.ExecContext(ctx, `INSERT INTO notify_digests (project, user_id, key, project_name, kind, line, at_s, at_ns)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project, user_id, key) DO NOTHING`,
		it.Project, it.User, it.Key, it.ProjectName, string(it.Kind), it.Line, s, ns); err != nil {
		return fmt.Errorf("sqlite: digest of %q for %q: add %q: %w", it.Project, it.User, it.Key, err)
	}
	return nil
}

// Pending implements notify.Digests: the items in the order they were
// added.
func (d *Digests) Pending(ctx context.Context, project, user string, upTo time.Time) ([]notify.DigestItem, error) {
	if err := d.b.live(ctx); err != nil {
		return nil, err
	}
	s, ns := split(upTo)
	rows, err := d.b.read.QueryContext(ctx, `SELECT key, project_name, kind, line, at_s, at_ns FROM notify_digests
		WHERE project = ? AND user_id = ? AND (at_s < ? OR (at_s = ? AND at_ns <= ?)) ORDER BY seq`, project, user, s, s, ns)
	if err != nil {
		return nil, fmt.Errorf("sqlite: digest of %q for %q: %w", project, user, err)
	}
	defer rows.Close()
	var out []notify.DigestItem
	for rows.Next() {
		it := notify.DigestItem{Project: project, User: user}
		var kind string
		var as, ans int64
		if err := rows.Scan(&it.Key, &it.ProjectName, &kind, &it.Line, &as, &ans); err != nil {
			return nil, fmt.Errorf("sqlite: digest of %q for %q: %w", project, user, err)
		}
		it.Kind, it.At = notify.Kind(kind), join(as, ans)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: digest of %q for %q: %w", project, user, err)
	}
	return out, nil
}

// Remove implements notify.Digests, in one transaction.
func (d *Digests) Remove(ctx context.Context, project, user string, keys []string) error {
	if err := d.b.live(ctx); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	err := d.b.inTx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM notify_digests WHERE project = ? AND user_id = ? AND key = ?`, project, user, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: digest of %q for %q: remove %d items: %w", project, user, len(keys), err)
	}
	return nil
}

package postgres

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/critpath/critpath/notify"
)

// Ledger is a notify.Ledger in a Backend's database: every attempt and
// how every message ended, shared by every process on the database and
// kept across restarts, so that a message is neither lost nor sent
// twice to a provider that takes our key. It is safe for concurrent use.
type Ledger struct{ b *Backend }

// Inbox is a notify.Inbox in a Backend's database: the in-app messages
// of every person. It is safe for concurrent use.
type Inbox struct{ b *Backend }

// Digests is notify.Digests in a Backend's database: the items waiting
// for each person's digest of a project. It is safe for concurrent use.
type Digests struct{ b *Backend }

var (
	_ notify.Ledger  = (*Ledger)(nil)
	_ notify.Inbox   = (*Inbox)(nil)
	_ notify.Digests = (*Digests)(nil)
)

// NewLedger returns the ledger kept in b's database.
func NewLedger(b *Backend) *Ledger { return &Ledger{b} }

// NewInbox returns the inbox kept in b's database.
func NewInbox(b *Backend) *Inbox { return &Inbox{b} }

// NewDigests returns the digests kept in b's database.
func NewDigests(b *Backend) *Digests { return &Digests{b} }

// stampNull is stamp for a nullable pair of columns: NULL for the zero
// time.
func stampNull(t time.Time) (*time.Time, *int16) {
	if t.IsZero() {
		return nil, nil
	}
	at, ns := stamp(t)
	return &at, &ns
}

// unstampNull is stampNull's inverse.
func unstampNull(t *time.Time, ns *int16) time.Time {
	if t == nil {
		return time.Time{}
	}
	return unstamp(*t, *ns)
}

// recordSQL ends the latest pending attempt of the key, provider and
// try ($14: the attempt has ended), or, when there is none, adds the
// attempt: one statement, so that of two writers of the same end one
// replaces the pending attempt and the other adds another.
const recordSQL = `
WITH u AS (
	UPDATE notify_attempts SET at = $4, at_ns = $5, done = $6, done_ns = $7, accepted = $8, receipt = $9,
		class = $10, error = $11, retry_after_ns = $12, duplicate_possible = $13
	WHERE $14::boolean AND id = (SELECT id FROM notify_attempts
		WHERE key = $1 AND provider = $2 AND try = $3 AND done IS NULL ORDER BY id DESC LIMIT 1 FOR UPDATE)
	RETURNING id)
INSERT INTO notify_attempts (key, provider, try, at, at_ns, done, done_ns, accepted, receipt, class, error,
	retry_after_ns, duplicate_possible)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 WHERE NOT EXISTS (SELECT 1 FROM u)`

// Record implements notify.Ledger.
func (l *Ledger) Record(ctx context.Context, a notify.Attempt) error {
	at, atNS := stamp(a.At)
	done, doneNS := stampNull(a.Done)
	if _, err := l.b.pool.Exec(ctx, recordSQL, a.Key, a.Provider, a.Try, at, atNS, done, doneNS, a.Accepted, a.Receipt,
		int16(a.Class), a.Err, int64(a.RetryAfter), a.DuplicatePossible, !a.Done.IsZero()); err != nil {
		return fmt.Errorf("postgres: notify ledger: message %q: attempt %d of %s: %w", a.Key, a.Try, a.Provider, err)
	}
	return nil
}

// Settle implements notify.Ledger: the first settlement of a key stands.
func (l *Ledger) Settle(ctx context.Context, d notify.Delivery) error {
	at, ns := stamp(d.At)
	if _, err := l.b.pool.Exec(ctx, `INSERT INTO notify_deliveries (key, user_id, project, kind, severity, channel,
		to_address, state, provider, reason, at, at_ns, tries, duplicate_possible)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (key) DO NOTHING`,
		d.Key, d.User, d.Project, string(d.Kind), int16(d.Severity), string(d.Channel), d.To, int16(d.State), d.Provider,
		d.Reason, at, ns, d.Tries, d.DuplicatePossible); err != nil {
		return fmt.Errorf("postgres: notify ledger: message %q: settle as %v: %w", d.Key, d.State, err)
	}
	return nil
}

// Lookup implements notify.Ledger.
func (l *Ledger) Lookup(ctx context.Context, key string) (notify.Record, error) {
	var r notify.Record
	err := pgx.BeginTxFunc(ctx, l.b.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT provider, try, at, at_ns, done, done_ns, accepted, receipt, class, error,
			retry_after_ns, duplicate_possible FROM notify_attempts WHERE key = $1 ORDER BY id`, key)
		if err != nil {
			return err
		}
		r.Attempts, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (notify.Attempt, error) {
			a := notify.Attempt{Key: key}
			var at time.Time
			var done *time.Time
			var atNS int16
			var doneNS *int16
			var class int16
			var retry int64
			err := row.Scan(&a.Provider, &a.Try, &at, &atNS, &done, &doneNS, &a.Accepted, &a.Receipt, &class, &a.Err,
				&retry, &a.DuplicatePossible)
			a.At, a.Done, a.Class, a.RetryAfter = unstamp(at, atNS), unstampNull(done, doneNS), notify.Class(class), time.Duration(retry)
			return a, err
		})
		if err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT `+deliveryColumns+` FROM notify_deliveries WHERE key = $1`, key)
		if err != nil {
			return err
		}
		ds, err := pgx.CollectRows(rows, scanDelivery)
		if len(ds) > 0 {
			r.Delivery = &ds[0]
		}
		return err
	})
	if err != nil {
		return notify.Record{}, fmt.Errorf("postgres: notify ledger: message %q: %w", key, err)
	}
	return r, nil
}

// deliveryColumns are the columns scanDelivery reads, in its order.
const deliveryColumns = `key, user_id, project, kind, severity, channel, to_address, state, provider, reason, at, at_ns, tries, duplicate_possible`

func scanDelivery(row pgx.CollectableRow) (notify.Delivery, error) {
	var d notify.Delivery
	var kind, channel string
	var severity, state, ns int16
	var at time.Time
	err := row.Scan(&d.Key, &d.User, &d.Project, &kind, &severity, &channel, &d.To, &state, &d.Provider, &d.Reason,
		&at, &ns, &d.Tries, &d.DuplicatePossible)
	d.Kind, d.Severity, d.Channel, d.State, d.At = notify.Kind(kind), notify.Severity(severity), notify.Channel(channel), notify.State(state), unstamp(at, ns)
	return d, err
}

// Deliveries returns the settled messages in the order they ended,
// those in states (all when none is given).
func (l *Ledger) Deliveries(ctx context.Context, states ...notify.State) ([]notify.Delivery, error) {
	want := make([]int16, len(states))
	for i, s := range states {
		want[i] = int16(s)
	}
	rows, err := l.b.pool.Query(ctx, `SELECT `+deliveryColumns+` FROM notify_deliveries
		WHERE cardinality($1::smallint[]) = 0 OR state = ANY($1) ORDER BY seq`, want)
	if err != nil {
		return nil, fmt.Errorf("postgres: notify ledger: deliveries: %w", err)
	}
	ds, err := pgx.CollectRows(rows, scanDelivery)
	if err != nil {
		return nil, fmt.Errorf("postgres: notify ledger: deliveries: %w", err)
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
		return fmt.Errorf("postgres: inbox item without an ID or a user: %w", notify.ErrInvalid)
	}
	created, cns := stamp(it.Created)
	read, rns := stampNull(it.ReadAt)
	var data any // NULL for no data
	if it.Data != nil {
		data = it.Data
	}
	if _, err := in.b.pool.Exec(ctx, `INSERT INTO notify_inbox (user_id, id, title, body, data, created, created_ns, read_at, read_ns)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (user_id, id) DO NOTHING`,
		it.User, it.ID, it.Title, it.Body, data, created, cns, read, rns); err != nil {
		return fmt.Errorf("postgres: inbox of %q: add item %q: %w", it.User, it.ID, err)
	}
	return nil
}

// List implements notify.Inbox. A page's cursor is the sequence number
// of its last item; one that is not a number of an item of the user's
// is refused with notify.ErrBadCursor.
func (in *Inbox) List(ctx context.Context, user string, p notify.Page) (notify.Items, error) {
	limit := min(max(p.Limit, 0), 100)
	if limit == 0 {
		limit = 20
	}
	out := notify.Items{Items: []notify.Item{}}
	err := pgx.BeginTxFunc(ctx, in.b.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		before := int64(1) << 62
		if p.After != "" {
			c, err := strconv.ParseInt(p.After, 10, 64)
			ok := false
			if err == nil && c > 0 {
				if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM notify_inbox WHERE user_id = $1 AND seq = $2)`, user, c).Scan(&ok); err != nil {
					return err
				}
			}
			if !ok {
				return fmt.Errorf("%w %q", notify.ErrBadCursor, p.After)
			}
			before = c
		}
		rows, err := tx.Query(ctx, `SELECT seq, id, title, body, data, created, created_ns, read_at, read_ns FROM notify_inbox
			WHERE user_id = $1 AND seq < $2 AND (NOT $3 OR read_at IS NULL) ORDER BY seq DESC LIMIT $4`, user, before, p.Unread, limit+1)
		if err != nil {
			return err
		}
		var seqs []int64
		out.Items, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (notify.Item, error) {
			it := notify.Item{User: user}
			var seq int64
			var created time.Time
			var cns int16
			var read *time.Time
			var rns *int16
			err := row.Scan(&seq, &it.ID, &it.Title, &it.Body, &it.Data, &created, &cns, &read, &rns)
			it.Created, it.ReadAt = unstamp(created, cns), unstampNull(read, rns)
			seqs = append(seqs, seq)
			return it, err
		})
		if err != nil {
			return err
		}
		if len(out.Items) > limit {
			out.Items, out.Next = out.Items[:limit], strconv.FormatInt(seqs[limit-1], 10)
		}
		if out.Items == nil {
			out.Items = []notify.Item{}
		}
		return tx.QueryRow(ctx, `SELECT count(*) FROM notify_inbox WHERE user_id = $1 AND read_at IS NULL`, user).Scan(&out.Unread)
	})
	if err != nil {
		return notify.Items{}, fmt.Errorf("postgres: inbox of %q: %w", user, err)
	}
	return out, nil
}

// MarkRead implements notify.Inbox, in one statement.
func (in *Inbox) MarkRead(ctx context.Context, user string, ids []string, at time.Time) (int, error) {
	read, ns := stamp(at)
	if ids == nil {
		ids = []string{}
	}
	tag, err := in.b.pool.Exec(ctx, `UPDATE notify_inbox SET read_at = $2, read_ns = $3
		WHERE user_id = $1 AND read_at IS NULL AND (cardinality($4::text[]) = 0 OR id = ANY($4))`, user, read, ns, ids)
	if err != nil {
		return 0, fmt.Errorf("postgres: inbox of %q: mark read: %w", user, err)
	}
	return int(tag.RowsAffected()), nil
}

// Unread implements notify.Inbox.
func (in *Inbox) Unread(ctx context.Context, user string) (int, error) {
	var n int
	if err := in.b.pool.QueryRow(ctx, `SELECT count(*) FROM notify_inbox WHERE user_id = $1 AND read_at IS NULL`, user).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: inbox of %q: unread: %w", user, err)
	}
	return n, nil
}

// Add implements notify.Digests: an item already kept under its
// project, user and key changes nothing.
func (d *Digests) Add(ctx context.Context, it notify.DigestItem) error {
	at, ns := stamp(it.At)
	if _, err := d.b.pool.Exec(ctx, `INSERT INTO notify_digests (project, user_id, key, project_name, kind, line, at, at_ns)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (project, user_id, key) DO NOTHING`,
		it.Project, it.User, it.Key, it.ProjectName, string(it.Kind), it.Line, at, ns); err != nil {
		return fmt.Errorf("postgres: digest of %q for %q: add %q: %w", it.Project, it.User, it.Key, err)
	}
	return nil
}

// Pending implements notify.Digests: the items in the order they were
// added.
func (d *Digests) Pending(ctx context.Context, project, user string, upTo time.Time) ([]notify.DigestItem, error) {
	at, ns := stamp(upTo)
	rows, err := d.b.pool.Query(ctx, `SELECT key, project_name, kind, line, at, at_ns FROM notify_digests
		WHERE project = $1 AND user_id = $2 AND (at, at_ns) <= ($3, $4) ORDER BY seq`, project, user, at, ns)
	if err != nil {
		return nil, fmt.Errorf("postgres: digest of %q for %q: %w", project, user, err)
	}
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (notify.DigestItem, error) {
		it := notify.DigestItem{Project: project, User: user}
		var kind string
		var at time.Time
		var ns int16
		err := row.Scan(&it.Key, &it.ProjectName, &kind, &it.Line, &at, &ns)
		it.Kind, it.At = notify.Kind(kind), unstamp(at, ns)
		return it, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: digest of %q for %q: %w", project, user, err)
	}
	return items, nil
}

// Remove implements notify.Digests, in one statement.
func (d *Digests) Remove(ctx context.Context, project, user string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	if _, err := d.b.pool.Exec(ctx, `DELETE FROM notify_digests WHERE project = $1 AND user_id = $2 AND key = ANY($3)`,
		project, user, keys); err != nil {
		return fmt.Errorf("postgres: digest of %q for %q: remove %d items: %w", project, user, len(keys), err)
	}
	return nil
}

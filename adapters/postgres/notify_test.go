package postgres

import (
	"reflect"
	"testing"
	"time"

	"github.com/critpath/critpath/notify"
	"github.com/critpath/critpath/notify/notifytest"
)

func TestNotifyConformance(t *testing.T) {
	t.Run("Ledger", func(t *testing.T) {
		notifytest.RunLedger(t, func(t *testing.T) notify.Ledger { return NewLedger(open(t, Config{})) })
	})
	t.Run("Inbox", func(t *testing.T) {
		notifytest.RunInbox(t, func(t *testing.T) notify.Inbox { return NewInbox(open(t, Config{})) })
	})
	t.Run("Digests", func(t *testing.T) {
		notifytest.RunDigests(t, func(t *testing.T) notify.Digests { return NewDigests(open(t, Config{})) })
	})
}

// reopening closes its connections and opens new ones before every
// call, so that the suites, run on it, see only what the database kept.
type reopening struct {
	t    *testing.T
	conn string
	b    *Backend
}

func newReopening(t *testing.T) *reopening {
	r := &reopening{t: t, conn: cluster.Database(t)}
	if err := Migrate(t.Context(), pool(t, r.conn)); err != nil {
		t.Fatal(err)
	}
	return r
}

// backend closes the connections, when open, and opens new ones on a
// Backend that only talks to the database (no refreshing goroutine);
// the fresh store calling it holds its own lock.
func (r *reopening) backend() *Backend {
	if r.b != nil {
		r.b.pool.Close()
	}
	r.b = &Backend{pool: pool(r.t, r.conn)}
	return r.b
}

// TestNotifyDurable runs the suites with the connections closed and new
// ones opened before every call.
func TestNotifyDurable(t *testing.T) {
	if testing.Short() {
		t.Skip("connects for every call")
	}
	notifytest.RunFresh(t, func(t *testing.T) func() *Backend { return newReopening(t).backend }, NewLedger, NewInbox, NewDigests)
}

// TestNotifyDeadLetters reads the settled messages back by state, in
// the order they ended.
func TestNotifyDeadLetters(t *testing.T) {
	l := NewLedger(open(t, Config{}))
	ctx := t.Context()
	at := time.Date(2027, 7, 12, 4, 0, 0, 123456789, time.UTC)
	for i, d := range []notify.Delivery{
		{Key: "a", State: notify.Delivered, At: at},
		{Key: "b", State: notify.Dead, Reason: "every provider refused", At: at},
		{Key: "c", State: notify.Unconfirmed, At: at},
		{Key: "b", State: notify.Delivered, At: at}, // b stays dead
		{Key: "d", State: notify.Dead, Reason: "bad number", At: at},
	} {
		if err := l.Settle(ctx, d); err != nil {
			t.Fatalf("settlement %d: %v", i, err)
		}
	}
	keys := func(ds []notify.Delivery, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range ds {
			if !d.At.Equal(at) {
				t.Errorf("%s settled at %v, want %v (to the nanosecond)", d.Key, d.At, at)
			}
			out = append(out, d.Key)
		}
		return out
	}
	for _, c := range []struct {
		got, want []string
	}{
		{keys(l.DeadLetters(ctx)), []string{"b", "c", "d"}},
		{keys(l.Deliveries(ctx)), []string{"a", "b", "c", "d"}},
		{keys(l.Deliveries(ctx, notify.Delivered)), []string{"a"}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("got %v, want %v", c.got, c.want)
		}
	}
}

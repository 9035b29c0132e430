package sqlite

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/critpath/critpath/notify"
	"github.com/critpath/critpath/notify/notifytest"
	"github.com/critpath/critpath/store"
)

func TestNotifyConformance(t *testing.T) {
	t.Run("Ledger", func(t *testing.T) {
		notifytest.RunLedger(t, func(t *testing.T) notify.Ledger { return NewLedger(fresh(t).(*Backend)) })
	})
	t.Run("Inbox", func(t *testing.T) {
		notifytest.RunInbox(t, func(t *testing.T) notify.Inbox { return NewInbox(fresh(t).(*Backend)) })
	})
	t.Run("Digests", func(t *testing.T) {
		notifytest.RunDigests(t, func(t *testing.T) notify.Digests { return NewDigests(fresh(t).(*Backend)) })
	})
}

// reopening closes its file and opens it again before every call, so
// that the suites, run on it, see only what survived a close.
type reopening struct {
	t    *testing.T
	path string
	b    *Backend
}

func newReopening(t *testing.T) *reopening {
	r := &reopening{t: t, path: filepath.Join(t.TempDir(), "notify.db")}
	t.Cleanup(func() {
		if r.b != nil {
			r.b.Close()
		}
	})
	return r
}

// backend closes the file, when open, and opens it again; the fresh store calling it holds its own lock.
func (r *reopening) backend() *Backend {
	if r.b != nil {
		require.NoError(r.t, r.b.Close())
	}
	b, err := Open(r.path, Config{})
	require.NoError(r.t, err)
	r.b = b
	return b
}

// TestNotifyDurable runs the suites on a file closed and opened again
// before every call: whatever a call wrote, the next one reads from the
// file alone.
func TestNotifyDurable(t *testing.T) {
	if testing.Short() {
		t.Skip("opens the file for every call")
	}
	notifytest.RunFresh(t, func(t *testing.T) func() *Backend { return newReopening(t).backend }, NewLedger, NewInbox, NewDigests)
}

// TestNotifyDeadLetters reads the settled messages back by state, in
// the order they ended, and sees every call fail once the backend is
// closed.
func TestNotifyDeadLetters(t *testing.T) {
	b := open(t, filepath.Join(t.TempDir(), "notify.db"), Config{})
	l := NewLedger(b)
	ctx := t.Context()
	for i, d := range []notify.Delivery{
		{Key: "a", State: notify.Delivered, At: at},
		{Key: "b", State: notify.Dead, Reason: "every provider refused", At: at},
		{Key: "c", State: notify.Unconfirmed, At: at},
		{Key: "b", State: notify.Delivered, At: at}, // b stays dead
		{Key: "d", State: notify.Dead, Reason: "bad number", At: at},
	} {
		require.NoError(t, l.Settle(ctx, d), "settlement %d", i)
	}
	keys := func(ds []notify.Delivery, err error) []string {
		require.NoError(t, err)
		var out []string
		for _, d := range ds {
			out = append(out, d.Key)
		}
		return out
	}
	require.Equal(t, []string{"b", "c", "d"}, keys(l.DeadLetters(ctx)))
	require.Equal(t, []string{"a", "b", "c", "d"}, keys(l.Deliveries(ctx)))
	require.Equal(t, []string{"a"}, keys(l.Deliveries(ctx, notify.Delivered)))

	require.NoError(t, b.Close())
	for name, err := range map[string]error{
		"Record":   l.Record(ctx, notify.Attempt{Key: "e"}),
		"Settle":   l.Settle(ctx, notify.Delivery{Key: "e"}),
		"Add":      NewInbox(b).Add(ctx, notify.Item{ID: "e", User: "rahim"}),
		"Digest":   NewDigests(b).Add(ctx, notify.DigestItem{Key: "e"}),
		"Pending":  func() error { _, err := NewDigests(b).Pending(ctx, "p", "u", at); return err }(),
		"MarkRead": func() error { _, err := NewInbox(b).MarkRead(ctx, "u", nil, at); return err }(),
	} {
		require.True(t, errors.Is(err, store.ErrClosed), "%s after Close: %v", name, err)
	}
}

package notifytest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/notify"
)

// A fresh store makes a new implementation for every call (mk reopens a
// file or opens new connections), one call at a time: run through the
// suites, it shows that what a call wrote, the next reads from storage
// alone.

// FreshLedger is a Ledger that calls mk for each call.
func FreshLedger(mk func() notify.Ledger) notify.Ledger { return &freshLedger{mk: mk} }

// FreshInbox is an Inbox that calls mk for each call.
func FreshInbox(mk func() notify.Inbox) notify.Inbox { return &freshInbox{mk: mk} }

// FreshDigests is Digests that calls mk for each call.
func FreshDigests(mk func() notify.Digests) notify.Digests { return &freshDigests{mk: mk} }

type freshLedger struct {
	mu sync.Mutex
	mk func() notify.Ledger
}

func (f *freshLedger) Record(ctx context.Context, a notify.Attempt) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mk().Record(ctx, a)
}

func (f *freshLedger) Settle(ctx context.Context, d notify.Delivery) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mk().Settle(ctx, d)
}

func (f *freshLedger) Lookup(ctx context.Context, key string) (notify.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mk().Lookup(ctx, key)
}

type freshInbox struct {
	mu sync.Mutex
	mk func() notify.Inbox
}

func (f *freshInbox) Add(ctx context.Context, it notify.Item) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mk().Add(ctx, it)
}

func (f *freshInbox) List(ctx context.Context, user string, p notify.Page) (notify.Items, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mk().List(ctx, user, p)
}

func (f *freshInbox) MarkRead(ctx context.Context, user string, ids []string, at time.Time) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mk().MarkRead(ctx, user, ids, at)
}

func (f *freshInbox) Unread(ctx context.Context, user string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mk().Unread(ctx, user)
}

type freshDigests struct {
	mu sync.Mutex
	mk func() notify.Digests
}

func (f *freshDigests) Add(ctx context.Context, it notify.DigestItem) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mk().Add(ctx, it)
}

func (f *freshDigests) Pending(ctx context.Context, project, user string, upTo time.Time) ([]notify.DigestItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mk().Pending(ctx, project, user, upTo)
}

func (f *freshDigests) Remove(ctx context.Context, project, user string, keys []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mk().Remove(ctx, project, user, keys)
}

// RunFresh runs RunLedger, RunInbox and RunDigests on a storage whose
// implementations are made again, by ledger, inbox and digests, from
// the backend that open's function returns before every call — closed
// and opened again, as a restart does — so that each call reads only
// what earlier calls stored. open is called once per test.
func RunFresh[B any, L notify.Ledger, I notify.Inbox, D notify.Digests](t *testing.T, open func(t *testing.T) func() B,
	ledger func(B) L, inbox func(B) I, digests func(B) D) {
	t.Run("Ledger", func(t *testing.T) {
		RunLedger(t, func(t *testing.T) notify.Ledger {
			b := open(t)
			return FreshLedger(func() notify.Ledger { return ledger(b()) })
		})
	})
	t.Run("Inbox", func(t *testing.T) {
		RunInbox(t, func(t *testing.T) notify.Inbox {
			b := open(t)
			return FreshInbox(func() notify.Inbox { return inbox(b()) })
		})
	})
	t.Run("Digests", func(t *testing.T) {
		RunDigests(t, func(t *testing.T) notify.Digests {
			b := open(t)
			return FreshDigests(func() notify.Digests { return digests(b()) })
		})
	})
}

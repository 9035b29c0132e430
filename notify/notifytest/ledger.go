package notifytest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/notify"
)

// OpenLedger returns a fresh, empty ledger for one test.
type OpenLedger func(t *testing.T) notify.Ledger

// sameAttempt reports whether a and b are the same attempt, times
// compared with Equal.
func sameAttempt(a, b notify.Attempt) bool {
	ta, tb := a.At, a.Done
	a.At, a.Done = time.Time{}, time.Time{}
	ua, ub := b.At, b.Done
	b.At, b.Done = time.Time{}, time.Time{}
	return a == b && ta.Equal(ua) && tb.Equal(ub)
}

func sameDelivery(a, b notify.Delivery) bool {
	ta, tb := a.At, b.At
	a.At, b.At = time.Time{}, time.Time{}
	return a == b && ta.Equal(tb)
}

func lookup(t *testing.T, l notify.Ledger, key string) notify.Record {
	t.Helper()
	r, err := l.Lookup(t.Context(), key)
	if err != nil {
		t.Fatalf("Lookup(%q): %v", key, err)
	}
	return r
}

func record(t *testing.T, l notify.Ledger, a notify.Attempt) {
	t.Helper()
	if err := l.Record(t.Context(), a); err != nil {
		t.Fatalf("Record(%+v): %v", a, err)
	}
}

func settle(t *testing.T, l notify.Ledger, d notify.Delivery) {
	t.Helper()
	if err := l.Settle(t.Context(), d); err != nil {
		t.Fatalf("Settle(%+v): %v", d, err)
	}
}

func wantAttempts(t *testing.T, got, want []notify.Attempt) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d attempts, want %d:\n got %+v\nwant %+v", len(got), len(want), got, want)
	}
	for i := range got {
		if !sameAttempt(got[i], want[i]) {
			t.Errorf("attempt %d\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// RunLedger runs the conformance suite of notify.Ledger.
func RunLedger(t *testing.T, open OpenLedger) {
	t.Run("UnknownKey", func(t *testing.T) {
		l := open(t)
		r := lookup(t, l, "nothing")
		if len(r.Attempts) != 0 || r.Delivery != nil {
			t.Errorf("Lookup of an unknown key = %+v, want an empty record", r)
		}
	})
	t.Run("AttemptFieldsRoundTrip", func(t *testing.T) {
		l := open(t)
		a := notify.Attempt{Key: "k1", Provider: "sslwireless", Try: 3, At: minute(1), Done: minute(2),
			Accepted: false, Receipt: "r-9", Class: notify.Retryable, Err: "503 Service Unavailable",
			RetryAfter: 90 * time.Second, DuplicatePossible: true}
		b := notify.Attempt{Key: "k1", Provider: "twilio", Try: 3, At: minute(3), Done: minute(4), Accepted: true, Receipt: "SM123"}
		record(t, l, a)
		record(t, l, b)
		wantAttempts(t, lookup(t, l, "k1").Attempts, []notify.Attempt{a, b})
	})
	t.Run("DoneReplacesItsPendingAttempt", func(t *testing.T) {
		l := open(t)
		pending := []notify.Attempt{
			{Key: "k", Provider: "resend", Try: 1, At: minute(0)},
			{Key: "k", Provider: "sendgrid", Try: 1, At: minute(1)},
			{Key: "k", Provider: "resend", Try: 2, At: minute(2)},
		}
		for _, a := range pending {
			record(t, l, a)
		}
		r := lookup(t, l, "k")
		for i, a := range r.Attempts {
			if !a.Pending() {
				t.Errorf("attempt %d recorded before its call is not pending: %+v", i, a)
			}
		}
		// The end of resend's first try replaces that one, not the
		// second try's nor sendgrid's.
		done := notify.Attempt{Key: "k", Provider: "resend", Try: 1, At: minute(0), Done: minute(5), Class: notify.Unknown, Err: "timeout"}
		record(t, l, done)
		want := []notify.Attempt{done, pending[1], pending[2]}
		wantAttempts(t, lookup(t, l, "k").Attempts, want)
		// Its end again finds no pending attempt of that try: a new one.
		again := done
		again.Done = minute(6)
		record(t, l, again)
		want = append(want, again)
		wantAttempts(t, lookup(t, l, "k").Attempts, want)
	})
	t.Run("DoneWithoutPendingIsAppended", func(t *testing.T) {
		l := open(t)
		a := notify.Attempt{Key: "k", Provider: "fcm", Try: 1, At: minute(0), Done: minute(1), Accepted: true, Receipt: "m1"}
		record(t, l, a)
		wantAttempts(t, lookup(t, l, "k").Attempts, []notify.Attempt{a})
	})
	t.Run("LatestPendingOfSeveralIsReplaced", func(t *testing.T) {
		// A worker that stopped mid-call leaves a pending attempt; the
		// same try run again records a second one, and its end is the
		// second's.
		l := open(t)
		first := notify.Attempt{Key: "k", Provider: "twilio", Try: 1, At: minute(0)}
		second := notify.Attempt{Key: "k", Provider: "twilio", Try: 1, At: minute(3)}
		record(t, l, first)
		record(t, l, second)
		done := notify.Attempt{Key: "k", Provider: "twilio", Try: 1, At: minute(3), Done: minute(4), Accepted: true}
		record(t, l, done)
		wantAttempts(t, lookup(t, l, "k").Attempts, []notify.Attempt{first, done})
	})
	t.Run("FirstSettlementStands", func(t *testing.T) {
		l := open(t)
		d := notify.Delivery{Key: "k", User: "rahim", Project: "tower", Kind: notify.DeadlinePast, Severity: notify.High,
			Channel: notify.SMS, To: "+8801712345678", State: notify.Dead, Provider: "bulksmsbd",
			Reason: "refused by every provider", At: minute(10), Tries: 8, DuplicatePossible: true}
		settle(t, l, d)
		later := d
		later.State, later.Reason, later.At, later.Tries = notify.Delivered, "", minute(20), 9
		settle(t, l, later)
		r := lookup(t, l, "k")
		if r.Delivery == nil || !sameDelivery(*r.Delivery, d) {
			t.Errorf("settled\n got %+v\nwant %+v", r.Delivery, d)
		}
		if len(r.Attempts) != 0 {
			t.Errorf("a settlement without attempts has attempts %+v", r.Attempts)
		}
	})
	t.Run("SettleKeepsAttempts", func(t *testing.T) {
		l := open(t)
		a := notify.Attempt{Key: "k", Provider: "resend", Try: 1, At: minute(0), Done: minute(1), Accepted: true, Receipt: "re_1"}
		record(t, l, a)
		d := notify.Delivery{Key: "k", Channel: notify.Email, State: notify.Delivered, Provider: "resend", At: minute(1), Tries: 1}
		settle(t, l, d)
		// An attempt recorded after the settlement is kept too.
		b := notify.Attempt{Key: "k", Provider: "resend", Try: 2, At: minute(2)}
		record(t, l, b)
		r := lookup(t, l, "k")
		wantAttempts(t, r.Attempts, []notify.Attempt{a, b})
		if r.Delivery == nil || !sameDelivery(*r.Delivery, d) {
			t.Errorf("settled\n got %+v\nwant %+v", r.Delivery, d)
		}
	})
	t.Run("KeysApart", func(t *testing.T) {
		l := open(t)
		record(t, l, notify.Attempt{Key: "a", Provider: "p", Try: 1, At: minute(0)})
		settle(t, l, notify.Delivery{Key: "a", State: notify.Unconfirmed, At: minute(1)})
		b := notify.Attempt{Key: "b", Provider: "p", Try: 1, At: minute(0), Done: minute(1)}
		record(t, l, b)
		r := lookup(t, l, "b")
		wantAttempts(t, r.Attempts, []notify.Attempt{b})
		if r.Delivery != nil {
			t.Errorf("b has a's settlement: %+v", r.Delivery)
		}
		if r := lookup(t, l, "a"); len(r.Attempts) != 1 || r.Delivery == nil || r.Delivery.State != notify.Unconfirmed {
			t.Errorf("a = %+v", r)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		l := open(t)
		const workers, each = 4, 10
		errs := make(chan error, workers*each*2)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					key := fmt.Sprintf("k%d", i)
					a := notify.Attempt{Key: key, Provider: fmt.Sprintf("p%d", w), Try: 1, At: minute(i)}
					errs <- l.Record(t.Context(), a)
					a.Done = minute(i + 1)
					errs <- l.Record(t.Context(), a)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		for i := range each {
			r := lookup(t, l, fmt.Sprintf("k%d", i))
			if len(r.Attempts) != workers {
				t.Errorf("k%d: %d attempts, want %d", i, len(r.Attempts), workers)
			}
			for _, a := range r.Attempts {
				if a.Pending() {
					t.Errorf("k%d: an ended attempt still pending: %+v", i, a)
				}
			}
		}
	})
}

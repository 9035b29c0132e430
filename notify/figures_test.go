package notify

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The figures of issue 22, each on a simulated clock with in-process
// fake providers (the adapters' own fake servers are their tests').
// go test ./notify -run Figure -v prints them.

// phone returns the i-th of a range of Grameenphone numbers.
func phone(i int) string { return fmt.Sprintf("0171%07d", i) }

// TestFigureFailover: the primary SMS provider answers 503 to everything
// for 10 simulated minutes while the secondary is healthy; 10,000
// notifications, one every 60 ms through those minutes, are all
// delivered through the secondary in their first try, the primary's
// breaker opening after 5 consecutive failures; once the primary is
// back, a probe closes the breaker and traffic returns to it.
func TestFigureFailover(t *testing.T) {
	const n = 10_000
	var r *rig
	now := func() time.Time { return r.sim.Now() }
	primary := newFake("sslwireless", now, down("sslwireless", simStart, 10*time.Minute))
	secondary := newFake("bulksmsbd", now, nil)
	r = newRig(t, Config{Providers: map[Channel][]Provider{SMS: {primary, secondary}}})
	for i := range n {
		r.sendAt(t, simStart.Add(time.Duration(i)*60*time.Millisecond), announcement(fmt.Sprintf("n%d", i), Critical, phone(i)))
	}
	// 100 more after the outage.
	for i := range 100 {
		r.sendAt(t, simStart.Add(11*time.Minute+time.Duration(i)*time.Second), announcement(fmt.Sprintf("after%d", i), Critical, phone(n+i)))
	}
	r.sim.Run(simStart.Add(time.Hour))

	delivered := r.ledger.Deliveries(Delivered)
	if len(delivered) != n+100 || len(r.ledger.DeadLetters()) != 0 || r.sim.Pending() != 0 {
		t.Fatalf("%d delivered, %d dead letters, %d pending; want %d, 0, 0", len(delivered), len(r.ledger.DeadLetters()), r.sim.Pending(), n+100)
	}
	late := 0
	for _, dl := range delivered {
		if dl.Tries != 1 {
			late++
		}
	}
	if late != 0 {
		t.Errorf("%d messages needed more than one try", late)
	}
	// The breaker opened after the 5th consecutive failure: the first
	// five notifications (0–240 ms) each tried the primary, the sixth
	// call came only with the first probe, 30 s later.
	if len(primary.times) < 6 || primary.times[4].Sub(simStart) > 240*time.Millisecond || primary.times[5].Sub(simStart) < 30*time.Second {
		t.Errorf("primary calls at %v…; want 5 in the first 240 ms, the next after 30 s", primary.times[:min(6, len(primary.times))])
	}
	during := 0
	for _, c := range primary.times {
		if c.Before(simStart.Add(10 * time.Minute)) {
			during++
		}
	}
	viaSecondary, _ := secondary.total()
	viaPrimary, _ := primary.total()
	if viaSecondary < n || viaPrimary == 0 {
		t.Errorf("delivered %d through the secondary, %d through the primary; want ≥ %d and > 0", viaSecondary, viaPrimary, n)
	}
	t.Logf("failover: %d of %d delivered (%d via the secondary, %d via the primary after it came back), 0 lost, all in their first try; "+
		"the primary was called %d times during the 10-minute outage (5 before its breaker opened, then one probe per cooldown)",
		len(delivered), n+100, viaSecondary, viaPrimary, during)
}

// TestFigureOutage: every SMS provider is down for 30 simulated minutes,
// then back. Each message is tried at least 8 times over at least 30
// minutes from the outbox and delivered once the providers recover;
// with a budget shorter than the outage, every message is in the
// dead-letter record with its reason. Nothing is dropped silently.
func TestFigureOutage(t *testing.T) {
	const n = 1_000
	setup := func(policy DeliveryPolicy) (*rig, []*fake) {
		var r *rig
		now := func() time.Time { return r.sim.Now() }
		var fakes []*fake
		for _, name := range []string{"sslwireless", "bulksmsbd", "twilio"} {
			fakes = append(fakes, newFake(name, now, down(name, simStart, 30*time.Minute)))
		}
		r = newRig(t, Config{Providers: map[Channel][]Provider{SMS: {fakes[0], fakes[1], fakes[2]}}, Policy: policy})
		for i := range n {
			r.sendAt(t, simStart.Add(time.Duration(i)*100*time.Millisecond), announcement(fmt.Sprintf("n%d", i), Critical, phone(i)))
		}
		return r, fakes
	}

	t.Run("recovered", func(t *testing.T) {
		r, fakes := setup(DeliveryPolicy{})
		r.sim.Run(simStart.Add(3 * time.Hour))
		delivered := r.ledger.Deliveries(Delivered)
		if len(delivered) != n || len(r.ledger.DeadLetters()) != 0 {
			t.Fatalf("%d delivered, %d dead letters; want %d, 0", len(delivered), len(r.ledger.DeadLetters()), n)
		}
		minTries, minSpan, maxSpan := 1<<30, time.Duration(1<<62), time.Duration(0)
		for _, dl := range delivered {
			i := 0
			fmt.Sscanf(dl.Key, "n%d", &i)
			span := dl.At.Sub(simStart.Add(time.Duration(i) * 100 * time.Millisecond))
			minTries, minSpan, maxSpan = min(minTries, dl.Tries), min(minSpan, span), max(maxSpan, span)
		}
		if minTries < 8 || minSpan < 30*time.Minute-100*time.Second {
			t.Errorf("fewest tries %d, shortest time to delivery %v; want ≥ 8 tries and about 30 minutes", minTries, minSpan)
		}
		calls := 0
		for _, f := range fakes {
			calls += f.calls
		}
		t.Logf("outage: %d of %d delivered after the 30-minute outage, each after %d tries or more, %v to %v after it was sent; "+
			"%d provider calls in all (the breakers keep the rest from calling), 0 dead letters",
			len(delivered), n, minTries, minSpan.Round(time.Second), maxSpan.Round(time.Second), calls)
	})

	t.Run("budget", func(t *testing.T) {
		r, _ := setup(DeliveryPolicy{MaxAge: 20 * time.Minute})
		r.sim.Run(simStart.Add(3 * time.Hour))
		dead := r.ledger.DeadLetters()
		delivered := r.ledger.Deliveries(Delivered)
		if len(dead)+len(delivered) != n || len(dead) != n || r.sim.Pending() != 0 {
			t.Fatalf("%d dead, %d delivered, %d pending; want %d dead", len(dead), len(delivered), r.sim.Pending(), n)
		}
		for _, dl := range dead {
			if dl.State != Dead || dl.Reason == "" {
				t.Fatalf("dead letter without a reason: %+v", dl)
			}
		}
		t.Logf("outage past the budget (20 minutes): %d of %d in the dead-letter record, e.g. %q", len(dead), n, dead[0].Reason)
	})
}

// TestFigureDedupe: 10,000 idempotency keys, each sent 3 times within 24
// hours, make exactly 10,000 provider calls.
func TestFigureDedupe(t *testing.T) {
	const n = 10_000
	var r *rig
	p := newFake("resend", func() time.Time { return r.sim.Now() }, nil)
	r = newRig(t, Config{Providers: map[Channel][]Provider{Email: {p}}})
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range n {
		first := time.Duration(rng.Int64N(int64(time.Hour)))
		for k := range 3 {
			at := first
			if k > 0 {
				at += time.Duration(rng.Int64N(int64(23 * time.Hour)))
			}
			r.sendAt(t, simStart.Add(at), announcement(fmt.Sprintf("k%d", i), Normal, fmt.Sprintf("person%d@example.com", i)))
		}
	}
	r.sim.Run(simStart.Add(26 * time.Hour))
	if p.calls != n {
		t.Errorf("%d provider calls, want %d", p.calls, n)
	}
	t.Logf("dedupe: %d keys × 3 sends within 24 hours → %d provider calls", n, p.calls)
}

// crashLedger is a ledger whose worker "dies" after a provider accepted a
// message and before the acceptance is recorded: with probability p, the
// record of an accepted attempt fails (and is lost), so the job is run
// again with the attempt still pending.
type crashLedger struct {
	*MemoryLedger
	rng     *rand.Rand
	p       float64
	crashes int
}

func (c *crashLedger) Record(ctx context.Context, a Attempt) error {
	if a.Accepted && c.rng.Float64() < c.p {
		c.crashes++
		return errors.New("worker killed")
	}
	return c.MemoryLedger.Record(ctx, a)
}

// TestFigureCrash: workers killed between the provider's acceptance and
// its record. With a provider that takes our key (Resend), the message is
// sent again with the same key and nobody gets it twice; with one that
// does not, it is recorded unconfirmed and not sent again (the default),
// or, with ResendUnknown, sent again: duplicates at most the crashes,
// each reported DuplicatePossible.
func TestFigureCrash(t *testing.T) {
	const n = 2_000
	for _, c := range []struct {
		name          string
		ch            Channel
		takesKey      bool
		resendUnknown bool
	}{
		{"resend takes the key", Email, true, false},
		{"no key, not resent", SMS, false, false},
		{"no key, resent", SMS, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r *rig
			p := newFake("provider", func() time.Time { return r.sim.Now() }, nil)
			p.takesKey = c.takesKey
			cl := &crashLedger{MemoryLedger: NewMemoryLedger(), rng: rand.New(rand.NewPCG(1, 1)), p: 0.1}
			r = newRig(t, Config{Providers: map[Channel][]Provider{c.ch: {p}}, Ledger: cl, Policy: DeliveryPolicy{ResendUnknown: c.resendUnknown}})
			r.ledger = cl.MemoryLedger
			for i := range n {
				to := phone(i)
				if c.ch == Email {
					to = fmt.Sprintf("person%d@example.com", i)
				}
				r.sendAt(t, simStart.Add(time.Duration(i)*time.Second), announcement(fmt.Sprintf("k%d", i), Critical, to))
			}
			r.sim.Run(simStart.Add(6 * time.Hour))
			got, dups := p.total()
			unconfirmed := r.ledger.Deliveries(Unconfirmed)
			delivered := r.ledger.Deliveries(Delivered)
			// Every message the person got twice is reported.
			reported, unreported := 0, 0
			for _, dl := range delivered {
				if dl.DuplicatePossible {
					reported++
				} else if p.delivered[dl.Key] > 1 {
					unreported++
				}
			}
			if len(delivered)+len(unconfirmed) != n || cl.crashes == 0 {
				t.Fatalf("%d delivered + %d unconfirmed, %d crashes; want %d in all", len(delivered), len(unconfirmed), cl.crashes, n)
			}
			switch {
			case c.takesKey:
				if dups != 0 || got != n || len(unconfirmed) != 0 {
					t.Errorf("%d duplicates, %d delivered, %d unconfirmed; want 0, %d, 0", dups, got, len(unconfirmed), n)
				}
			case !c.resendUnknown:
				if dups != 0 || len(unconfirmed) != cl.crashes {
					t.Errorf("%d duplicates, %d unconfirmed; want 0 and %d (one per crash)", dups, len(unconfirmed), cl.crashes)
				}
			default:
				if dups > cl.crashes || dups == 0 || unreported != 0 {
					t.Errorf("%d duplicates for %d crashes, %d messages sent twice not reported", dups, cl.crashes, unreported)
				}
			}
			t.Logf("crash (%s): %d crashes injected in %d messages → %d duplicates, %d unconfirmed (not resent), %d messages reported duplicate-possible; the person got %d",
				c.name, cl.crashes, n, dups, len(unconfirmed), reported, got)
		})
	}
}

// windowed answers as a provider limiting calls to limit per window
// does: 429 with the window's end as its reset hint once the window's
// calls are used up. A call before a reset it announced is a violation.
type windowed struct {
	limit     int
	window    time.Duration
	start     time.Time
	count     int
	reset     time.Time
	refusals  int
	violation []time.Time
}

func (w *windowed) answer(t time.Time, _ *Message) error {
	if t.Before(w.reset) {
		w.violation = append(w.violation, t)
	}
	k := t.Sub(simStart) / w.window
	if s := simStart.Add(k * w.window); !s.Equal(w.start) {
		w.start, w.count = s, 0
	}
	w.count++
	if w.count > w.limit {
		w.refusals++
		w.reset = w.start.Add(w.window)
		return &SendError{Provider: "twilio", Class: Retryable, Status: 429, RetryAfter: w.reset.Sub(t), Err: errors.New("too many requests")}
	}
	return nil
}

// TestFigureRateLimit: a 429 with a reset hint holds every send to that
// provider until the hint; at the provider's own limit, configured as
// ours, a soak of 5,000 messages gets no 429.
func TestFigureRateLimit(t *testing.T) {
	t.Run("reset hint", func(t *testing.T) {
		w := &windowed{limit: 10, window: 20 * time.Second}
		var r *rig
		p := newFake("twilio", func() time.Time { return r.sim.Now() }, w.answer)
		r = newRig(t, Config{Providers: map[Channel][]Provider{SMS: {p}}})
		for i := range 100 {
			r.sendAt(t, simStart, announcement(fmt.Sprintf("k%d", i), Critical, phone(i)))
		}
		r.sim.Run(simStart.Add(time.Hour))
		if len(r.ledger.Deliveries(Delivered)) != 100 || len(w.violation) != 0 {
			t.Errorf("%d delivered, calls before the reset hint at %v; want 100 and none", len(r.ledger.Deliveries(Delivered)), w.violation)
		}
		t.Logf("429: %d answered 429 with a reset hint, %d calls before a hint, 100 of 100 delivered by %v",
			w.refusals, len(w.violation), p.times[len(p.times)-1].Sub(simStart))
	})
	t.Run("hint falls back", func(t *testing.T) {
		// The primary asks for an hour: the next provider takes the
		// messages meanwhile, and the primary's pace is untouched after.
		var r *rig
		now := func() time.Time { return r.sim.Now() }
		calls := 0
		primary := newFake("sslwireless", now, func(t time.Time, _ *Message) error {
			if calls++; calls == 1 {
				return &SendError{Provider: "sslwireless", Class: Retryable, Status: 429, RetryAfter: time.Hour, Err: errors.New("quota")}
			}
			return nil
		})
		fallback := newFake("twilio", now, nil)
		r = newRig(t, Config{
			Providers: map[Channel][]Provider{SMS: {primary, fallback}},
			Options:   map[string]ProviderOptions{"sslwireless": {Limit: Limit{N: 10, Per: time.Second}}},
		})
		for i := range 100 {
			r.sendAt(t, simStart, announcement(fmt.Sprintf("a%d", i), Critical, phone(i)))
			r.sendAt(t, simStart.Add(time.Hour), announcement(fmt.Sprintf("b%d", i), Critical, phone(i)))
		}
		r.sim.Run(simStart.Add(3 * time.Hour))
		viaFallback, _ := fallback.total()
		last := primary.times[len(primary.times)-1].Sub(simStart)
		if primary.calls != 101 || viaFallback != 100 || last > time.Hour+10*time.Second {
			t.Errorf("primary %d calls, the last at +%v; fallback %d; want 101 (1 refused, then the second hundred at 10/s), 100", primary.calls, last, viaFallback)
		}
	})
	t.Run("soak", func(t *testing.T) {
		const n = 5_000
		w := &windowed{limit: 10, window: time.Second}
		var r *rig
		p := newFake("twilio", func() time.Time { return r.sim.Now() }, w.answer)
		r = newRig(t, Config{
			Providers: map[Channel][]Provider{SMS: {p}},
			Options:   map[string]ProviderOptions{"twilio": {Limit: Limit{N: 10, Per: time.Second}}},
		})
		for i := range n {
			r.sendAt(t, simStart.Add(time.Duration(i)*10*time.Millisecond), announcement(fmt.Sprintf("k%d", i), Critical, phone(i)))
		}
		r.sim.Run(simStart.Add(2 * time.Hour))
		delivered := r.ledger.Deliveries(Delivered)
		last := slices.MaxFunc(delivered, func(a, b Delivery) int { return a.At.Compare(b.At) })
		if len(delivered) != n || w.refusals != 0 {
			t.Errorf("%d delivered, %d answered 429; want %d, 0", len(delivered), w.refusals, n)
		}
		if span := last.At.Sub(simStart); span < 499*time.Second || span > 501*time.Second {
			t.Errorf("the last delivered after %v; want 500 s at 10 a second", span)
		}
		t.Logf("soak at the limit (10/s): %d of %d delivered in %v, %d answered 429, %d handler runs",
			len(delivered), n, last.At.Sub(simStart), w.refusals, r.sim.runs)
	})
}

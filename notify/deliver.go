package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/critpath/critpath/jobs"
)

// errWaiting is the error of a try that called no provider: each was
// held back (an open breaker, a provider's reset hint).
var errWaiting = errors.New("notify: every provider is held back")

// deliver is one try of a message: through its channel's providers in
// order, each skipped while its breaker is open or it asked us to wait,
// until one accepts it. It settles the message in the Ledger — delivered;
// dead when every provider refused it for good or its retries are used
// up; unconfirmed when its outcome is unknown and resending could send
// it twice — and returns nil then; otherwise it asks to be tried again
// (jobs.RetryAfter) after the backoff, or when the first provider
// becomes available again, or at the slot its provider's rate limit
// gave it. try is the outbox's try (job.Attempt).
func (d *Dispatcher) deliver(ctx context.Context, j deliveryJob, try int) error {
	m := &j.Message
	rec, err := d.ledger.Lookup(ctx, m.Key)
	if err != nil {
		return fmt.Errorf("notify: %s: ledger: %w", m.Key, err)
	}
	if rec.Delivery != nil {
		return nil // settled by an earlier run of the job
	}
	now := d.now()
	settle := func(state State, provider, reason string, dup bool) error {
		if state == Dead || state == Unconfirmed {
			d.log.Warn("notify: dead letter", "key", m.Key, "state", state.String(), "reason", reason)
		}
		err := d.ledger.Settle(ctx, Delivery{Key: m.Key, User: j.User, Project: j.Project, Kind: j.Kind, Severity: j.Severity,
			Channel: m.Channel, To: m.To, State: state, Provider: provider, Reason: reason, At: d.now(), Tries: try, DuplicatePossible: dup})
		if err != nil {
			return fmt.Errorf("notify: %s: ledger: %w", m.Key, err)
		}
		return nil
	}
	dup := slices.ContainsFunc(rec.Attempts, func(a Attempt) bool { return a.DuplicatePossible })
	if i := slices.IndexFunc(rec.Attempts, func(a Attempt) bool { return a.Accepted }); i >= 0 {
		return settle(Delivered, rec.Attempts[i].Provider, "", dup)
	}

	chain := d.chains[m.Channel]
	if j.Via != "" {
		chain = slices.DeleteFunc(slices.Clone(chain), func(r *route) bool { return r.name != j.Via })
	}
	if len(chain) == 0 {
		return settle(Dead, j.Via, fmt.Sprintf("no provider for channel %s", m.Channel), dup)
	}
	// An attempt whose outcome is unknown (a timeout, a worker stopped
	// between the call and its record) may have delivered the message.
	if i := slices.IndexFunc(rec.Attempts, func(a Attempt) bool { return a.Pending() || a.Class == Unknown }); i >= 0 {
		u := rec.Attempts[i]
		r := d.routes[u.Provider]
		switch {
		case r != nil && r.takesKey:
			chain = []*route{r} // the same key again: the provider sends it once
		case d.policy.ResendUnknown:
			dup = true
		default:
			return settle(Unconfirmed, u.Provider, unknownReason(u), dup)
		}
	}
	if age := now.Sub(j.Created); age >= d.policy.MaxAge {
		return settle(Dead, lastProvider(rec), fmt.Sprintf("not delivered within %v: %s", d.policy.MaxAge, lastErrors(rec.Attempts)), dup)
	}

	called := false
	var lastErr error
	for _, r := range chain {
		if refused(rec.Attempts, r.name) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err // the worker is stopping: the job is run again
		}
		now = d.now() // the providers before may have taken their time
		if ok, _ := r.breaker.closedAt(now); !ok {
			continue
		}
		if now.Before(r.limiter.held()) {
			continue // the provider asked us to wait: try the next
		}
		if slot := r.limiter.reserve(m.Key, now); slot.After(now) {
			// Our own pacing: wait for the slot kept for this message.
			return jobs.RetryAfter(slot.Sub(now), fmt.Errorf("notify: %s: %s paces its sends", m.Key, r.name))
		}
		if ok, _ := r.breaker.allow(now); !ok {
			continue
		}
		called = true
		a := Attempt{Key: m.Key, Provider: r.name, Try: try, At: now, DuplicatePossible: dup}
		if err := d.ledger.Record(ctx, a); err != nil {
			return fmt.Errorf("notify: %s: ledger: %w", m.Key, err)
		}
		receipt, err := d.call(ctx, r, m)
		a.Done = d.now()
		if err == nil {
			r.breaker.success()
			a.Accepted, a.Receipt = true, receipt.ID
			if err := d.ledger.Record(ctx, a); err != nil {
				return fmt.Errorf("notify: %s: ledger: %w", m.Key, err)
			}
			return settle(Delivered, r.name, "", dup)
		}
		se := asSendError(r.name, err)
		a.Class, a.Err, a.RetryAfter = se.Class, se.Error(), se.RetryAfter
		if err := d.ledger.Record(ctx, a); err != nil {
			return fmt.Errorf("notify: %s: ledger: %w", m.Key, err)
		}
		rec.Attempts = append(rec.Attempts, a)
		lastErr = se
		if se.RetryAfter > 0 {
			r.limiter.holdUntil(a.Done.Add(se.RetryAfter))
		}
		switch se.Class {
		case Permanent:
			r.breaker.success() // it answered: the message is at fault
			if se.DeadAddress {
				d.removeAddress(ctx, j)
			}
		case Retryable:
			if se.Status == 429 {
				r.breaker.success() // up, and asking us to slow down
			} else {
				r.breaker.failure(a.Done)
			}
		default: // Unknown
			r.breaker.failure(a.Done)
			switch {
			case r.takesKey:
				chain = nil // only this provider, with this key, from now on
			case d.policy.ResendUnknown:
				dup = true
			default:
				return settle(Unconfirmed, r.name, unknownReason(a), dup)
			}
		}
		if chain == nil {
			break
		}
	}

	if !slices.ContainsFunc(chain, func(r *route) bool { return !refused(rec.Attempts, r.name) }) && len(chain) > 0 {
		return settle(Dead, lastProvider(rec), "refused by every provider: "+lastErrors(rec.Attempts), dup)
	}
	failed := failedTries(rec.Attempts)
	if called && failed >= d.policy.MaxAttempts {
		return settle(Dead, lastProvider(rec), fmt.Sprintf("%d tries failed over %v: %s", failed, now.Sub(j.Created).Round(time.Second), lastErrors(rec.Attempts)), dup)
	}
	var after time.Duration
	if called {
		after = d.backoff(failed)
	}
	if chain == nil {
		chain = []*route{d.routes[rec.Attempts[len(rec.Attempts)-1].Provider]}
	}
	if next := d.available(chain, rec.Attempts, now); next.After(now.Add(after)) {
		after = next.Sub(now) + time.Duration(d.jitter()*float64(d.policy.BackoffBase/2))
	}
	if after <= 0 {
		after = d.backoff(1) // held back by a breaker that another probe holds
	}
	if now.Add(after).Sub(j.Created) > d.policy.MaxAge {
		return settle(Dead, lastProvider(rec), fmt.Sprintf("could not be delivered within %v: %s", d.policy.MaxAge, lastErrors(rec.Attempts)), dup)
	}
	return jobs.RetryAfter(after, cmpErr(lastErr, errWaiting))
}

// call sends m through r within the policy's timeout; a provider that
// panics fails with an unknown outcome.
func (d *Dispatcher) call(ctx context.Context, r *route, m *Message) (rc Receipt, err error) {
	ctx, cancel := context.WithTimeout(ctx, d.policy.SendTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = &SendError{Provider: r.name, Class: Unknown, Err: fmt.Errorf("panic: %v", p)}
		}
	}()
	return r.p.Send(ctx, m)
}

// asSendError returns err as a *SendError: a provider's own, or err
// classified by ClassOf (outcome unknown: a deadline, anything else).
func asSendError(provider string, err error) *SendError {
	if se, ok := errors.AsType[*SendError](err); ok {
		return se
	}
	return &SendError{Provider: provider, Class: ClassOf(err), Err: err}
}

// available returns the first time a provider of chain not refused for
// good may be called: when its breaker lets a probe through or its
// reset hint ends.
func (d *Dispatcher) available(chain []*route, attempts []Attempt, now time.Time) time.Time {
	var first time.Time
	for _, r := range chain {
		if refused(attempts, r.name) {
			continue
		}
		_, at := r.breaker.closedAt(now)
		at = later(at, r.limiter.held())
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	return first
}

// backoff returns the wait after the failed-th failed try: BackoffBase
// doubled for each failed try before it, at most BackoffMax — d — then
// jittered into [d/2, d].
func (d *Dispatcher) backoff(failed int) time.Duration {
	b := d.policy.BackoffBase
	for i := 1; i < failed && b < d.policy.BackoffMax; i++ {
		b *= 2
	}
	b = min(b, d.policy.BackoffMax)
	return b/2 + time.Duration(d.jitter()*float64(b/2))
}

func (d *Dispatcher) removeAddress(ctx context.Context, j deliveryJob) {
	rm, ok := d.dir.(AddressRemover)
	if !ok || j.User == "" {
		return
	}
	if err := rm.RemoveAddress(ctx, j.User, j.Message.Channel, j.Message.To); err != nil {
		d.log.Warn("notify: removing a dead address", "user", j.User, "channel", j.Message.Channel, "err", err)
	}
}

// refused reports whether provider refused the message for good.
func refused(attempts []Attempt, provider string) bool {
	return slices.ContainsFunc(attempts, func(a Attempt) bool { return a.Provider == provider && a.Class == Permanent })
}

// failedTries counts the tries in which a provider was called and failed.
func failedTries(attempts []Attempt) int {
	var tries []int
	for _, a := range attempts {
		if !a.Pending() && !a.Accepted && !slices.Contains(tries, a.Try) {
			tries = append(tries, a.Try)
		}
	}
	return len(tries)
}

func lastProvider(rec Record) string {
	if n := len(rec.Attempts); n > 0 {
		return rec.Attempts[n-1].Provider
	}
	return ""
}

// lastErrors sums up the last failure of each provider.
func lastErrors(attempts []Attempt) string {
	var names []string
	last := map[string]string{}
	for _, a := range attempts {
		if a.Err == "" {
			continue
		}
		if _, ok := last[a.Provider]; !ok {
			names = append(names, a.Provider)
		}
		last[a.Provider] = a.Err
	}
	if len(names) == 0 {
		return "no provider could be called (breakers open, reset hints)"
	}
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = last[n]
	}
	return strings.Join(parts, "; ")
}

func unknownReason(a Attempt) string {
	why := a.Err
	if a.Pending() {
		why = "the worker stopped before it was recorded"
	}
	return fmt.Sprintf("outcome unknown at %s (%s); not sent again, a second send could deliver it twice: %s takes no idempotency key", a.Provider, why, a.Provider)
}

func cmpErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

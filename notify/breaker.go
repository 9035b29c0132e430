package notify

import (
	"cmp"
	"sync"
	"time"
)

// BreakerConfig tunes the circuit breaker each provider has. The zero
// value works: open after 5 consecutive failures, for 30 seconds, then
// one probe; a failed probe opens it again for twice as long, up to 5
// minutes.
type BreakerConfig struct {
	// Failures is the number of consecutive failures (retryable or
	// outcome unknown, not counting 429s) that opens the breaker;
	// default 5.
	Failures int
	// Cooldown is how long it stays open the first time; default 30 s.
	// MaxCooldown bounds its doubling; default 5 minutes.
	Cooldown    time.Duration
	MaxCooldown time.Duration
}

func (c BreakerConfig) withDefaults() BreakerConfig {
	c.Failures = max(cmp.Or(c.Failures, 5), 1)
	c.Cooldown = cmp.Or(c.Cooldown, 30*time.Second)
	c.MaxCooldown = max(cmp.Or(c.MaxCooldown, 5*time.Minute), c.Cooldown)
	return c
}

// breaker is one provider's circuit breaker: closed, it lets every send
// through and counts consecutive failures; open (after Failures of
// them), none until its cooldown ends; then half-open, one probe at a
// time, whose success closes it and whose failure opens it again for
// twice as long. It is safe for concurrent use.
type breaker struct {
	cfg BreakerConfig

	mu        sync.Mutex
	failures  int
	cooldown  time.Duration
	openUntil time.Time
	// probe is when the half-open breaker let a probe through; zero
	// when none is out. A probe whose result never comes (its worker
	// died) is forgotten after a cooldown.
	probe time.Time
	// opened counts the times the breaker opened, for reports.
	opened int
}

func newBreaker(cfg BreakerConfig) *breaker {
	cfg = cfg.withDefaults()
	return &breaker{cfg: cfg, cooldown: cfg.Cooldown}
}

// allow reports whether a send may go at now; when not, the time to ask
// again.
func (b *breaker) allow(now time.Time) (bool, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures < b.cfg.Failures {
		return true, now
	}
	if now.Before(b.openUntil) {
		return false, b.openUntil
	}
	if !b.probe.IsZero() && now.Before(b.probe.Add(b.cooldown)) {
		return false, b.probe.Add(b.cooldown)
	}
	b.probe = now
	return true, now
}

// closedAt reports whether allow would let a send through at now,
// without taking the probe; when not, the time to ask again.
func (b *breaker) closedAt(now time.Time) (bool, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.failures < b.cfg.Failures:
		return true, now
	case now.Before(b.openUntil):
		return false, b.openUntil
	case !b.probe.IsZero() && now.Before(b.probe.Add(b.cooldown)):
		return false, b.probe.Add(b.cooldown)
	}
	return true, now
}

// success records a send the provider answered: delivered, refused for
// good, or rate-limited — it is up.
func (b *breaker) success() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures, b.cooldown, b.probe = 0, b.cfg.Cooldown, time.Time{}
}

// failure records a send that failed in a way that says the provider is
// down or failing.
func (b *breaker) failure(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures++
	switch {
	case !b.probe.IsZero():
		b.probe = time.Time{}
		b.cooldown = min(2*b.cooldown, b.cfg.MaxCooldown)
		b.openUntil = now.Add(b.cooldown)
		b.opened++
	case b.failures == b.cfg.Failures:
		b.openUntil = now.Add(b.cooldown)
		b.opened++
	case b.failures > b.cfg.Failures:
		// Sends let through before it opened, failing after.
		b.openUntil = later(b.openUntil, now.Add(b.cooldown))
	}
}

// BreakerState is a breaker as reports show it.
type BreakerState struct {
	Open bool `json:"open"`
	// Failures are the consecutive failures counted; Opened the times
	// it has opened.
	Failures int       `json:"failures"`
	Opened   int       `json:"opened"`
	Until    time.Time `json:"until,omitzero"`
}

func (b *breaker) state(now time.Time) BreakerState {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := BreakerState{Failures: b.failures, Opened: b.opened}
	if b.failures >= b.cfg.Failures && now.Before(b.openUntil) {
		s.Open, s.Until = true, b.openUntil
	}
	return s
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

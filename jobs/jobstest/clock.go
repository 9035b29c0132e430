package jobstest

import (
	"sync"
	"time"

	"github.com/critpath/critpath/jobs"
)

// Clock is a jobs.Clock that moves only when a test moves it: queues
// given it wake their timers (run at, backoff, timeouts, rate limits,
// cron) when Advance or Set passes their time. It is safe for concurrent
// use.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	timers map[*timer]struct{}
}

type timer struct {
	at time.Time
	f  func()
}

var _ jobs.Clock = (*Clock)(nil)

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{now: t, timers: map[*timer]struct{}{}} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// At calls f in a goroutine once the clock reads t or later: at once
// when it does already.
func (c *Clock) At(t time.Time, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !t.After(c.now) {
		go f()
		return func() bool { return false }
	}
	tm := &timer{at: t, f: f}
	c.timers[tm] = struct{}{}
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.timers[tm]
		delete(c.timers, tm)
		return ok
	}
}

// Advance moves the clock on by d and fires the timers it passes.
func (c *Clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// Set moves the clock to t (never back) and fires the timers it passes.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
	var due []*timer
	for tm := range c.timers {
		if !tm.at.After(c.now) {
			due = append(due, tm)
			delete(c.timers, tm)
		}
	}
	c.mu.Unlock()
	for _, tm := range due {
		go tm.f()
	}
}

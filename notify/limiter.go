package notify

import (
	"sync"
	"time"
)

// Limit is a provider's rate limit: at most N sends every Per, spaced
// evenly (one every Per/N), with bursts of up to Burst (default 1: no
// burst, so no window of length Per ever holds more than N). The zero
// Limit is no limit.
type Limit struct {
	N     int           `json:"n"`
	Per   time.Duration `json:"per"`
	Burst int           `json:"burst,omitempty"`
}

// limiter paces one provider's sends by the generic cell rate algorithm
// (a token bucket kept as the theoretical arrival time of the next send)
// and holds them back until a time the provider asked for (a 429's reset
// hint). A send that cannot go now is given a slot — a time reserved for
// its key alone — so that the messages waiting for a busy provider each
// come back once, at their own time, instead of all at each opening. It
// is safe for concurrent use; it is per process.
type limiter struct {
	interval  time.Duration // Per/N; zero: no rate limit
	tolerance time.Duration // (Burst−1) × interval

	mu       sync.Mutex
	tat      time.Time
	hold     time.Time
	reserved map[string]time.Time
	// holds counts the hints honoured, for reports.
	holds int
}

func newLimiter(l Limit) *limiter {
	lim := &limiter{reserved: map[string]time.Time{}}
	if l.N > 0 && l.Per > 0 {
		lim.interval = l.Per / time.Duration(l.N)
		lim.tolerance = time.Duration(max(l.Burst, 1)-1) * lim.interval
	}
	return lim
}

// reserve returns when the message of key may be sent: now or earlier
// means at once (and the send is counted); a later time is the slot kept
// for it, to be asked for again then.
func (l *limiter) reserve(key string, now time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r, ok := l.reserved[key]; ok {
		switch {
		case now.Before(l.hold) && r.Before(l.hold):
			delete(l.reserved, key) // a hold came since: a new slot after it
		case now.Before(r):
			return r
		default:
			delete(l.reserved, key)
			return now
		}
	}
	if l.interval == 0 {
		if now.Before(l.hold) {
			return l.hold
		}
		return now
	}
	slot := later(later(now, l.tat.Add(-l.tolerance)), l.hold)
	l.tat = later(l.tat, slot).Add(l.interval)
	if slot.After(now) {
		l.reserved[key] = slot
		if len(l.reserved) > 4096 {
			l.forget(now)
		}
	}
	return slot
}

// forget drops the slots an hour past: their messages went another way.
func (l *limiter) forget(now time.Time) {
	for k, t := range l.reserved {
		if t.Before(now.Add(-time.Hour)) {
			delete(l.reserved, k)
		}
	}
}

// holdUntil keeps every send back until t, as a provider asked.
func (l *limiter) holdUntil(t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.After(l.hold) {
		l.hold = t
		l.holds++
	}
}

// held returns the time sends are held back until.
func (l *limiter) held() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.hold
}

package jobs

import (
	"math"
	"time"
)

// bucket is a token bucket on the queue's clock: rate tokens a second, at
// most burst held. The in-process queue takes one per job it starts.
//
// It is written here rather than taken from golang.org/x/time/rate: the
// queue needs it to read an injected Clock (rate.Limiter takes times as
// arguments, which would do, but its Wait reads the system clock) and to
// answer "when is the next token" for the dispatcher's one timer; that
// is twenty lines, and keeps package jobs on the standard library.
type bucket struct {
	rate   float64 // tokens a second; 0: no limit
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int) *bucket {
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst)}
}

func (b *bucket) fill(now time.Time) {
	if b.last.IsZero() {
		b.last = now
	}
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
}

// take takes a token at now, reporting whether there was one.
func (b *bucket) take(now time.Time) bool {
	if b.rate <= 0 {
		return true
	}
	b.fill(now)
	if b.tokens >= 1-1e-9 { // what next promised, less the float's rounding
		b.tokens = max(b.tokens-1, 0)
		return true
	}
	return false
}

// next returns when the next token will be there, after a take at now
// failed.
func (b *bucket) next(now time.Time) time.Time {
	need := (1 - b.tokens) / b.rate
	return now.Add(time.Duration(math.Ceil(need * float64(time.Second))))
}

package client

import (
	"math/rand/v2"
	"time"
)

// Backoff says how long to wait before each reconnection: full jitter,
// a delay drawn uniformly from [0, min(Cap, Base·2^attempt)), so that
// clients cut at once do not come back at once. The zero value works.
type Backoff struct {
	// Base is the first window; default 250 ms.
	Base time.Duration
	// Cap bounds the window; default 30 s.
	Cap time.Duration
	// Rand draws the delays; default math/rand/v2's global source. A
	// Client serializes its use (a *rand.Rand is not safe for
	// concurrent use). Tests give a seeded one.
	Rand *rand.Rand
}

func (b Backoff) base() time.Duration {
	if b.Base > 0 {
		return b.Base
	}
	return 250 * time.Millisecond
}

func (b Backoff) cap() time.Duration {
	if b.Cap > 0 {
		return b.Cap
	}
	return 30 * time.Second
}

// Window returns the bound of the delay of attempt n (0 for the first
// retry): min(Cap, Base·2^n).
func (b Backoff) Window(n int) time.Duration {
	base, limit := b.base(), b.cap()
	if base >= limit {
		return limit
	}
	n = max(n, 0)
	// Base·2^n without overflow: stop doubling at the cap.
	w := base
	for range n {
		if w >= limit/2 {
			return limit
		}
		w *= 2
	}
	return min(w, limit)
}

// Delay draws the delay before attempt n: uniform in [0, Window(n)).
func (b Backoff) Delay(n int) time.Duration {
	return time.Duration(b.float() * float64(b.Window(n)))
}

// Longer draws the delay after the server said the client is over its
// rate (close 4429): uniform in [w/2, w) with w the window of attempt
// n+4, so that the client stays away at least half of a window sixteen
// times as wide.
func (b Backoff) Longer(n int) time.Duration {
	w := b.Window(n + 4)
	return w/2 + time.Duration(b.float()*float64(w/2))
}

func (b Backoff) float() float64 {
	if b.Rand != nil {
		return b.Rand.Float64()
	}
	return rand.Float64()
}

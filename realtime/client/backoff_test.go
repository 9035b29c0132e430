package client

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestBackoffWindow(t *testing.T) {
	tests := []struct {
		b    Backoff
		n    int
		want time.Duration
	}{
		{Backoff{}, 0, 250 * time.Millisecond},
		{Backoff{}, 1, 500 * time.Millisecond},
		{Backoff{}, 3, 2 * time.Second},
		{Backoff{}, 6, 16 * time.Second},
		{Backoff{}, 7, 30 * time.Second}, // 32 s, capped
		{Backoff{}, 1000, 30 * time.Second},
		{Backoff{}, -1, 250 * time.Millisecond},
		{Backoff{Base: time.Second, Cap: 5 * time.Second}, 2, 4 * time.Second},
		{Backoff{Base: time.Second, Cap: 5 * time.Second}, 3, 5 * time.Second},
		{Backoff{Base: time.Minute, Cap: time.Second}, 0, time.Second},
	}
	for _, tt := range tests {
		if got := tt.b.Window(tt.n); got != tt.want {
			t.Errorf("Backoff{%v, %v}.Window(%d) = %v, want %v", tt.b.Base, tt.b.Cap, tt.n, got, tt.want)
		}
	}
}

// TestBackoffFullJitter draws many delays per attempt from a seeded
// source: each lies in [0, window), they spread over the whole window
// (full jitter: the lowest tenth and the highest tenth are both hit)
// and their mean is near half the window.
func TestBackoffFullJitter(t *testing.T) {
	b := Backoff{Rand: rand.New(rand.NewPCG(1, 2))}
	const draws = 20000
	for n := range 10 {
		w := b.Window(n)
		var sum float64
		low, high := false, false
		for range draws {
			d := b.Delay(n)
			if d < 0 || d >= w {
				t.Fatalf("attempt %d: delay %v out of [0, %v)", n, d, w)
			}
			sum += float64(d)
			low = low || d < w/10
			high = high || d > w-w/10
		}
		mean := sum / draws / float64(w)
		// The mean of 20,000 uniform draws is within 0.01 of 0.5 but for
		// odds far below one in a million (σ ≈ 0.002).
		if mean < 0.49 || mean > 0.51 || !low || !high {
			t.Errorf("attempt %d (window %v): mean %.4f of the window, lowest tenth hit %v, highest %v", n, w, mean, low, high)
		}
	}
}

func TestBackoffLonger(t *testing.T) {
	b := Backoff{Rand: rand.New(rand.NewPCG(3, 4))}
	for n := range 8 {
		w := b.Window(n + 4)
		for range 1000 {
			if d := b.Longer(n); d < w/2 || d >= w {
				t.Fatalf("Longer(%d) = %v, want in [%v, %v)", n, d, w/2, w)
			}
		}
	}
}

// TestBackoffSeeded: the same seed gives the same delays.
func TestBackoffSeeded(t *testing.T) {
	a := Backoff{Rand: rand.New(rand.NewPCG(7, 7))}
	b := Backoff{Rand: rand.New(rand.NewPCG(7, 7))}
	for n := range 100 {
		if da, db := a.Delay(n%9), b.Delay(n%9); da != db {
			t.Fatalf("draw %d: %v and %v from the same seed", n, da, db)
		}
	}
}

package postgres

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// refresher runs a debouncer, every second, over a refresh that records
// when it ran and fails while fail says so.
type refresher struct {
	d    *debouncer
	runs []time.Duration // since start
	fail func() bool
}

func startRefresher(t *testing.T, fail func() bool) (*refresher, func()) {
	start := time.Now()
	r := &refresher{fail: fail}
	r.d = newDebouncer(time.Second, func(context.Context) error {
		r.runs = append(r.runs, time.Since(start))
		if r.fail != nil && r.fail() {
			return errors.New("the database is away")
		}
		return nil
	}, nil)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.d.run(ctx)
	}()
	return r, func() { cancel(); <-done }
}

func TestDebounce(t *testing.T) {
	for _, c := range []struct {
		name    string
		changes []time.Duration // when changes come, since the start
		want    []time.Duration // when refreshes run
	}{
		{"none", nil, nil},
		{"one", []time.Duration{0}, []time.Duration{0}},
		{"one later", []time.Duration{5 * time.Second}, []time.Duration{5 * time.Second}},
		{"two far apart", []time.Duration{0, 3 * time.Second}, []time.Duration{0, 3 * time.Second}},
		{"a burst", burst(0, 10*time.Millisecond, 300), // three seconds of changes
			[]time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second}},
		{"one soon after", []time.Duration{0, 200 * time.Millisecond}, []time.Duration{0, time.Second}},
		{"two soon after", []time.Duration{0, 200 * time.Millisecond, 700 * time.Millisecond}, []time.Duration{0, time.Second}},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r, stop := startRefresher(t, nil)
				start := time.Now()
				for _, at := range c.changes {
					time.Sleep(at - time.Since(start))
					r.d.changed()
				}
				time.Sleep(10 * time.Second)
				stop()
				if len(r.runs) != len(c.want) {
					t.Fatalf("refreshed at %v, want %v", r.runs, c.want)
				}
				for i := range r.runs {
					if r.runs[i] != c.want[i] {
						t.Errorf("refreshed at %v, want %v", r.runs, c.want)
						break
					}
				}
			})
		})
	}
}

func burst(from, every time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = from + time.Duration(i)*every
	}
	return out
}

// TestDebounceRetries: a refresh that fails is tried again a second
// later, until it succeeds, with no change to prompt it.
func TestDebounceRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		failures := 3
		r, stop := startRefresher(t, func() bool { failures--; return failures >= 0 })
		r.d.changed()
		time.Sleep(time.Minute)
		stop()
		want := []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second}
		if len(r.runs) != len(want) {
			t.Fatalf("refreshed at %v, want %v", r.runs, want)
		}
	})
}

// TestDebounceStops: stopping while a refresh waits returns at once.
func TestDebounceStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, stop := startRefresher(t, nil)
		r.d.changed()
		synctest.Wait()
		r.d.changed() // waits a second
		synctest.Wait()
		start := time.Now()
		stop()
		if waited := time.Since(start); waited != 0 || len(r.runs) != 1 {
			t.Errorf("stopping took %v after %d refreshes, want at once after 1", waited, len(r.runs))
		}
	})
}

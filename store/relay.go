package store

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Publisher takes events from the outbox: the realtime hub, a job queue,
// a message bus. Publish should deduplicate by the event's project and
// sequence number (see Relay).
type Publisher interface {
	Publish(ctx context.Context, ev Event) error
}

// PublisherFunc adapts a function to Publisher.
type PublisherFunc func(ctx context.Context, ev Event) error

// Publish calls f.
func (f PublisherFunc) Publish(ctx context.Context, ev Event) error { return f(ctx, ev) }

// Relay hands the outbox's events to pub, each project's in sequence
// order, and marks each delivered once Publish returns nil, until ctx
// ends. It looks again as soon as this store appends an event, and every
// poll interval (default 1 s) for events other stores appended. An event
// whose Publish fails is handed again, after the interval, before any
// later event of its project. Across a crash an event is handed again
// only if the crash came between its Publish and its mark: a publisher
// that keeps the last sequence number it took per project, as the
// realtime hub does, sees each event exactly once.
func (s *Store) Relay(ctx context.Context, pub Publisher, poll time.Duration) error {
	if poll <= 0 {
		poll = time.Second
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		for {
			n, err := s.relayOnce(ctx, pub)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				break // tried again at the next tick
			}
			if n == 0 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.wake:
		case <-tick.C:
		}
	}
}

// relayOnce hands one batch of pending events; it stops at a project's
// first failure, so that no later event of the project overtakes it.
func (s *Store) relayOnce(ctx context.Context, pub Publisher) (int, error) {
	evs, err := s.b.Pending(ctx, 256)
	if err != nil {
		return 0, err
	}
	failed := map[string]bool{}
	var done []EventID
	var first error
	for _, ev := range evs {
		if failed[ev.Project] {
			continue
		}
		ev.Delta = s.deltaOf(ctx, ev)
		if err := pub.Publish(ctx, ev); err != nil {
			failed[ev.Project] = true
			if first == nil {
				first = fmt.Errorf("store: publishing event %d of project %q: %w", ev.Seq, ev.Project, err)
			}
			continue
		}
		done = append(done, ev.ID())
	}
	if len(done) > 0 {
		if err := s.b.Delivered(ctx, done); err != nil {
			return 0, err
		}
		s.deltas.forget(done)
	}
	if first != nil {
		return len(done), first
	}
	return len(done), nil
}

// deltaOf returns what event ev moved, when this store can know it: it
// kept it when it applied the change or caught up with it; else, loading
// or catching up the project now replays the events after its latest
// snapshot, and keeps theirs. An event older than that has none (nil).
func (s *Store) deltaOf(ctx context.Context, ev Event) *schedule.Delta {
	if ev.Kind != KindChange {
		return nil
	}
	if d := s.deltas.get(ev.ID()); d != nil {
		return d
	}
	if l, err := s.current(ctx, ev.Project); err == nil {
		l.mu.Unlock()
	}
	return s.deltas.get(ev.ID())
}

// debouncer calls fn for a key at most once per interval, the interval
// after the first touch since the last call.
type debouncer struct {
	every time.Duration
	fn    func(key string)

	mu      sync.Mutex
	pending map[string]*time.Timer
	running sync.WaitGroup
	stopped bool
}

func newDebouncer(every time.Duration, fn func(string)) *debouncer {
	return &debouncer{every: every, fn: fn, pending: map[string]*time.Timer{}}
}

func (d *debouncer) touch(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped || d.pending[key] != nil {
		return
	}
	d.running.Add(1)
	d.pending[key] = time.AfterFunc(d.every, func() {
		defer d.running.Done()
		d.mu.Lock()
		delete(d.pending, key)
		d.mu.Unlock()
		d.fn(key)
	})
}

// stop calls at once what is pending and waits for every call.
func (d *debouncer) stop() {
	d.mu.Lock()
	d.stopped = true
	var now []string
	for key, t := range d.pending {
		if t.Stop() {
			d.running.Done()
			now = append(now, key)
		}
		delete(d.pending, key)
	}
	d.mu.Unlock()
	for _, key := range now {
		d.fn(key)
	}
	d.running.Wait()
}

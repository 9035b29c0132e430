package jobs

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// EventKind names what happened to a job.
type EventKind uint8

// The events of a job's life. A job is queued, then for each try started
// (with progress events while it runs), and the try ends completed or
// failed; a failed try is followed by retried (another try is scheduled)
// or dead. A job canceled waiting or running ends canceled. A dead job
// retried by hand is queued again.
const (
	EventQueued EventKind = iota + 1
	EventStarted
	EventProgress
	EventRetried
	EventCompleted
	EventFailed
	EventDead
	EventCanceled
)

var eventNames = [...]string{"", "queued", "started", "progress", "retried", "completed", "failed", "dead", "canceled"}

func (k EventKind) String() string {
	if int(k) < len(eventNames) && k > 0 {
		return eventNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// MarshalText writes the kind's name.
func (k EventKind) MarshalText() ([]byte, error) {
	if k == 0 || int(k) >= len(eventNames) {
		return nil, fmt.Errorf("jobs: event kind %d has no name: %w", uint8(k), ErrInvalid)
	}
	return []byte(eventNames[k]), nil
}

// UnmarshalText reads a kind's name.
func (k *EventKind) UnmarshalText(b []byte) error {
	for i, n := range eventNames {
		if i > 0 && n == string(b) {
			*k = EventKind(i)
			return nil
		}
	}
	return fmt.Errorf("jobs: unknown event kind %q: %w", b, ErrInvalid)
}

// Event is something that happened to a job.
type Event struct {
	Kind    EventKind `json:"kind"`
	Queue   string    `json:"queue"`
	JobID   string    `json:"job_id"`
	JobKind string    `json:"job_kind,omitempty"`
	// Project is the job's Project: the project it works on, if any.
	Project string `json:"project,omitempty"`
	// Attempt is the try the event is about (0 for queued).
	Attempt int       `json:"attempt,omitempty"`
	Time    time.Time `json:"time"`
	// Percent and Message: a progress event's report.
	Percent float64 `json:"percent,omitempty"`
	Message string  `json:"message,omitempty"`
	// Err: why a try failed, a job died or was canceled.
	Err string `json:"error,omitempty"`
	// RetryAt: when a retried job is tried next.
	RetryAt time.Time `json:"retry_at,omitzero"`
	// Coalesced: a queued event for a job merged into the waiting job
	// JobID.
	Coalesced bool `json:"coalesced,omitempty"`
	// Missed counts the events this subscriber lost just before this
	// one because its buffer was full (see Feed).
	Missed int `json:"missed,omitempty"`
}

// Feed fans events out to subscribers, each with a buffer of its own.
// Publish never blocks, so that a slow subscriber cannot hold up a
// queue: this is the slow-consumer policy. An event that finds a
// subscriber's buffer full is dropped for that subscriber and counted;
// the next event it does receive carries the count in Missed, so that a
// dashboard knows to read Stats again rather than trust a running tally.
// A Feed is safe for concurrent use; the zero value is ready.
type Feed struct {
	mu     sync.RWMutex
	subs   map[*Subscription]struct{}
	closed bool
}

// Subscription receives a Feed's events on C until Close (or the feed's
// Close), after which C is closed.
type Subscription struct {
	C      <-chan Event
	c      chan Event
	queue  string
	feed   *Feed
	missed atomic.Int64
	stop   func() // for adapters: called once on Close
	once   sync.Once
}

// Subscribe returns a subscription to the events of queue ("" for every
// queue) with a buffer of n events (at least 1). On a closed feed the
// subscription comes closed.
func (f *Feed) Subscribe(queue string, n int) *Subscription {
	c := make(chan Event, max(n, 1))
	s := &Subscription{C: c, c: c, queue: queue, feed: f}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		close(c)
		s.once.Do(func() {})
		return s
	}
	if f.subs == nil {
		f.subs = map[*Subscription]struct{}{}
	}
	f.subs[s] = struct{}{}
	return s
}

// OnClose sets a function the subscription calls when it is closed: for
// adapters, to let go of what the subscription holds.
func (s *Subscription) OnClose(f func()) { s.stop = f }

// Publish hands e to every subscriber of its queue without waiting (see
// Feed).
func (f *Feed) Publish(e Event) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for s := range f.subs {
		if s.queue != "" && s.queue != e.Queue {
			continue
		}
		m := s.missed.Swap(0)
		e.Missed = int(m)
		select {
		case s.c <- e:
		default:
			s.missed.Add(m + 1)
		}
	}
}

// Subscribers returns the number of open subscriptions.
func (f *Feed) Subscribers() int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return len(f.subs)
}

// Close closes every subscription and makes later ones come closed.
func (f *Feed) Close() {
	f.mu.Lock()
	subs := f.subs
	f.subs, f.closed = nil, true
	f.mu.Unlock()
	for s := range subs {
		s.end()
	}
}

// Close ends the subscription and closes C. It is safe to call more than
// once.
func (s *Subscription) Close() {
	s.feed.mu.Lock()
	delete(s.feed.subs, s)
	s.feed.mu.Unlock()
	s.end()
}

func (s *Subscription) end() {
	s.once.Do(func() {
		close(s.c)
		if s.stop != nil {
			s.stop()
		}
	})
}

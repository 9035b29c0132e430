package realtime

import (
	"sync"
	"sync/atomic"
)

// Subscription is one member's feed of a room, made by a Broker.
type Subscription struct {
	// C delivers the messages, in the room's order; it is closed when the
	// subscription ends (see Err).
	C <-chan Message
	// Epoch is the room's epoch and Last the sequence number of the last
	// durable message before the live feed: the position of a member
	// that has taken every message of C's replay.
	Epoch string
	Last  int64

	c      chan Message
	notify atomic.Pointer[func()]
	done   chan struct{}
	once   sync.Once
	err    error
	leave  func()
}

// NewSubscription returns a subscription whose feed buffers buffer
// messages; leave is called once when its owner closes it (the broker
// forgets it there). Brokers outside this package make their
// subscriptions with it.
func NewSubscription(buffer int, leave func()) *Subscription {
	s := &Subscription{c: make(chan Message, max(buffer, 1)), done: make(chan struct{}), leave: leave}
	s.C = s.c
	return s
}

// Offer hands m to the feed without waiting and reports whether it
// fitted in the buffer. An ephemeral message fits only while the buffer
// is less than half full, so that ephemeral traffic is lost first and
// never takes the room a durable message needs. The broker calls it
// (from one goroutine at a time per subscription) and decides what a
// refusal means: an ephemeral message is dropped, a durable one ends the
// feed with ErrSlow.
func (s *Subscription) Offer(m Message) bool {
	select {
	case <-s.done:
		return false
	default:
	}
	if !m.Durable() && len(s.c) >= (cap(s.c)+1)/2 {
		return false
	}
	select {
	case s.c <- m:
		s.wake()
		return true
	default:
		return false
	}
}

// Notify makes f called whenever a message is put in C or C is closed,
// from now on, and once at once when C holds messages or is closed
// already: a consumer that reads C without a goroutine waiting on it
// (the hub: a room's forwarder runs only while its feed has messages)
// reads C until it is empty after each call. f is called by the
// broker, which may hold its locks: it must not wait, nor call the
// broker.
func (s *Subscription) Notify(f func()) {
	s.notify.Store(&f)
	select {
	case <-s.done:
		f()
		return
	default:
	}
	if len(s.c) > 0 {
		f()
	}
}

func (s *Subscription) wake() {
	if f := s.notify.Load(); f != nil {
		(*f)()
	}
}

// End closes the feed with err (nil: closed by its owner). The broker
// calls it, never concurrently with Offer.
func (s *Subscription) End(err error) {
	s.once.Do(func() {
		s.err = err
		close(s.c)
		close(s.done)
		s.wake()
	})
}

// Done is closed when the feed has ended.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Close ends the subscription; the broker forgets it.
func (s *Subscription) Close() {
	if s.leave != nil {
		s.leave()
	}
	s.End(nil)
}

// Err returns why the feed ended: ErrSlow for a subscriber that fell
// behind by a durable message, ErrResync when the room's epoch changed
// under it, nil otherwise. Call it after C is closed.
func (s *Subscription) Err() error {
	<-s.done
	return s.err
}

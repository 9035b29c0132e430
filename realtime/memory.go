package realtime

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// MemoryConfig tunes a Memory broker. The zero value works.
type MemoryConfig struct {
	// History is how many durable messages a room keeps for members
	// coming back; default 1,000.
	History int
	// Buffer is how many messages a subscriber may fall behind by;
	// default 256. Past it, ephemeral messages are dropped for it and a
	// durable one closes it with ErrSlow.
	Buffer int
}

// Memory is the in-process Broker: rooms, their history and their
// subscribers in this process. Its epoch is new at every start: a
// member whose position is from another epoch resyncs.
type Memory struct {
	cfg   MemoryConfig
	epoch string

	mu    sync.Mutex
	rooms map[string]*room
}

type room struct {
	history []Message // the last durable messages, oldest first
	last    int64
	subs    map[*Subscription]struct{}
	dropped int // ephemeral messages dropped for slow subscribers
}

var _ Broker = (*Memory)(nil)

// NewMemory returns an in-process broker.
func NewMemory(cfg MemoryConfig) *Memory {
	cfg.History = max(cmp.Or(cfg.History, 1000), 1)
	cfg.Buffer = max(cmp.Or(cfg.Buffer, 256), 1)
	return &Memory{cfg: cfg, epoch: strconv.FormatInt(time.Now().UnixNano(), 36), rooms: map[string]*room{}}
}

// Epoch names this broker's run: sequence numbers are comparable only
// within one epoch.
func (b *Memory) Epoch() string { return b.epoch }

func (b *Memory) room(name string) *room {
	r, ok := b.rooms[name]
	if !ok {
		r = &room{subs: map[*Subscription]struct{}{}}
		b.rooms[name] = r
	}
	return r
}

// Publish implements Broker. The first durable message a room gets in an
// epoch starts its history, whatever its number.
func (b *Memory) Publish(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.room(m.Room)
	if m.Durable() {
		switch {
		case r.last > 0 && m.Seq <= r.last:
			return nil // a redelivery
		case r.last > 0 && m.Seq > r.last+1:
			return fmt.Errorf("realtime: room %q: message %d after %d: %w", m.Room, m.Seq, r.last, ErrGap)
		}
		m.Epoch = b.epoch
		r.history = append(r.history, m)
		if over := len(r.history) - b.cfg.History; over > 0 {
			r.history = append(r.history[:0:0], r.history[over:]...)
		}
		r.last = m.Seq
	}
	for s := range r.subs {
		select {
		case s.c <- m:
		default:
			if m.Durable() {
				s.end(ErrSlow)
				delete(r.subs, s)
			} else {
				r.dropped++
			}
		}
	}
	return nil
}

// Subscribe implements Broker.
func (b *Memory) Subscribe(ctx context.Context, name string, after int64) (*Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.room(name)
	var missed []Message
	if after < r.last {
		if len(r.history) == 0 || r.history[0].Seq > after+1 {
			return nil, fmt.Errorf("realtime: room %q: after %d, the history starts at %d: %w", name, after, r.last-int64(len(r.history))+1, ErrResync)
		}
		missed = r.history[after+1-r.history[0].Seq:]
	}
	s := &Subscription{c: make(chan Message, len(missed)+b.cfg.Buffer), done: make(chan struct{})}
	s.C = s.c
	for _, m := range missed {
		s.c <- m
	}
	r.subs[s] = struct{}{}
	s.leave = func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if _, ok := r.subs[s]; ok {
			delete(r.subs, s)
			s.end(nil)
		}
	}
	context.AfterFunc(ctx, s.Close)
	return s, nil
}

// Subscription is one member's feed of a room.
type Subscription struct {
	// C delivers the messages, in the room's order; it is closed when the
	// subscription ends (see Err).
	C <-chan Message

	c     chan Message
	done  chan struct{}
	once  sync.Once
	err   error
	leave func()
}

// end closes the feed with err (nil: closed by its owner); the broker's
// lock is held.
func (s *Subscription) end(err error) {
	s.once.Do(func() {
		s.err = err
		close(s.c)
		close(s.done)
	})
}

// Close ends the subscription.
func (s *Subscription) Close() { s.leave() }

// Err returns why the feed ended: ErrSlow for a subscriber that fell
// behind by a durable message, nil otherwise. Call it after C is closed.
func (s *Subscription) Err() error {
	<-s.done
	return s.err
}

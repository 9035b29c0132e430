package redis

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/critpath/critpath/realtime"
)

// outbox holds durable batches without a revision (jobs, notifications)
// while Redis cannot be reached, oldest first, bounded by the messages
// it holds.
type outbox struct {
	mu      sync.Mutex
	batches []*batch
	n       int // messages held
	max     int
	dropped int
	flushMu sync.Mutex // one flush at a time
}

type batch struct {
	room   string
	frames []string
}

func (o *outbox) len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n
}

func (o *outbox) stats() (queued, dropped int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n, o.dropped
}

// queue keeps a batch in the outbox; when it is full, the oldest
// batches are dropped and their rooms' local subscribers told to
// resync.
func (b *Broker) queue(room string, fs []string) {
	o := &b.out
	o.mu.Lock()
	o.batches = append(o.batches, &batch{room, fs})
	o.n += len(fs)
	var lost []string
	for o.n > o.max {
		old := o.batches[0]
		o.batches[0] = nil
		o.batches = o.batches[1:]
		o.n -= len(old.frames)
		o.dropped += len(old.frames)
		if !slices.Contains(lost, old.room) {
			lost = append(lost, old.room)
		}
	}
	o.mu.Unlock()
	for _, r := range lost {
		if b.cfg.Logger != nil {
			b.cfg.Logger.Warn("redis: broker outbox full: dropped the oldest messages", "room", r)
		}
		m := realtime.Message{Type: realtime.TypeResync, Room: r, Time: time.Now()}
		m.Seal()
		b.local(r, m)
	}
	b.poke()
}

// poke wakes the maintenance loop.
func (b *Broker) poke() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// flush publishes the outbox's batches, oldest first, until it is empty
// or Redis cannot be reached; it reports whether it emptied it.
func (b *Broker) flush(ctx context.Context) bool {
	o := &b.out
	o.flushMu.Lock()
	defer o.flushMu.Unlock()
	for {
		o.mu.Lock()
		if len(o.batches) == 0 {
			o.mu.Unlock()
			return true
		}
		head := o.batches[0]
		o.mu.Unlock()
		_, err := b.publish(ctx, head.room, 0, head.frames, true)
		if unreachable(err) || ctx.Err() != nil {
			return false
		}
		if err != nil && b.cfg.Logger != nil {
			b.cfg.Logger.Error("redis: broker outbox: a batch Redis refused, dropped", "room", head.room, "messages", len(head.frames), "err", err)
		}
		o.mu.Lock()
		if len(o.batches) > 0 && o.batches[0] == head { // not dropped meanwhile
			o.batches[0] = nil
			o.batches = o.batches[1:]
			o.n -= len(head.frames)
		}
		o.mu.Unlock()
	}
}

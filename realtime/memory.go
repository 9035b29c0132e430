package realtime

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"
)

// MemoryConfig tunes a Memory broker. The zero value works.
type MemoryConfig struct {
	// History is how many durable messages a room keeps for members
	// coming back; default 1,000.
	History int
	// MaxAge is how long a room keeps a durable message; default 10
	// minutes.
	MaxAge time.Duration
	// Buffer is how many messages a subscriber may fall behind by;
	// default 1,024 (a hub subscribes once per room). Past half of it,
	// ephemeral messages are dropped for it; a durable one that does not
	// fit closes it with ErrSlow.
	Buffer int
	// Clock tells the time; default time.Now.
	Clock func() time.Time
}

// Memory is the in-process Broker: rooms, their history, presence and
// subscribers in this process. Several hubs sharing one Memory broker
// behave as nodes sharing a Redis broker. Its epoch is new at every
// start: a member whose position is from another epoch resyncs.
type Memory struct {
	cfg   MemoryConfig
	epoch string

	mu    sync.Mutex
	rooms map[string]*room
	nodes map[string]time.Time // node → alive until
}

type room struct {
	history  []stored // the last durable messages, oldest first
	last     int64
	rev      int64
	subs     map[*Subscription]struct{}
	presence map[string][]Presence // node → its connections here
}

// stored is a durable message of a room's history and when it was
// appended: it ages from then, whatever its Time says (a store event
// relayed late keeps its event's time).
type stored struct {
	Message
	at time.Time
}

var (
	_ Broker          = (*Memory)(nil)
	_ SizedSubscriber = (*Memory)(nil)
)

// NewMemory returns an in-process broker.
func NewMemory(cfg MemoryConfig) *Memory {
	cfg.History = max(cmp.Or(cfg.History, 1000), 1)
	cfg.MaxAge = cmp.Or(cfg.MaxAge, 10*time.Minute)
	cfg.Buffer = max(cmp.Or(cfg.Buffer, 1024), 1)
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return &Memory{cfg: cfg, epoch: strconv.FormatInt(time.Now().UnixNano(), 36), rooms: map[string]*room{}, nodes: map[string]time.Time{}}
}

func (b *Memory) room(name string) *room {
	r, ok := b.rooms[name]
	if !ok {
		r = &room{subs: map[*Subscription]struct{}{}, presence: map[string][]Presence{}}
		b.rooms[name] = r
	}
	return r
}

// trim drops the messages over the history's count or age.
func (b *Memory) trim(r *room) {
	cut := max(len(r.history)-b.cfg.History, 0)
	old := b.cfg.Clock().Add(-b.cfg.MaxAge)
	for cut < len(r.history) && r.history[cut].at.Before(old) {
		cut++
	}
	if cut > 0 {
		// Dropping the front keeps the array: append moves what is left
		// to a new one when it grows, so a message costs O(1), not a copy
		// of the history.
		clear(r.history[:cut])
		r.history = r.history[cut:]
	}
}

// Publish implements Broker.
func (b *Memory) Publish(ctx context.Context, name string, ms ...Message) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if len(ms) == 0 {
		return 0, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.room(name)
	if rev := ms[0].Rev; rev > 0 {
		switch {
		case r.rev > 0 && rev <= r.rev:
			return 0, nil // a redelivery
		case r.rev > 0 && rev > r.rev+1:
			return 0, fmt.Errorf("realtime: room %q: revision %d after %d: %w", name, rev, r.rev, ErrGap)
		}
		r.rev = rev
	}
	now := b.cfg.Clock()
	for _, m := range ms {
		r.last++
		m.Room, m.Seq, m.Epoch = name, r.last, b.epoch
		if m.Time.IsZero() {
			m.Time = now
		}
		m.Seal()
		r.history = append(r.history, stored{m, now})
		b.fanOut(r, m)
	}
	b.trim(r)
	return r.last, nil
}

// fanOut hands m to the room's subscribers; b.mu is held.
func (b *Memory) fanOut(r *room, m Message) {
	for s := range r.subs {
		if s.Offer(m) {
			continue
		}
		if m.Durable() {
			s.End(ErrSlow)
			delete(r.subs, s)
		}
	}
}

// Signal implements Broker.
func (b *Memory) Signal(ctx context.Context, name string, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.Room, m.Seq, m.Epoch = name, 0, ""
	if m.Time.IsZero() {
		m.Time = b.cfg.Clock()
	}
	m.Seal()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fanOut(b.room(name), m)
	return nil
}

// missed returns the room's durable messages after after, or ErrResync;
// b.mu is held.
func (b *Memory) missed(name string, r *room, after int64, epoch string) ([]Message, error) {
	if epoch != "" && epoch != b.epoch {
		return nil, fmt.Errorf("realtime: room %q: epoch %q, the room's is %q: %w", name, epoch, b.epoch, ErrResync)
	}
	if after < 0 || after == r.last {
		return nil, nil
	}
	b.trim(r)
	if after > r.last || len(r.history) == 0 || r.history[0].Seq > after+1 {
		return nil, fmt.Errorf("realtime: room %q: after %d, the history holds %d–%d: %w", name, after, r.last-int64(len(r.history))+1, r.last, ErrResync)
	}
	missed := make([]Message, 0, r.last-after)
	for _, h := range r.history[after+1-r.history[0].Seq:] {
		missed = append(missed, h.Message)
	}
	return missed, nil
}

// Subscribe implements Broker.
func (b *Memory) Subscribe(ctx context.Context, name string, after int64, epoch string) (*Subscription, error) {
	return b.SubscribeSized(ctx, name, after, epoch, b.cfg.Buffer)
}

// SubscribeSized implements SizedSubscriber.
func (b *Memory) SubscribeSized(ctx context.Context, name string, after int64, epoch string, buffer int) (*Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.room(name)
	missed, err := b.missed(name, r, after, epoch)
	if err != nil {
		return nil, err
	}
	var s *Subscription
	s = NewSubscription(len(missed)+max(buffer, 1), func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(r.subs, s)
	})
	s.Epoch, s.Last = b.epoch, r.last
	for _, m := range missed {
		s.Offer(m)
	}
	r.subs[s] = struct{}{}
	context.AfterFunc(ctx, s.Close)
	return s, nil
}

// Range implements Broker.
func (b *Memory) Range(ctx context.Context, name string, after int64, epoch string, limit int) ([]Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	missed, err := b.missed(name, b.room(name), max(after, 0), epoch)
	if err != nil {
		return nil, err
	}
	if limit > 0 && len(missed) > limit {
		missed = missed[:limit]
	}
	return missed, nil
}

// Last implements Broker.
func (b *Memory) Last(ctx context.Context, name string) (int64, int64, string, error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, "", err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.room(name)
	return r.last, r.rev, b.epoch, nil
}

// SetPresence implements Broker.
func (b *Memory) SetPresence(ctx context.Context, name, node string, ps []Presence) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	r := b.room(name)
	if len(ps) == 0 {
		delete(r.presence, node)
	} else {
		r.presence[node] = slices.Clone(ps)
	}
	b.mu.Unlock()
	return b.Signal(ctx, name, Message{Type: TypePresenceChanged, Data: []byte(strconv.Quote(node))})
}

// Presence implements Broker: the connections of nodes that are alive
// (a node that never said Alive counts as alive), ordered by node, then
// as each node gave them.
func (b *Memory) Presence(ctx context.Context, name string) ([]Presence, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.room(name)
	now := b.cfg.Clock()
	var out []Presence
	for _, node := range slices.Sorted(maps.Keys(r.presence)) {
		if until, ok := b.nodes[node]; ok && now.After(until) {
			delete(r.presence, node) // a dead node
			continue
		}
		out = append(out, r.presence[node]...)
	}
	return out, nil
}

// Alive implements Broker.
func (b *Memory) Alive(ctx context.Context, node string, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nodes[node] = b.cfg.Clock().Add(ttl)
	return nil
}

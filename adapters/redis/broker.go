package redis

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/critpath/critpath/realtime"
)

// BrokerConfig tunes a Broker. The zero value works. Every node sharing
// the rooms should be given the same History and MaxAge.
type BrokerConfig struct {
	// Prefix is put before every key and channel (default
	// "critpath:rt:"), to keep the rooms apart from other users of the
	// same Redis database.
	Prefix string
	// History is how many durable messages a room keeps for members
	// coming back; default 1,000.
	History int
	// MaxAge is how long a room keeps a durable message, from when it
	// was appended (by Redis's clock); default 10 minutes.
	MaxAge time.Duration
	// RoomTTL is how long Redis keeps a room's position (its epoch, last
	// sequence number and revision) and its presence after the room was
	// last used; default 24 hours. A room used again after that starts a
	// new epoch: its members resync, as they would anyway with its
	// history gone (MaxAge).
	RoomTTL time.Duration
	// Buffer is how many messages a local subscriber may fall behind by;
	// default 1,024 (a hub subscribes once per room). Past half of it,
	// ephemeral messages are dropped for it; a durable one that does not
	// fit closes it with realtime.ErrSlow.
	Buffer int
	// Outbox bounds the durable messages without a revision (jobs,
	// notifications) held while Redis is unreachable; default 10,000.
	// Past it the oldest are dropped and their rooms' local subscribers
	// are sent a realtime.TypeResync message.
	Outbox int
	// Check is how often the broker compares the position of each room
	// with local subscribers with Redis's, to catch a lost last message
	// or a room Redis lost, and tries to empty the outbox; default 1 s.
	Check time.Duration
	// Logger receives the broker's warnings (Redis unreachable and back,
	// messages dropped from the outbox); none when nil.
	Logger *slog.Logger
}

// Broker is a realtime.Broker in Redis, for hubs on many machines. A
// room's durable messages are numbered and kept by one Lua script per
// Publish (its sequence number and revision in a hash, its history in a
// stream whose entry IDs are the sequence numbers, trimmed by count and
// age) which also publishes the batch on the room's channel. Each Broker
// holds one pub/sub connection, subscribed to the channels of the rooms
// it has subscribers in, and hands what arrives to them: it follows each
// room's sequence numbers and repairs a gap from the stream before
// handing on what follows it; every Check it compares its rooms'
// positions with Redis's, to catch a lost last message.
//
// When Redis is unreachable, signals still reach the local subscribers;
// Publish of store events (Rev > 0) fails, so that the store's outbox
// tries again; other durable messages wait in a bounded outbox, sent
// when Redis is back. When Redis lost a room (flushed, or restarted
// without its data) the room gets a new epoch: positions of the old one
// get realtime.ErrResync, and local subscriptions to it end with it.
//
// A Broker is safe for concurrent use. Shutdown stops it.
type Broker struct {
	c   goredis.UniversalClient
	cfg BrokerConfig
	id  string // the origin of this broker's signals

	ps    *goredis.PubSub
	psMu  sync.Mutex // orders SUBSCRIBE and UNSUBSCRIBE
	kick  chan struct{}
	stop  chan struct{}
	wg    sync.WaitGroup
	close sync.Once

	mu      sync.Mutex
	rooms   map[string]*room // rooms with local subscribers, or joining
	waiting map[string]int   // channel → SUBSCRIBEs sent, not yet confirmed
	alive   map[string]bool  // nodes this broker said Alive for
	closed  bool

	out outbox

	down     atomic.Bool // the last call to Redis failed to reach it
	dropped  atomic.Int64
	repairs  atomic.Int64
	resyncs  atomic.Int64
	localSig atomic.Int64
}

var (
	_ realtime.Broker          = (*Broker)(nil)
	_ realtime.SizedSubscriber = (*Broker)(nil)
)

// NewBroker returns a Broker that keeps its rooms through client, which
// the caller closes after Shutdown. It starts the broker's pub/sub
// connection and its periodic check.
func NewBroker(client goredis.UniversalClient, cfg BrokerConfig) *Broker {
	cfg.Prefix = cmp.Or(cfg.Prefix, "critpath:rt:")
	cfg.History = max(cmp.Or(cfg.History, 1000), 1)
	cfg.MaxAge = cmp.Or(cfg.MaxAge, 10*time.Minute)
	cfg.RoomTTL = max(cmp.Or(cfg.RoomTTL, 24*time.Hour), cfg.MaxAge)
	cfg.Buffer = max(cmp.Or(cfg.Buffer, 1024), 1)
	cfg.Outbox = max(cmp.Or(cfg.Outbox, 10_000), 1)
	cfg.Check = cmp.Or(cfg.Check, time.Second)
	b := &Broker{
		c: client, cfg: cfg, id: randomID(),
		kick: make(chan struct{}, 1), stop: make(chan struct{}),
		rooms: map[string]*room{}, waiting: map[string]int{}, alive: map[string]bool{},
	}
	b.out.max = cfg.Outbox
	b.ps = client.Subscribe(context.Background())
	ch := b.ps.ChannelWithSubscriptions(goredis.WithChannelSize(4096))
	b.wg.Go(func() {
		for msg := range ch {
			b.received(msg)
		}
	})
	b.wg.Go(b.maintain)
	return b
}

// randomID returns 16 random hex digits: a broker's id, a room's epoch.
func randomID() string {
	var r [8]byte
	rand.Read(r[:])
	return hex.EncodeToString(r[:])
}

// BrokerStats counts what a Broker did since it started.
type BrokerStats struct {
	// Dropped is the ephemeral messages dropped for slow local
	// subscribers.
	Dropped int64
	// Repairs is the gaps in a room's feed filled from its history.
	Repairs int64
	// Resyncs is the local subscriptions ended with realtime.ErrResync.
	Resyncs int64
	// LocalSignals is the signals that reached local subscribers only
	// (Redis unreachable).
	LocalSignals int64
	// Queued is the messages in the outbox now; OutboxDropped those
	// dropped from it when it was full.
	Queued, OutboxDropped int
}

// Stats returns what b did since it started.
func (b *Broker) Stats() BrokerStats {
	queued, dropped := b.out.stats()
	return BrokerStats{Dropped: b.dropped.Load(), Repairs: b.repairs.Load(), Resyncs: b.resyncs.Load(),
		LocalSignals: b.localSig.Load(), Queued: queued, OutboxDropped: dropped}
}

// Shutdown tries to send the outbox until ctx ends, then ends the local
// subscriptions and stops the broker; it returns an error counting the
// messages the outbox still held. It does not close the client.
func (b *Broker) Shutdown(ctx context.Context) error {
	for b.out.len() > 0 && ctx.Err() == nil {
		if b.flush(ctx) {
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(b.cfg.Check / 4):
		}
	}
	b.close.Do(func() {
		b.mu.Lock()
		b.closed = true
		for _, r := range b.rooms {
			b.endAll(r, nil)
		}
		b.mu.Unlock()
		close(b.stop)
		b.ps.Close()
		b.wg.Wait()
	})
	if n := b.out.len(); n > 0 {
		return fmt.Errorf("redis: broker shut down with %d messages not sent: %w", n, ctx.Err())
	}
	return nil
}

// reached records whether a call reached Redis, logging the changes.
func (b *Broker) reached(err error) {
	if unreachable(err) {
		if !b.down.Swap(true) && b.cfg.Logger != nil {
			b.cfg.Logger.Warn("redis: broker cannot reach Redis", "err", err)
		}
		return
	}
	if err == nil && b.down.Swap(false) && b.cfg.Logger != nil {
		b.cfg.Logger.Info("redis: broker reaches Redis again")
	}
}

// unreachable reports whether err says Redis could not be reached (as
// opposed to an answer of Redis, or the caller's context ending).
func unreachable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if re, ok := errors.AsType[goredis.Error](err); ok {
		msg := re.Error()
		return strings.HasPrefix(msg, "LOADING") || strings.HasPrefix(msg, "MASTERDOWN") ||
			strings.HasPrefix(msg, "CLUSTERDOWN") || strings.HasPrefix(msg, "TRYAGAIN")
	}
	return true
}

// frames seals ms for room and returns what the publish script takes of
// each: its JSON without the opening brace (seq and epoch are zero, so
// left out; the script puts them first).
func frames(room string, ms []realtime.Message) []string {
	now := time.Now()
	out := make([]string, len(ms))
	for i, m := range ms {
		m.Room, m.Seq, m.Epoch = room, 0, ""
		if m.Time.IsZero() {
			m.Time = now
		}
		m.Seal()
		out[i] = string(m.Encoded()[1:])
	}
	return out
}

// Publish implements realtime.Broker. When Redis cannot be reached, a
// batch of store events (Rev > 0) fails; another durable batch is kept
// in the outbox, to be published when Redis is back, and Publish
// returns 0 and no error; so does it while the outbox still holds
// messages, to keep their order.
func (b *Broker) Publish(ctx context.Context, room string, ms ...realtime.Message) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if len(ms) == 0 {
		return 0, nil
	}
	fs := frames(room, ms)
	rev := ms[0].Rev
	if rev == 0 && b.out.len() > 0 {
		b.queue(room, fs)
		return 0, nil
	}
	seq, err := b.publish(ctx, room, rev, fs, true)
	if rev == 0 && unreachable(err) {
		b.queue(room, fs)
		return 0, nil
	}
	return seq, err
}

// publish runs the publish script; announce says whether to publish the
// batch on the room's channel (tests leave it out, to lose it).
func (b *Broker) publish(ctx context.Context, room string, rev int64, fs []string, announce bool) (int64, error) {
	channel := ""
	if announce {
		channel = b.channel(room)
	}
	args := make([]any, 0, 6+len(fs))
	args = append(args, randomID(), rev, b.cfg.History, b.cfg.MaxAge.Milliseconds(), channel, b.cfg.RoomTTL.Milliseconds())
	for _, f := range fs {
		args = append(args, f)
	}
	res, err := publishScript.Run(ctx, b.c, []string{b.metaKey(room), b.streamKey(room)}, args...).Slice()
	b.reached(err)
	if err != nil {
		return 0, fmt.Errorf("redis: publish %d messages to room %q: %w", len(fs), room, err)
	}
	if len(res) < 3 {
		return 0, fmt.Errorf("redis: publish to room %q: script answered %v", room, res)
	}
	code, _ := res[0].(int64)
	seq, _ := res[2].(int64)
	switch code {
	case publishDup:
		return 0, nil
	case publishGap:
		var last int64
		if len(res) > 3 {
			last, _ = res[3].(int64)
		}
		return 0, fmt.Errorf("redis: room %q: revision %d after %d: %w", room, rev, last, realtime.ErrGap)
	}
	return seq, nil
}

// Signal implements realtime.Broker: the message reaches this broker's
// subscribers at once, and the other nodes' through the room's channel;
// when Redis cannot be reached, only this broker's.
func (b *Broker) Signal(ctx context.Context, room string, m realtime.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.Room, m.Seq, m.Epoch = room, 0, ""
	if m.Time.IsZero() {
		m.Time = time.Now()
	}
	m.Seal()
	b.local(room, m)
	var payload bytes.Buffer
	payload.Grow(len(b.id) + len(m.Encoded()) + 3)
	payload.WriteString(b.id)
	payload.WriteString("\n[")
	payload.Write(m.Encoded())
	payload.WriteByte(']')
	err := b.c.Publish(ctx, b.channel(room), payload.Bytes()).Err()
	b.reached(err)
	if unreachable(err) {
		b.localSig.Add(1)
		return nil
	}
	if err != nil {
		return fmt.Errorf("redis: signal %s to room %q: %w", m.Type, room, err)
	}
	return nil
}

// position is a room's place as the read script gives it.
type position struct {
	epoch     string
	last, rev int64
	ms        []realtime.Message // the messages after the asked position
}

// read runs the read script: the room's position and up to limit (≤ 0:
// all) of its durable messages after after (< 0: none), or
// realtime.ErrResync.
func (b *Broker) read(ctx context.Context, room string, after int64, epoch string, limit int) (position, error) {
	res, err := readScript.Run(ctx, b.c, []string{b.metaKey(room), b.streamKey(room)},
		randomID(), epoch, after, limit, b.cfg.History, b.cfg.MaxAge.Milliseconds(), b.cfg.RoomTTL.Milliseconds()).Slice()
	b.reached(err)
	if err != nil {
		return position{}, fmt.Errorf("redis: read room %q after %d: %w", room, after, err)
	}
	if len(res) < 4 {
		return position{}, fmt.Errorf("redis: read room %q: script answered %v", room, res)
	}
	code, _ := res[0].(int64)
	var p position
	p.epoch, _ = res[1].(string)
	p.last, _ = res[2].(int64)
	p.rev, _ = res[3].(int64)
	switch code {
	case readEpoch:
		return p, fmt.Errorf("redis: room %q: epoch %q, the room's is %q: %w", room, epoch, p.epoch, realtime.ErrResync)
	case readPast, readTrimmed:
		return p, fmt.Errorf("redis: room %q: after %d, the history holds up to %d of the last %d: %w", room, after, p.last, b.cfg.History, realtime.ErrResync)
	}
	for _, f := range res[4:] {
		s, _ := f.(string)
		var m realtime.Message
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			return p, fmt.Errorf("redis: room %q: a message of the history does not decode: %w", room, err)
		}
		m.Seal()
		p.ms = append(p.ms, m)
	}
	return p, nil
}

// Range implements realtime.Broker.
func (b *Broker) Range(ctx context.Context, room string, after int64, epoch string, limit int) ([]realtime.Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := b.read(ctx, room, max(after, 0), epoch, limit)
	return p.ms, err
}

// Last implements realtime.Broker. A room Redis does not know gets its
// epoch here.
func (b *Broker) Last(ctx context.Context, room string) (int64, int64, string, error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, "", err
	}
	p, err := b.read(ctx, room, -1, "", 0)
	if err != nil {
		return 0, 0, "", err
	}
	return p.last, p.rev, p.epoch, nil
}

// presenceEntry is a node's value in a room's presence hash. Heartbeat
// says the node said Alive before it set it: its entry goes when its
// heartbeat key does. A node that never said Alive counts as alive.
type presenceEntry struct {
	Heartbeat bool                `json:"h,omitempty"`
	Conns     []realtime.Presence `json:"c"`
}

// SetPresence implements realtime.Broker.
func (b *Broker) SetPresence(ctx context.Context, room, node string, ps []realtime.Presence) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var err error
	if len(ps) == 0 {
		err = b.c.HDel(ctx, b.presenceKey(room), node).Err()
	} else {
		b.mu.Lock()
		e := presenceEntry{Heartbeat: b.alive[node], Conns: ps}
		b.mu.Unlock()
		v, merr := json.Marshal(e)
		if merr != nil {
			return fmt.Errorf("redis: presence of node %q in room %q: %w", node, room, merr)
		}
		// The hash outlives its last change by RoomTTL: a room no node
		// comes back to does not keep a dead node's entries for ever.
		_, err = b.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			p.HSet(ctx, b.presenceKey(room), node, v)
			p.PExpire(ctx, b.presenceKey(room), b.cfg.RoomTTL)
			return nil
		})
	}
	b.reached(err)
	if err != nil {
		return fmt.Errorf("redis: set presence of node %q in room %q: %w", node, room, err)
	}
	return b.Signal(ctx, room, realtime.Message{Type: realtime.TypePresenceChanged, Data: []byte(strconv.Quote(node))})
}

// Presence implements realtime.Broker: the connections of the live
// nodes, ordered by node, then as each node gave them. The entries of
// dead nodes are removed on the way.
func (b *Broker) Presence(ctx context.Context, room string) ([]realtime.Presence, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	all, err := b.c.HGetAll(ctx, b.presenceKey(room)).Result()
	b.reached(err)
	if err != nil {
		return nil, fmt.Errorf("redis: presence of room %q: %w", room, err)
	}
	entries := map[string]presenceEntry{}
	var beats []string
	for node, v := range all {
		var e presenceEntry
		if err := json.Unmarshal([]byte(v), &e); err != nil {
			return nil, fmt.Errorf("redis: presence of node %q in room %q: %w", node, room, err)
		}
		entries[node] = e
		if e.Heartbeat {
			beats = append(beats, node)
		}
	}
	if len(beats) > 0 {
		pipe := b.c.Pipeline()
		cmds := make([]*goredis.IntCmd, len(beats))
		for i, node := range beats {
			cmds[i] = pipe.Exists(ctx, b.nodeKey(node))
		}
		_, err := pipe.Exec(ctx)
		b.reached(err)
		if err != nil {
			return nil, fmt.Errorf("redis: heartbeats of room %q's nodes: %w", room, err)
		}
		var dead []string
		for i, node := range beats {
			if cmds[i].Val() == 0 {
				dead = append(dead, node)
				delete(entries, node)
			}
		}
		for _, node := range dead {
			// Only the entry read: the node may have set a fresh one
			// meanwhile (it was paused, not dead).
			dropPresenceScript.Run(ctx, b.c, []string{b.presenceKey(room)}, node, all[node])
		}
	}
	var out []realtime.Presence
	for _, node := range slices.Sorted(maps.Keys(entries)) {
		out = append(out, entries[node].Conns...)
	}
	return out, nil
}

// Alive implements realtime.Broker: node's heartbeat key lives for ttl.
func (b *Broker) Alive(ctx context.Context, node string, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	b.alive[node] = true
	b.mu.Unlock()
	err := b.c.Set(ctx, b.nodeKey(node), b.id, max(ttl, time.Millisecond)).Err()
	b.reached(err)
	if err != nil {
		return fmt.Errorf("redis: heartbeat of node %q: %w", node, err)
	}
	return nil
}

package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/critpath/critpath/realtime"
)

// room is a room this broker has local subscribers in (or one joining).
// Its position is that of the last durable message handed to them: the
// broker hands on the room's messages in order and without a gap,
// repairing one from the history when its channel lost a message.
type room struct {
	name    string
	ready   chan struct{} // closed once Redis confirmed the channel's subscription
	refs    int           // members, and Subscribe calls on their way
	epoch   string        // "" until the first position is known
	last    int64
	checked int64 // last at the previous periodic check
	members map[*member]struct{}
}

// member is a local subscription and its own position, which may be
// ahead of the room's (it read the history after the room's last).
type member struct {
	s     *realtime.Subscription
	epoch string
	last  int64
}

// repairTimeout bounds a read of the history that fills a gap.
const repairTimeout = 5 * time.Second

// Subscribe implements realtime.Broker. It subscribes to the room's
// channel (once per room and broker), waits until Redis confirms it,
// then reads the history after after: what is published from then on
// arrives on the channel, and the broker hands it on after the history,
// each message once.
func (b *Broker) Subscribe(ctx context.Context, name string, after int64, epoch string) (*realtime.Subscription, error) {
	return b.SubscribeSized(ctx, name, after, epoch, b.cfg.Buffer)
}

// SubscribeSized implements realtime.SizedSubscriber: Subscribe with a
// buffer of buffer messages past the replay.
func (b *Broker) SubscribeSized(ctx context.Context, name string, after int64, epoch string, buffer int) (*realtime.Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r, err := b.join(ctx, name)
	if err != nil {
		return nil, err
	}
	p, err := b.read(ctx, name, after, epoch, 0)
	if err != nil {
		b.release(r)
		return nil, err
	}
	replay, pos := p.ms, p.last
	b.mu.Lock()
	switch {
	case r.epoch == "":
		r.epoch, r.last = p.epoch, p.last
	case r.epoch != p.epoch: // Redis lost the room since the room's last message
		b.endAll(r, realtime.ErrResync)
		r.epoch, r.last = p.epoch, p.last
	}
	for {
		if r.epoch != p.epoch { // lost again while reading
			b.mu.Unlock()
			b.release(r)
			return nil, fmt.Errorf("redis: subscribe to room %q: its epoch changed: %w", name, realtime.ErrResync)
		}
		if r.last <= pos {
			break
		}
		if after < 0 { // from now on: from the room's position
			pos = r.last
			break
		}
		// The room handed on messages after what was read: read them
		// too.
		have := r.last
		b.mu.Unlock()
		more, err := b.read(ctx, name, pos, p.epoch, int(have-pos))
		if err != nil {
			b.release(r)
			return nil, err
		}
		replay = append(replay, more.ms...)
		pos = have
		b.mu.Lock()
	}
	m := &member{epoch: p.epoch, last: pos}
	s := realtime.NewSubscription(len(replay)+max(buffer, 1), func() { b.leave(r, m) })
	s.Epoch, s.Last = p.epoch, pos
	for _, msg := range replay {
		s.Offer(msg)
	}
	m.s = s
	r.members[m] = struct{}{}
	b.mu.Unlock()
	context.AfterFunc(ctx, s.Close)
	return s, nil
}

// join holds the room for a subscriber, subscribing to its channel when
// it is the first, and returns once Redis confirmed the subscription.
func (b *Broker) join(ctx context.Context, name string) (*room, error) {
	b.psMu.Lock()
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		b.psMu.Unlock()
		return nil, fmt.Errorf("redis: subscribe to room %q: the broker is shut down", name)
	}
	r := b.rooms[name]
	if r == nil {
		r = &room{name: name, ready: make(chan struct{}), members: map[*member]struct{}{}}
		b.rooms[name] = r
		ch := b.channel(name)
		b.waiting[ch]++
		b.mu.Unlock()
		err := b.ps.Subscribe(ctx, ch)
		b.reached(err)
		if err != nil {
			b.mu.Lock()
			b.waiting[ch]--
			r.refs++
			b.mu.Unlock()
			b.psMu.Unlock()
			b.release(r)
			return nil, fmt.Errorf("redis: subscribe to room %q: %w", name, err)
		}
		b.mu.Lock()
	}
	r.refs++
	b.mu.Unlock()
	b.psMu.Unlock()
	select {
	case <-r.ready:
		return r, nil
	case <-ctx.Done():
		b.release(r)
		return nil, ctx.Err()
	case <-time.After(repairTimeout):
		b.release(r)
		return nil, fmt.Errorf("redis: subscribe to room %q: not confirmed within %v", name, repairTimeout)
	}
}

// leave forgets a member its owner closed.
func (b *Broker) leave(r *room, m *member) {
	b.mu.Lock()
	_, ok := r.members[m]
	if ok {
		delete(r.members, m)
	}
	b.mu.Unlock()
	if ok {
		b.release(r)
	}
}

// release lets go of a hold on r; the last unsubscribes from its
// channel.
func (b *Broker) release(r *room) {
	b.mu.Lock()
	r.refs--
	if r.refs > 0 || b.rooms[r.name] != r {
		b.mu.Unlock()
		return
	}
	delete(b.rooms, r.name)
	b.mu.Unlock()
	b.psMu.Lock()
	defer b.psMu.Unlock()
	b.mu.Lock()
	again := b.rooms[r.name] != nil || b.closed
	b.mu.Unlock()
	if !again {
		b.ps.Unsubscribe(context.Background(), b.channel(r.name))
	}
}

// endAll ends every member of r with err; b.mu is held.
func (b *Broker) endAll(r *room, err error) {
	for m := range r.members {
		b.end(r, m, err)
	}
}

// end ends a member with err; b.mu is held. Its hold on the room goes
// after b.mu is let go.
func (b *Broker) end(r *room, m *member, err error) {
	delete(r.members, m)
	m.s.End(err)
	if errors.Is(err, realtime.ErrResync) {
		b.resyncs.Add(1)
	}
	go b.release(r)
}

// local hands an ephemeral message to the room's local subscribers.
func (b *Broker) local(name string, m realtime.Message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r := b.rooms[name]; r != nil {
		b.ephemeral(r, m)
	}
}

// ephemeral hands m to r's members, dropping it for those that are
// behind; b.mu is held.
func (b *Broker) ephemeral(r *room, m realtime.Message) {
	for mb := range r.members {
		if !mb.s.Offer(m) {
			b.dropped.Add(1)
		}
	}
}

// apply hands durable messages of r, in order, to its members; it stops
// at a gap in the room's sequence numbers and reports it. b.mu is held.
func (b *Broker) apply(r *room, ms []realtime.Message) (gap bool) {
	for _, m := range ms {
		switch {
		case r.epoch == "":
			r.epoch, r.last = m.Epoch, m.Seq-1
		case m.Epoch != r.epoch: // Redis lost the room: a new epoch
			b.endAll(r, realtime.ErrResync)
			r.epoch, r.last = m.Epoch, m.Seq-1
		}
		if m.Seq <= r.last {
			continue // had it
		}
		if m.Seq > r.last+1 {
			return true
		}
		r.last = m.Seq
		for mb := range r.members {
			switch {
			case m.Seq <= mb.last:
				continue // it read this one from the history
			case m.Seq > mb.last+1 || !mb.s.Offer(m):
				b.end(r, mb, realtime.ErrSlow) // it resubscribes from its last
				continue
			}
			mb.last = m.Seq
		}
	}
	return false
}

// received handles what the pub/sub connection brings: a confirmed
// subscription, or a room's batch.
func (b *Broker) received(msg any) {
	switch msg := msg.(type) {
	case *goredis.Subscription:
		if msg.Kind != "subscribe" {
			return
		}
		b.mu.Lock()
		if b.waiting[msg.Channel] > 0 {
			b.waiting[msg.Channel]--
			if b.waiting[msg.Channel] == 0 {
				delete(b.waiting, msg.Channel)
				if r := b.rooms[b.roomOf(msg.Channel)]; r != nil {
					select {
					case <-r.ready:
					default:
						close(r.ready)
					}
				}
			}
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		// A subscription nobody asked for: the connection came back and
		// subscribed again. Messages may have been lost meanwhile.
		b.poke()
	case *goredis.Message:
		origin, body, ok := strings.Cut(msg.Payload, "\n")
		if !ok || origin == b.id {
			return // this broker's own signal, handed on when signalled
		}
		var ms []realtime.Message
		if err := json.Unmarshal([]byte(body), &ms); err != nil || len(ms) == 0 {
			if b.cfg.Logger != nil {
				b.cfg.Logger.Error("redis: broker: a message that does not decode", "channel", msg.Channel, "err", err)
			}
			return
		}
		for i := range ms {
			ms[i].Seal()
		}
		b.handOn(b.roomOf(msg.Channel), ms)
	}
}

// handOn hands a batch that arrived on a room's channel to its members,
// repairing a gap before it from the history.
func (b *Broker) handOn(name string, ms []realtime.Message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.rooms[name]
	if r == nil {
		return
	}
	if !ms[0].Durable() {
		for _, m := range ms {
			b.ephemeral(r, m)
		}
		return
	}
	if !b.apply(r, ms) {
		return
	}
	b.repair(r, ms[len(ms)-1].Seq)
}

// repair reads r's messages after its last up to seq from the history
// and hands them on; b.mu is held, and let go while reading. When the
// history no longer holds them, r's members are told to resync; when
// Redis cannot be reached, the periodic check tries again.
func (b *Broker) repair(r *room, seq int64) {
	from, epoch := r.last, r.epoch
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), repairTimeout)
	p, err := b.read(ctx, r.name, from, epoch, int(seq-from))
	cancel()
	b.mu.Lock()
	if b.rooms[r.name] != r || r.epoch != epoch {
		return
	}
	switch {
	case errors.Is(err, realtime.ErrResync):
		b.endAll(r, realtime.ErrResync)
		r.epoch, r.last = "", 0
	case err == nil:
		b.repairs.Add(1)
		b.apply(r, p.ms)
	}
}

// roomOf returns the room of a channel.
func (b *Broker) roomOf(channel string) string {
	s := strings.TrimPrefix(channel, b.cfg.Prefix+"{")
	return strings.TrimSuffix(s, "}:c")
}

// maintain runs the periodic check and empties the outbox, every Check
// and when woken.
func (b *Broker) maintain() {
	t := time.NewTicker(b.cfg.Check)
	defer t.Stop()
	for {
		force := false
		select {
		case <-b.stop:
			return
		case <-t.C:
		case <-b.kick:
			force = true
		}
		ctx, cancel := context.WithTimeout(context.Background(), max(b.cfg.Check, repairTimeout))
		go func() {
			select {
			case <-b.stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		if b.out.len() > 0 {
			b.flush(ctx)
		}
		b.check(ctx, force)
		cancel()
	}
}

// check compares each room's position with Redis's: a room behind that
// has not moved since the previous check (its channel lost the last
// messages; force: do not wait for a second look, the connection came
// back) reads them from the history; a room Redis lost, or whose epoch
// changed, ends its members with realtime.ErrResync.
func (b *Broker) check(ctx context.Context, force bool) {
	type known struct {
		r     *room
		epoch string
		last  int64
	}
	b.mu.Lock()
	var rooms []known
	for _, r := range b.rooms {
		if r.epoch != "" && len(r.members) > 0 {
			rooms = append(rooms, known{r, r.epoch, r.last})
		}
	}
	b.mu.Unlock()
	if len(rooms) == 0 {
		return
	}
	pipe := b.c.Pipeline()
	cmds := make([]*goredis.SliceCmd, len(rooms))
	for i, k := range rooms {
		cmds[i] = pipe.HMGet(ctx, b.metaKey(k.r.name), "e", "s")
	}
	_, err := pipe.Exec(ctx)
	b.reached(err)
	if err != nil {
		return
	}
	for i, k := range rooms {
		v := cmds[i].Val()
		epoch, _ := v[0].(string)
		seqText, _ := v[1].(string)
		var seq int64
		fmt.Sscan(seqText, &seq)
		b.mu.Lock()
		switch {
		case b.rooms[k.r.name] != k.r || k.r.epoch != k.epoch:
		case epoch != k.epoch: // lost, or a new epoch
			b.endAll(k.r, realtime.ErrResync)
			k.r.epoch, k.r.last = "", 0
		case seq > k.r.last && (force || k.r.last == k.r.checked):
			b.repair(k.r, seq)
		}
		if b.rooms[k.r.name] == k.r {
			k.r.checked = k.r.last
		}
		b.mu.Unlock()
	}
}

package realtime

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
)

// Fan-out on a node: each room with members here has one broker
// subscription, its feed, and one forwarder goroutine, running while the
// feed holds messages, that appends each of them to every live member's
// outbound queue without waiting (a member whose queue a durable message
// does not fit is closed as slow; see conn.send). The forwarder's
// position is the last durable message it handed on; a member's, the
// last queued for it, so that nothing is sent twice.
//
// A member that joins from a position, or replays, is catching up: the
// forwarder passes it by, and its join sends it what it missed, read
// from the broker's history (Range), waiting for room in its queue as a
// reply may; once its position reaches the forwarder's, under the
// room's lock, it is live. A snapshot join enters at the forwarder's
// position before it reads the store, so that a change after the read
// comes after the snapshot.

// userRoomBuffer is how many messages the feed of a user's room may
// fall behind by, when the broker lets the hub choose (SizedSubscriber):
// notifications are few, and a feed that overflows resumes from its
// position, losing nothing.
const userRoomBuffer = 4

// openFeed subscribes r on this node when it has no feed, from now on,
// and starts its forwarder.
func (h *Hub) openFeed(ctx context.Context, r *hubRoom) error {
	r.feedMu.Lock()
	defer r.feedMu.Unlock()
	r.mu.Lock()
	open := r.sub != nil || r.dead
	r.mu.Unlock()
	if open {
		return nil // a dead room fails enter: the caller takes it again
	}
	fctx, stop := context.WithCancel(h.ctx)
	sub, err := h.subscribe(fctx, r, -1, "")
	if err != nil {
		stop()
		return err
	}
	r.mu.Lock()
	if r.dead {
		// Forgotten while subscribing (it had no feed yet): nobody would
		// close this subscription. The caller takes the room again.
		r.mu.Unlock()
		stop()
		sub.Close()
		return nil
	}
	r.sub, r.stopFeed, r.epoch, r.pos = sub, stop, sub.Epoch, sub.Last
	r.mu.Unlock()
	h.startFeed(fctx, r, sub)
	return nil
}

// subscribe subscribes to r's messages after after: with a small buffer
// for a user's room when the broker allows it.
func (h *Hub) subscribe(ctx context.Context, r *hubRoom, after int64, epoch string) (*Subscription, error) {
	if s, ok := h.broker.(SizedSubscriber); ok && r.users {
		return s.SubscribeSized(ctx, r.name, after, epoch, userRoomBuffer)
	}
	return h.broker.Subscribe(ctx, r.name, after, epoch)
}

// closeFeed ends r's feed when r has no members, and reports whether
// it has none left.
func (h *Hub) closeFeed(r *hubRoom) bool {
	_, ok := r.endFeed(true)
	return ok
}

// endFeed takes r's feed away and ends it, and returns r's members then;
// with ifEmpty, only when r has none (it reports whether it did).
func (r *hubRoom) endFeed(ifEmpty bool) ([]*membership, bool) {
	r.feedMu.Lock()
	r.mu.Lock()
	if ifEmpty && len(r.list) > 0 {
		r.mu.Unlock()
		r.feedMu.Unlock()
		return nil, false
	}
	members := slices.Clone(r.list)
	sub, stop := r.sub, r.stopFeed
	r.sub, r.stopFeed = nil, nil
	r.mu.Unlock()
	r.feedMu.Unlock()
	if sub != nil {
		stop()
		sub.Close()
	}
	return members, true
}

// lingerFeed closes r's feed once r has had no members for
// Limits.PresenceGrace (so that members leaving and coming back do not
// subscribe again each time), and reports whether r has no feed.
func (h *Hub) lingerFeed(r *hubRoom, now time.Time) bool {
	r.mu.Lock()
	idle := len(r.list) == 0 && now.Sub(r.emptySince) >= h.lim.PresenceGrace
	none := r.sub == nil
	r.mu.Unlock()
	switch {
	case none:
		return true
	case idle:
		return h.closeFeed(r)
	}
	return false
}

// feed is one subscription of a room's, and whether a forwarder drains
// it. The forwarder runs only while the subscription holds messages:
// the subscription's Notify starts it, and it ends when it has taken
// them all, so that a quiet room costs no goroutine.
type feed struct {
	h       *Hub
	r       *hubRoom
	ctx     context.Context // ends when the feed closes
	sub     *Subscription
	running atomic.Bool
}

// startFeed has sub's messages forwarded to r's members as they come.
func (h *Hub) startFeed(ctx context.Context, r *hubRoom, sub *Subscription) {
	f := &feed{h: h, r: r, ctx: ctx, sub: sub}
	sub.Notify(f.wake)
}

// wake starts the forwarder unless it runs.
func (f *feed) wake() {
	if f.running.CompareAndSwap(false, true) {
		go f.forward()
	}
}

// forward hands the subscription's messages to the room's members until
// it holds none, and takes up what ended it.
func (f *feed) forward() {
	for {
		select {
		case m, ok := <-f.sub.C:
			if !ok {
				f.ended()
				return
			}
			f.r.deliver(f.h, &m)
			continue
		default:
		}
		// Empty: stop, unless a message came between the check and the
		// stop and its wake found the forwarder still running.
		f.running.Store(false)
		if len(f.sub.C) == 0 && !isDone(f.sub.Done()) {
			return
		}
		if !f.running.CompareAndSwap(false, true) {
			return // another forwarder took over
		}
	}
}

func isDone(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// ended takes up a subscription the broker ended: one ended for being
// slow is subscribed again from the room's position; one whose history
// broke makes every member resync. A feed closed by the hub ends.
func (f *feed) ended() {
	h, r := f.h, f.r
	if f.ctx.Err() != nil {
		return
	}
	err := f.sub.Err()
	if errors.Is(err, ErrSlow) {
		r.mu.Lock()
		pos, epoch := r.pos, r.epoch
		r.mu.Unlock()
		next, serr := h.subscribe(f.ctx, r, pos, epoch)
		if serr == nil {
			r.mu.Lock()
			current := r.sub == f.sub
			if current {
				r.sub = next
			}
			r.mu.Unlock()
			if !current { // the feed was closed meanwhile
				next.Close()
				return
			}
			h.startFeed(f.ctx, r, next)
			return
		}
		err = serr
	}
	if f.ctx.Err() == nil {
		h.resync(r, err)
	}
}

// deliver queues m for r's members: a durable message for the live
// members whose position it is past (one the forwarder handed on
// already, which a feed taken up again repeats, is skipped); an
// ephemeral one for every member. The broker's presence signals are
// taken, not sent.
func (r *hubRoom) deliver(h *Hub, m *Message) {
	switch {
	case m.Type == TypePresenceChanged:
		if string(m.Data) != strconv.Quote(h.node) {
			r.mu.Lock()
			r.remoteDirty = true
			r.mu.Unlock()
		}
	case m.Durable():
		r.mu.Lock()
		if m.Seq <= r.pos {
			r.mu.Unlock()
			return
		}
		r.pos = m.Seq
		for _, ms := range r.list {
			if ms.live && m.Seq > ms.pos {
				ms.pos = m.Seq
				ms.c.send(m, classDurable)
			}
		}
		r.mu.Unlock()
		r.touch(h.now())
	default:
		r.mu.Lock()
		for _, ms := range r.list {
			ms.c.send(m, classEphemeral)
		}
		r.mu.Unlock()
	}
}

// resync closes r's feed, whose history broke (err), and tells r's
// members so, taking them out of it: they join again. A member that
// joins meanwhile opens a new feed.
func (h *Hub) resync(r *hubRoom, err error) {
	h.log.Warn("realtime: resync", "room", r.name, "err", err)
	members, _ := r.endFeed(false)
	m := Message{Type: TypeResync, Room: r.name, Time: h.now()}
	m.Seal()
	for _, ms := range members {
		h.metrics.Resynced()
		ms.c.send(&m, classDurable)
		// The room stays joined in name only: the client joins again.
		ms.c.leaveMembership(r.name, ms, false)
	}
}

// catchUp sends ms the durable messages after pos, read from the
// broker, until it has every message the room's forwarder has handed
// on; then ms is live. It returns ErrResync (wrapped) when the history
// no longer holds them, another error of the broker's, or nil (also
// when ms left or its connection closed on the way).
func (ms *membership) catchUp(ctx context.Context, pos int64) error {
	r, c := ms.room, ms.c
	for {
		r.mu.Lock()
		if r.members[c] != ms {
			r.mu.Unlock()
			return nil // left
		}
		if pos >= r.pos {
			ms.pos, ms.live = max(ms.pos, pos), true
			r.mu.Unlock()
			return nil
		}
		target, epoch := r.pos, r.epoch
		r.mu.Unlock()
		msgs, err := c.h.broker.Range(ctx, r.name, pos, epoch, int(min(target-pos, int64(c.h.lim.ReplayLimit))))
		if err != nil {
			return err
		}
		if len(msgs) == 0 || msgs[len(msgs)-1].Seq <= pos {
			return fmt.Errorf("realtime: room %q: the history ends before %d: %w", r.name, target, ErrResync)
		}
		for i := range msgs {
			if msgs[i].Seq <= pos {
				continue
			}
			if !c.sendWait(&msgs[i], classDurable, ms.left) {
				return nil
			}
			pos = msgs[i].Seq
		}
	}
}

// pause makes ms catch up again (for a replay) and returns its
// position, or false when it left.
func (ms *membership) pause() (int64, bool) {
	r := ms.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.members[ms.c] != ms {
		return 0, false
	}
	ms.live = false
	return ms.pos, true
}

// follow catches ms up from pos and makes it live; when the history
// broke, it tells the client to resync and takes it out of the room.
func (ms *membership) follow(ctx context.Context, pos int64) {
	err := ms.catchUp(ctx, pos)
	if err == nil {
		return
	}
	c, name := ms.c, ms.room.name
	if errors.Is(err, context.Canceled) && c.ctx.Err() != nil {
		return // the connection closed
	}
	c.h.log.Warn("realtime: resync", "conn", c.id, "room", name, "err", err)
	c.h.metrics.Resynced()
	c.send(&Message{Type: TypeResync, Room: name, Time: c.h.now()}, classDurable)
	c.leaveMembership(name, ms, false)
}

package realtime

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// userRoomPrefix starts the name of a user's own room, "user:<id>",
// which every connection of the user is in (notifications).
const userRoomPrefix = "user:"

// UserRoom returns the name of user's own room.
func UserRoom(user string) string { return userRoomPrefix + user }

// hubRoom is what this node knows of a room with members here: its
// members, their presence entries (a connection that went away stays
// for the grace), what presence the members were last told, and the
// cursors and typing not yet flushed.
type hubRoom struct {
	name   string
	users  bool         // a user's room: no presence, no cursors
	active atomic.Int64 // unix nanoseconds of the last durable message or beacon

	mu          sync.Mutex
	members     map[*conn]*membership
	entries     map[string]*entry // by connection id
	localDirty  bool              // entries changed since the last SetPresence
	remoteDirty bool              // another node's presence changed: read it again
	published   bool              // this node has entries in the broker's presence
	sent        map[string]Presence
	sentKnown   bool
	cursors     map[string]Cursor  // by connection id: the latest, not yet flushed
	typing      map[string]Message // by connection id
	dead        bool               // forgotten by the hub: a join makes a new one
}

// entry is one connection's presence; Gone is set when it went away,
// and the entry is dropped once the grace has passed.
type entry struct {
	p    Presence
	gone time.Time
}

// membership is one connection's place in one room: its role there,
// its broker subscription and the sequence number of the last durable
// message queued for it (a message the broker hands again is not sent
// twice). A forwarder goroutine moves the subscription's messages to
// the connection's queue.
type membership struct {
	c      *conn
	room   *hubRoom
	role   Role
	ctx    context.Context
	cancel context.CancelFunc

	mu    sync.Mutex
	sub   *Subscription
	epoch string
	pos   int64
	// caught is the sequence number the subscription's backlog ends at:
	// the messages up to it, a replay, are queued as the client takes
	// them; those after it must fit in the queue or the client is slow.
	caught int64
}

// room returns the hub's room of name, made when missing.
func (h *Hub) room(name string) *hubRoom {
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.rooms[name]
	if !ok {
		r = &hubRoom{
			name:    name,
			users:   strings.HasPrefix(name, userRoomPrefix),
			members: map[*conn]*membership{},
			entries: map[string]*entry{},
			cursors: map[string]Cursor{},
			typing:  map[string]Message{},
		}
		r.active.Store(h.now().UnixNano())
		h.rooms[name] = r
	}
	return r
}

// roomList returns the hub's rooms.
func (h *Hub) roomList() []*hubRoom {
	h.mu.Lock()
	defer h.mu.Unlock()
	rs := make([]*hubRoom, 0, len(h.rooms))
	for _, r := range h.rooms {
		rs = append(rs, r)
	}
	return rs
}

// enter makes c a member of r with sub, its presence entry new (none in
// a user's room), and returns the presence the room's members were last
// told — what the join's reply carries; the diffs after it follow. An
// entry of the same user in its grace is replaced by the new one.
func (r *hubRoom) enter(ms *membership, p Presence) ([]Presence, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dead {
		return nil, false
	}
	r.members[ms.c] = ms
	if r.users {
		return []Presence{}, true
	}
	for id, e := range r.entries {
		if !e.gone.IsZero() && e.p.User == p.User {
			delete(r.entries, id)
		}
	}
	r.entries[p.Conn] = &entry{p: p}
	r.localDirty = true
	out := make([]Presence, 0, len(r.sent))
	for _, p := range r.sent {
		out = append(out, p)
	}
	sortPresence(out)
	return out, true
}

// exit takes c out of r; its presence entry stays for the grace when
// grace is set, else it goes at once.
func (r *hubRoom) exit(c *conn, grace bool, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.members, c)
	delete(r.cursors, c.id)
	delete(r.typing, c.id)
	e, ok := r.entries[c.id]
	if !ok {
		return
	}
	if grace {
		e.gone = now
	} else {
		delete(r.entries, c.id)
	}
	r.localDirty = true
}

// memberList returns r's members.
func (r *hubRoom) memberList() []*conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	cs := make([]*conn, 0, len(r.members))
	for c := range r.members {
		cs = append(cs, c)
	}
	return cs
}

// touch notes a durable message (or beacon) in r at now.
func (r *hubRoom) touch(now time.Time) { r.active.Store(now.UnixNano()) }

// joinRoom subscribes c to room (from after, in epoch; after < 0: from
// now on), makes it a member and returns the membership, the
// subscription and the presence for the reply. The caller queues the
// reply and then calls start.
func (c *conn) joinRoom(name string, role Role, after int64, epoch string) (*membership, []Presence, error) {
	h := c.h
	ms := &membership{c: c, role: role}
	ms.ctx, ms.cancel = context.WithCancel(c.ctx)
	sub, err := h.broker.Subscribe(ms.ctx, name, after, epoch)
	if err != nil {
		ms.cancel()
		return nil, nil, err
	}
	ms.sub, ms.epoch, ms.pos, ms.caught = sub, sub.Epoch, sub.Last, sub.Last
	if after >= 0 {
		ms.pos = after
	}
	ident := c.identity()
	c.mu.Lock()
	old := c.rooms[name]
	c.rooms[name] = ms
	c.mu.Unlock()
	if old != nil {
		old.stop()
	} else {
		h.metrics.Rooms(1)
	}
	p := Presence{User: ident.User, Name: ident.Name, Conn: c.id, Node: h.node, Role: role, State: "viewing", Since: h.now()}
	for {
		// The hub forgets a room left empty: one forgotten between
		// these lines is made again.
		ms.room = h.room(name)
		if !ms.room.users {
			h.loadPresence(ms.room)
		}
		if ps, ok := ms.room.enter(ms, p); ok {
			return ms, ps, nil
		}
	}
}

// start runs the membership's forwarder.
func (ms *membership) start() { go ms.forward() }

// stop ends the membership's subscription and forwarder.
func (ms *membership) stop() {
	ms.cancel()
	ms.mu.Lock()
	sub := ms.sub
	ms.mu.Unlock()
	sub.Close()
}

// leaveRoom takes c out of room: its subscription ends and its presence
// leaves, after the grace when grace is set. It reports whether c was
// in the room.
func (c *conn) leaveRoom(name string, grace bool) bool {
	c.mu.Lock()
	ms, ok := c.rooms[name]
	delete(c.rooms, name)
	c.mu.Unlock()
	if !ok {
		return false
	}
	ms.stop()
	ms.room.exit(c, grace, c.h.now())
	c.h.metrics.Rooms(-1)
	return true
}

// leaveAll takes c out of every room.
func (c *conn) leaveAll(grace bool) {
	c.mu.Lock()
	names := make([]string, 0, len(c.rooms))
	for name := range c.rooms {
		names = append(names, name)
	}
	c.mu.Unlock()
	for _, name := range names {
		c.leaveRoom(name, grace)
	}
}

// membership returns c's membership of room, or nil.
func (c *conn) membership(name string) *membership {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rooms[name]
}

// forward moves the subscription's messages to the connection's queue
// until the membership ends. A subscription the broker ended for being
// slow is taken up again from the last sequence number queued; one
// whose history broke makes the client resync.
func (ms *membership) forward() {
	for {
		ms.mu.Lock()
		sub := ms.sub
		ms.mu.Unlock()
		select {
		case <-ms.ctx.Done():
			return
		case m, ok := <-sub.C:
			if ok {
				ms.deliver(m)
				continue
			}
		}
		if ms.ctx.Err() != nil {
			return
		}
		if !ms.resubscribe(sub.Err()) {
			return
		}
	}
}

// deliver queues m for the connection: a durable message the
// connection's position already covers is skipped; the broker's
// presence signals are taken, not sent.
func (ms *membership) deliver(m Message) {
	c := ms.c
	switch {
	case m.Type == TypePresenceChanged:
		if string(m.Data) != strconv.Quote(c.h.node) {
			ms.room.mu.Lock()
			ms.room.remoteDirty = true
			ms.room.mu.Unlock()
		}
	case m.Durable():
		ms.mu.Lock()
		if m.Seq > ms.pos {
			ms.pos = m.Seq
			if m.Seq <= ms.caught {
				c.sendWait(&m, classDurable, ms.ctx.Done())
			} else {
				c.send(&m, classDurable)
			}
		}
		ms.mu.Unlock()
		ms.room.touch(c.h.now())
	default:
		c.send(&m, classEphemeral)
	}
}

// resubscribe takes the room up again after the broker ended the
// subscription with err; it reports whether the forwarder goes on.
func (ms *membership) resubscribe(err error) bool {
	c, name := ms.c, ms.room.name
	if errors.Is(err, ErrSlow) {
		ms.mu.Lock()
		pos, epoch := ms.pos, ms.epoch
		ms.mu.Unlock()
		sub, serr := c.h.broker.Subscribe(ms.ctx, name, pos, epoch)
		if serr == nil {
			ms.mu.Lock()
			ms.sub, ms.caught = sub, sub.Last
			ms.mu.Unlock()
			return true
		}
		err = serr
	}
	if ms.ctx.Err() != nil {
		return false
	}
	c.h.log.Warn("realtime: resync", "conn", c.id, "room", name, "err", err)
	c.h.metrics.Resynced()
	c.send(&Message{Type: TypeResync, Room: name, Time: c.h.now()}, classDurable)
	// The room stays joined in name only: the client joins again.
	if c.membership(name) == ms {
		c.leaveRoom(name, false)
	}
	return false
}

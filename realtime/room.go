package realtime

import (
	"context"
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

	feedMu sync.Mutex // held while the feed opens or closes

	mu          sync.Mutex
	members     map[*conn]*membership
	list        []*membership     // the members, for the forwarder
	entries     map[string]*entry // by connection id
	localDirty  bool              // entries changed since the last SetPresence
	remoteDirty bool              // another node's presence changed: read it again
	published   bool              // this node has entries in the broker's presence
	sent        map[string]Presence
	sentKnown   bool
	cursors     map[string]Cursor  // by connection id: the latest, not yet flushed
	typing      map[string]Message // by connection id
	dead        bool               // forgotten by the hub: a join makes a new one

	// The feed: the room's one broker subscription on this node, made
	// when a member joins and closed when the room has had none for
	// Limits.PresenceGrace, and its forwarder's position (see fanout.go).
	sub        *Subscription // nil: no feed
	stopFeed   context.CancelFunc
	epoch      string
	pos        int64     // the last durable message handed to the members
	emptySince time.Time // when the last member left
}

// entry is one connection's presence; Gone is set when it went away,
// and the entry is dropped once the grace has passed.
type entry struct {
	p    Presence
	gone time.Time
}

// membership is one connection's place in one room: its role there,
// the sequence number of the last durable message queued for it (the
// room's forwarder does not send a message twice), and whether it is
// live — fed by the room's forwarder — or still catching up, fed by its
// join (see fanout.go). pos and live are guarded by the room's mu.
type membership struct {
	c    *conn
	room *hubRoom
	role Role
	left chan struct{} // closed when the membership ends
	once sync.Once

	pos   int64
	live  bool
	index int // in room.list
}

// stop ends the membership: a catch-up in progress gives up.
func (ms *membership) stop() { ms.once.Do(func() { close(ms.left) }) }

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

// enter makes ms a member of r, catching up from the position of the
// room's forwarder, with its presence entry p (none in a user's room),
// and returns the presence the room's members were last told — what
// the join's reply carries; the diffs after it follow — and that
// position. An entry of the same user in its grace is replaced by the
// new one. It fails (false) when r is forgotten or its feed closed since
// the caller looked: the caller takes the room again.
func (r *hubRoom) enter(ms *membership, p Presence) ([]Presence, int64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dead || r.sub == nil {
		return nil, 0, false
	}
	if old := r.members[ms.c]; old != nil {
		r.remove(old)
	}
	ms.pos, ms.live = r.pos, false
	ms.index = len(r.list)
	r.list = append(r.list, ms)
	r.members[ms.c] = ms
	if r.users {
		return []Presence{}, r.pos, true
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
	return out, r.pos, true
}

// exit takes ms out of r; its presence entry stays for the grace when
// grace is set, else it goes at once. The last member out starts the
// feed's linger.
func (r *hubRoom) exit(ms *membership, grace bool, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := ms.c
	if r.members[c] != ms {
		return // replaced by a join again
	}
	r.remove(ms)
	if len(r.list) == 0 {
		r.emptySince = now
	}
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

// remove takes ms out of r's members; r.mu is held.
func (r *hubRoom) remove(ms *membership) {
	delete(r.members, ms.c)
	last := r.list[len(r.list)-1]
	r.list[ms.index], last.index = last, ms.index
	r.list[len(r.list)-1] = nil
	r.list = r.list[:len(r.list)-1]
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

// joinRoom makes c a member of room name, catching up (see catchUp),
// subscribing the room on this node when it is the first member, and
// returns the membership, the presence for the reply and the position
// of the room's forwarder when it entered: the member has every durable
// message up to it once it has what the broker holds after its own
// position.
func (c *conn) joinRoom(ctx context.Context, name string, role Role) (*membership, []Presence, int64, error) {
	h := c.h
	ms := &membership{c: c, role: role, left: make(chan struct{})}
	ident := c.identity()
	p := Presence{User: ident.User, Name: ident.Name, Conn: c.id, Node: h.node, Role: role, State: "viewing", Since: h.now()}
	for {
		// The hub forgets a room left empty, and closes its feed: one
		// forgotten or closed between these lines is taken again.
		r := h.room(name)
		if !r.users {
			h.loadPresence(r)
		}
		if err := h.openFeed(ctx, r); err != nil {
			return nil, nil, 0, err
		}
		ms.room = r
		if ps, pos, ok := r.enter(ms, p); ok {
			c.mu.Lock()
			old := c.rooms[name]
			c.rooms[name] = ms
			c.mu.Unlock()
			if old != nil {
				old.stop()
				old.room.exit(old, false, h.now())
			} else {
				h.metrics.Rooms(1)
			}
			return ms, ps, pos, nil
		}
	}
}

// leaveRoom takes c out of room: its catch-up, if any, gives up and its
// presence leaves, after the grace when grace is set. It reports
// whether c was in the room.
func (c *conn) leaveRoom(name string, grace bool) bool {
	return c.leaveMembership(name, nil, grace)
}

// leaveMembership takes c out of room as leaveRoom does, but only when
// its membership of the room is still only (nil: any): a membership that
// ended (a resync) must not take away the one of a join made since. The
// check and the removal are one step under c.mu.
func (c *conn) leaveMembership(name string, only *membership, grace bool) bool {
	c.mu.Lock()
	ms, ok := c.rooms[name]
	if ok && only != nil && ms != only {
		ok = false
	}
	if ok {
		delete(c.rooms, name)
	}
	c.mu.Unlock()
	if !ok {
		return false
	}
	ms.stop()
	ms.room.exit(ms, grace, c.h.now())
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

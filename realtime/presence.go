package realtime

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Presence on a node: each room keeps its members' entries (a
// connection that went away stays for Limits.PresenceGrace, so that a
// quick reconnect does not flicker). Every Limits.PresenceEvery the hub
// writes the rooms whose entries changed to the broker (SetPresence,
// which signals every node), reads the presence of the rooms that were
// signalled, and sends each room's members the difference from what
// they were last told, as one message. Every Limits.NodeTTL/3 it says
// the node is alive and reads every room again, so that a dead node's
// connections go within NodeTTL and a third of it.

// loadPresence reads r's presence from the broker when the node has not
// told its members any yet, so that a join's reply carries it.
func (h *Hub) loadPresence(r *hubRoom) {
	r.mu.Lock()
	known := r.sentKnown
	r.mu.Unlock()
	if known {
		return
	}
	ctx, cancel := context.WithTimeout(h.ctx, opTimeout)
	defer cancel()
	ps, err := h.broker.Presence(ctx, r.name)
	if err != nil {
		h.log.Warn("realtime: presence could not be read", "room", r.name, "err", err)
		return
	}
	r.mu.Lock()
	if !r.sentKnown {
		r.sent, r.sentKnown = byConn(ps), true
	}
	r.mu.Unlock()
}

func byConn(ps []Presence) map[string]Presence {
	m := make(map[string]Presence, len(ps))
	for _, p := range ps {
		m[p.Conn] = p
	}
	return m
}

// setPresence changes a connection's task, field and state in r.
func (r *hubRoom) setPresence(conn, task, field, state string, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[conn]
	if !ok || (e.p.Task == task && e.p.Field == field && e.p.State == state) {
		return
	}
	e.p.Task, e.p.Field, e.p.State, e.p.Since = task, field, state, now
	r.localDirty = true
}

// presenceTick drops the entries whose grace has passed, writes the
// rooms whose entries changed, sends the rooms that changed their
// diffs, closes the feeds of rooms left empty for the grace, and
// forgets the rooms with nothing left.
func (h *Hub) presenceTick(ctx context.Context) {
	now := h.now()
	for _, r := range h.roomList() {
		r.mu.Lock()
		for id, e := range r.entries {
			if !e.gone.IsZero() && now.Sub(e.gone) >= h.lim.PresenceGrace {
				delete(r.entries, id)
				r.localDirty = true
			}
		}
		write := r.localDirty
		var mine []Presence
		if write {
			mine = make([]Presence, 0, len(r.entries))
			for _, e := range r.entries {
				mine = append(mine, e.p)
			}
			sortPresence(mine)
			r.localDirty = false
		}
		read := write || r.remoteDirty
		r.remoteDirty = false
		r.mu.Unlock()
		if write {
			if err := h.broker.SetPresence(ctx, r.name, h.node, mine); err != nil {
				h.log.Warn("realtime: presence could not be written", "room", r.name, "err", err)
				r.mu.Lock()
				r.localDirty = true
				r.mu.Unlock()
			} else {
				r.mu.Lock()
				r.published = len(mine) > 0
				r.mu.Unlock()
			}
		}
		if read && !r.users {
			ps, err := h.broker.Presence(ctx, r.name)
			if err != nil {
				h.log.Warn("realtime: presence could not be read", "room", r.name, "err", err)
			} else {
				h.sendDiff(r, r.dropReplaced(ps, h.node))
			}
		}
		h.forget(r, now)
	}
}

// dropReplaced drops this node's entries in their grace whose user has a
// connection on another node in ps — the user came back there — and
// returns ps without them, so that the old connection leaves in the
// diff the new one joins (as on one node, see enter). The change is
// written to the broker at the next tick.
func (r *hubRoom) dropReplaced(ps []Presence, node string) []Presence {
	r.mu.Lock()
	defer r.mu.Unlock()
	elsewhere := map[string]bool{}
	for _, p := range ps {
		if p.Node != node {
			elsewhere[p.User] = true
		}
	}
	dropped := map[string]bool{}
	for id, e := range r.entries {
		if !e.gone.IsZero() && elsewhere[e.p.User] {
			delete(r.entries, id)
			dropped[id] = true
			r.localDirty = true
		}
	}
	if len(dropped) == 0 {
		return ps
	}
	return slices.DeleteFunc(slices.Clone(ps), func(p Presence) bool { return p.Node == node && dropped[p.Conn] })
}

// forget closes r's feed once it has lingered, and drops r from the
// hub when nothing is left of it here.
func (h *Hub) forget(r *hubRoom, now time.Time) {
	if !h.lingerFeed(r, now) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.members) > 0 || len(r.entries) > 0 || r.published || r.localDirty || r.sub != nil {
		return
	}
	r.dead = true
	if h.rooms[r.name] == r {
		delete(h.rooms, r.name)
	}
}

// sendDiff sends r's members what changed between what they were last
// told and ps.
func (h *Hub) sendDiff(r *hubRoom, ps []Presence) {
	r.mu.Lock()
	next := byConn(ps)
	d := diffPresence(r.sent, next)
	r.sent, r.sentKnown = next, true
	members := make([]*conn, 0, len(r.members))
	for c := range r.members {
		members = append(members, c)
	}
	r.mu.Unlock()
	if len(d.Joined)+len(d.Changed)+len(d.Left) == 0 || len(members) == 0 {
		return
	}
	data, err := json.Marshal(d)
	if err != nil {
		return
	}
	m := Message{Type: TypePresence, Room: r.name, Time: h.now(), Data: data}
	m.Seal()
	for _, c := range members {
		c.send(&m, classEphemeral)
	}
}

// diffPresence returns the entries of next not in prev (joined), in
// both but different (changed) and of prev not in next (left), each
// ordered by user and connection.
func diffPresence(prev, next map[string]Presence) PresenceDiff {
	var d PresenceDiff
	for id, p := range next {
		q, ok := prev[id]
		switch {
		case !ok:
			d.Joined = append(d.Joined, p)
		case !samePresence(p, q):
			d.Changed = append(d.Changed, p)
		}
	}
	for id, q := range prev {
		if _, ok := next[id]; !ok {
			d.Left = append(d.Left, q)
		}
	}
	sortPresence(d.Joined)
	sortPresence(d.Changed)
	sortPresence(d.Left)
	return d
}

func samePresence(a, b Presence) bool {
	return a.User == b.User && a.Name == b.Name && a.Node == b.Node && a.Role == b.Role &&
		a.Task == b.Task && a.Field == b.Field && a.State == b.State && a.Since.Equal(b.Since)
}

func sortPresence(ps []Presence) {
	slices.SortFunc(ps, func(a, b Presence) int {
		if c := strings.Compare(a.User, b.User); c != 0 {
			return c
		}
		return strings.Compare(a.Conn, b.Conn)
	})
}

// alive says the node is alive for Limits.NodeTTL and marks every room
// to be read again, so that a dead node's connections leave.
func (h *Hub) alive(ctx context.Context) {
	if err := h.broker.Alive(ctx, h.node, h.lim.NodeTTL); err != nil {
		h.log.Warn("realtime: the node's heartbeat failed", "node", h.node, "err", err)
	}
	for _, r := range h.roomList() {
		r.mu.Lock()
		r.remoteDirty = !r.users && len(r.members) > 0
		r.mu.Unlock()
	}
}

// dropPresence takes the node's entries out of every room, at shutdown.
func (h *Hub) dropPresence(ctx context.Context) {
	for _, r := range h.roomList() {
		r.mu.Lock()
		published := r.published
		r.published = false
		r.mu.Unlock()
		if published {
			if err := h.broker.SetPresence(ctx, r.name, h.node, nil); err != nil {
				h.log.Warn("realtime: presence could not be dropped", "room", r.name, "err", err)
			}
		}
	}
}

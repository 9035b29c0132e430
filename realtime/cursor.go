package realtime

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Cursors and typing: a connection's latest cursor (and typing) in a
// room is kept until the room's next flush, every Limits.CursorEvery,
// which signals one cursor message with every connection that moved
// through the broker, so that the members on every node get it: N
// moving users cost a watcher one frame per flush, not N.

// cursor keeps cu, the latest cursor of its connection, for the flush.
func (r *hubRoom) cursor(h *Hub, cu Cursor) {
	r.mu.Lock()
	if r.users || r.dead {
		r.mu.Unlock()
		return
	}
	r.cursors[cu.Conn] = cu
	r.mu.Unlock()
	h.markCursor(r)
}

// typed keeps a typing message of c for the flush.
func (r *hubRoom) typed(h *Hub, c *conn, task, field string) {
	data, _ := json.Marshal(struct {
		User  string `json:"user"`
		Conn  string `json:"conn"`
		Task  string `json:"task"`
		Field string `json:"field"`
	}{c.user(), c.id, task, field})
	r.mu.Lock()
	if r.users || r.dead {
		r.mu.Unlock()
		return
	}
	r.typing[c.id] = Message{Type: TypeTyping, Room: r.name, Data: data}
	r.mu.Unlock()
	h.markCursor(r)
}

// markCursor lists r for the next flush.
func (h *Hub) markCursor(r *hubRoom) {
	h.cmu.Lock()
	h.cursorRooms[r] = struct{}{}
	h.cmu.Unlock()
}

// flushCursors signals each listed room's cursors and typing.
func (h *Hub) flushCursors(ctx context.Context) {
	h.cmu.Lock()
	rooms := h.cursorRooms
	if len(rooms) == 0 {
		h.cmu.Unlock()
		return
	}
	h.cursorRooms = map[*hubRoom]struct{}{}
	h.cmu.Unlock()
	now := h.now()
	for r := range rooms {
		r.mu.Lock()
		cursors := make([]Cursor, 0, len(r.cursors))
		for _, cu := range r.cursors {
			cursors = append(cursors, cu)
		}
		clear(r.cursors)
		typing := make([]Message, 0, len(r.typing))
		for _, m := range r.typing {
			typing = append(typing, m)
		}
		clear(r.typing)
		r.mu.Unlock()
		if len(cursors) > 0 {
			slices.SortFunc(cursors, func(a, b Cursor) int { return strings.Compare(a.Conn, b.Conn) })
			data, err := json.Marshal(CursorData{Cursors: cursors})
			if err == nil {
				h.signal(ctx, r.name, Message{Type: TypeCursor, Room: r.name, Time: now, Data: data})
			}
		}
		for _, m := range typing {
			m.Time = now
			h.signal(ctx, r.name, m)
		}
	}
}

func (h *Hub) signal(ctx context.Context, room string, m Message) {
	if err := h.broker.Signal(ctx, room, m); err != nil {
		h.log.Debug("realtime: a signal was lost", "room", room, "type", m.Type, "err", err)
		h.metrics.Dropped(classEphemeral, 1)
	}
}

// beacons sends the position of each room quiet for Limits.Beacon to
// its members here, so that a client that lost the room's last message
// learns of it.
func (h *Hub) beacons(ctx context.Context) {
	now := h.now()
	for _, r := range h.roomList() {
		if now.Sub(time.Unix(0, r.active.Load())) < h.lim.Beacon {
			continue
		}
		members := r.memberList()
		if len(members) == 0 {
			continue
		}
		seq, _, epoch, err := h.broker.Last(ctx, r.name)
		if err != nil {
			h.log.Warn("realtime: a room's position could not be read", "room", r.name, "err", err)
			continue
		}
		r.touch(now)
		m := Message{Type: TypeBeacon, Room: r.name, Seq: seq, Epoch: epoch, Time: now}
		m.Seal()
		for _, c := range members {
			c.send(&m, classEphemeral)
		}
	}
}

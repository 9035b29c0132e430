package realtime

import (
	"context"
	"time"
)

// tickTimeout bounds the broker calls of one tick of the hub's loop.
const tickTimeout = 5 * time.Second

// run is the hub's own goroutine, until Shutdown: it flushes cursors,
// sends presence diffs and beacons, pings the connections, drops those
// whose writes are stuck and says the node is alive.
func (h *Hub) run() {
	defer close(h.loop)
	l := h.lim
	cursors := time.NewTicker(l.CursorEvery)
	presence := time.NewTicker(l.PresenceEvery)
	alive := time.NewTicker(max(l.NodeTTL/3, time.Millisecond))
	beacons := time.NewTicker(max(l.Beacon/4, 10*time.Millisecond))
	heartbeat := time.NewTicker(l.Heartbeat)
	defer heartbeat.Stop()
	writes := time.NewTicker(writeWatch)
	defer writes.Stop()
	defer cursors.Stop()
	defer presence.Stop()
	defer alive.Stop()
	defer beacons.Stop()
	tick := func(f func(context.Context)) {
		ctx, cancel := context.WithTimeout(h.ctx, tickTimeout)
		defer cancel()
		f(ctx)
	}
	tick(h.alive)
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-cursors.C:
			tick(h.flushCursors)
		case <-presence.C:
			tick(h.presenceTick)
		case <-alive.C:
			tick(h.alive)
		case <-beacons.C:
			tick(h.beacons)
		case <-heartbeat.C:
			h.heartbeat()
		case <-writes.C:
			h.watchWrites(time.Now())
		}
	}
}

// writeWatch is how often the hub looks for writes past their deadline.
const writeWatch = time.Second

// connList returns the hub's connections.
func (h *Hub) connList() []*conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	return conns
}

// watchWrites drops the connections whose frame being written is past
// its deadline at now: the client is gone or too slow. The writer's
// write fails, and the connection closes.
func (h *Hub) watchWrites(now time.Time) {
	for _, c := range h.connList() {
		if d := c.writeDeadline.Load(); d != 0 && now.UnixNano() > d {
			h.log.Warn("realtime: a write timed out", "conn", c.id, "user", c.user())
			_ = c.ws.CloseNow()
		}
	}
}

// heartbeat pings every open connection whose last ping has had its
// pong (see conn.ping).
func (h *Hub) heartbeat() {
	for _, c := range h.connList() {
		if c.ctx.Err() == nil && c.pinging.CompareAndSwap(false, true) {
			go c.ping()
		}
	}
}

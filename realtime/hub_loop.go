package realtime

import (
	"context"
	"time"
)

// tickTimeout bounds the broker calls of one tick of the hub's loop.
const tickTimeout = 5 * time.Second

// run is the hub's own goroutine, until Shutdown: it flushes cursors,
// sends presence diffs and beacons, pings the connections and says the
// node is alive.
func (h *Hub) run() {
	defer close(h.loop)
	l := h.lim
	cursors := time.NewTicker(l.CursorEvery)
	presence := time.NewTicker(l.PresenceEvery)
	alive := time.NewTicker(max(l.NodeTTL/3, time.Millisecond))
	beacons := time.NewTicker(max(l.Beacon/4, 10*time.Millisecond))
	heartbeat := time.NewTicker(l.Heartbeat)
	defer heartbeat.Stop()
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
		}
	}
}

// heartbeat pings every open connection whose last ping has had its
// pong (see conn.ping).
func (h *Hub) heartbeat() {
	h.mu.Lock()
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	for _, c := range conns {
		if c.ctx.Err() == nil && c.pinging.CompareAndSwap(false, true) {
			go c.ping()
		}
	}
}

package client

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/critpath/critpath/realtime"
)

// Cursor sends where the user's pointer is in the room. It never
// blocks: the client sends at most 20 a second and, between two sends,
// keeps only the latest; while disconnected, cursors are dropped.
func (r *Room) Cursor(task, field string, x, y float64) {
	r.cursor.offer(realtime.Request{Op: realtime.OpCursor, Room: r.name, Task: task, Field: field, X: &x, Y: &y})
}

// Typing says the user is typing in field of task; as Cursor, it never
// blocks and is sent at most 20 times a second, the latest winning.
func (r *Room) Typing(task, field string) {
	r.typing.offer(realtime.Request{Op: realtime.OpTyping, Room: r.name, Task: task, Field: field})
}

// sendEphemeral sends a cursor or typing request, not waiting for a
// reply (the server replies only to refuse it).
func (r *Room) sendEphemeral(req realtime.Request) {
	if r.Err() != nil {
		return
	}
	if cn := r.c.current(); cn != nil {
		cn.write(&req, nil) // replied only when refused: the reply is not waited for
	}
}

// Presence says what the user is looking at or editing in the room
// (state "viewing" or "editing"; empty task: nothing in particular).
func (r *Room) Presence(ctx context.Context, task, field, state string) error {
	cn := r.c.current()
	if cn == nil {
		return fmt.Errorf("client: presence in room %q: %w", r.name, errOffline)
	}
	return cn.call(ctx, &realtime.Request{Op: realtime.OpPresence, Room: r.name, Task: task, Field: field, State: state}, nil)
}

// throttle sends at most one request per interval, the latest offered:
// the first of a quiet spell at once, the rest at the end of the
// interval. Its methods are safe for concurrent use.
type throttle struct {
	every time.Duration
	send  func(realtime.Request)

	mu      sync.Mutex
	last    time.Time // when the last was sent
	next    *realtime.Request
	timer   *time.Timer
	stopped bool
}

func newThrottle(every time.Duration, send func(realtime.Request)) *throttle {
	return &throttle{every: every, send: send}
}

// offer sends req now, or at the end of the interval unless a later one
// replaces it.
func (t *throttle) offer(req realtime.Request) {
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return
	}
	if t.timer != nil {
		t.next = &req
		t.mu.Unlock()
		return
	}
	now := time.Now()
	if wait := t.last.Add(t.every).Sub(now); wait > 0 {
		t.next = &req
		t.timer = time.AfterFunc(wait, t.fire)
		t.mu.Unlock()
		return
	}
	t.last = now
	t.mu.Unlock()
	t.send(req)
}

func (t *throttle) fire() {
	t.mu.Lock()
	req := t.next
	t.next, t.timer = nil, nil
	if t.stopped || req == nil {
		t.mu.Unlock()
		return
	}
	t.last = time.Now()
	t.mu.Unlock()
	t.send(*req)
}

// stop drops what waits and sends nothing more.
func (t *throttle) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	t.next = nil
}

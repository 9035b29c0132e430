package client

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// Error is a request the server refused: its op and room, and the
// reply's error (code, message, whether to retry, the conflicts).
// Errors.Is and errors.AsType see the store's error behind a code:
// *store.ConflictError for conflict (with the store's conflicts),
// store.ErrNotFound, store.ErrFuture, store.ErrUnknownField,
// store.ErrTooLarge.
type Error struct {
	Op   string
	Room string
	realtime.ErrorData
}

// Error says what was refused and why.
func (e *Error) Error() string {
	where := ""
	if e.Where != "" {
		where = " (" + e.Where + ")"
	}
	if e.Room != "" {
		return fmt.Sprintf("client: %s in room %q refused: %s: %s%s", e.Op, e.Room, e.Code, e.Message, where)
	}
	return fmt.Sprintf("client: %s refused: %s: %s%s", e.Op, e.Code, e.Message, where)
}

// Unwrap returns the store's error behind e's code, nil when there is
// none.
func (e *Error) Unwrap() error {
	switch e.Code {
	case realtime.CodeConflict:
		return &store.ConflictError{Project: e.Room, Conflicts: e.Conflicts}
	case realtime.CodeNotFound:
		return store.ErrNotFound
	case realtime.CodeFuture:
		return store.ErrFuture
	case realtime.CodeUnknownField:
		return store.ErrUnknownField
	case realtime.CodeTooLarge:
		return store.ErrTooLarge
	}
	return nil
}

// retryable reports whether the server said the same request may
// succeed later.
func (e *Error) retryable() bool {
	switch e.Code {
	case realtime.CodeRateLimited, realtime.CodeUnavailable, realtime.CodeInternal:
		return true
	}
	return false
}

// Versions say what the application's copy had seen when it made an
// edit: the project's revision, and per field the version it saw (the
// revision that last changed that field). A nil *Versions, or a zero
// Base, means the room's revision (Position.Rev): the last change the
// client handed the application.
type Versions struct {
	Base   int64
	Fields map[string]int64
}

// edit is an edit waiting for its answer. Its request keeps its command
// id across every retry.
type edit struct {
	room    *Room
	req     realtime.Request
	on      *conn // under c.mu: the connection it was last sent on; nil: to send
	done    bool  // under c.mu: answered (or given up)
	attempt int   // retries after retryable refusals, on the reader
	result  chan editResult
}

type editResult struct {
	out *store.Outcome
	err error
}

// newID returns a random id (128 bits in base 32): a command id or an
// op id.
func newID() string { return rand.Text() }

// Patch sets fields of task (name → value; see store.Fields) and
// returns the store's outcome. A stale write of a field that moves the
// schedule fails with an *Error whose errors.AsType gives a
// *store.ConflictError with the current values.
func (r *Room) Patch(ctx context.Context, task string, fields map[string]any, at *Versions) (*store.Outcome, error) {
	req := realtime.Request{Op: realtime.OpPatch, Task: task}
	if err := setFields(&req, fields); err != nil {
		return nil, err
	}
	return r.edit(ctx, req, at)
}

// Progress sets progress fields of task (percent_complete, actual_start,
// actual_finish, remaining); as Patch.
func (r *Room) Progress(ctx context.Context, task string, fields map[string]any, at *Versions) (*store.Outcome, error) {
	req := realtime.Request{Op: realtime.OpProgress, Task: task}
	if err := setFields(&req, fields); err != nil {
		return nil, err
	}
	return r.edit(ctx, req, at)
}

// CreateTask adds t to the project.
func (r *Room) CreateTask(ctx context.Context, t schedule.Task, at *Versions) (*store.Outcome, error) {
	return r.edit(ctx, realtime.Request{Op: realtime.OpTaskCreate, New: &t}, at)
}

// DeleteTask removes task from the project.
func (r *Room) DeleteTask(ctx context.Context, task string, at *Versions) (*store.Outcome, error) {
	return r.edit(ctx, realtime.Request{Op: realtime.OpTaskDelete, Task: task}, at)
}

// AddLink adds l (or changes its lag); a link that would close a loop
// is refused with code cycle.
func (r *Room) AddLink(ctx context.Context, l schedule.Link, at *Versions) (*store.Outcome, error) {
	return r.edit(ctx, realtime.Request{Op: realtime.OpLinkAdd, Link: &l, OpID: newID()}, at)
}

// RemoveLink removes l (identified by its Pred, Succ and Type).
func (r *Room) RemoveLink(ctx context.Context, l schedule.Link, at *Versions) (*store.Outcome, error) {
	return r.edit(ctx, realtime.Request{Op: realtime.OpLinkRemove, Link: &l, OpID: newID()}, at)
}

// Assign assigns a's resource to a's task (or changes its units).
func (r *Room) Assign(ctx context.Context, a schedule.Assignment, at *Versions) (*store.Outcome, error) {
	return r.edit(ctx, realtime.Request{Op: realtime.OpAssignAdd, Assignment: &a, OpID: newID()}, at)
}

// Unassign removes a's resource from a's task.
func (r *Room) Unassign(ctx context.Context, a schedule.Assignment, at *Versions) (*store.Outcome, error) {
	return r.edit(ctx, realtime.Request{Op: realtime.OpAssignRemove, Assignment: &a, OpID: newID()}, at)
}

func setFields(req *realtime.Request, fields map[string]any) error {
	req.Fields = make(map[string]json.RawMessage, len(fields))
	for name, v := range fields {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("client: %s of task %q: field %q: %w", req.Op, req.Task, name, err)
		}
		req.Fields[name] = b
	}
	return nil
}

// edit sends req as an edit of the room with a new command id and waits
// for its answer, sending it again (same command id) on each new
// connection until answered and after each retryable refusal, until ctx
// ends.
func (r *Room) edit(ctx context.Context, req realtime.Request, at *Versions) (*store.Outcome, error) {
	c := r.c
	req.Room, req.Command = r.name, newID()
	pos := r.Position()
	req.Base = pos.Rev
	if at != nil {
		if at.Base > 0 {
			req.Base = at.Base
		}
		req.Bases = at.Fields
	}
	e := &edit{room: r, req: req, result: make(chan editResult, 1)}

	c.mu.Lock()
	switch {
	case c.closed != nil:
		err := c.closed
		c.mu.Unlock()
		return nil, err
	case c.rooms[r.name] != r:
		c.mu.Unlock()
		return nil, fmt.Errorf("client: %s in room %q: %w", req.Op, r.name, ErrLeft)
	case c.conn == nil && len(c.edits) >= max(c.opts.OfflineQueue, 0):
		n := len(c.edits)
		c.mu.Unlock()
		return nil, fmt.Errorf("client: %s in room %q: %d edits wait for the connection: %w", req.Op, r.name, n, ErrQueueFull)
	}
	c.edits = append(c.edits, e)
	cn := c.conn
	e.on = cn
	c.mu.Unlock()
	if cn != nil {
		cn.wmu.Lock()
		c.sendEdit(cn, e)
		cn.wmu.Unlock()
	}

	select {
	case res := <-e.result:
		return res.out, res.err
	case <-ctx.Done():
		c.mu.Lock()
		if !e.done {
			e.done = true
			c.edits = slices.DeleteFunc(c.edits, func(x *edit) bool { return x == e })
		}
		c.mu.Unlock()
		return nil, ctx.Err()
	}
}

// sendEdit writes e on cn (the caller holds cn.wmu); its reply is
// handled on cn's reader.
func (c *Client) sendEdit(cn *conn, e *edit) {
	req := e.req // a copy: each send has its own request id
	cn.send(&req, func(m *realtime.Message) { c.answer(cn, e, &req, m) })
}

// answer takes the reply m to e sent on cn, on cn's reader (m nil: the
// connection ended first; e is sent again on the next).
func (c *Client) answer(cn *conn, e *edit, req *realtime.Request, m *realtime.Message) {
	if m == nil {
		c.mu.Lock()
		if e.on == cn {
			e.on = nil
		}
		c.mu.Unlock()
		return
	}
	var out store.Outcome
	err := decodeReply(req, m, &out)
	if err == nil {
		c.finish(e, editResult{out: &out})
		return
	}
	re, ok := errors.AsType[*Error](err)
	if !ok || !re.retryable() {
		c.finish(e, editResult{err: err})
		return
	}
	d := time.Duration(re.RetryAfterMS) * time.Millisecond
	if d <= 0 {
		d = c.delay(e.attempt, false)
	}
	e.attempt++
	c.log.Info("realtime client: edit refused for now, retrying", "room", e.room.name, "op", req.Op, "command", req.Command, "code", re.Code, "after", d)
	c.mu.Lock()
	if e.on == cn {
		e.on = nil
	}
	c.mu.Unlock()
	time.AfterFunc(d, func() { c.retry(e) })
}

// retry sends e again on the open connection, unless it has been sent
// on it since (a reconnection sends every edit waiting) or answered.
func (c *Client) retry(e *edit) {
	c.mu.Lock()
	cn := c.conn
	if e.done || e.on != nil || cn == nil {
		c.mu.Unlock()
		return
	}
	e.on = cn
	c.mu.Unlock()
	cn.wmu.Lock()
	defer cn.wmu.Unlock()
	c.sendEdit(cn, e)
}

// finish answers e (once).
func (c *Client) finish(e *edit, res editResult) {
	c.mu.Lock()
	if e.done {
		c.mu.Unlock()
		return
	}
	e.done = true
	c.edits = slices.DeleteFunc(c.edits, func(x *edit) bool { return x == e })
	c.mu.Unlock()
	e.result <- res
}

// takeEdits removes and returns room r's edits not yet answered; the
// caller holds c.mu and answers them.
func (c *Client) takeEdits(r *Room) []*edit {
	var out []*edit
	c.edits = slices.DeleteFunc(c.edits, func(e *edit) bool {
		if e.room == r && !e.done {
			e.done = true
			out = append(out, e)
			return true
		}
		return false
	})
	return out
}

// Queued returns how many edits wait for their answer (sent or not).
func (c *Client) Queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.edits)
}

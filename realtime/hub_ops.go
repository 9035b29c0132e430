package realtime

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// maxBad is how many malformed requests in a row close a connection
// with CloseBadRequest.
const maxBad = 10

// opTimeout bounds the store's and the broker's work for one request.
const opTimeout = 30 * time.Second

// expiringBefore is how long before its token expires a connection is
// sent auth.expiring.
const expiringBefore = 30 * time.Second

// handle reads one request from a frame, checks it and answers it.
func (c *conn) handle(data []byte) {
	h := c.h
	req, bad, err := decodeRequest(data)
	if err != nil {
		h.metrics.MessagesIn("invalid", len(data))
		c.close(CloseBadRequest, "a request that is not a JSON object")
		return
	}
	op := req.Op
	if !roomOps[op] && op != OpHello && op != OpPing {
		op = "unknown"
	}
	h.metrics.MessagesIn(op, len(data))
	if bad == nil {
		bad = validate(&req)
	}
	if bad != nil {
		c.refuse(&req, bad)
		if c.bad++; c.bad >= maxBad {
			c.close(CloseBadRequest, "too many malformed requests")
		}
		return
	}
	c.bad = 0
	ephemeral := req.Op == OpCursor || req.Op == OpTyping
	if ok, retry, tooLong := c.lim.allow(h.now(), ephemeral); !ok {
		if tooLong {
			c.close(CloseRateLimited, "over the rate for too long")
			return
		}
		c.refuse(&req, &ErrorData{Code: CodeRateLimited, Message: "realtime: over the connection's rate", Retry: true, RetryAfterMS: retry.Milliseconds() + 1})
		return
	}
	if req.Op != OpHello && req.Op != OpPing && c.user() == "" {
		c.refuse(&req, &ErrorData{Code: CodeUnauthorized, Message: "realtime: send hello first"})
		return
	}
	// The authenticator and the store are the embedder's: a panic in
	// them fails the request, not the server.
	defer func() {
		if v := recover(); v != nil {
			h.log.Error("realtime: a request panicked", "conn", c.id, "op", req.Op, "panic", v, "stack", string(debug.Stack()))
			c.refuse(&req, &ErrorData{Code: CodeInternal, Message: "realtime: the server failed", Retry: true})
		}
	}()
	switch req.Op {
	case OpPresence, OpCursor, OpTyping:
		c.ephemeral(&req)
		return
	case OpPing:
		c.reply(&req, struct {
			Time time.Time `json:"time"`
		}{h.now()})
		return
	case OpLeave:
		if !c.leaveRoom(req.Room, false) {
			c.refuse(&req, notJoined(req.Room))
			return
		}
		c.reply(&req, struct{}{})
		return
	}
	// The rest wait on the authenticator, the broker or the store.
	ctx, cancel := context.WithTimeout(c.ctx, opTimeout)
	defer cancel()
	switch req.Op {
	case OpHello:
		c.hello(ctx, &req)
	case OpJoin:
		c.join(ctx, &req)
	case OpReplay:
		c.replay(ctx, &req)
	default:
		c.edit(ctx, &req)
	}
}

// reply queues the answer to req with data.
func (c *conn) reply(req *Request, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		c.refuse(req, &ErrorData{Code: CodeInternal, Message: "realtime: the reply could not be encoded", Retry: true})
		return
	}
	r, _ := json.Marshal(Reply{OK: true, Data: b})
	c.sendWait(&Message{Type: TypeReply, Re: req.ID, Time: c.h.now(), Data: r}, classReply, nil)
}

// refuse queues an error reply to req.
func (c *conn) refuse(req *Request, e *ErrorData) {
	r, _ := json.Marshal(Reply{Error: e})
	c.sendWait(&Message{Type: TypeReply, Re: req.ID, Time: c.h.now(), Data: r}, classReply, nil)
}

func notJoined(room string) *ErrorData {
	return &ErrorData{Code: CodeNotJoined, Message: fmt.Sprintf("realtime: room %q is not joined", truncate(room)), Where: "room"}
}

func unavailable(err error) *ErrorData {
	return &ErrorData{Code: CodeUnavailable, Message: "realtime: " + err.Error(), Retry: true}
}

// hello authenticates the connection, or refreshes its token.
func (c *conn) hello(ctx context.Context, req *Request) {
	h := c.h
	ident, err := h.auth.Authenticate(ctx, req.Token)
	if err == nil && ident.User == "" {
		err = errors.New("the token names no user")
	}
	if err != nil {
		c.refuse(req, &ErrorData{Code: CodeUnauthorized, Message: "realtime: the token was refused"})
		c.close(CloseUnauthorized, "the token was refused")
		return
	}
	if !ident.Expires.IsZero() && !ident.Expires.After(h.now()) {
		c.refuse(req, &ErrorData{Code: CodeUnauthorized, Message: "realtime: the token has expired"})
		c.close(CloseUnauthorized, "the token has expired")
		return
	}
	prev := c.identity()
	switch {
	case prev.User != "" && prev.User != ident.User:
		c.refuse(req, &ErrorData{Code: CodeForbidden, Message: "realtime: the token names another user"})
		c.close(CloseForbidden, "the token names another user")
		return
	case prev.User == "" && !h.admit(ident.User):
		c.refuse(req, &ErrorData{Code: CodeTooMany, Message: "realtime: too many connections of the user"})
		c.close(CloseRateLimited, "too many connections of the user")
		return
	}
	c.mu.Lock()
	c.ident = ident
	c.mu.Unlock()
	c.armExpiry(ident.Expires)
	var ms *membership
	var pos int64
	if prev.User == "" {
		ms, _, pos, err = c.joinRoom(ctx, UserRoom(ident.User), RoleViewer)
		if err != nil {
			h.log.Warn("realtime: the user's room could not be joined", "conn", c.id, "user", ident.User, "err", err)
		}
		h.log.Info("realtime: hello", "conn", c.id, "user", ident.User, "remote", c.remote)
	}
	var expires *time.Time
	if !ident.Expires.IsZero() {
		expires = &ident.Expires
	}
	c.reply(req, struct {
		User        string     `json:"user"`
		Name        string     `json:"name,omitempty"`
		Node        string     `json:"node"`
		Conn        string     `json:"conn"`
		Expires     *time.Time `json:"expires,omitempty"`
		HeartbeatMS int64      `json:"heartbeat_ms"`
		Limits      limitsData `json:"limits"`
	}{ident.User, ident.Name, h.node, c.id, expires, h.lim.Heartbeat.Milliseconds(), h.lim.data()})
	if ms != nil {
		ms.follow(ctx, pos)
	}
}

// armExpiry sets the timers of a token expiring at exp: auth.expiring
// 30 s before, the close with CloseUnauthorized at exp. A refresh arms
// them again; a timer of an older token does nothing.
func (c *conn) armExpiry(exp time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.expiring != nil {
		c.expiring.Stop()
		c.expiring = nil
	}
	if exp.IsZero() {
		return
	}
	c.authGen++
	gen := c.authGen
	current := func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.authGen == gen
	}
	expire := func() {
		if current() {
			c.close(CloseUnauthorized, "the token has expired")
		}
	}
	warn := func() {
		if !current() {
			return
		}
		data, _ := json.Marshal(struct {
			Expires time.Time `json:"expires"`
		}{exp})
		c.send(&Message{Type: TypeExpiring, Time: c.h.now(), Data: data}, classReply)
		c.mu.Lock()
		if c.authGen == gen {
			c.expiring = time.AfterFunc(exp.Sub(c.h.now()), expire)
		}
		c.mu.Unlock()
	}
	// A token with less than expiringBefore left is warned of at once,
	// after the hello's reply.
	c.expiring = time.AfterFunc(max(exp.Sub(c.h.now())-expiringBefore, time.Millisecond), warn)
}

// joinReply is the data of a join's reply.
type joinReply struct {
	Room     string            `json:"room"`
	Role     Role              `json:"role"`
	Mode     string            `json:"mode"` // "snapshot" or "replay"
	Epoch    string            `json:"epoch"`
	Seq      int64             `json:"seq"`
	Rev      int64             `json:"rev"`
	Project  *schedule.Project `json:"project,omitempty"`
	Schedule *schedule.Result  `json:"schedule,omitempty"`
	Presence []Presence        `json:"presence"`
	Count    *int64            `json:"count,omitempty"`
}

// join enters a room: from the client's position when the history
// reaches back to it, else with a snapshot.
func (c *conn) join(ctx context.Context, req *Request) {
	h := c.h
	ident := c.identity()
	name := req.Room
	role := RoleViewer
	if strings.HasPrefix(name, userRoomPrefix) {
		if name != UserRoom(ident.User) {
			c.refuse(req, &ErrorData{Code: CodeForbidden, Message: "realtime: another user's room", Where: "room"})
			return
		}
	} else {
		var err error
		if role, err = h.auth.Role(ctx, ident, name); err != nil {
			c.refuse(req, unavailable(err))
			return
		}
		if !role.Allows(RoleViewer) {
			c.refuse(req, &ErrorData{Code: CodeForbidden, Message: fmt.Sprintf("realtime: %s is not a member of %q", ident.User, truncate(name)), Where: "room"})
			return
		}
		if c.membership(name) == nil && c.projectRooms() >= h.lim.Rooms {
			c.refuse(req, &ErrorData{Code: CodeTooMany, Message: fmt.Sprintf("realtime: %d rooms on this connection already", h.lim.Rooms), Where: "room"})
			return
		}
	}
	if req.Seq != nil && req.Epoch != "" {
		ok, err := c.joinReplay(ctx, req, role)
		switch {
		case err != nil:
			c.refuse(req, unavailable(err))
			return
		case ok:
			return
		}
		h.metrics.Resynced()
		h.log.Info("realtime: resync", "conn", c.id, "room", name, "seq", *req.Seq, "epoch", req.Epoch)
	}
	ms, ps, pos, err := c.joinRoom(ctx, name, role)
	if err != nil {
		c.refuse(req, unavailable(err))
		return
	}
	r := ms.room
	r.mu.Lock()
	rep := joinReply{Room: name, Role: role, Mode: "snapshot", Epoch: r.epoch, Seq: pos, Presence: ps}
	r.mu.Unlock()
	if !r.users {
		// In the room at pos first, read second: whatever the store
		// accepted after the read comes after pos.
		rep.Project, rep.Schedule, rep.Rev, err = c.h.snapshot(ctx, name)
		if err != nil {
			c.leaveRoom(name, false)
			c.refuse(req, editError(err, req))
			return
		}
		rep.Seq = c.h.position(ctx, name, rep.Epoch, pos, rep.Rev)
	}
	c.reply(req, rep)
	ms.follow(ctx, rep.Seq)
}

// joinReplay joins from the client's position when the history holds
// everything after it, and reports whether it did; an error is the
// broker's.
func (c *conn) joinReplay(ctx context.Context, req *Request, role Role) (bool, error) {
	h := c.h
	seq := *req.Seq
	last, rev, epoch, err := h.broker.Last(ctx, req.Room)
	if err != nil {
		return false, err
	}
	if epoch != req.Epoch || seq > last || last-seq > int64(h.lim.ReplayLimit) {
		return false, nil
	}
	ms, ps, pos, err := c.joinRoom(ctx, req.Room, role)
	if err != nil {
		return false, err
	}
	r := ms.room
	r.mu.Lock()
	epoch = r.epoch
	r.mu.Unlock()
	if epoch != req.Epoch {
		c.leaveRoom(req.Room, false)
		return false, nil
	}
	// The messages after seq up to the forwarder's position follow the
	// reply; those after it, the live ones, come after them. The first
	// are read before the reply, for a history that no longer reaches
	// back is a snapshot's case.
	end := max(pos, seq)
	var missed []Message
	if end > seq {
		missed, err = h.broker.Range(ctx, req.Room, seq, epoch, int(min(end-seq, int64(h.lim.ReplayLimit))))
		if err != nil {
			c.leaveRoom(req.Room, false)
			if errors.Is(err, ErrResync) {
				return false, nil
			}
			return false, err
		}
	}
	count := end - seq
	c.reply(req, joinReply{Room: req.Room, Role: role, Mode: "replay", Epoch: epoch, Seq: end, Rev: rev, Presence: ps, Count: &count})
	h.metrics.Replayed(int(count))
	from := seq
	for i := range missed {
		if !c.sendWait(&missed[i], classDurable, ms.left) {
			return true, nil
		}
		from = missed[i].Seq
	}
	ms.follow(ctx, from)
	return true, nil
}

// projectRooms counts the connection's rooms but its user's room.
func (c *conn) projectRooms() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for name := range c.rooms {
		if !strings.HasPrefix(name, userRoomPrefix) {
			n++
		}
	}
	return n
}

// snapshot reads a project and its schedule at one revision.
func (h *Hub) snapshot(ctx context.Context, id string) (*schedule.Project, *schedule.Result, int64, error) {
	for range 10 {
		p, rev, err := h.projects.Project(ctx, id)
		if err != nil {
			return nil, nil, 0, err
		}
		s, srev, err := h.projects.Schedule(ctx, id)
		if err != nil {
			return nil, nil, 0, err
		}
		if srev == rev {
			return p, s, rev, nil
		}
		// A change came between the two reads: read again.
		if err := ctx.Err(); err != nil {
			return nil, nil, 0, err
		}
	}
	return nil, nil, 0, fmt.Errorf("realtime: project %q changed under each of 10 reads", id)
}

// snapshotWait bounds how long a join waits for the broker to catch up
// with the revision of its snapshot.
const snapshotWait = 250 * time.Millisecond

// position returns the room's position a snapshot at revision rev
// stands for, in epoch: the broker's last sequence number once the
// broker's revision is rev (the messages up to it are in the snapshot
// and are not sent). When the broker is past rev already, or does not
// catch up within snapshotWait, or has no revision for the room (it
// started after the room's last change), it is pos, where the member
// entered the room, and the client skips the change messages of
// revisions up to rev itself.
func (h *Hub) position(ctx context.Context, room, epoch string, pos, rev int64) int64 {
	deadline := time.Now().Add(snapshotWait)
	for {
		seq, brev, bepoch, err := h.broker.Last(ctx, room)
		switch {
		case err != nil || bepoch != epoch || brev == 0 || brev > rev:
			return pos
		case brev == rev:
			return max(pos, seq)
		case time.Now().After(deadline):
			return pos
		}
		select {
		case <-ctx.Done():
			return pos
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// replay sends the durable messages after the client's seq again: the
// member catches up from there, so that what the room's forwarder hands
// on meanwhile follows them.
func (c *conn) replay(ctx context.Context, req *Request) {
	h := c.h
	ms := c.membership(req.Room)
	if ms == nil {
		c.refuse(req, notJoined(req.Room))
		return
	}
	seq := *req.Seq
	last, _, epoch, err := h.broker.Last(ctx, req.Room)
	if err != nil {
		c.refuse(req, unavailable(err))
		return
	}
	resync := &ErrorData{Code: CodeResync, Message: "realtime: the history does not reach back: join without seq"}
	if (req.Epoch != "" && req.Epoch != epoch) || seq > last || last-seq > int64(h.lim.ReplayLimit) {
		h.metrics.Resynced()
		c.refuse(req, resync)
		return
	}
	pos, ok := ms.pause()
	if !ok {
		c.refuse(req, notJoined(req.Room))
		return
	}
	msgs, err := h.broker.Range(ctx, req.Room, seq, req.Epoch, h.lim.ReplayLimit)
	if err != nil {
		ms.follow(ctx, pos)
		if errors.Is(err, ErrResync) {
			h.metrics.Resynced()
			c.refuse(req, resync)
		} else {
			c.refuse(req, unavailable(err))
		}
		return
	}
	end := seq
	if len(msgs) > 0 {
		end = msgs[len(msgs)-1].Seq
	}
	c.reply(req, struct {
		Seq   int64 `json:"seq"`
		Count int   `json:"count"`
	}{end, len(msgs)})
	for i := range msgs {
		if !c.sendWait(&msgs[i], classDurable, ms.left) {
			return
		}
	}
	h.metrics.Replayed(len(msgs))
	ms.follow(ctx, max(pos, end))
}

// edit applies an edit through the store and answers with its outcome.
func (c *conn) edit(ctx context.Context, req *Request) {
	ms := c.membership(req.Room)
	if ms == nil {
		c.refuse(req, notJoined(req.Room))
		return
	}
	if !ms.role.Allows(RolePlanner) {
		c.refuse(req, &ErrorData{Code: CodeForbidden, Message: fmt.Sprintf("realtime: %s needs the planner's role, %s has %q", req.Op, c.user(), ms.role)})
		return
	}
	ch := store.Change{Actor: c.user(), Command: req.Command, Base: req.Base, Ops: ops(req)}
	out, err := c.h.projects.Apply(ctx, req.Room, ch)
	if err != nil {
		e := editError(err, req)
		if e.Code == CodeUnavailable || e.Code == CodeInternal {
			c.h.log.Warn("realtime: an edit failed", "conn", c.id, "room", req.Room, "op", req.Op, "err", err)
		}
		c.refuse(req, e)
		return
	}
	c.reply(req, out)
}

// ops returns the store's ops of an edit.
func ops(req *Request) []store.Op {
	switch req.Op {
	case OpPatch, OpProgress:
		fields := make([]string, 0, len(req.Fields))
		for f := range req.Fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		out := make([]store.Op, len(fields))
		for i, f := range fields {
			out[i] = store.Op{Op: store.OpSet, Task: req.Task, Field: f, Value: req.Fields[f], Base: req.Bases[f]}
		}
		return out
	case OpTaskCreate:
		return []store.Op{store.AddTask(*req.New)}
	case OpTaskDelete:
		return []store.Op{store.RemoveTask(req.Task)}
	case OpLinkAdd:
		return []store.Op{store.AddLink(req.OpID, *req.Link)}
	case OpLinkRemove:
		return []store.Op{store.RemoveLink(req.OpID, *req.Link)}
	case OpAssignAdd:
		return []store.Op{store.Assign(req.OpID, *req.Assignment)}
	case OpAssignRemove:
		return []store.Op{store.Unassign(req.OpID, req.Assignment.Task, req.Assignment.Resource)}
	}
	return nil
}

// editError maps the store's error to the protocol's.
func editError(err error, req *Request) *ErrorData {
	if ce, ok := errors.AsType[*store.ConflictError](err); ok {
		return &ErrorData{Code: CodeConflict, Message: err.Error(), Conflicts: ce.Conflicts}
	}
	if _, ok := errors.AsType[*schedule.CycleError](err); ok {
		return &ErrorData{Code: CodeCycle, Message: err.Error(), Where: "link"}
	}
	ie, input := errors.AsType[*store.InputError](err)
	where := ""
	if input {
		switch {
		case ie.Field != "" && (req.Op == OpPatch || req.Op == OpProgress):
			where = "fields." + ie.Field
		case ie.Field != "":
			where = ie.Field
		case ie.Task != "" && req.Op == OpTaskCreate:
			where = "new"
		case ie.Task != "":
			where = "task"
		}
	}
	switch {
	case errors.Is(err, store.ErrFuture):
		return &ErrorData{Code: CodeFuture, Message: err.Error(), Where: "base"}
	case errors.Is(err, store.ErrTooLarge):
		return &ErrorData{Code: CodeTooLarge, Message: err.Error()}
	case errors.Is(err, store.ErrUnknownField):
		return &ErrorData{Code: CodeUnknownField, Message: err.Error(), Where: where}
	case input:
		return &ErrorData{Code: CodeBadRequest, Message: err.Error(), Where: where}
	case errors.Is(err, store.ErrNotFound):
		return &ErrorData{Code: CodeNotFound, Message: fmt.Sprintf("realtime: no project %q", truncate(req.Room)), Where: "room"}
	}
	return &ErrorData{Code: CodeUnavailable, Message: "realtime: the store failed", Retry: true}
}

// ephemeral handles presence, cursor and typing: presence changes the
// connection's entry (sent in the next diff); a cursor or typing is
// kept for the room's next flush.
func (c *conn) ephemeral(req *Request) {
	ms := c.membership(req.Room)
	if ms == nil {
		c.refuse(req, notJoined(req.Room))
		return
	}
	r := ms.room
	switch req.Op {
	case OpPresence:
		r.setPresence(c.id, req.Task, req.Field, cmp.Or(req.State, "viewing"), c.h.now())
		c.reply(req, struct{}{})
	case OpCursor:
		r.cursor(c.h, Cursor{User: c.user(), Conn: c.id, Task: req.Task, Field: req.Field, X: req.X, Y: req.Y})
	case OpTyping:
		r.typed(c.h, c, req.Task, req.Field)
	}
}

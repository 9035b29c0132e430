package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/schedule"
)

// Event is what a room hands the application, in order: exactly one of
// its fields is set (a Snapshot event also has Presence).
type Event struct {
	// Message is a message of the room; its Type says which. Durable
	// ones come in the room's order, each once, with no gap; ephemeral
	// ones (presence, cursor, typing) as they come.
	Message *realtime.Message
	// Snapshot is the project as the room stands now: the application
	// replaces its copy with it. It comes first after a join, and again
	// whenever the client could not resume where it was (the history no
	// longer reaches back, its epoch changed, close 4409, a resync
	// message).
	Snapshot *Snapshot
	// Presence is who is in the room now, after each join (a
	// Snapshot's too): it replaces what the application had, and the
	// presence messages that follow are diffs on it.
	Presence []realtime.Presence
}

// Snapshot is a room's state at a position, from a join's reply.
type Snapshot struct {
	Role  realtime.Role
	Epoch string
	// Seq is the room's position the snapshot stands for: the durable
	// messages that follow have the seqs after it.
	Seq int64
	// Rev is the project's revision; Project the project at it, and
	// Schedule its schedule as the server encoded it (schedule.Result's
	// JSON), nil when the server sent none.
	Rev      int64
	Project  *schedule.Project
	Schedule json.RawMessage
}

// joinReply is the data of a join's reply (PROTOCOL.md, Joining).
type joinReply struct {
	Room     string              `json:"room"`
	Role     realtime.Role       `json:"role"`
	Mode     string              `json:"mode"`
	Epoch    string              `json:"epoch"`
	Seq      int64               `json:"seq"`
	Rev      int64               `json:"rev"`
	Project  *schedule.Project   `json:"project"`
	Schedule json.RawMessage     `json:"schedule"`
	Presence []realtime.Presence `json:"presence"`
	Count    int                 `json:"count"`
}

// Room is a project's room joined by a client. Its events come on
// Events; its edits (Patch, CreateTask …) go through the store's rules.
// Its methods are safe for concurrent use.
type Room struct {
	c    *Client
	name string

	events chan Event
	gone   chan struct{} // closed when the room ends
	sendMu sync.Mutex    // held by the one handing an event, and to close events
	ended  bool          // under sendMu: events is closed
	once   sync.Once
	err    error // why the room ended, set before gone is closed

	ready   chan struct{} // closed at the first join's answer
	readyMu sync.Once
	joinErr error

	on *conn // under c.mu: the connection its join was sent on

	mu        sync.Mutex
	pos       Position
	gen       int // counts the positions replaced (snapshots, resyncs)
	role      realtime.Role
	replaying bool
	joining   int                 // joins sent and not yet answered
	held      []*realtime.Message // durable messages and beacons that came meanwhile

	cursor, typing *throttle
}

// Join enters the project's room and returns it once the server has
// answered (waiting for a connection when there is none); its first
// event is the project's snapshot. A refused join returns an *Error
// (not_found, forbidden, too_many).
func (c *Client) Join(ctx context.Context, room string) (*Room, error) {
	r := &Room{c: c, name: room, events: make(chan Event, c.opts.Buffer), gone: make(chan struct{}), ready: make(chan struct{})}
	r.cursor = newThrottle(time.Second/20, r.sendEphemeral)
	r.typing = newThrottle(time.Second/20, r.sendEphemeral)
	c.mu.Lock()
	if c.closed != nil {
		err := c.closed
		c.mu.Unlock()
		return nil, err
	}
	if _, ok := c.rooms[room]; ok {
		c.mu.Unlock()
		return nil, fmt.Errorf("client: room %q: joined already", room)
	}
	c.rooms[room] = r
	cn := c.conn
	if cn != nil {
		r.on = cn
	}
	c.mu.Unlock()
	if cn != nil {
		r.sendJoin(cn, nil)
	}
	select {
	case <-r.ready:
		if r.joinErr != nil {
			return nil, r.joinErr
		}
		return r, nil
	case <-ctx.Done():
		lctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		r.Leave(lctx)
		return nil, ctx.Err()
	}
}

// JoinUser joins the user's own room, "user:<id>", where the server
// sends the user's notifications: the connection is in it from hello,
// but its position is kept, and what was missed while disconnected
// replayed, only once it is joined.
func (c *Client) JoinUser(ctx context.Context) (*Room, error) {
	c.mu.Lock()
	user := c.hello.User
	c.mu.Unlock()
	return c.Join(ctx, realtime.UserRoom(user))
}

// Name returns the room's name (the project's id).
func (r *Room) Name() string { return r.name }

// Events returns the room's events, in order. The application must take
// them: when Options.Buffer of them wait, the client stops reading its
// connection (see the package doc). The channel is closed when the room
// ends (Leave, Close, or a join the server refused on reconnection);
// Err says why.
func (r *Room) Events() <-chan Event { return r.events }

// Err returns why the room ended, nil while it has not.
func (r *Room) Err() error {
	select {
	case <-r.gone:
		return r.err
	default:
		return nil
	}
}

// Position returns the room's position: the last durable message handed
// to the application and the project revision its copy is at.
func (r *Room) Position() Position {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pos
}

// Role returns the client's role in the room, as the last join said.
func (r *Room) Role() realtime.Role {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.role
}

// Leave leaves the room: its events channel is closed and its edits
// not yet answered fail with ErrLeft.
func (r *Room) Leave(ctx context.Context) error {
	c := r.c
	c.mu.Lock()
	if c.rooms[r.name] == r {
		delete(c.rooms, r.name)
	}
	cn := c.conn
	edits := c.takeEdits(r)
	c.mu.Unlock()
	for _, e := range edits {
		e.result <- editResult{err: fmt.Errorf("client: room %q: %w", r.name, ErrLeft)}
	}
	r.end(fmt.Errorf("client: room %q: %w", r.name, ErrLeft))
	r.cursor.stop()
	r.typing.stop()
	if cn == nil {
		return nil
	}
	err := cn.call(ctx, &realtime.Request{Op: realtime.OpLeave, Room: r.name}, nil)
	if errors.Is(err, errOffline) {
		return nil // the server forgets it with the connection
	}
	return err
}

// end ends the room with err: its events channel is closed.
func (r *Room) end(err error) {
	r.once.Do(func() {
		r.err = err
		close(r.gone)
		r.sendMu.Lock()
		r.ended = true
		close(r.events)
		r.sendMu.Unlock()
		r.settle(err)
	})
}

// settle answers the first join (once).
func (r *Room) settle(err error) {
	r.readyMu.Do(func() {
		r.joinErr = err
		close(r.ready)
	})
}

// deliver hands ev to the application, waiting while its buffer is
// full, unless the room ends.
func (r *Room) deliver(ev Event) {
	r.sendMu.Lock()
	defer r.sendMu.Unlock()
	if r.ended {
		return
	}
	select {
	case r.events <- ev:
	case <-r.gone:
	case <-r.c.ctx.Done():
	}
}

// maxHeld bounds the messages a room keeps while its join is answered;
// past it they are dropped, and found missing (a gap, a beacon) after.
const maxHeld = 10000

// take handles a message of the room, on cn's reader.
func (r *Room) take(cn *conn, m *realtime.Message) {
	if m.Type == realtime.TypeResync {
		r.c.log.Info("realtime client: resync", "room", r.name)
		r.rejoin(cn)
		return
	}
	r.mu.Lock()
	if m.Durable() || m.Type == realtime.TypeBeacon {
		if r.joining > 0 {
			// The join's answer says where the room is: judge the
			// room's messages once it has come.
			if len(r.held) < maxHeld {
				r.held = append(r.held, m)
			}
			r.mu.Unlock()
			return
		}
		if !r.pos.Known() {
			r.mu.Unlock()
			return
		}
	}
	v := r.pos.Take(m)
	r.mu.Unlock()
	switch v {
	case Deliver:
		r.deliver(Event{Message: m})
	case Gap:
		r.replay(cn, m.Seq)
	case Resync:
		r.c.log.Info("realtime client: another epoch, joining again", "room", r.name, "epoch", m.Epoch)
		r.rejoin(cn)
	}
}

// rejoin forgets the room's position and joins it again on cn: the
// answer is a snapshot.
func (r *Room) rejoin(cn *conn) {
	r.mu.Lock()
	r.pos = Position{}
	r.gen++
	r.mu.Unlock()
	r.sendJoin(cn, nil)
}

// replay asks cn for the room's durable messages after its position,
// having seen seq (past it): once at a time.
func (r *Room) replay(cn *conn, seen int64) {
	r.mu.Lock()
	if r.replaying {
		r.mu.Unlock()
		return
	}
	r.replaying = true
	seq, epoch, gen := r.pos.Seq, r.pos.Epoch, r.gen
	r.mu.Unlock()
	r.c.log.Info("realtime client: gap, replaying", "room", r.name, "from", seq, "seen", seen)
	req := &realtime.Request{Op: realtime.OpReplay, Room: r.name, Seq: &seq, Epoch: epoch}
	cn.write(req, func(m *realtime.Message) {
		r.mu.Lock()
		r.replaying = false
		same := r.gen == gen // the position is still the one replayed from
		r.mu.Unlock()
		err := decodeReply(req, m, nil)
		e, refused := errors.AsType[*Error](err)
		switch {
		case refused && e.Code == realtime.CodeResync && same:
			r.rejoin(cn)
		case err != nil && m != nil:
			r.c.log.Warn("realtime client: replay refused", "room", r.name, "err", err)
		}
	})
}

// join joins the room on cn from its position and waits for the answer
// (or for ctx).
func (r *Room) join(ctx context.Context, cn *conn) {
	done := make(chan struct{})
	r.sendJoin(cn, func() { close(done) })
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// sendJoin sends join on cn, from the room's position when it has one;
// the reply is handled on cn's reader, then done is called (when not
// nil). Until it comes, the room's durable messages and beacons are
// held. A refusal ends the room; resync joins again without position.
func (r *Room) sendJoin(cn *conn, done func()) {
	r.mu.Lock()
	req := &realtime.Request{Op: realtime.OpJoin, Room: r.name}
	if r.pos.Known() {
		req.Seq, req.Epoch = new(r.pos.Seq), r.pos.Epoch
	}
	r.joining++
	r.mu.Unlock()
	cn.write(req, func(m *realtime.Message) {
		var jr joinReply
		err := decodeReply(req, m, &jr)
		e, refused := errors.AsType[*Error](err)
		switch {
		case refused && e.Code == realtime.CodeResync && req.Seq != nil:
			r.mu.Lock()
			r.pos = Position{}
			r.gen++
			r.mu.Unlock()
			r.sendJoin(cn, done)
			r.answered(cn, false)
			return
		case refused:
			r.c.log.Warn("realtime client: join refused", "room", r.name, "err", err)
			r.c.drop(r, err)
		case err != nil && m != nil:
			r.c.log.Warn("realtime client: join", "room", r.name, "err", err)
			r.c.drop(r, err)
		case err == nil:
			r.joined(&jr)
		}
		r.answered(cn, m != nil)
		if done != nil {
			done()
		}
	})
}

// answered counts a join answered (or lost with its connection); when
// none is left waiting, the messages held meanwhile are taken (unless
// the connection ended).
func (r *Room) answered(cn *conn, take bool) {
	r.mu.Lock()
	r.joining--
	var ms []*realtime.Message
	if r.joining == 0 {
		ms, r.held = r.held, nil
	}
	r.mu.Unlock()
	if take {
		for _, m := range ms {
			r.take(cn, m)
		}
	}
}

// joined takes a join's answer, on the reader.
func (r *Room) joined(jr *joinReply) {
	presence := jr.Presence
	if presence == nil {
		presence = []realtime.Presence{}
	}
	r.mu.Lock()
	r.role = jr.Role
	snapshot := jr.Mode != "replay" || !r.pos.Known() || jr.Epoch != r.pos.Epoch
	if snapshot {
		r.pos.Reset(jr.Epoch, jr.Seq, jr.Rev)
		r.gen++
	}
	r.mu.Unlock()
	r.settle(nil)
	if snapshot {
		r.deliver(Event{Snapshot: &Snapshot{Role: jr.Role, Epoch: jr.Epoch, Seq: jr.Seq, Rev: jr.Rev, Project: jr.Project, Schedule: jr.Schedule}, Presence: presence})
		return
	}
	r.deliver(Event{Presence: presence})
}

// drop ends room r, which the server refused, with err.
func (c *Client) drop(r *Room, err error) {
	c.mu.Lock()
	if c.rooms[r.name] == r {
		delete(c.rooms, r.name)
	}
	edits := c.takeEdits(r)
	c.mu.Unlock()
	for _, e := range edits {
		e.result <- editResult{err: err}
	}
	r.end(err)
	r.cursor.stop()
	r.typing.stop()
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
)

// kind is the protocol a client speaks.
type kind int

const (
	critpath kind = iota // critpath.v1 (realtime/PROTOCOL.md)
	socketio             // Socket.IO 5 over Engine.IO 4, WebSocket transport
)

func (k kind) String() string {
	if k == socketio {
		return "socketio"
	}
	return "critpath"
}

// epoch is the generator's clock: event payloads carry the sender's
// time since it in nanoseconds, and a receiver in the same process
// subtracts it from its own.
var epoch = time.Now()

func now() int64 { return int64(time.Since(epoch)) }

// app receives what a client delivers to the application: an event of
// room with the publisher's sequence number s and send time t.
type app func(c *client, room string, s, t int64)

// client is one connection of the load generator, speaking either
// protocol with the minimum a real client does: answering pings,
// (Socket.IO) its connection-state recovery, (critpath) positions per
// room, dropping what is not past them and replaying a gap.
type client struct {
	kind kind
	user string
	app  app
	// onDurable, when set, gets each durable message the client takes,
	// in the room's order (on the read loop).
	onDurable func(m *message)

	ws     *websocket.Conn
	closed chan struct{}
	slow   atomic.Bool // a slow reader: it stops reading
	rcvbuf int         // the socket's receive buffer, when set

	mu      sync.Mutex
	nextID  int
	pending map[string]func(ok bool, data []byte)
	rooms   map[string]*position
	joins   map[string]string // request id → room, critpath joins waiting for their reply
	// Socket.IO: the session (sid, pid) and the offset of the last
	// event, sent back to recover the session after a cut.
	sid, pid, offset string

	// seen counts, when the scenario tracks them, the events of the
	// client's room by their publisher's sequence number.
	seenMu sync.Mutex
	seen   map[int64]int32

	cursors atomic.Int64 // cursor frames received
	gapped  atomic.Int64 // critpath: gaps seen in the room's sequence (replayed)
	dropped atomic.Int64 // critpath: durable messages dropped as not past the position
	resyncs atomic.Int64 // critpath: joins answered with a snapshot after a cut
}

// position is a critpath client's place in a room.
type position struct {
	seq       int64 // -1: the join's reply has not come
	epoch     string
	rev       int64 // the project's revision the client's copy is at
	replaying bool
}

func newClient(k kind, user string, a app) *client {
	return &client{kind: k, user: user, app: a, pending: map[string]func(bool, []byte){}, rooms: map[string]*position{}, joins: map[string]string{}}
}

// connect dials addr (host:port) and opens the session: hello for
// critpath, the Engine.IO open and Socket.IO connect (recovering the
// last session when there was one) for Socket.IO. It reports whether
// Socket.IO recovered the session.
func (c *client) connect(ctx context.Context, addr string) (recovered bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var opts websocket.DialOptions
	if c.rcvbuf > 0 {
		// A small receive buffer, as a phone's: the server meets a
		// reader that stops reading sooner.
		d := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			rc.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, c.rcvbuf)
			})
			return serr
		}}
		opts.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	}
	url := "ws://" + addr + "/ws"
	if c.kind == critpath {
		opts.Subprotocols = []string{"critpath.v1"}
	} else {
		url = "ws://" + addr + "/socket.io/?EIO=4&transport=websocket"
	}
	ws, _, err := websocket.Dial(ctx, url, &opts)
	if err != nil {
		return false, err
	}
	ws.SetReadLimit(16 << 20)
	c.mu.Lock()
	c.ws = ws
	c.closed = make(chan struct{})
	c.mu.Unlock()
	if c.kind == socketio {
		recovered, err = c.openSocketIO(ctx)
		if err != nil {
			ws.CloseNow()
			return false, err
		}
		go c.readLoop(ws, c.closed)
		return recovered, nil
	}
	go c.readLoop(ws, c.closed)
	if _, err := c.call(ctx, map[string]any{"op": "hello", "token": c.user}); err != nil {
		ws.CloseNow()
		return false, fmt.Errorf("hello: %w", err)
	}
	return false, nil
}

func (c *client) openSocketIO(ctx context.Context) (bool, error) {
	_, b, err := c.ws.Read(ctx)
	if err != nil || len(b) == 0 || b[0] != '0' {
		return false, fmt.Errorf("engine.io open: %q, %v", b, err)
	}
	c.mu.Lock()
	prevSID, pid, offset := c.sid, c.pid, c.offset
	c.mu.Unlock()
	connect := "40"
	if pid != "" {
		auth, _ := json.Marshal(map[string]string{"pid": pid, "offset": offset})
		connect += string(auth)
	}
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(connect)); err != nil {
		return false, err
	}
	for {
		_, b, err := c.ws.Read(ctx)
		if err != nil {
			return false, err
		}
		switch {
		case bytes.Equal(b, []byte("2")):
			if err := c.ws.Write(ctx, websocket.MessageText, []byte("3")); err != nil {
				return false, err
			}
			continue
		case bytes.HasPrefix(b, []byte("44")):
			return false, fmt.Errorf("socket.io connect refused: %s", b)
		case bytes.HasPrefix(b, []byte("42")):
			// A recovered session's missed events may come before
			// the connect packet.
			c.socketIOFrame(c.ws, b)
			continue
		case !bytes.HasPrefix(b, []byte("40")):
			return false, fmt.Errorf("socket.io connect: %q", b)
		}
		var hs struct {
			SID string `json:"sid"`
			PID string `json:"pid"`
		}
		_ = json.Unmarshal(b[2:], &hs)
		c.mu.Lock()
		c.sid = hs.SID
		if hs.PID != "" {
			c.pid = hs.PID
		}
		c.mu.Unlock()
		return prevSID != "" && hs.SID == prevSID, nil
	}
}

// cut closes the connection without a close handshake, as a network
// that drops does (the server sees the socket end).
func (c *client) cut() {
	c.mu.Lock()
	ws := c.ws
	c.mu.Unlock()
	if ws != nil {
		ws.CloseNow()
	}
}

func (c *client) write(ctx context.Context, b []byte) error {
	c.mu.Lock()
	ws := c.ws
	c.mu.Unlock()
	if ws == nil {
		return errors.New("not connected")
	}
	return ws.Write(ctx, websocket.MessageText, b)
}

// request sends a request and hands its reply (ack) to done, called on
// the read loop; done gets ok false when the reply is an error or the
// connection ends first.
func (c *client) request(ctx context.Context, req map[string]any, done func(ok bool, data []byte)) error {
	c.mu.Lock()
	c.nextID++
	id := strconv.Itoa(c.nextID)
	if done != nil {
		c.pending[id] = done
	}
	var frame []byte
	if c.kind == critpath {
		req["id"] = id
		if req["op"] == "join" {
			c.joins[id] = req["room"].(string)
		}
		frame, _ = json.Marshal(req)
	} else {
		args, _ := json.Marshal(req["args"])
		frame = append([]byte("42"+id), args...)
	}
	c.mu.Unlock()
	if err := c.write(ctx, frame); err != nil {
		c.mu.Lock()
		delete(c.pending, id)
		delete(c.joins, id)
		c.mu.Unlock()
		return err
	}
	return nil
}

// call sends a request and waits for its reply.
func (c *client) call(ctx context.Context, req map[string]any) ([]byte, error) {
	type result struct {
		ok   bool
		data []byte
	}
	ch := make(chan result, 1)
	if err := c.request(ctx, req, func(ok bool, data []byte) { ch <- result{ok, data} }); err != nil {
		return nil, err
	}
	select {
	case r := <-ch:
		if !r.ok {
			return r.data, fmt.Errorf("refused: %s", r.data)
		}
		return r.data, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// join enters room: critpath from the client's position there when it
// has one (a replay), Socket.IO by its join event.
func (c *client) join(ctx context.Context, room string) error {
	if c.kind == socketio {
		_, err := c.call(ctx, map[string]any{"args": []any{"join", room}})
		return err
	}
	req := map[string]any{"op": "join", "room": room}
	c.mu.Lock()
	p := c.rooms[room]
	if p != nil && p.seq >= 0 {
		req["seq"], req["epoch"] = p.seq, p.epoch
	} else {
		c.rooms[room] = &position{seq: -1}
	}
	c.mu.Unlock()
	_, err := c.call(ctx, req)
	return err
}

// publish sends an event to room carrying s, the send time and pad;
// done is called with its ack.
func (c *client) publish(ctx context.Context, room string, s int64, pad string, done func(ok bool, data []byte)) error {
	t := now()
	if c.kind == socketio {
		return c.request(ctx, map[string]any{"args": []any{"pub", room, map[string]any{"r": room, "s": s, "t": t, "p": pad}}}, done)
	}
	v := strconv.FormatInt(s, 10) + "," + strconv.FormatInt(t, 10) + "," + pad
	// The base is the revision of the last change the client took, as
	// an editor's is: a change overwriting notes it had not seen comes
	// back with a resolution naming what it overwrote.
	base := int64(1)
	c.mu.Lock()
	if p := c.rooms[room]; p != nil {
		base = max(base, p.rev)
	}
	c.mu.Unlock()
	return c.request(ctx, map[string]any{"op": "task.patch", "room": room, "task": "t1", "fields": map[string]any{"notes": v}, "base": base, "command": c.user + "." + strconv.FormatInt(s, 10) + "." + strconv.FormatInt(t, 36)}, done)
}

// cursor sends a cursor move (no reply).
func (c *client) cursor(ctx context.Context, room string, x, y float64) error {
	if c.kind == socketio {
		b, _ := json.Marshal([]any{"cursor", room, map[string]any{"task": "t1", "x": x, "y": y}})
		return c.write(ctx, append([]byte("42"), b...))
	}
	b, _ := json.Marshal(map[string]any{"op": "cursor", "room": room, "task": "t1", "x": x, "y": y})
	return c.write(ctx, b)
}

func (c *client) readLoop(ws *websocket.Conn, closed chan struct{}) {
	defer func() {
		close(closed)
		c.mu.Lock()
		pending := c.pending
		c.pending = map[string]func(bool, []byte){}
		c.joins = map[string]string{}
		for _, p := range c.rooms {
			p.replaying = false
		}
		c.mu.Unlock()
		for _, done := range pending {
			done(false, nil)
		}
	}()
	ctx := context.Background()
	for {
		if c.slow.Load() {
			// A slow reader: it takes nothing, so its socket's buffers
			// fill and the server must hold or drop what it sends.
			<-make(chan struct{})
		}
		_, b, err := ws.Read(ctx)
		if err != nil {
			return
		}
		if c.kind == socketio {
			c.socketIOFrame(ws, b)
		} else {
			c.critpathFrame(b)
		}
	}
}

func (c *client) resolve(id string, ok bool, data []byte) {
	c.mu.Lock()
	done := c.pending[id]
	delete(c.pending, id)
	c.mu.Unlock()
	if done != nil {
		done(ok, data)
	}
}

func (c *client) socketIOFrame(ws *websocket.Conn, b []byte) {
	switch {
	case len(b) == 1 && b[0] == '2':
		go ws.Write(context.Background(), websocket.MessageText, []byte("3"))
	case bytes.HasPrefix(b, []byte("43")):
		i := bytes.IndexByte(b, '[')
		if i < 0 {
			return
		}
		c.resolve(string(b[2:i]), true, b[i:])
	case bytes.HasPrefix(b, []byte("42[")):
		var args [][]byte
		if !eachElement(b[2:], func(v []byte) { args = append(args, v) }) || len(args) < 2 {
			return
		}
		switch string(args[0]) {
		case `"ev"`:
			var room string
			var s, t int64
			if !eachField(args[1], func(k, v []byte) {
				switch string(k) {
				case "r":
					room = str(v)
				case "s":
					s = integer(v)
				case "t":
					t = integer(v)
				}
			}) {
				return
			}
			if len(args) > 2 {
				c.mu.Lock()
				c.offset = str(args[len(args)-1])
				c.mu.Unlock()
			}
			if c.app != nil {
				c.app(c, room, s, t)
			}
		case `"cursor"`:
			c.cursors.Add(1)
		}
	}
}

// message is what the generator reads of a critpath message.
type message struct {
	Type  string `json:"type"`
	Room  string `json:"room"`
	Seq   int64  `json:"seq"`
	Epoch string `json:"epoch"`
	Rev   int64  `json:"rev"`
	Re    string `json:"re"`
	// Command is the id of the edit that made a change.
	Command string          `json:"command"`
	Data    json.RawMessage `json:"data"`
}

func (c *client) critpathFrame(b []byte) {
	ms, ok := parseFrame(b)
	if !ok {
		return
	}
	for i := range ms {
		m := &ms[i]
		switch {
		case m.Type == "reply":
			c.critpathReply(m)
		case m.Seq > 0:
			c.durable(m)
		case m.Type == "cursor":
			c.cursors.Add(1)
		case m.Type == "beacon":
			c.mu.Lock()
			p := c.rooms[m.Room]
			behind := p != nil && p.seq >= 0 && m.Seq > p.seq && !p.replaying
			c.mu.Unlock()
			if behind {
				c.replay(m.Room)
			}
		case m.Type == "resync":
			c.mu.Lock()
			if p := c.rooms[m.Room]; p != nil {
				p.seq = -1
			}
			c.mu.Unlock()
			c.resyncs.Add(1)
			go c.join(context.Background(), m.Room)
		}
	}
}

func (c *client) critpathReply(m *message) {
	var r struct {
		OK   bool            `json:"ok"`
		Data json.RawMessage `json:"data"`
	}
	_ = json.Unmarshal(m.Data, &r)
	c.mu.Lock()
	room, isJoin := c.joins[m.Re]
	delete(c.joins, m.Re)
	if isJoin && r.OK {
		var j struct {
			Mode  string `json:"mode"`
			Epoch string `json:"epoch"`
			Seq   int64  `json:"seq"`
			Rev   int64  `json:"rev"`
		}
		_ = json.Unmarshal(r.Data, &j)
		p0 := c.rooms[room]
		if p0 != nil {
			p0.rev = max(p0.rev, j.Rev)
		}
		p := c.rooms[room]
		if p == nil {
			p = &position{}
			c.rooms[room] = p
		}
		if j.Mode != "replay" {
			if p.seq >= 0 {
				c.resyncs.Add(1)
			}
			p.seq, p.epoch = j.Seq, j.Epoch
		} else if p.epoch == "" {
			p.epoch = j.Epoch
		}
	}
	c.mu.Unlock()
	if r.OK {
		c.resolve(m.Re, true, r.Data)
	} else {
		c.resolve(m.Re, false, m.Data)
	}
}

func (c *client) durable(m *message) {
	c.mu.Lock()
	p := c.rooms[m.Room]
	if p == nil || p.seq < 0 {
		c.mu.Unlock()
		return
	}
	if p.epoch != "" && m.Epoch != p.epoch {
		// Another history: the position means nothing there.
		p.seq = -1
		c.mu.Unlock()
		c.resyncs.Add(1)
		go c.join(context.Background(), m.Room)
		return
	}
	switch {
	case m.Seq <= p.seq:
		c.mu.Unlock()
		c.dropped.Add(1)
		return
	case m.Seq > p.seq+1:
		replay := !p.replaying
		p.replaying = true
		c.mu.Unlock()
		if replay {
			c.gapped.Add(1)
			c.replay(m.Room)
		}
		return
	}
	p.seq, p.epoch, p.replaying = m.Seq, m.Epoch, false
	p.rev = max(p.rev, m.Rev)
	c.mu.Unlock()
	if c.onDurable != nil {
		c.onDurable(m)
	}
	if m.Type != "task.changed" || c.app == nil {
		return
	}
	if s, t, ok := notesEvent(m.Data); ok {
		c.app(c, m.Room, s, t)
	}
}

// replay asks for what followed the client's position in room.
func (c *client) replay(room string) {
	c.mu.Lock()
	p := c.rooms[room]
	if p == nil {
		c.mu.Unlock()
		return
	}
	seq, ep := p.seq, p.epoch
	c.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := c.call(ctx, map[string]any{"op": "replay", "room": room, "seq": seq, "epoch": ep})
		c.mu.Lock()
		if p := c.rooms[room]; p != nil {
			p.replaying = false
			if err != nil && strings.Contains(err.Error(), "resync") {
				p.seq = -1
			}
		}
		c.mu.Unlock()
		if err != nil && strings.Contains(err.Error(), "resync") {
			c.resyncs.Add(1)
			c.join(context.Background(), room)
		}
	}()
}

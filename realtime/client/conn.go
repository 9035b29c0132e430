package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/critpath/critpath/realtime"
)

// conn is one WebSocket connection of a client: its reader, its writes
// and the replies it waits for.
type conn struct {
	c   *Client
	ws  *websocket.Conn
	wmu sync.Mutex // serializes writes, and holds edits back while waiting ones are sent

	mu      sync.Mutex
	pending map[string]func(*realtime.Message) // by request id; run on the reader, nil message: the connection ended
	ended   bool

	done chan struct{} // closed when the reader has returned
	err  error         // why the connection ended; set before done is closed
}

func newConn(c *Client, ws *websocket.Conn) *conn {
	return &conn{c: c, ws: ws, pending: map[string]func(*realtime.Message){}, done: make(chan struct{})}
}

// read reads the server's frames and handles each message, in order,
// until the connection ends; then it tells every request still waiting.
func (cn *conn) read() {
	defer close(cn.done)
	for {
		typ, data, err := cn.ws.Read(cn.c.ctx)
		if err != nil {
			cn.err = err
			break
		}
		if typ != websocket.MessageText {
			cn.c.log.Warn("realtime client: binary frame ignored", "bytes", len(data))
			continue
		}
		var ms []realtime.Message
		if err := json.Unmarshal(data, &ms); err != nil {
			cn.c.log.Warn("realtime client: a frame that is not an array of messages", "err", err)
			continue
		}
		for i := range ms {
			cn.c.handle(cn, &ms[i])
		}
	}
	cn.mu.Lock()
	cn.ended = true
	pending := cn.pending
	cn.pending = nil
	cn.mu.Unlock()
	for _, f := range pending {
		f(nil)
	}
}

// heartbeat pings the server every interval and cuts the connection
// when a pong does not come within it, so that a dead network is found
// out even when the server's pings do not arrive.
func (cn *conn) heartbeat(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-cn.done:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(cn.c.ctx, every)
		err := cn.ws.Ping(ctx)
		cancel()
		if err != nil {
			cn.c.log.Info("realtime client: no pong, cutting the connection", "err", err)
			cn.ws.CloseNow()
			return
		}
	}
}

// send registers f for r's reply (when f is not nil) and writes r with a
// new id; the caller holds cn.wmu. A failed write leaves the connection
// closing: f then gets nil.
func (cn *conn) send(r *realtime.Request, f func(*realtime.Message)) error {
	if f != nil {
		r.ID = strconv.FormatInt(cn.c.ids.Add(1), 36)
		cn.mu.Lock()
		if cn.ended {
			cn.mu.Unlock()
			f(nil)
			return errors.New("client: connection ended")
		}
		cn.pending[r.ID] = f
		cn.mu.Unlock()
	}
	b, err := json.Marshal(r)
	if err != nil {
		cn.drop(r.ID)
		return fmt.Errorf("client: %s: %w", r.Op, err)
	}
	ctx, cancel := context.WithTimeout(cn.c.ctx, cn.c.opts.WriteTimeout)
	defer cancel()
	if err := cn.ws.Write(ctx, websocket.MessageText, b); err != nil {
		// The connection is closed now; the reader tells f.
		return fmt.Errorf("client: write %s: %w", r.Op, err)
	}
	return nil
}

// write is send under cn.wmu.
func (cn *conn) write(r *realtime.Request, f func(*realtime.Message)) error {
	cn.wmu.Lock()
	defer cn.wmu.Unlock()
	return cn.send(r, f)
}

func (cn *conn) drop(id string) {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	delete(cn.pending, id)
}

// take returns and forgets the callback waiting for the reply re.
func (cn *conn) take(re string) func(*realtime.Message) {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	f := cn.pending[re]
	delete(cn.pending, re)
	return f
}

// call sends r and waits for its reply, decoding its data into out (when
// not nil). A refusal is an *Error; a connection lost before the reply,
// an error wrapping errOffline.
func (cn *conn) call(ctx context.Context, r *realtime.Request, out any) error {
	got := make(chan *realtime.Message, 1)
	if err := cn.write(r, func(m *realtime.Message) { got <- m }); err != nil {
		return err
	}
	var m *realtime.Message
	select {
	case m = <-got:
	case <-ctx.Done():
		cn.drop(r.ID)
		return ctx.Err()
	}
	return decodeReply(r, m, out)
}

// decodeReply reads the reply m to r into out.
func decodeReply(r *realtime.Request, m *realtime.Message, out any) error {
	if m == nil {
		return fmt.Errorf("client: %s: the connection ended before the reply: %w", r.Op, errOffline)
	}
	var rep realtime.Reply
	if err := json.Unmarshal(m.Data, &rep); err != nil {
		return fmt.Errorf("client: %s: reply: %w", r.Op, err)
	}
	if !rep.OK {
		e := &Error{Op: r.Op, Room: r.Room}
		if rep.Error != nil {
			e.ErrorData = *rep.Error
		} else {
			e.Code = realtime.CodeInternal
		}
		return e
	}
	if out != nil && len(rep.Data) > 0 {
		if err := json.Unmarshal(rep.Data, out); err != nil {
			return fmt.Errorf("client: %s: reply data: %w", r.Op, err)
		}
	}
	return nil
}

// handle takes one message of cn, on its reader.
func (c *Client) handle(cn *conn, m *realtime.Message) {
	switch m.Type {
	case realtime.TypeReply:
		if m.Re == "" {
			// A cursor or typing refused (rate_limited, not_joined): they
			// are dropped.
			c.log.Debug("realtime client: an ephemeral request refused", "data", string(m.Data))
			return
		}
		if f := cn.take(m.Re); f != nil {
			f(m)
		}
		return
	case realtime.TypeExpiring:
		c.wg.Go(func() { c.refresh(cn) })
		return
	}
	c.mu.Lock()
	r := c.rooms[m.Room]
	c.mu.Unlock()
	if r == nil {
		c.log.Debug("realtime client: a message of a room not joined", "type", m.Type, "room", m.Room)
		return
	}
	r.take(cn, m)
}

// refresh sends hello with a fresh token on cn, after auth.expiring.
func (c *Client) refresh(cn *conn) {
	ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	defer cancel()
	token, err := c.opts.Token(ctx)
	if err != nil {
		c.log.Warn("realtime client: token refresh", "err", err)
		return
	}
	var h Hello
	if err := cn.call(ctx, &realtime.Request{Op: realtime.OpHello, Token: token}, &h); err != nil {
		c.log.Warn("realtime client: token refresh refused", "err", err)
		return
	}
	c.mu.Lock()
	c.hello = h
	c.mu.Unlock()
}

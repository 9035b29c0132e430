package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/critpath/critpath/realtime"
)

// run keeps the client connected from its first connection cn until it
// stops.
func (c *Client) run(cn *conn) {
	defer close(c.done)
	defer c.shutdown()
	attempt := 0
	for {
		opened := time.Now()
		select {
		case <-cn.done:
		case <-c.ctx.Done():
			cn.ws.Close(websocket.StatusNormalClosure, "")
			<-cn.done
			return
		}
		c.lost(cn)
		code := closeCode(cn.err)
		if time.Since(opened) > c.opts.Backoff.base()*4 {
			attempt = 0
		}
		switch code {
		case realtime.CloseForbidden:
			c.stop(fmt.Errorf("client: the server closed with %d (forbidden): %w", code, ErrClosed))
			c.setStatus(Status{State: Closed, Code: code, Err: cn.err})
			return
		case realtime.CloseResync:
			c.forget()
		}
		longer := code == realtime.CloseRateLimited
		err := cn.err
		for {
			d := c.delay(attempt, longer)
			longer = false
			c.log.Info("realtime client: reconnecting", "code", code, "err", err, "attempt", attempt, "delay", d)
			c.setStatus(Status{State: Reconnecting, Code: code, Err: err, Attempt: attempt, Delay: d})
			attempt++
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-c.ctx.Done():
				t.Stop()
				return
			}
			var next *conn
			next, err = c.connect(c.ctx)
			if err == nil {
				cn = next
				break
			}
			if e, ok := errors.AsType[*Error](err); ok && e.Code == realtime.CodeForbidden {
				c.stop(fmt.Errorf("client: hello refused: %w", ErrClosed))
				return
			}
		}
	}
}

// closeCode returns the WebSocket close code err carries, 1006 when it
// carries none (the connection was cut).
func closeCode(err error) int {
	if code := websocket.CloseStatus(err); code >= 0 {
		return int(code)
	}
	return int(websocket.StatusAbnormalClosure)
}

// lost forgets cn, the connection that just ended.
func (c *Client) lost(cn *conn) {
	c.mu.Lock()
	if c.conn == cn {
		c.conn = nil
	}
	for _, e := range c.edits {
		if e.on == cn {
			e.on = nil
		}
	}
	c.mu.Unlock()
}

// forget drops every room's position: the next join asks for a
// snapshot (after close 4409).
func (c *Client) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.rooms {
		r.mu.Lock()
		r.pos = Position{}
		r.gen++
		r.mu.Unlock()
	}
}

// shutdown ends what the client holds once run is over.
func (c *Client) shutdown() {
	c.mu.Lock()
	err := c.closed
	if err == nil {
		err = ErrClosed
		c.closed = err
	}
	rooms := c.rooms
	c.rooms = map[string]*Room{}
	edits := c.edits
	c.edits = nil
	for _, e := range edits {
		e.done = true
	}
	c.conn = nil
	c.mu.Unlock()
	for _, e := range edits {
		e.result <- editResult{err: err}
	}
	for _, r := range rooms {
		r.end(err)
	}
	c.setStatus(Status{State: Closed, Err: err})
}

// connect dials the hub, says hello, joins the client's rooms and sends
// the edits waiting; it returns the open connection.
func (c *Client) connect(ctx context.Context) (*conn, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.ConnectTimeout)
	defer cancel()
	token, err := c.opts.Token(ctx)
	if err != nil {
		return nil, fmt.Errorf("client: token: %w", err)
	}
	header := c.opts.Header.Clone()
	if c.opts.Origin != "" {
		if header == nil {
			header = http.Header{}
		}
		header.Set("Origin", c.opts.Origin)
	}
	ws, _, err := websocket.Dial(ctx, c.url, &websocket.DialOptions{
		HTTPClient:   c.opts.HTTPClient,
		HTTPHeader:   header,
		Subprotocols: []string{realtime.Subprotocol},
	})
	if err != nil {
		return nil, fmt.Errorf("client: dial %s: %w", c.url, err)
	}
	if ws.Subprotocol() != realtime.Subprotocol {
		ws.Close(websocket.StatusProtocolError, "critpath.v1 expected")
		return nil, fmt.Errorf("client: dial %s: the server did not take subprotocol %s", c.url, realtime.Subprotocol)
	}
	ws.SetReadLimit(c.opts.ReadLimit)
	cn := newConn(c, ws)
	c.wg.Go(cn.read)

	var h Hello
	if err := cn.call(ctx, &realtime.Request{Op: realtime.OpHello, Token: token}, &h); err != nil {
		ws.CloseNow()
		<-cn.done
		return nil, err
	}
	c.mu.Lock()
	c.hello = h
	c.mu.Unlock()
	if h.HeartbeatMS > 0 {
		c.wg.Go(func() { cn.heartbeat(time.Duration(h.HeartbeatMS) * time.Millisecond) })
	}

	// Join the rooms, each from its position, and wait for the answers:
	// the edits waiting need their rooms joined.
	c.mu.Lock()
	rooms := make([]*Room, 0, len(c.rooms))
	for _, r := range c.rooms {
		r.on = cn
		rooms = append(rooms, r)
	}
	c.mu.Unlock()
	var joins sync.WaitGroup
	for _, r := range rooms {
		joins.Go(func() { r.join(ctx, cn) })
	}
	joins.Wait()
	if err := ctx.Err(); err != nil {
		ws.CloseNow()
		<-cn.done
		return nil, err
	}

	// Send the edits waiting, in the order they were made, before any
	// edit made from now on: hold the connection's writes until it is
	// published.
	cn.wmu.Lock()
	c.mu.Lock()
	if c.closed != nil {
		c.mu.Unlock()
		cn.wmu.Unlock()
		ws.Close(websocket.StatusNormalClosure, "")
		<-cn.done
		return nil, c.closed
	}
	var waiting []*edit
	for _, e := range c.edits {
		if e.on == nil {
			e.on = cn
			waiting = append(waiting, e)
		}
	}
	var late []*Room // joined while this connection was being made
	for _, r := range c.rooms {
		if r.on != cn {
			r.on = cn
			late = append(late, r)
		}
	}
	c.conn = cn
	c.mu.Unlock()
	for _, e := range waiting {
		c.sendEdit(cn, e)
	}
	cn.wmu.Unlock()
	for _, r := range late {
		c.wg.Go(func() { r.join(c.ctx, cn) })
	}
	c.log.Info("realtime client: open", "url", c.url, "user", h.User, "conn", h.Conn, "rooms", len(rooms), "edits", len(waiting))
	c.setStatus(Status{State: Open})
	return cn, nil
}

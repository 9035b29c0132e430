package realtime

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// writeTimeout bounds one frame's write: a client that takes longer to
// read it is gone or too slow, and the connection is dropped.
const writeTimeout = 10 * time.Second

// maxFrame is about how many bytes of messages the writer puts in one
// frame; a single larger message goes alone.
const maxFrame = 64 << 10

// conn is one client's connection. The reader (serve: it reads and
// handles requests one at a time) serves it, and a writer while its
// outbound queue is not empty: started by the message that finds the
// queue empty, it sends the queue, batching what has piled up into one
// frame, and ends when the queue is empty, so that an idle connection
// costs one goroutine. The hub's loop pings every connection each
// Limits.Heartbeat. The rooms' forwarders (see fanout.go) append to the
// queue. The outbound queue is bounded in bytes: past half of it,
// ephemeral messages are dropped; a durable message or a reply that
// does not fit closes the connection with CloseSlow.
type conn struct {
	h       *Hub
	ws      *websocket.Conn
	id      string
	remote  string
	lim     *limiter
	bad     int         // malformed requests in a row (the reader's)
	pinging atomic.Bool // a ping waits for its pong

	ctx    context.Context // ends when the connection closes
	cancel context.CancelFunc

	mu       sync.Mutex
	ident    Identity // zero until hello
	rooms    map[string]*membership
	expiring *time.Timer // auth.expiring, then the close at expiry
	authGen  int         // counts the tokens armed: a timer of an older one does nothing

	qmu     sync.Mutex
	queue   []outbound
	qbytes  int
	writing bool          // a writer runs (for good once the connection closes)
	drained chan struct{} // the writer took messages (capacity 1)

	closeOnce  sync.Once
	code       websocket.StatusCode // why it closed (set once, before ctx ends)
	reason     string
	writerDone chan struct{}
	openedAt   time.Time
	bytesIn    int

	batch []outbound // the writer's: the messages of the frame it writes
}

// outbound is a queued message: its encoding, its class and, for a
// durable one, when it was published.
type outbound struct {
	b     []byte
	class string
	at    time.Time
}

func newConn(h *Hub, ws *websocket.Conn, remote string) *conn {
	c := &conn{
		h:          h,
		ws:         ws,
		id:         h.newConnID(),
		remote:     remote,
		lim:        newLimiter(h.lim),
		rooms:      map[string]*membership{},
		drained:    make(chan struct{}, 1),
		writerDone: make(chan struct{}),
		openedAt:   h.now(),
	}
	c.ctx, c.cancel = context.WithCancel(h.ctx)
	ws.SetReadLimit(h.lim.MessageBytes)
	return c
}

// user returns the connection's user, empty before hello.
func (c *conn) user() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ident.User
}

func (c *conn) identity() Identity {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ident
}

// serve runs the connection until it closes: it reads requests and,
// once the reader and the writer have stopped, leaves every room.
func (c *conn) serve() {
	c.h.log.Debug("realtime: connected", "conn", c.id, "remote", c.remote)
	hello := time.AfterFunc(c.h.lim.HelloTimeout, func() {
		if c.user() == "" {
			c.close(CloseUnauthorized, "no hello in time")
		}
	})
	c.readLoop()
	hello.Stop()
	c.mu.Lock()
	if c.expiring != nil {
		c.expiring.Stop()
	}
	c.mu.Unlock()
	<-c.writerDone
	c.leaveAll(true)
	c.h.log.Info("realtime: closed", "conn", c.id, "user", c.user(), "code", int(c.code), "reason", c.reason,
		"for", c.h.now().Sub(c.openedAt).Round(time.Millisecond), "bytes_in", c.bytesIn)
}

// close closes the connection with code, once: the writer sends what is
// queued (unless the connection is slow) and then the close frame.
func (c *conn) close(code websocket.StatusCode, reason string) {
	c.closeOnce.Do(func() {
		c.code, c.reason = code, reason
		if code == CloseSlow {
			c.h.metrics.SlowClosed()
			c.h.log.Warn("realtime: slow consumer closed", "conn", c.id, "user", c.user(), "queued", c.queued())
		}
		c.cancel()
		// A writer sends the close frame.
		c.qmu.Lock()
		c.startWriter()
		c.qmu.Unlock()
	})
}

// startWriter starts the writer unless it runs; c.qmu is held.
func (c *conn) startWriter() {
	if !c.writing {
		c.writing = true
		go c.writeLoop()
	}
}

func (c *conn) queued() int {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return c.qbytes
}

// send queues m for the client: an ephemeral message is dropped when
// the queue is over half full, a durable message or a reply that does
// not fit closes the connection with CloseSlow (a message alone in the
// queue always fits). It reports whether m was queued.
func (c *conn) send(m *Message, class string) bool { return c.queue1(m, class, nil) }

// sendWait queues m as send does, but waits up to writeTimeout for room
// in the queue before it gives up on the client: for replies and for
// the messages a client asked to replay, which come in a burst that the
// queue need not hold at once. It gives up when done is closed (nil:
// when the connection closes).
func (c *conn) sendWait(m *Message, class string, done <-chan struct{}) bool {
	if done == nil {
		done = c.ctx.Done()
	}
	return c.queue1(m, class, done)
}

// queue1 queues m; done, when not nil, is what ends a wait for room
// (nil: no wait).
func (c *conn) queue1(m *Message, class string, done <-chan struct{}) bool {
	b := m.Encoded()
	bound := c.h.lim.QueueBytes
	if class == classEphemeral {
		bound /= 2
	}
	var deadline <-chan time.Time
	c.qmu.Lock()
	for c.qbytes > 0 && c.qbytes+len(b) > bound && c.ctx.Err() == nil {
		if class == classEphemeral {
			c.qmu.Unlock()
			c.h.metrics.Dropped(classEphemeral, 1)
			return false
		}
		if done == nil {
			c.qmu.Unlock()
			c.h.metrics.Dropped(class, 1)
			c.close(CloseSlow, "the outbound queue overflowed")
			return false
		}
		c.qmu.Unlock()
		if deadline == nil {
			deadline = time.After(writeTimeout)
		}
		select {
		case <-c.drained:
		case <-c.ctx.Done():
		case <-done:
			return false
		case <-deadline:
			c.h.metrics.Dropped(class, 1)
			c.close(CloseSlow, "the outbound queue did not drain")
			return false
		}
		c.qmu.Lock()
	}
	if c.ctx.Err() != nil {
		c.qmu.Unlock()
		return false
	}
	o := outbound{b: b, class: class}
	if class == classDurable {
		o.at = m.Time
	}
	c.queue = append(c.queue, o)
	c.qbytes += len(b)
	c.startWriter()
	c.qmu.Unlock()
	return true
}

// take removes the messages of the next frame from the queue: at least
// one, and up to about maxFrame bytes.
func (c *conn) take(into []outbound) []outbound {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	size, n := 0, 0
	for n < len(c.queue) && (n == 0 || size+len(c.queue[n].b) <= maxFrame) {
		size += len(c.queue[n].b)
		n++
	}
	into = append(into[:0], c.queue[:n]...)
	clear(c.queue[:n])
	c.queue = c.queue[n:]
	if len(c.queue) == 0 {
		c.queue = nil
	}
	c.qbytes -= size
	if n > 0 {
		select {
		case c.drained <- struct{}{}:
		default:
		}
	}
	return into
}

// writeLoop sends the queue, one frame per batch, until it is empty
// (then the writer ends: the next message starts another) or the
// connection closes: then it sends what is left (unless the connection
// was closed for being slow) and the close frame.
func (c *conn) writeLoop() {
	for {
		if c.ctx.Err() != nil {
			if c.code != CloseSlow {
				_ = c.flush(time.Second)
			}
			_ = c.ws.Close(c.code, c.reason)
			close(c.writerDone)
			return
		}
		if err := c.flush(writeTimeout); err != nil {
			c.close(websocket.StatusAbnormalClosure, "write failed")
			continue
		}
		c.qmu.Lock()
		if len(c.queue) == 0 && c.ctx.Err() == nil {
			c.writing = false
			c.qmu.Unlock()
			return
		}
		c.qmu.Unlock()
	}
}

// flush writes the queue in frames of about maxFrame bytes, each within
// timeout.
func (c *conn) flush(timeout time.Duration) error {
	for {
		c.batch = c.take(c.batch)
		if len(c.batch) == 0 {
			return nil
		}
		buf := c.h.frames.Get().(*[]byte)
		frame := append((*buf)[:0], '[')
		for i, o := range c.batch {
			if i > 0 {
				frame = append(frame, ',')
			}
			frame = append(frame, o.b...)
		}
		frame = append(frame, ']')
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		err := c.ws.Write(ctx, websocket.MessageText, frame)
		cancel()
		if cap(frame) <= 2*maxFrame { // a buffer a large message grew is let go
			*buf = frame
			c.h.frames.Put(buf)
		}
		if err != nil {
			return err
		}
		c.count(c.batch)
		clear(c.batch) // let the messages go
	}
}

// count tells Metrics of a batch written.
func (c *conn) count(batch []outbound) {
	var n, bytes [3]int
	now := c.h.now()
	for _, o := range batch {
		i := 0
		switch o.class {
		case classEphemeral:
			i = 1
		case classReply:
			i = 2
		default:
			if !o.at.IsZero() {
				c.h.metrics.PublishToWrite(now.Sub(o.at))
			}
		}
		n[i]++
		bytes[i] += len(o.b)
	}
	for i, class := range []string{classDurable, classEphemeral, classReply} {
		if n[i] > 0 {
			c.h.metrics.MessagesOut(class, n[i], bytes[i])
		}
	}
}

// ping sends a WebSocket ping and closes the connection when its pong
// does not come within Limits.Heartbeat. The hub's loop starts it at
// each heartbeat, in a goroutine of its own that lasts until the pong.
func (c *conn) ping() {
	defer c.pinging.Store(false)
	ctx, cancel := context.WithTimeout(c.ctx, c.h.lim.Heartbeat)
	defer cancel()
	if err := c.ws.Ping(ctx); err != nil && c.ctx.Err() == nil {
		c.close(websocket.StatusGoingAway, "no pong")
	}
}

// readLoop reads and handles requests until the connection closes.
func (c *conn) readLoop() {
	for {
		// Read's context is not c.ctx: a cancelled read closes the
		// connection at once, and the close handshake needs the reader.
		typ, data, err := c.ws.Read(context.Background())
		if err != nil {
			c.readFailed(err)
			return
		}
		c.bytesIn += len(data)
		if typ != websocket.MessageText {
			c.close(CloseBadRequest, "a binary frame")
			continue
		}
		if c.ctx.Err() != nil {
			continue // closing: the close handshake reads what is left
		}
		c.handle(data)
	}
}

// readFailed closes the connection after a failed read with the code it
// calls for.
func (c *conn) readFailed(err error) {
	code := websocket.CloseStatus(err)
	switch {
	case code == -1 && errors.Is(err, websocket.ErrMessageTooBig):
		code = CloseTooBig
	case code == -1:
		code = websocket.StatusAbnormalClosure
	}
	reason := "the client closed"
	if code == CloseTooBig {
		reason = "a message over the limit"
	}
	c.close(code, reason)
}

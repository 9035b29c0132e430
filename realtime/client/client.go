package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/critpath/critpath/realtime"
)

// Options configure a Client. Token is required; the zero value of every
// other field works.
type Options struct {
	// Token returns the token the client sends in hello. It is called
	// on every connection and again when the server says the token is
	// about to expire (auth.expiring). An error fails that connection
	// attempt: the client backs off and calls it again.
	Token func(ctx context.Context) (string, error)
	// Origin, when set, is the handshake's Origin header (servers refuse
	// origins they do not allow).
	Origin string
	// Header is sent with the handshake, besides Origin.
	Header http.Header
	// HTTPClient makes the handshake; default http.DefaultClient.
	HTTPClient *http.Client
	// Backoff spaces the reconnections (full jitter, 250 ms to 30 s by
	// default).
	Backoff Backoff
	// OfflineQueue bounds how many edits may wait while the client is
	// not connected: past it an edit fails at once with ErrQueueFull.
	// Default 256; a negative value queues none.
	OfflineQueue int
	// Buffer is how many events a room holds for an application that
	// has not taken them yet; default 256. A full buffer stops the
	// client's reading (see the package doc).
	Buffer int
	// ReadLimit bounds a server frame; default 64 MiB (a join's snapshot
	// holds the whole project).
	ReadLimit int64
	// WriteTimeout bounds writing one request; default 10 s.
	WriteTimeout time.Duration
	// ConnectTimeout bounds a connection's making: the handshake, hello
	// and the answers to the rooms' joins; default 30 s. Past it the
	// connection is dropped and the client tries again.
	ConnectTimeout time.Duration
	// Logger receives the client's events (connections, retries,
	// replays); nil: none.
	Logger *slog.Logger
}

// Errors of the client.
var (
	// ErrClosed: the client was closed (by Close, or for good by the
	// server: close 4403).
	ErrClosed = errors.New("client: closed")
	// ErrQueueFull: an edit made while disconnected found the offline
	// queue full.
	ErrQueueFull = errors.New("client: offline queue full")
	// ErrLeft: the room was left.
	ErrLeft = errors.New("client: room left")
)

// State is where a client's connection stands.
type State int

// States of a connection.
const (
	Connecting   State = iota // the first connection is being made
	Open                      // connected, hello answered, rooms joined
	Reconnecting              // the connection was lost; waiting Delay, then dialling again
	Closed                    // for good: Close was called or the server said stop (4403)
)

// String names s.
func (s State) String() string {
	switch s {
	case Connecting:
		return "connecting"
	case Open:
		return "open"
	case Reconnecting:
		return "reconnecting"
	case Closed:
		return "closed"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Status is a change of a client's connection.
type Status struct {
	State State
	// Code is the close code that ended the last connection (1006: it
	// was cut without one), for Reconnecting and Closed; 0 otherwise.
	Code int
	// Err is why the last connection or attempt ended.
	Err error
	// Attempt counts the reconnection attempts since the last open
	// connection; Delay is the wait before the next.
	Attempt int
	Delay   time.Duration
}

// Client is a connection to a realtime hub that reconnects by itself,
// keeps each joined room's position and hands the application each
// room's messages once, in order. Its methods are safe for concurrent
// use.
type Client struct {
	url  string
	opts Options
	log  *slog.Logger

	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	done   chan struct{} // closed when run has returned
	wg     sync.WaitGroup
	ids    atomic.Int64

	randMu sync.Mutex // serializes opts.Backoff.Rand

	statusMu sync.Mutex
	status   chan Status
	last     Status

	mu     sync.Mutex
	conn   *conn // the open connection; nil while reconnecting
	rooms  map[string]*Room
	edits  []*edit // in the order they were made, until answered
	closed error   // set once the client stops
	hello  Hello
}

// Hello is what the server said about the connection in its answer to
// hello.
type Hello struct {
	User        string    `json:"user"`
	Name        string    `json:"name,omitempty"`
	Node        string    `json:"node,omitempty"`
	Conn        string    `json:"conn,omitempty"`
	Expires     time.Time `json:"expires,omitzero"`
	HeartbeatMS int64     `json:"heartbeat_ms,omitempty"`
}

// Dial connects to the hub at url (ws:// or wss://) and says hello with
// opts.Token. It returns an error when that first connection fails
// (ctx bounds it); after it the client reconnects by itself until
// Close.
func Dial(ctx context.Context, url string, opts Options) (*Client, error) {
	c, err := newClient(url, opts)
	if err != nil {
		return nil, err
	}
	c.setStatus(Status{State: Connecting})
	cn, err := c.connect(ctx)
	if err != nil {
		c.cancel()
		return nil, err
	}
	go c.run(cn)
	return c, nil
}

// newClient returns a client of url that is not connected.
func newClient(url string, opts Options) (*Client, error) {
	if opts.Token == nil {
		return nil, errors.New("client: Options.Token is nil")
	}
	if opts.Buffer <= 0 {
		opts.Buffer = 256
	}
	if opts.OfflineQueue == 0 {
		opts.OfflineQueue = 256
	}
	if opts.ReadLimit <= 0 {
		opts.ReadLimit = 64 << 20
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 10 * time.Second
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 30 * time.Second
	}
	c := &Client{
		url: url, opts: opts, log: opts.Logger,
		done:   make(chan struct{}),
		status: make(chan Status, 16),
		rooms:  map[string]*Room{},
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c, nil
}

// Status returns the channel of the client's connection changes. It
// keeps the 16 latest: when the application does not take them, older
// ones are dropped, so the last state always arrives. It is closed
// after Closed.
func (c *Client) Status() <-chan Status { return c.status }

// State returns the client's last status.
func (c *Client) State() Status {
	c.statusMu.Lock()
	defer c.statusMu.Unlock()
	return c.last
}

// Hello returns the server's answer to the last hello.
func (c *Client) Hello() Hello {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hello
}

func (c *Client) setStatus(s Status) {
	c.statusMu.Lock()
	defer c.statusMu.Unlock()
	if c.last.State == Closed && s.State == Closed {
		return
	}
	c.last = s
	for {
		select {
		case c.status <- s:
			if s.State == Closed {
				close(c.status)
			}
			return
		default:
		}
		select {
		case <-c.status:
		default:
		}
	}
}

// Close closes the connection (code 1000) and stops the client: the
// rooms' event channels and Status are closed, edits not yet answered
// fail with ErrClosed.
func (c *Client) Close() error {
	c.stop(ErrClosed)
	<-c.done
	c.wg.Wait()
	return nil
}

// stop makes the client stop with err (once).
func (c *Client) stop(err error) {
	c.mu.Lock()
	if c.closed == nil {
		c.closed = err
	}
	c.mu.Unlock()
	c.cancel()
}

func (c *Client) delay(attempt int, longer bool) time.Duration {
	c.randMu.Lock()
	defer c.randMu.Unlock()
	if longer {
		return c.opts.Backoff.Longer(attempt)
	}
	return c.opts.Backoff.Delay(attempt)
}

// current returns the open connection, nil while there is none.
func (c *Client) current() *conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn
}

// Ping asks the server for its time and returns it with the round
// trip's duration.
func (c *Client) Ping(ctx context.Context) (server time.Time, rtt time.Duration, err error) {
	cn := c.current()
	if cn == nil {
		return time.Time{}, 0, fmt.Errorf("client: ping: %w", errOffline)
	}
	var out struct {
		Time time.Time `json:"time"`
	}
	start := time.Now()
	if err := cn.call(ctx, &realtime.Request{Op: realtime.OpPing}, &out); err != nil {
		return time.Time{}, 0, err
	}
	return out.Time, time.Since(start), nil
}

// errOffline: a request that needs a connection when there is none.
var errOffline = errors.New("not connected")

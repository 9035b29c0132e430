package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// HubConfig configures a Hub. Broker, Projects and Auth are required;
// the zero value of every other field works.
type HubConfig struct {
	// Broker carries the rooms' messages between nodes and keeps their
	// history (NewMemory in process, adapters/redis for many nodes).
	Broker Broker
	// Projects is the store edits go through and snapshots are read
	// from; *store.Store is one.
	Projects Projects
	// Auth checks hello's tokens and users' roles.
	Auth Authenticator
	// Origins are the host patterns, besides the request's own host,
	// that a handshake's Origin may name (path.Match syntax, as
	// websocket.AcceptOptions.OriginPatterns); none: the same host only.
	Origins []string
	// Node names this hub among the nodes sharing Broker; default a
	// random id.
	Node string
	// Limits bound what a connection may cost; each zero field means its
	// default (see Limits).
	Limits Limits
	// Metrics counts what the hub does; nil counts nothing.
	Metrics Metrics
	// Logger tells of connections opened and closed, slow consumers and
	// resyncs; nil is silent.
	Logger *slog.Logger
	// Clock tells the time of messages, token expiries and presence;
	// default time.Now.
	Clock func() time.Time
}

// Hub is the server side of the protocol (PROTOCOL.md): it accepts
// WebSocket connections, authenticates them, joins them to rooms
// through the broker and applies their edits through the store. It
// runs a goroutine of its own, from NewHub to Shutdown, for presence,
// cursors, beacons and node heartbeats. A Hub is safe for concurrent
// use.
type Hub struct {
	broker   Broker
	projects Projects
	auth     Authenticator
	origins  []string
	node     string
	lim      Limits
	metrics  Metrics
	log      *slog.Logger
	now      func() time.Time

	ctx    context.Context // the hub's life: ended by Shutdown
	cancel context.CancelFunc
	loop   chan struct{} // closed when the background goroutine has ended
	nextID atomic.Int64

	mu      sync.Mutex
	closing bool
	conns   map[*conn]struct{}
	users   map[string]int // connections per user on this node
	rooms   map[string]*hubRoom
	wg      sync.WaitGroup // the connections being served

	cmu         sync.Mutex
	cursorRooms map[*hubRoom]struct{} // rooms with cursors or typing to flush

	frames sync.Pool // *[]byte: the writers' frame buffers
}

// NewHub returns a hub and starts its background goroutine; it fails
// when a required field of cfg is missing or a limit is negative.
func NewHub(cfg HubConfig) (*Hub, error) {
	switch {
	case cfg.Broker == nil:
		return nil, errors.New("realtime: HubConfig.Broker is nil")
	case cfg.Projects == nil:
		return nil, errors.New("realtime: HubConfig.Projects is nil")
	case cfg.Auth == nil:
		return nil, errors.New("realtime: HubConfig.Auth is nil")
	}
	if err := cfg.Limits.check(); err != nil {
		return nil, err
	}
	h := &Hub{
		broker:   cfg.Broker,
		projects: cfg.Projects,
		auth:     cfg.Auth,
		origins:  slices.Clone(cfg.Origins),
		node:     cfg.Node,
		lim:      cfg.Limits.withDefaults(),
		metrics:  cfg.Metrics,
		log:      cfg.Logger,
		now:      cfg.Clock,
		loop:     make(chan struct{}),
		conns:    map[*conn]struct{}{},
		users:    map[string]int{},
		rooms:    map[string]*hubRoom{},

		cursorRooms: map[*hubRoom]struct{}{},
	}
	if h.node == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		h.node = hex.EncodeToString(b[:])
	}
	if h.metrics == nil {
		h.metrics = noMetrics{}
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	h.frames.New = func() any { return new([]byte) }
	h.ctx, h.cancel = context.WithCancel(context.Background())
	go h.run()
	return h, nil
}

// Node returns the hub's node id.
func (h *Hub) Node() string { return h.node }

// ServeHTTP accepts a WebSocket connection offering the subprotocol
// critpath.v1 (others are refused with 400) from an allowed origin
// (others: 403), and returns; the hub serves the connection until it
// closes (Shutdown waits for it).
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !offers(r.Header.Values("Sec-WebSocket-Protocol"), Subprotocol) {
		http.Error(w, "realtime: the subprotocol "+Subprotocol+" is required", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	closing := h.closing
	if !closing {
		h.wg.Add(1)
	}
	h.mu.Unlock()
	if closing {
		http.Error(w, "realtime: the server is shutting down", http.StatusServiceUnavailable)
		return
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols:   []string{Subprotocol},
		OriginPatterns: h.origins,
	})
	if err != nil {
		h.wg.Done()
		h.log.Info("realtime: handshake refused", "remote", r.RemoteAddr, "origin", r.Header.Get("Origin"), "err", err)
		return // Accept has answered
	}
	c := newConn(h, ws, r.RemoteAddr)
	if !h.add(c) {
		h.wg.Done()
		_ = ws.Close(CloseRestart, "the server is shutting down")
		return
	}
	// The connection is served on a goroutine of its own, and the HTTP
	// server's returns: its stack, grown by the handshake, and the
	// request go.
	go func() {
		defer h.wg.Done()
		c.serve()
		h.remove(c)
	}()
}

// offers reports whether the Sec-WebSocket-Protocol headers list p.
func offers(headers []string, p string) bool {
	for _, h := range headers {
		for v := range strings.SplitSeq(h, ",") {
			if strings.TrimSpace(v) == p {
				return true
			}
		}
	}
	return false
}

func (h *Hub) add(c *conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	h.conns[c] = struct{}{}
	h.metrics.Connections(1)
	return true
}

func (h *Hub) remove(c *conn) {
	h.mu.Lock()
	delete(h.conns, c)
	if u := c.user(); u != "" {
		if h.users[u]--; h.users[u] <= 0 {
			delete(h.users, u)
		}
	}
	h.mu.Unlock()
	h.metrics.Connections(-1)
}

// admit counts a connection of user on this node, unless the user has
// Limits.ConnsPerUser already.
func (h *Hub) admit(user string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.users[user] >= h.lim.ConnsPerUser {
		return false
	}
	h.users[user]++
	return true
}

// newConnID returns an id for a connection, unique among the nodes.
func (h *Hub) newConnID() string {
	return h.node + "." + strconv.FormatInt(h.nextID.Add(1), 36)
}

// Shutdown closes every connection with 1012 (the server is restarting:
// clients reconnect, to another node, and resume by seq), takes this
// node's presence out of the broker and stops the hub's goroutine. It
// waits for the connections to end, or for ctx.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closing = true
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	for _, c := range conns {
		c.close(CloseRestart, "the server is restarting")
	}
	done := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("realtime: shutdown: %w", ctx.Err())
	}
	h.cancel()
	<-h.loop
	h.dropPresence(ctx)
	return err
}

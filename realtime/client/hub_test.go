package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/critpath/critpath/internal/demo"
	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/realtime/client"
	"github.com/critpath/critpath/realtime/realtimetest"
	"github.com/critpath/critpath/store"
)

// env is a real hub on a store and an in-process broker, the project
// "tower" in it, reached directly (direct) or through a proxy that can
// cut connections (url).
type env struct {
	t      *testing.T
	store  *store.Store
	broker *realtime.Memory
	proxy  *proxy
	url    string // through the proxy
	limits realtime.Limits

	mu     sync.Mutex
	hub    *realtime.Hub
	srv    *httptest.Server
	direct string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, realtime.Limits{}, realtime.MemoryConfig{History: 10000})
}

// newEnvWith is newEnv with the hub's limits (but Beacon) and the
// broker's configuration.
func newEnvWith(t *testing.T, lim realtime.Limits, mc realtime.MemoryConfig) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	st := store.New(store.NewMemory(), store.Config{})
	if _, err := st.Create(ctx, "tower", demo.Project(t, "dhaka-tower.json"), "lead"); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: st, broker: realtime.NewMemory(mc), limits: lim}
	relayed := make(chan struct{})
	go func() {
		defer close(relayed)
		_ = st.Relay(ctx, realtime.Relay(e.broker), 5*time.Millisecond)
	}()
	e.start()
	e.proxy = newProxy(t, e.target)
	e.url = "ws://" + e.proxy.ln.Addr().String()
	t.Cleanup(func() {
		e.stop()
		cancel()
		<-relayed
		st.Close()
	})
	return e
}

// start starts a hub on the env's store and broker.
func (e *env) start() {
	// Beacons on rooms quiet for 100 ms: a client that lost the last
	// message learns of it quickly.
	lim := e.limits
	lim.Beacon = 100 * time.Millisecond
	h, err := realtime.NewHub(realtime.HubConfig{Broker: e.broker, Projects: e.store, Auth: realtimetest.Tokens{}, Limits: lim, Logger: testLogger()})
	if err != nil {
		e.t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	e.mu.Lock()
	e.hub, e.srv, e.direct = h, srv, "ws"+strings.TrimPrefix(srv.URL, "http")
	e.mu.Unlock()
}

// stop shuts the hub down (its clients are closed with 1012).
func (e *env) stop() {
	e.mu.Lock()
	h, srv := e.hub, e.srv
	e.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = h.Shutdown(ctx)
	srv.Close()
}

// restart replaces the hub by a new one on the same store and broker;
// the proxy sends new connections to it.
func (e *env) restart() {
	e.stop()
	e.start()
}

func (e *env) target() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return strings.TrimPrefix(e.srv.URL, "http://")
}

// proxy forwards TCP connections to a target; it can cut them all (the
// client sees a connection lost without a close frame), refuse new ones,
// and hold back what the server sends (a reply then never arrives).
type proxy struct {
	t      *testing.T
	ln     net.Listener
	target func() string

	mu    sync.Mutex
	cond  *sync.Cond
	conns []net.Conn
	down  bool
	held  bool
	cuts  int
}

func newProxy(t *testing.T, target func() string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, ln: ln, target: target}
	p.cond = sync.NewCond(&p.mu)
	go p.accept()
	t.Cleanup(func() {
		ln.Close()
		p.cut()
		p.hold(false)
	})
	return p
}

func (p *proxy) accept() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			in.Close()
			continue
		}
		out, err := net.Dial("tcp", p.target())
		if err != nil {
			in.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		go func() {
			io.Copy(out, in)
			out.Close()
			in.Close()
		}()
		go func() {
			buf := make([]byte, 32<<10)
			for {
				n, err := out.Read(buf)
				p.mu.Lock()
				for p.held {
					p.cond.Wait()
				}
				p.mu.Unlock()
				if n > 0 {
					if _, werr := in.Write(buf[:n]); werr != nil {
						break
					}
				}
				if err != nil {
					break
				}
			}
			in.Close()
			out.Close()
		}()
	}
}

// cut closes every connection through the proxy.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.cuts++
}

func (p *proxy) cutCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cuts
}

func (p *proxy) setDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
}

func (p *proxy) hold(held bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held = held
	p.cond.Broadcast()
}

// mangler is a WebSocket proxy in front of the hub that loses, repeats
// and replays old server frames holding durable messages only (never a
// reply), drawn from a seeded stream, and can cut its connections.
type mangler struct {
	t      *testing.T
	url    string
	target func() string

	mu                       sync.Mutex
	rng                      *rand.Rand
	conns                    []*websocket.Conn
	cuts                     int
	dropped, repeated, stale int
}

func newMangler(t *testing.T, target func() string, seed uint64) *mangler {
	m := &mangler{t: t, target: target, rng: rand.New(rand.NewPCG(seed, 1))}
	srv := httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(func() {
		m.cut()
		srv.Close()
	})
	m.url = "ws" + strings.TrimPrefix(srv.URL, "http")
	return m
}

func (m *mangler) serve(w http.ResponseWriter, r *http.Request) {
	ctx := context.Background()
	cws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{realtime.Subprotocol}})
	if err != nil {
		return
	}
	hws, _, err := websocket.Dial(ctx, m.target(), &websocket.DialOptions{Subprotocols: []string{realtime.Subprotocol}})
	if err != nil {
		cws.Close(websocket.StatusInternalError, "no hub")
		return
	}
	cws.SetReadLimit(64 << 20)
	hws.SetReadLimit(64 << 20)
	m.mu.Lock()
	m.conns = append(m.conns, cws)
	m.mu.Unlock()
	defer cws.CloseNow()
	defer hws.CloseNow()
	go func() {
		defer cws.CloseNow()
		defer hws.CloseNow()
		for {
			typ, b, err := cws.Read(ctx)
			if err != nil || hws.Write(ctx, typ, b) != nil {
				return
			}
		}
	}()
	var old [][]byte
	for {
		typ, b, err := hws.Read(ctx)
		if err != nil {
			return
		}
		var ms []realtime.Message
		durable := json.Unmarshal(b, &ms) == nil && len(ms) > 0
		for _, msg := range ms {
			durable = durable && msg.Durable()
		}
		frames := [][]byte{b}
		if durable {
			m.mu.Lock()
			switch m.rng.IntN(16) {
			case 0:
				frames = nil
				m.dropped++
			case 1:
				frames = append(frames, b)
				m.repeated++
			case 2:
				if len(old) > 0 {
					frames = append(frames, old[m.rng.IntN(len(old))])
					m.stale++
				}
			}
			m.mu.Unlock()
			old = append(old, b)
			if len(old) > 20 {
				old = old[1:]
			}
		}
		for _, f := range frames {
			if cws.Write(ctx, typ, f) != nil {
				return
			}
		}
	}
}

// cut closes the client side of every connection without a close frame.
func (m *mangler) cut() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.conns {
		c.CloseNow()
	}
	m.conns = nil
	m.cuts++
}

func (m *mangler) counts() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fmt.Sprintf("%d cuts, %d durable frames lost, %d repeated, %d old ones sent again", m.cuts, m.dropped, m.repeated, m.stale)
}

// testLogger logs to stderr when CRITPATH_HUBLOG is set (as the hub's
// tests do).
func testLogger() *slog.Logger {
	if os.Getenv("CRITPATH_HUBLOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fast keeps reconnections within milliseconds.
var fast = client.Backoff{Base: 2 * time.Millisecond, Cap: 50 * time.Millisecond}

func dial(t *testing.T, url, user string, opts client.Options) *client.Client {
	t.Helper()
	opts.Token = func(context.Context) (string, error) { return user, nil }
	if opts.Logger == nil {
		opts.Logger = testLogger()
	}
	if opts.Backoff == (client.Backoff{}) {
		opts.Backoff = fast
	}
	c, err := client.Dial(t.Context(), url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// watcher takes a room's events and keeps them.
type watcher struct {
	t    *testing.T
	room *client.Room

	mu       sync.Mutex
	snapshot *client.Snapshot // the first
	msgs     []realtime.Message
	seqs     []int64 // of the durable messages, as delivered
	wake     chan struct{}
}

func watch(t *testing.T, c *client.Client, room string) *watcher {
	t.Helper()
	r, err := c.Join(t.Context(), room)
	if err != nil {
		t.Fatal(err)
	}
	w := &watcher{t: t, room: r, wake: make(chan struct{}, 1)}
	go func() {
		for ev := range r.Events() {
			w.mu.Lock()
			switch {
			case ev.Snapshot != nil && w.snapshot == nil:
				w.snapshot = ev.Snapshot
			case ev.Snapshot != nil:
				w.t.Errorf("a second snapshot at seq %d: the client should have resumed", ev.Snapshot.Seq)
			case ev.Message != nil && ev.Message.Durable():
				w.msgs = append(w.msgs, *ev.Message)
				w.seqs = append(w.seqs, ev.Message.Seq)
			}
			w.mu.Unlock()
			select {
			case w.wake <- struct{}{}:
			default:
			}
		}
	}()
	w.until(func() bool { return w.snapshot != nil })
	return w
}

// until waits up to 20 s for cond, called under w.mu.
func (w *watcher) until(cond func() bool) {
	w.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		w.mu.Lock()
		ok := cond()
		w.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-w.wake:
		case <-deadline:
			w.mu.Lock()
			defer w.mu.Unlock()
			w.t.Fatalf("timed out; delivered %d durable messages, the last %v", len(w.seqs), w.seqs[max(len(w.seqs)-5, 0):])
		}
	}
}

// last returns the seq of the last durable message delivered (the
// snapshot's when none).
func (w *watcher) last() int64 {
	if len(w.seqs) == 0 {
		return w.snapshot.Seq
	}
	return w.seqs[len(w.seqs)-1]
}

// relayed waits until the broker has every change the store made (the
// relay publishes them a little later) and returns its last seq.
func relayed(t *testing.T, e *env) int64 {
	t.Helper()
	ctx := context.Background()
	_, want, err := e.store.Project(ctx, "tower")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		seq, rev, _, err := e.broker.Last(ctx, "tower")
		if err != nil {
			t.Fatal(err)
		}
		if rev >= want {
			return seq
		}
		if time.Now().After(deadline) {
			t.Fatalf("the broker is at revision %d, the store at %d", rev, want)
		}
		time.Sleep(time.Millisecond) // the relay polls every 5 ms
	}
}

// catchUp waits until the watcher has the broker's last message, once
// the broker has every change the store made.
func (w *watcher) catchUp(e *env) {
	w.t.Helper()
	last := relayed(w.t, e)
	w.until(func() bool { return w.last() >= last })
}

// check says whether the watcher got, after its snapshot, exactly the
// broker's durable messages — each once, in order — but for the changes
// its snapshot held.
func (w *watcher) check(e *env) {
	w.t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	hist, err := e.broker.Range(context.Background(), "tower", w.snapshot.Seq, w.snapshot.Epoch, 1<<20)
	if err != nil {
		w.t.Fatal(err)
	}
	var want []int64
	for _, m := range hist {
		if m.Rev == 0 || m.Rev > w.snapshot.Rev {
			want = append(want, m.Seq)
		}
	}
	if fmt.Sprint(w.seqs) != fmt.Sprint(want) {
		dup := map[int64]int{}
		for _, s := range w.seqs {
			dup[s]++
		}
		var dups []int64
		for s, n := range dup {
			if n > 1 {
				dups = append(dups, s)
			}
		}
		w.t.Fatalf("delivered %d durable messages, want %d (the broker's after seq %d); duplicates %v\ngot  %v\nwant %v",
			len(w.seqs), len(want), w.snapshot.Seq, dups, w.seqs, want)
	}
}

// byRev returns the delivered message of type typ with revision rev.
func (w *watcher) byRev(typ string, rev int64) *realtime.Message {
	var found *realtime.Message
	w.until(func() bool {
		for i := range w.msgs {
			if w.msgs[i].Type == typ && w.msgs[i].Rev == rev {
				found = &w.msgs[i]
				return true
			}
		}
		return false
	})
	return found
}

func name(s string) map[string]any { return map[string]any{"name": s} }

// storeRev returns the project's revision in the store.
func storeRev(t *testing.T, e *env) int64 {
	t.Helper()
	_, rev, err := e.store.Project(context.Background(), "tower")
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

// waitStatus waits for a status of state s from c.
func waitStatus(t *testing.T, c *client.Client, s client.State) client.Status {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case st, ok := <-c.Status():
			if !ok {
				t.Fatalf("status closed waiting for %v", s)
			}
			if st.State == s {
				return st
			}
		case <-timeout:
			t.Fatalf("no %v status", s)
		}
	}
}

// edit makes n edits of task D2's name through the store itself, as a
// third party, from the revision it reads each time.
func thirdParty(ctx context.Context, e *env, n int, after func(i int)) error {
	for i := range n {
		rev := storeRevCtx(ctx, e)
		if _, err := e.store.Apply(ctx, "tower", store.Change{Actor: "lead", Base: rev, Ops: []store.Op{store.Set("D2", "name", fmt.Sprint("Survey ", i))}}); err != nil {
			return err
		}
		if after != nil {
			after(i)
		}
	}
	return nil
}

func storeRevCtx(ctx context.Context, e *env) int64 {
	_, rev, _ := e.store.Project(ctx, "tower")
	return rev
}

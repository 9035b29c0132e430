package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/critpath/critpath/internal/demo"
	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// testAuth takes a token as the user's name: "viewer…" users are
// viewers, "stranger…" users members of nothing, the rest planners. A
// token "bad…" is refused; "exp=<ms>:<user>" expires after ms.
type testAuth struct{ now func() time.Time }

func (a testAuth) Authenticate(_ context.Context, token string) (realtime.Identity, error) {
	if strings.HasPrefix(token, "bad") {
		return realtime.Identity{}, fmt.Errorf("%w: a bad token", realtime.ErrUnauthorized)
	}
	id := realtime.Identity{User: token, Name: strings.ToUpper(token)}
	if rest, ok := strings.CutPrefix(token, "exp="); ok {
		ms, user, _ := strings.Cut(rest, ":")
		n, err := strconv.Atoi(ms)
		if err != nil {
			return realtime.Identity{}, err
		}
		id.User, id.Expires = user, time.Now().Add(time.Duration(n)*time.Millisecond)
	}
	return id, nil
}

func (testAuth) Role(_ context.Context, id realtime.Identity, project string) (realtime.Role, error) {
	switch {
	case strings.HasPrefix(id.User, "viewer"):
		return realtime.RoleViewer, nil
	case strings.HasPrefix(id.User, "stranger"):
		return realtime.RoleNone, nil
	}
	return realtime.RolePlanner, nil
}

// testMetrics counts what the hub reports.
type testMetrics struct {
	conns, rooms, slow, replayed, resynced atomic.Int64
	mu                                     sync.Mutex
	dropped                                map[string]int
	out                                    map[string]int
}

func (m *testMetrics) Connections(d int)            { m.conns.Add(int64(d)) }
func (m *testMetrics) Rooms(d int)                  { m.rooms.Add(int64(d)) }
func (m *testMetrics) MessagesIn(string, int)       {}
func (m *testMetrics) SlowClosed()                  { m.slow.Add(1) }
func (m *testMetrics) Replayed(n int)               { m.replayed.Add(int64(n)) }
func (m *testMetrics) Resynced()                    { m.resynced.Add(1) }
func (m *testMetrics) PublishToWrite(time.Duration) {}
func (m *testMetrics) MessagesOut(class string, n, _ int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.out == nil {
		m.out = map[string]int{}
	}
	m.out[class] += n
}
func (m *testMetrics) Dropped(class string, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dropped == nil {
		m.dropped = map[string]int{}
	}
	m.dropped[class] += n
}

// env is a store with the demo project "tower", a Memory broker the
// store relays to, and hubs (nodes) on it, each behind a test server.
type env struct {
	t       *testing.T
	store   *store.Store
	broker  *realtime.Memory
	hubs    []*realtime.Hub
	urls    []string
	metrics []*testMetrics
}

func newEnv(t *testing.T, nodes int, lim realtime.Limits, mc realtime.MemoryConfig) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	st := store.New(store.NewMemory(), store.Config{})
	if _, err := st.Create(ctx, "tower", demo.Project(t, "dhaka-tower.json"), "lead"); err != nil {
		t.Fatal(err)
	}
	b := realtime.NewMemory(mc)
	relayed := make(chan struct{})
	go func() {
		defer close(relayed)
		_ = st.Relay(ctx, realtime.Relay(b), 20*time.Millisecond)
	}()
	e := &env{t: t, store: st, broker: b}
	for i := range nodes {
		m := &testMetrics{}
		h, err := realtime.NewHub(realtime.HubConfig{
			Broker: b, Projects: st, Auth: testAuth{}, Node: fmt.Sprintf("node%d", i),
			Limits: lim, Metrics: m, Origins: []string{"allowed.example"}, Logger: testLogger(),
		})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		e.hubs = append(e.hubs, h)
		e.urls = append(e.urls, "ws"+strings.TrimPrefix(srv.URL, "http"))
		e.metrics = append(e.metrics, m)
		t.Cleanup(func() {
			sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer scancel()
			_ = h.Shutdown(sctx)
			srv.Close()
		})
	}
	t.Cleanup(func() {
		cancel()
		<-relayed
		st.Close()
	})
	// The project's creation is the room's first message.
	waitFor(t, func() bool { seq, _, _, _ := b.Last(ctx, "tower"); return seq == 1 })
	return e
}

// testLogger logs to stderr when CRITPATH_HUBLOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("CRITPATH_HUBLOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// waitFor waits up to 10 s for cond.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// client is a test client: it reads every frame into a log.
type client struct {
	t    *testing.T
	ws   *websocket.Conn
	next atomic.Int64

	mu     sync.Mutex
	log    []realtime.Message
	frames []int // the frame of each message
	nframe int
	closed error
	wake   chan struct{}
	read   chan struct{} // closed when the reader ends
}

func dial(t *testing.T, url string) *client {
	t.Helper()
	c, err := tryDial(t, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func tryDial(t *testing.T, url string, opts *websocket.DialOptions) (*client, error) {
	if opts == nil {
		opts = &websocket.DialOptions{Subprotocols: []string{realtime.Subprotocol}}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(64 << 20)
	c := &client{t: t, ws: ws, wake: make(chan struct{}, 1), read: make(chan struct{})}
	go c.reader()
	t.Cleanup(func() { _ = ws.CloseNow() })
	return c, nil
}

// dialPaused dials a client that reads nothing until its reader is
// started (go c.reader()).
func dialPaused(t *testing.T, url string) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{realtime.Subprotocol}})
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(64 << 20)
	t.Cleanup(func() { _ = ws.CloseNow() })
	return &client{t: t, ws: ws, wake: make(chan struct{}, 1), read: make(chan struct{})}
}

func (c *client) reader() {
	defer close(c.read)
	for {
		_, data, err := c.ws.Read(context.Background())
		c.mu.Lock()
		if err != nil {
			c.closed = err
			c.mu.Unlock()
			c.poke()
			return
		}
		var ms []realtime.Message
		if err := json.Unmarshal(data, &ms); err != nil {
			c.closed = fmt.Errorf("a frame that is not an array of messages: %v: %.200s", err, data)
			c.mu.Unlock()
			c.poke()
			return
		}
		c.nframe++
		for _, m := range ms {
			c.log = append(c.log, m)
			c.frames = append(c.frames, c.nframe)
		}
		c.mu.Unlock()
		c.poke()
	}
}

func (c *client) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *client) send(req any) {
	c.t.Helper()
	b, err := json.Marshal(req)
	if err != nil {
		c.t.Fatal(err)
	}
	c.raw(b)
}

func (c *client) raw(b []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// await waits up to 10 s for a message from index from on that pred
// takes, and returns it with its index.
func (c *client) await(from int, pred func(realtime.Message) bool) (realtime.Message, int) {
	c.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		for i := from; i < len(c.log); i++ {
			if pred(c.log[i]) {
				m := c.log[i]
				c.mu.Unlock()
				return m, i
			}
		}
		from = len(c.log)
		closed := c.closed
		c.mu.Unlock()
		if closed != nil {
			c.t.Fatalf("the connection ended while waiting: %v", closed)
		}
		select {
		case <-c.wake:
		case <-deadline:
			c.t.Fatal("timed out waiting for a message")
		}
	}
}

// call sends a request with a fresh id and returns its reply.
func (c *client) call(req realtime.Request) realtime.Reply {
	c.t.Helper()
	req.ID = strconv.FormatInt(c.next.Add(1), 10)
	c.send(req)
	m, _ := c.await(0, func(m realtime.Message) bool { return m.Type == realtime.TypeReply && m.Re == req.ID })
	var r realtime.Reply
	if err := json.Unmarshal(m.Data, &r); err != nil {
		c.t.Fatal(err)
	}
	return r
}

// ok calls and fails the test on an error reply; it decodes the
// reply's data into out (when not nil).
func (c *client) ok(req realtime.Request, out any) {
	c.t.Helper()
	r := c.call(req)
	if !r.OK {
		c.t.Fatalf("%s: %+v", req.Op, r.Error)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			c.t.Fatal(err)
		}
	}
}

// fail calls and returns the error of a reply that must be refused.
func (c *client) fail(req realtime.Request) *realtime.ErrorData {
	c.t.Helper()
	r := c.call(req)
	if r.OK || r.Error == nil {
		c.t.Fatalf("%s: ok, want an error", req.Op)
	}
	return r.Error
}

func (c *client) messages() []realtime.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]realtime.Message(nil), c.log...)
}

// durable returns the sequence numbers of the durable messages of room
// received so far.
func (c *client) durable(room string) []int64 {
	var seqs []int64
	for _, m := range c.messages() {
		if m.Room == room && m.Seq > 0 && m.Type != realtime.TypeBeacon {
			seqs = append(seqs, m.Seq)
		}
	}
	return seqs
}

// closeCode waits for the connection to end and returns its close code.
func (c *client) closeCode() websocket.StatusCode {
	c.t.Helper()
	select {
	case <-c.read:
	case <-time.After(20 * time.Second):
		c.t.Fatal("the connection did not close")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return websocket.CloseStatus(c.closed)
}

type joined struct {
	Room     string              `json:"room"`
	Role     realtime.Role       `json:"role"`
	Mode     string              `json:"mode"`
	Epoch    string              `json:"epoch"`
	Seq      int64               `json:"seq"`
	Rev      int64               `json:"rev"`
	Project  json.RawMessage     `json:"project"`
	Schedule json.RawMessage     `json:"schedule"`
	Presence []realtime.Presence `json:"presence"`
	Count    *int64              `json:"count"`
}

// connect dials, says hello as user and joins room with a snapshot.
func connect(t *testing.T, url, user, room string) (*client, joined) {
	t.Helper()
	c := dial(t, url)
	c.ok(realtime.Request{Op: realtime.OpHello, Token: user}, nil)
	var j joined
	c.ok(realtime.Request{Op: realtime.OpJoin, Room: room}, &j)
	return c, j
}

func raw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

func TestHelloJoinSnapshot(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{}, realtime.MemoryConfig{})
	c := dial(t, e.urls[0])
	if got := c.fail(realtime.Request{Op: realtime.OpJoin, Room: "tower"}); got.Code != realtime.CodeUnauthorized {
		t.Errorf("join before hello: %s, want unauthorized", got.Code)
	}
	var hello struct {
		User, Node, Conn string
		HeartbeatMS      int64 `json:"heartbeat_ms"`
	}
	c.ok(realtime.Request{Op: realtime.OpHello, Token: "ana"}, &hello)
	if hello.User != "ana" || hello.Node != "node0" || hello.Conn == "" || hello.HeartbeatMS != 25000 {
		t.Errorf("hello: %+v", hello)
	}
	var j joined
	c.ok(realtime.Request{Op: realtime.OpJoin, Room: "tower"}, &j)
	if j.Mode != "snapshot" || j.Seq != 1 || j.Rev != 1 || j.Role != realtime.RolePlanner || j.Epoch == "" {
		t.Errorf("join: mode %s seq %d rev %d role %s epoch %q, want a snapshot at seq 1, rev 1, planner", j.Mode, j.Seq, j.Rev, j.Role, j.Epoch)
	}
	p, err := schedule.ReadJSON(strings.NewReader(string(j.Project)))
	if err != nil {
		t.Fatalf("the snapshot's project: %v", err)
	}
	if len(p.Tasks) == 0 || len(j.Schedule) == 0 {
		t.Errorf("the snapshot has %d tasks and a schedule of %d bytes", len(p.Tasks), len(j.Schedule))
	}
	if got := c.fail(realtime.Request{Op: realtime.OpJoin, Room: "nowhere"}); got.Code != realtime.CodeNotFound {
		t.Errorf("join of no project: %s, want not_found", got.Code)
	}
	var pong struct{ Time time.Time }
	c.ok(realtime.Request{Op: realtime.OpPing}, &pong)
	if pong.Time.IsZero() {
		t.Error("ping: no time")
	}
}

// patch is a task.patch of D1's duration to days, from base.
func patch(room string, days float64, base int64, command string) realtime.Request {
	return realtime.Request{Op: realtime.OpPatch, Room: room, Task: "D1",
		Fields: map[string]json.RawMessage{"duration": raw(schedule.Days(days))}, Base: base, Command: command}
}

func TestEditFansOut(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{}, realtime.MemoryConfig{})
	a, ja := connect(t, e.urls[0], "ana", "tower")
	b, _ := connect(t, e.urls[0], "bo", "tower")
	var out store.Outcome
	a.ok(patch("tower", 20, ja.Rev, "c1"), &out)
	if out.Revision != 2 || len(out.Delta.Changes) == 0 {
		t.Errorf("the outcome: revision %d, %d changes; want 2 and some", out.Revision, len(out.Delta.Changes))
	}
	for _, c := range []*client{a, b} {
		ch, i := c.await(0, func(m realtime.Message) bool { return m.Type == realtime.TypeTaskChanged })
		rc, j := c.await(0, func(m realtime.Message) bool { return m.Type == realtime.TypeRecalc })
		if j != i+1 || ch.Seq != 2 || rc.Seq != 3 || ch.Rev != 2 || rc.Rev != 2 {
			t.Errorf("task.changed #%d seq %d rev %d, schedule.recalc #%d seq %d rev %d; want seq 2 then 3, both rev 2",
				i, ch.Seq, ch.Rev, j, rc.Seq, rc.Rev)
		}
		if ch.Actor != "ana" || ch.Command != "c1" {
			t.Errorf("task.changed by %q, command %q; want ana, c1", ch.Actor, ch.Command)
		}
		var rd realtime.RecalcData
		if err := json.Unmarshal(rc.Data, &rd); err != nil || rd.Delta == nil || len(rd.Delta.Changes) != len(out.Delta.Changes) {
			t.Errorf("schedule.recalc: %s (%v), want the delta of %d changes", rc.Data, err, len(out.Delta.Changes))
		}
	}
	// The same command again is answered as the first time.
	var again store.Outcome
	a.ok(patch("tower", 20, ja.Rev, "c1"), &again)
	if !again.Duplicate || again.Revision != 2 {
		t.Errorf("the command again: %+v, want the duplicate of revision 2", again)
	}
}

func TestConflictAndLastWriterWins(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{}, realtime.MemoryConfig{})
	a, ja := connect(t, e.urls[0], "ana", "tower")
	b, jb := connect(t, e.urls[0], "bo", "tower")
	a.ok(patch("tower", 20, ja.Rev, "a1"), nil)
	got := b.fail(patch("tower", 25, jb.Rev, "b1"))
	if got.Code != realtime.CodeConflict || got.Retry || len(got.Conflicts) != 1 {
		t.Fatalf("a stale duration: %+v, want one conflict", got)
	}
	if cf := got.Conflicts[0]; cf.By != "ana" || cf.Field != "duration" || cf.Version != 2 || string(cf.Current) != string(raw(schedule.Days(20))) {
		t.Errorf("the conflict: %+v, want ana's 20d of revision 2", cf)
	}
	name := func(s string, base int64) realtime.Request {
		return realtime.Request{Op: realtime.OpPatch, Room: "tower", Task: "D1", Fields: map[string]json.RawMessage{"name": raw(s)}, Base: base}
	}
	a.ok(name("Soil tests", 2), nil)
	var out store.Outcome
	b.ok(name("Soil investigation", jb.Rev), &out)
	if len(out.Resolutions) != 1 || out.Resolutions[0].LostBy != "ana" || string(out.Resolutions[0].Lost) != `"Soil tests"` {
		t.Errorf("last writer wins: %+v, want it told it overwrote ana's name", out.Resolutions)
	}
}

func TestRolesAndBadRequests(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{}, realtime.MemoryConfig{})
	v, jv := connect(t, e.urls[0], "viewer1", "tower")
	if jv.Role != realtime.RoleViewer {
		t.Errorf("role %s, want viewer", jv.Role)
	}
	if got := v.fail(patch("tower", 20, 1, "v1")); got.Code != realtime.CodeForbidden {
		t.Errorf("a viewer's patch: %s, want forbidden", got.Code)
	}
	s := dial(t, e.urls[0])
	s.ok(realtime.Request{Op: realtime.OpHello, Token: "stranger1"}, nil)
	if got := s.fail(realtime.Request{Op: realtime.OpJoin, Room: "tower"}); got.Code != realtime.CodeForbidden {
		t.Errorf("a stranger's join: %s, want forbidden", got.Code)
	}
	if got := s.fail(realtime.Request{Op: realtime.OpJoin, Room: "user:ana"}); got.Code != realtime.CodeForbidden {
		t.Errorf("another user's room: %s, want forbidden", got.Code)
	}
	if got := s.fail(patch("tower", 20, 1, "s1")); got.Code != realtime.CodeNotJoined {
		t.Errorf("a patch of a room not joined: %s, want not_joined", got.Code)
	}
	for _, tc := range []struct {
		req   realtime.Request
		where string
	}{
		{realtime.Request{Op: "task.explode", Room: "tower"}, "op"},
		{realtime.Request{Op: realtime.OpJoin}, "room"},
		{realtime.Request{Op: realtime.OpPatch, Room: "tower", Task: "D1"}, "fields"},
		{realtime.Request{Op: realtime.OpProgress, Room: "tower", Task: "D1", Fields: map[string]json.RawMessage{"duration": raw("1d")}}, "fields.duration"},
		{realtime.Request{Op: realtime.OpReplay, Room: "tower"}, "seq"},
		{realtime.Request{Op: realtime.OpLinkAdd, Room: "tower", Link: &schedule.Link{Pred: "D1"}}, "link.Succ"},
		{realtime.Request{Op: realtime.OpPresence, Room: "tower", State: "dancing"}, "state"},
	} {
		got := v.fail(tc.req)
		if got.Code != realtime.CodeBadRequest || got.Where != tc.where {
			t.Errorf("%+v: %s at %q, want bad_request at %q", tc.req, got.Code, got.Where, tc.where)
		}
	}
	// A field of the wrong type is named.
	v.raw([]byte(`{"op":"join","id":"x1","room":"tower","seq":"nine"}`))
	m, _ := v.await(0, func(m realtime.Message) bool { return m.Re == "x1" })
	var r realtime.Reply
	_ = json.Unmarshal(m.Data, &r)
	if r.OK || r.Error.Code != realtime.CodeBadRequest || r.Error.Where != "seq" {
		t.Errorf("a seq that is a string: %s, want bad_request at seq", m.Data)
	}
}

func TestReconnectBySeq(t *testing.T) {
	e := newEnv(t, 2, realtime.Limits{ReplayLimit: 6}, realtime.MemoryConfig{})
	a, ja := connect(t, e.urls[0], "ana", "tower")
	b, jb := connect(t, e.urls[0], "bo", "tower")
	a.ok(patch("tower", 11, ja.Rev, "a1"), nil)
	b.await(0, func(m realtime.Message) bool { return m.Type == realtime.TypeRecalc && m.Seq == 3 })
	_ = b.ws.Close(websocket.StatusNormalClosure, "")
	for i, d := range []float64{12, 13} {
		a.ok(patch("tower", d, int64(2+i), ""), nil) // revisions 3, 4: seq 4–7
	}
	a.await(0, func(m realtime.Message) bool { return m.Seq == 7 })
	// Back on the other node, from seq 3: exactly 4–7, then live.
	for _, url := range []string{e.urls[1], e.urls[0]} {
		c := dial(t, url)
		c.ok(realtime.Request{Op: realtime.OpHello, Token: "bo"}, nil)
		var j joined
		c.ok(realtime.Request{Op: realtime.OpJoin, Room: "tower", Seq: new(int64(3)), Epoch: jb.Epoch}, &j)
		if j.Mode != "replay" || j.Count == nil || *j.Count != 4 || j.Seq != 7 {
			t.Fatalf("rejoin from 3: mode %s count %v seq %d, want a replay of 4 to 7", j.Mode, j.Count, j.Seq)
		}
		c.await(0, func(m realtime.Message) bool { return m.Seq == 7 })
		if got := fmt.Sprint(c.durable("tower")); got != "[4 5 6 7]" {
			t.Errorf("replayed %s, want [4 5 6 7]", got)
		}
		_ = c.ws.Close(websocket.StatusNormalClosure, "")
	}
	// Beyond the history's reach (ReplayLimit 6): a snapshot.
	for i, d := range []float64{14, 15} {
		a.ok(patch("tower", d, int64(4+i), ""), nil) // seq 8–11
	}
	a.await(0, func(m realtime.Message) bool { return m.Seq == 11 })
	c := dial(t, e.urls[1])
	c.ok(realtime.Request{Op: realtime.OpHello, Token: "bo"}, nil)
	var j joined
	c.ok(realtime.Request{Op: realtime.OpJoin, Room: "tower", Seq: new(int64(3)), Epoch: jb.Epoch}, &j)
	if j.Mode != "snapshot" || j.Seq != 11 || j.Rev != 6 || len(j.Project) == 0 {
		t.Errorf("rejoin from 3 past the limit: mode %s seq %d rev %d, want a snapshot at seq 11, rev 6", j.Mode, j.Seq, j.Rev)
	}
	var wrong joined
	c.ok(realtime.Request{Op: realtime.OpJoin, Room: "tower", Seq: new(int64(10)), Epoch: "another"}, &wrong)
	if wrong.Mode != "snapshot" {
		t.Errorf("rejoin from another epoch: %s, want a snapshot", wrong.Mode)
	}
}

func TestTwoNodes(t *testing.T) {
	e := newEnv(t, 2, realtime.Limits{}, realtime.MemoryConfig{})
	a, ja := connect(t, e.urls[0], "ana", "tower")
	b, _ := connect(t, e.urls[1], "bo", "tower")
	a.ok(patch("tower", 21, ja.Rev, "a1"), nil)
	m, _ := b.await(0, func(m realtime.Message) bool { return m.Type == realtime.TypeTaskChanged })
	if m.Actor != "ana" || m.Seq != 2 {
		t.Errorf("node1 got %+v, want ana's change at seq 2", m)
	}
}

func TestOriginAndSubprotocol(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{}, realtime.MemoryConfig{})
	for _, tc := range []struct {
		name   string
		opts   *websocket.DialOptions
		status int
	}{
		{"no subprotocol", &websocket.DialOptions{}, http.StatusBadRequest},
		{"another origin", &websocket.DialOptions{Subprotocols: []string{realtime.Subprotocol}, HTTPHeader: http.Header{"Origin": {"https://evil.example"}}}, http.StatusForbidden},
		{"an allowed origin", &websocket.DialOptions{Subprotocols: []string{realtime.Subprotocol}, HTTPHeader: http.Header{"Origin": {"https://allowed.example"}}}, http.StatusSwitchingProtocols},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			ws, resp, err := websocket.Dial(ctx, e.urls[0], tc.opts)
			if ws != nil {
				defer ws.CloseNow()
			}
			if resp == nil {
				t.Fatalf("no response: %v", err)
			}
			if resp.StatusCode != tc.status {
				t.Errorf("status %d (%v), want %d", resp.StatusCode, err, tc.status)
			}
		})
	}
}

func TestShutdownCloses1012(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{}, realtime.MemoryConfig{})
	c, _ := connect(t, e.urls[0], "ana", "tower")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := e.hubs[0].Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.closeCode(); got != realtime.CloseRestart {
		t.Errorf("close %d, want 1012", got)
	}
	if _, err := tryDial(t, e.urls[0], nil); err == nil {
		t.Error("a dial after shutdown was accepted")
	}
}

func TestEditOps(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{}, realtime.MemoryConfig{})
	c, _ := connect(t, e.urls[0], "ana", "tower")
	rev := int64(1)
	ok := func(req realtime.Request, typ string) {
		t.Helper()
		req.Room, req.Base = "tower", rev
		var out store.Outcome
		c.ok(req, &out)
		rev = out.Revision
		if _, i := c.await(0, func(m realtime.Message) bool { return m.Type == typ && m.Rev == rev }); i < 0 {
			t.Errorf("%s: no %s", req.Op, typ)
		}
	}
	ok(realtime.Request{Op: realtime.OpTaskCreate, New: &schedule.Task{ID: "N1", Name: "New task", Duration: schedule.Days(2)}}, realtime.TypeTaskCreated)
	ok(realtime.Request{Op: realtime.OpLinkAdd, OpID: "l1", Link: &schedule.Link{Pred: "D4", Succ: "N1"}}, realtime.TypeLinkAdded)
	ok(realtime.Request{Op: realtime.OpAssignAdd, OpID: "a1", Assignment: &schedule.Assignment{Task: "N1", Resource: "eng", Units: 1}}, realtime.TypeAssignmentAdded)
	ok(realtime.Request{Op: realtime.OpProgress, Task: "D1", Fields: map[string]json.RawMessage{
		"actual_start": raw("2027-01-03T08:00:00+06:00"), "percent_complete": raw(50)}}, realtime.TypeProgress)
	ok(realtime.Request{Op: realtime.OpAssignRemove, OpID: "a2", Assignment: &schedule.Assignment{Task: "N1", Resource: "eng"}}, realtime.TypeAssignmentRemoved)
	ok(realtime.Request{Op: realtime.OpLinkRemove, OpID: "l2", Link: &schedule.Link{Pred: "D4", Succ: "N1"}}, realtime.TypeLinkRemoved)
	ok(realtime.Request{Op: realtime.OpTaskDelete, Task: "N1"}, realtime.TypeTaskDeleted)
	for _, tc := range []struct {
		name  string
		req   realtime.Request
		code  string
		where string
	}{
		{"a loop", realtime.Request{Op: realtime.OpLinkAdd, OpID: "l3", Link: &schedule.Link{Pred: "D4", Succ: "D1"}, Base: rev}, realtime.CodeCycle, "link"},
		{"a base from the future", realtime.Request{Op: realtime.OpPatch, Task: "D1", Fields: map[string]json.RawMessage{"name": raw("x")}, Base: rev + 5}, realtime.CodeFuture, "base"},
		{"no such field", realtime.Request{Op: realtime.OpPatch, Task: "D1", Fields: map[string]json.RawMessage{"colour_of_sky": raw("x")}, Base: rev}, realtime.CodeUnknownField, "fields.colour_of_sky"},
		{"a bad value", realtime.Request{Op: realtime.OpPatch, Task: "D1", Fields: map[string]json.RawMessage{"duration": raw("soon")}, Base: rev}, realtime.CodeBadRequest, "fields.duration"},
		{"no such task", realtime.Request{Op: realtime.OpTaskDelete, Task: "ZZ", Base: rev}, realtime.CodeBadRequest, "task"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.Room = "tower"
			got := c.fail(tc.req)
			if got.Code != tc.code || got.Where != tc.where {
				t.Errorf("%s at %q (%s), want %s at %q", got.Code, got.Where, got.Message, tc.code, tc.where)
			}
		})
	}
}

// TestJoinDuringEdits: clients joining while edits flow get, after
// their snapshot, every durable message once and in order.
func TestJoinDuringEdits(t *testing.T) {
	e := newEnv(t, 2, realtime.Limits{}, realtime.MemoryConfig{})
	const edits = 30
	done := make(chan error, 1)
	go func() {
		for i := range edits {
			_, err := e.store.Apply(context.Background(), "tower", store.Change{Actor: "lead", Base: int64(i + 1),
				Ops: []store.Op{store.Set("D2", "name", fmt.Sprint("Survey ", i))}})
			if err != nil {
				done <- err
				return
			}
			time.Sleep(3 * time.Millisecond)
		}
		done <- nil
	}()
	type member struct {
		c *client
		j joined
	}
	var ms []member
	for i := range 8 {
		c, j := connect(t, e.urls[i%2], fmt.Sprint("u", i), "tower")
		ms = append(ms, member{c, j})
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	const last = 1 + 2*edits
	dup := 0
	for _, m := range ms {
		if m.j.Seq < last {
			m.c.await(0, func(msg realtime.Message) bool { return msg.Seq == last })
		}
		seqs := m.c.durable("tower")
		for i, s := range seqs {
			if s != m.j.Seq+int64(i)+1 {
				t.Fatalf("after a snapshot at seq %d: %v", m.j.Seq, seqs)
			}
		}
		for _, msg := range m.c.messages() {
			if msg.Room == "tower" && msg.Seq > 0 && msg.Rev > 0 && msg.Rev <= m.j.Rev {
				dup++
			}
		}
	}
	t.Logf("%d change messages already in their client's snapshot", dup)
}

// TestReplayRequest: a replay sends the messages after the client's
// seq, and a live message the replay already carried is not sent again.
func TestReplayRequest(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{}, realtime.MemoryConfig{History: 6})
	a, ja := connect(t, e.urls[0], "ana", "tower")
	for i := range 3 {
		a.ok(patch("tower", float64(11+i), ja.Rev+int64(i), ""), nil) // seq 2–7
	}
	a.await(0, func(m realtime.Message) bool { return m.Seq == 7 })
	var rep struct{ Seq, Count int64 }
	a.ok(realtime.Request{Op: realtime.OpReplay, Room: "tower", Seq: new(int64(3)), Epoch: ja.Epoch}, &rep)
	if rep.Seq != 7 || rep.Count != 4 {
		t.Errorf("replay from 3: %+v, want 4 messages to 7", rep)
	}
	a.ok(patch("tower", 20, 4, ""), nil) // seq 8, 9
	a.await(0, func(m realtime.Message) bool { return m.Seq == 9 })
	if got := fmt.Sprint(a.durable("tower")); got != "[2 3 4 5 6 7 4 5 6 7 8 9]" {
		t.Errorf("got %s, want 2–7, the replay of 4–7, then 8 and 9 once", got)
	}
	if got := a.fail(realtime.Request{Op: realtime.OpReplay, Room: "tower", Seq: new(int64(1)), Epoch: ja.Epoch}); got.Code != realtime.CodeResync {
		t.Errorf("a replay past the history: %s, want resync", got.Code)
	}
	// A join from before the broker's history: a snapshot.
	b := dial(t, e.urls[0])
	b.ok(realtime.Request{Op: realtime.OpHello, Token: "bo"}, nil)
	var j joined
	b.ok(realtime.Request{Op: realtime.OpJoin, Room: "tower", Seq: new(int64(1)), Epoch: ja.Epoch}, &j)
	if j.Mode != "snapshot" || j.Seq != 9 || j.Rev != 5 {
		t.Errorf("a join from 1 with the history from 4: %s at seq %d rev %d, want a snapshot at 9, rev 5", j.Mode, j.Seq, j.Rev)
	}
	if e.metrics[0].resynced.Load() < 2 || e.metrics[0].replayed.Load() != 4 {
		t.Errorf("metrics: %d resyncs, %d replayed; want 2 and 4", e.metrics[0].resynced.Load(), e.metrics[0].replayed.Load())
	}
}

// panicky is an authenticator whose Role panics for the project "boom".
type panicky struct{ testAuth }

func (p panicky) Role(ctx context.Context, id realtime.Identity, project string) (realtime.Role, error) {
	if project == "boom" {
		panic("the embedder's bug")
	}
	return p.testAuth.Role(ctx, id, project)
}

func TestHubConfig(t *testing.T) {
	b := realtime.NewMemory(realtime.MemoryConfig{})
	st := store.New(store.NewMemory(), store.Config{})
	defer st.Close()
	for _, tc := range []struct {
		cfg  realtime.HubConfig
		want string
	}{
		{realtime.HubConfig{Projects: st, Auth: testAuth{}}, "Broker"},
		{realtime.HubConfig{Broker: b, Auth: testAuth{}}, "Projects"},
		{realtime.HubConfig{Broker: b, Projects: st}, "Auth"},
		{realtime.HubConfig{Broker: b, Projects: st, Auth: testAuth{}, Limits: realtime.Limits{QueueBytes: -1}}, "QueueBytes"},
	} {
		if _, err := realtime.NewHub(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewHub: %v, want an error naming %s", err, tc.want)
		}
	}
	// A panic in the authenticator fails the request only.
	h, err := realtime.NewHub(realtime.HubConfig{Broker: b, Projects: st, Auth: panicky{}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Shutdown(context.Background())
	c := dial(t, "ws"+strings.TrimPrefix(srv.URL, "http"))
	c.ok(realtime.Request{Op: realtime.OpHello, Token: "ana"}, nil)
	if got := c.fail(realtime.Request{Op: realtime.OpJoin, Room: "boom"}); got.Code != realtime.CodeInternal || !got.Retry {
		t.Errorf("a panicking authenticator: %+v, want internal", got)
	}
	c.ok(realtime.Request{Op: realtime.OpPing}, nil)
}

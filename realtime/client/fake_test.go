package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/critpath/critpath/realtime"
)

// fake is a scripted server for the tests of the client's side of the
// protocol that a real hub cannot be made to do on demand (close codes,
// gaps, lost replies). It answers hello itself; each test reads the
// other requests and answers them.
type fake struct {
	t     *testing.T
	srv   *httptest.Server
	url   string
	conns chan *fakeConn

	mu     sync.Mutex
	tokens []string
	down   bool // refuse handshakes (HTTP 503)
	open   []*fakeConn
}

type fakeConn struct {
	t    *testing.T
	n    int // 1 for the first connection, …
	ws   *websocket.Conn
	reqs chan realtime.Request
}

func newFake(t *testing.T) *fake {
	t.Helper()
	f := &fake{t: t, conns: make(chan *fakeConn, 16)}
	n := 0
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		down := f.down
		f.mu.Unlock()
		if down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{realtime.Subprotocol}})
		if err != nil {
			return
		}
		f.mu.Lock()
		n++
		fc := &fakeConn{t: t, n: n, ws: ws, reqs: make(chan realtime.Request, 64)}
		f.open = append(f.open, fc)
		f.mu.Unlock()
		ctx := context.Background()
		helloDone := false
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				close(fc.reqs)
				return
			}
			var req realtime.Request
			if err := json.Unmarshal(data, &req); err != nil {
				t.Errorf("fake: a request that is not JSON: %s", data)
				continue
			}
			if req.Op == realtime.OpHello {
				f.mu.Lock()
				f.tokens = append(f.tokens, req.Token)
				f.mu.Unlock()
				fc.ok(req, map[string]any{"user": "u1", "conn": "c" + string(rune('0'+fc.n))})
				if !helloDone {
					helloDone = true
					f.conns <- fc
				}
				continue
			}
			fc.reqs <- req
		}
	}))
	t.Cleanup(f.srv.Close)
	f.url = "ws" + strings.TrimPrefix(f.srv.URL, "http")
	return f
}

// next returns the next connection that said hello.
func (f *fake) next() *fakeConn {
	f.t.Helper()
	select {
	case fc := <-f.conns:
		return fc
	case <-time.After(10 * time.Second):
		f.t.Fatal("fake: no connection")
		return nil
	}
}

// cut closes every connection without a close frame (the client sees
// 1006, abnormal closure). httptest's CloseClientConnections does not
// reach connections taken over by WebSocket.
func (f *fake) cut() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, fc := range f.open {
		fc.ws.CloseNow()
	}
	f.open = nil
}

func (f *fake) setDown(down bool) {
	f.mu.Lock()
	f.down = down
	f.mu.Unlock()
}

func (f *fake) tokenCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.tokens)
}

// read returns the connection's next request, which must be of op.
func (fc *fakeConn) read(op string) realtime.Request {
	fc.t.Helper()
	select {
	case req, ok := <-fc.reqs:
		if !ok {
			fc.t.Fatalf("fake: connection %d ended waiting for %s", fc.n, op)
		}
		if req.Op != op {
			fc.t.Fatalf("fake: connection %d: got %s, want %s (%+v)", fc.n, req.Op, op, req)
		}
		return req
	case <-time.After(10 * time.Second):
		fc.t.Fatalf("fake: connection %d: no %s", fc.n, op)
	}
	return realtime.Request{}
}

// quiet checks that the connection sends nothing for a while.
func (fc *fakeConn) quiet(d time.Duration) {
	fc.t.Helper()
	select {
	case req, ok := <-fc.reqs:
		if ok {
			fc.t.Fatalf("fake: connection %d: unexpected %+v", fc.n, req)
		}
	case <-time.After(d):
	}
}

func (fc *fakeConn) send(ms ...realtime.Message) {
	for i := range ms {
		if ms[i].Time.IsZero() {
			ms[i].Time = time.Now()
		}
	}
	b, err := json.Marshal(ms)
	if err != nil {
		fc.t.Errorf("fake: %v", err)
		return
	}
	fc.ws.Write(context.Background(), websocket.MessageText, b)
}

func (fc *fakeConn) ok(req realtime.Request, data any) {
	d, _ := json.Marshal(data)
	rep, _ := json.Marshal(realtime.Reply{OK: true, Data: d})
	fc.send(realtime.Message{Type: realtime.TypeReply, Re: req.ID, Data: rep})
}

func (fc *fakeConn) refuse(req realtime.Request, e realtime.ErrorData) {
	rep, _ := json.Marshal(realtime.Reply{Error: &e})
	fc.send(realtime.Message{Type: realtime.TypeReply, Re: req.ID, Data: rep})
}

// snapshot answers a join with a snapshot at seq and rev.
func (fc *fakeConn) snapshot(req realtime.Request, epoch string, seq, rev int64) {
	fc.ok(req, map[string]any{"room": req.Room, "role": "planner", "mode": "snapshot", "epoch": epoch, "seq": seq, "rev": rev, "presence": []any{}})
}

// replayed answers a join with seq by replaying count messages.
func (fc *fakeConn) replayed(req realtime.Request, epoch string, seq, rev int64, count int) {
	fc.ok(req, map[string]any{"room": req.Room, "role": "planner", "mode": "replay", "epoch": epoch, "seq": seq, "rev": rev, "presence": []any{}, "count": count})
}

func (fc *fakeConn) close(code int) {
	fc.ws.Close(websocket.StatusCode(code), "")
}

func changed(room string, seq, rev int64) realtime.Message {
	return realtime.Message{Type: realtime.TypeTaskChanged, Room: room, Seq: seq, Epoch: "e1", Rev: rev, Data: json.RawMessage(`{"base":0,"ops":[]}`)}
}

// fastBackoff keeps reconnections within milliseconds in tests.
var fastBackoff = Backoff{Base: time.Millisecond, Cap: 20 * time.Millisecond}

// dialFake dials f and joins room p, answering the join with a snapshot
// at seq 5, rev 3 of epoch e1; it returns the client, the room and the
// connection.
func dialFake(t *testing.T, f *fake, opts Options) (*Client, *Room, *fakeConn) {
	t.Helper()
	if opts.Token == nil {
		opts.Token = func(context.Context) (string, error) { return "tok", nil }
	}
	if opts.Backoff == (Backoff{}) {
		opts.Backoff = fastBackoff
	}
	c, err := Dial(t.Context(), f.url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fc := f.next()
	joined := make(chan *Room, 1)
	go func() {
		r, err := c.Join(t.Context(), "p")
		if err != nil {
			t.Errorf("join: %v", err)
		}
		joined <- r
	}()
	req := fc.read(realtime.OpJoin)
	if req.Seq != nil {
		t.Fatalf("first join with seq %d", *req.Seq)
	}
	fc.snapshot(req, "e1", 5, 3)
	r := <-joined
	if r == nil {
		t.FailNow()
	}
	ev := next(t, r)
	if ev.Snapshot == nil || ev.Snapshot.Seq != 5 || ev.Snapshot.Rev != 3 {
		t.Fatalf("first event %+v, want the snapshot at seq 5, rev 3", ev)
	}
	return c, r, fc
}

// next returns the room's next event.
func next(t *testing.T, r *Room) Event {
	t.Helper()
	select {
	case ev, ok := <-r.Events():
		if !ok {
			t.Fatalf("room %s ended: %v", r.Name(), r.Err())
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatalf("room %s: no event", r.Name())
	}
	return Event{}
}

// seqs takes n message events and returns their seqs.
func seqs(t *testing.T, r *Room, n int) []int64 {
	t.Helper()
	var out []int64
	for len(out) < n {
		ev := next(t, r)
		if ev.Message == nil {
			t.Fatalf("event %+v, want a message", ev)
		}
		out = append(out, ev.Message.Seq)
	}
	return out
}

package realtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/critpath/critpath/realtime"
)

func TestOversizedMessageCloses1009(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{MessageBytes: 4 << 10}, realtime.MemoryConfig{})
	c, _ := connect(t, e.urls[0], "ana", "tower")
	c.send(realtime.Request{ID: "big", Op: realtime.OpPing, Token: strings.Repeat("x", 5<<10)})
	if got := c.closeCode(); got != realtime.CloseTooBig {
		t.Errorf("close %d, want 1009", got)
	}
}

func TestGarbageFrames(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{}, realtime.MemoryConfig{})
	for _, tc := range []struct {
		name  string
		frame []byte
		bin   bool
	}{
		{"binary", []byte(`{"op":"ping","id":"1"}`), true},
		{"an array", []byte(`[{"op":"ping","id":"1"}]`), false},
		{"a string", []byte(`"ping"`), false},
		{"broken JSON", []byte(`{"op":"ping","id":`), false},
		{"not UTF-8 JSON", []byte{'{', 0xff, '}'}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := connect(t, e.urls[0], "ana", "tower")
			typ := websocket.MessageText
			if tc.bin {
				typ = websocket.MessageBinary
			}
			if err := c.ws.Write(t.Context(), typ, tc.frame); err != nil {
				t.Fatal(err)
			}
			if got := c.closeCode(); got != realtime.CloseBadRequest {
				t.Errorf("close %d, want 4400", got)
			}
		})
	}
	t.Run("malformed requests", func(t *testing.T) {
		c, _ := connect(t, e.urls[0], "ana", "tower")
		bad := []string{`{}`, `{"op":"join","id":"b1"}`, `{"op":1,"id":"b2"}`, `{"op":"task.patch","id":"b3","room":"tower","task":"D1","fields":{}}`,
			`{"op":"cursor","room":"tower","x":"left"}`, `{"op":"hello","id":"` + strings.Repeat("9", 65) + `","token":"a"}`}
		for _, f := range bad {
			c.raw([]byte(f))
		}
		c.ok(realtime.Request{Op: realtime.OpPing}, nil) // still open, and every reply is in
		replies := 0
		for _, m := range c.messages() {
			if m.Type == realtime.TypeReply && bytes.Contains(m.Data, []byte(realtime.CodeBadRequest)) {
				replies++
			}
		}
		if replies != len(bad) {
			t.Errorf("%d bad_request replies to %d bad requests", replies, len(bad))
		}
		for i := range 10 {
			c.raw(fmt.Appendf(nil, `{"op":"nope","id":"%d"}`, i))
		}
		if got := c.closeCode(); got != realtime.CloseBadRequest {
			t.Errorf("after 10 bad requests in a row: close %d, want 4400", got)
		}
	})
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{OpsPerSecond: 5, OpsBurst: 5, RateLimitedFor: 400 * time.Millisecond}, realtime.MemoryConfig{})
	c, _ := connect(t, e.urls[0], "ana", "tower")
	r := c.call(realtime.Request{Op: realtime.OpPing})
	for r.OK {
		r = c.call(realtime.Request{Op: realtime.OpPing})
	}
	if r.Error.Code != realtime.CodeRateLimited || !r.Error.Retry || r.Error.RetryAfterMS <= 0 {
		t.Errorf("over the rate: %+v, want rate_limited with retry_after_ms", r.Error)
	}
	start := time.Now()
	for i := 0; ; i++ {
		_ = c.ws.Write(t.Context(), websocket.MessageText, fmt.Appendf(nil, `{"op":"ping","id":"p%d"}`, i))
		c.mu.Lock()
		closed := c.closed
		c.mu.Unlock()
		if closed != nil || time.Since(start) > 5*time.Second {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := c.closeCode(); got != realtime.CloseRateLimited {
		t.Errorf("kept over the rate: close %d, want 4429", got)
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("closed after %v, want after RateLimitedFor", d)
	}
}

func TestAuthLifecycle(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{HelloTimeout: 300 * time.Millisecond, ConnsPerUser: 2}, realtime.MemoryConfig{})
	t.Run("no hello", func(t *testing.T) {
		c := dial(t, e.urls[0])
		if got := c.closeCode(); got != realtime.CloseUnauthorized {
			t.Errorf("close %d, want 4401", got)
		}
	})
	t.Run("a bad token", func(t *testing.T) {
		c := dial(t, e.urls[0])
		if got := c.fail(realtime.Request{Op: realtime.OpHello, Token: "bad"}); got.Code != realtime.CodeUnauthorized {
			t.Errorf("reply %s, want unauthorized", got.Code)
		}
		if got := c.closeCode(); got != realtime.CloseUnauthorized {
			t.Errorf("close %d, want 4401", got)
		}
	})
	t.Run("expiry and refresh", func(t *testing.T) {
		c := dial(t, e.urls[0])
		c.ok(realtime.Request{Op: realtime.OpHello, Token: "exp=800:ana"}, nil)
		c.await(0, func(m realtime.Message) bool { return m.Type == realtime.TypeExpiring })
		c.ok(realtime.Request{Op: realtime.OpHello, Token: "exp=60000:ana"}, nil)
		time.Sleep(time.Second) // past the first token's expiry
		c.ok(realtime.Request{Op: realtime.OpPing}, nil)
		c.send(realtime.Request{ID: "h3", Op: realtime.OpHello, Token: "bo"}) // another user
		if got := c.closeCode(); got != realtime.CloseForbidden {
			t.Errorf("a refresh naming another user: close %d, want 4403", got)
		}
		d := dial(t, e.urls[0])
		d.ok(realtime.Request{Op: realtime.OpHello, Token: "exp=300:ana"}, nil)
		if got := d.closeCode(); got != realtime.CloseUnauthorized {
			t.Errorf("at expiry: close %d, want 4401", got)
		}
	})
	t.Run("connections per user", func(t *testing.T) {
		connect(t, e.urls[0], "cy", "tower")
		connect(t, e.urls[0], "cy", "tower")
		c := dial(t, e.urls[0])
		c.send(realtime.Request{ID: "h", Op: realtime.OpHello, Token: "cy"})
		if got := c.closeCode(); got != realtime.CloseRateLimited {
			t.Errorf("a third connection: close %d, want 4429", got)
		}
	})
}

func TestRoomsPerConnection(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{Rooms: 1}, realtime.MemoryConfig{})
	c, _ := connect(t, e.urls[0], "ana", "tower")
	if got := c.fail(realtime.Request{Op: realtime.OpJoin, Room: "other"}); got.Code != realtime.CodeTooMany {
		t.Errorf("a second room: %s, want too_many", got.Code)
	}
	c.ok(realtime.Request{Op: realtime.OpLeave, Room: "tower"}, nil)
	if got := c.fail(realtime.Request{Op: realtime.OpLeave, Room: "tower"}); got.Code != realtime.CodeNotJoined {
		t.Errorf("leave twice: %s, want not_joined", got.Code)
	}
}

func TestNotificationsAndBeacons(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{Beacon: 300 * time.Millisecond}, realtime.MemoryConfig{})
	c, j := connect(t, e.urls[0], "ana", "tower")
	if _, err := e.broker.Publish(t.Context(), "user:ana", realtime.Message{Type: realtime.TypeNotification, Data: json.RawMessage(`{"text":"hi"}`)}); err != nil {
		t.Fatal(err)
	}
	m, _ := c.await(0, func(m realtime.Message) bool { return m.Type == realtime.TypeNotification })
	if m.Room != "user:ana" || m.Seq != 1 {
		t.Errorf("notification %+v, want seq 1 in user:ana", m)
	}
	b, _ := c.await(0, func(m realtime.Message) bool { return m.Type == realtime.TypeBeacon && m.Room == "tower" })
	if b.Seq != j.Seq || b.Epoch != j.Epoch {
		t.Errorf("beacon at %d/%s, want %d/%s", b.Seq, b.Epoch, j.Seq, j.Epoch)
	}
}

// TestSlowConsumer: a client that stops reading is closed with 4408
// while a healthy one gets everything; it resumes by seq with nothing
// lost.
func TestSlowConsumer(t *testing.T) {
	const n, size = 2500, 8 << 10
	e := newEnv(t, 1, realtime.Limits{ReplayLimit: n + 10}, realtime.MemoryConfig{History: n + 10})
	healthy, _ := connect(t, e.urls[0], "ana", "tower")
	slow := dialPaused(t, e.urls[0])
	slow.send(realtime.Request{ID: "h", Op: realtime.OpHello, Token: "bo"})
	slow.send(realtime.Request{ID: "j", Op: realtime.OpJoin, Room: "tower", Seq: new(int64(1)), Epoch: mustEpoch(t, e)})
	waitFor(t, func() bool { return e.metrics[0].rooms.Load() == 4 }) // two users' rooms and two towers
	body, _ := json.Marshal(map[string]string{"pad": strings.Repeat("x", size)})
	ctx := t.Context()
	for i := range n {
		if _, err := e.broker.Publish(ctx, "tower", realtime.Message{Type: realtime.TypeJob, Data: body}); err != nil {
			t.Fatal(err)
		}
		if i%8 == 0 {
			if err := e.broker.Signal(ctx, "tower", realtime.Message{Type: realtime.TypeCursor, Data: json.RawMessage(`{"cursors":[]}`)}); err != nil {
				t.Fatal(err)
			}
		}
		if i%32 == 31 { // as fast as the healthy client reads
			healthy.await(0, func(m realtime.Message) bool { return m.Seq == int64(i+2) })
		}
	}
	healthy.await(0, func(m realtime.Message) bool { return m.Seq == n+1 })
	if got := healthy.durable("tower"); len(got) != n || got[0] != 2 || got[n-1] != n+1 {
		t.Errorf("the healthy client got %d messages, want all %d in order", len(got), n)
	}
	waitFor(t, func() bool { return e.metrics[0].slow.Load() == 1 })
	e.metrics[0].mu.Lock()
	dropped := e.metrics[0].dropped
	e.metrics[0].mu.Unlock()
	if dropped["ephemeral"] == 0 || dropped["durable"] != 1 {
		t.Errorf("dropped %v, want ephemeral messages first, then the one durable message that closed it", dropped)
	}
	go slow.reader()
	if got := slow.closeCode(); got != realtime.CloseSlow {
		t.Logf("the slow client's close: %d (4408 unless the write timed out first)", got)
	}
	got := slow.durable("tower")
	last := int64(1)
	for _, s := range got {
		if s != last+1 {
			t.Fatalf("the slow client's messages jump from %d to %d", last, s)
		}
		last = s
	}
	if last == n+1 {
		t.Fatal("the slow client got everything: it was not slow")
	}
	again := dial(t, e.urls[0])
	again.ok(realtime.Request{Op: realtime.OpHello, Token: "bo"}, nil)
	var j joined
	again.ok(realtime.Request{Op: realtime.OpJoin, Room: "tower", Seq: &last, Epoch: mustEpoch(t, e)}, &j)
	if j.Mode != "replay" {
		t.Fatalf("resume from %d: %s, want a replay", last, j.Mode)
	}
	again.await(0, func(m realtime.Message) bool { return m.Seq == n+1 })
	rest := again.durable("tower")
	if int64(len(rest)) != n+1-last || rest[0] != last+1 {
		t.Errorf("resumed with %d messages from %d, want %d from %d", len(rest), rest[0], n+1-last, last+1)
	}
}

func mustEpoch(t *testing.T, e *env) string {
	t.Helper()
	_, _, epoch, err := e.broker.Last(context.Background(), "tower")
	if err != nil {
		t.Fatal(err)
	}
	return epoch
}

func TestHeartbeat(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{Heartbeat: 100 * time.Millisecond}, realtime.MemoryConfig{})
	healthy, _ := connect(t, e.urls[0], "ana", "tower")
	deaf := dialPaused(t, e.urls[0]) // answers no ping: it reads nothing
	deaf.send(realtime.Request{ID: "h", Op: realtime.OpHello, Token: "bo"})
	// The healthy client outlives several intervals.
	for start := time.Now(); time.Since(start) < 500*time.Millisecond; {
		healthy.ok(realtime.Request{Op: realtime.OpPing}, nil)
		time.Sleep(50 * time.Millisecond)
	}
	go deaf.reader()
	if got := deaf.closeCode(); got != websocket.StatusGoingAway && got != -1 {
		t.Errorf("a client that answers no ping: close %d, want 1001 (or a dropped connection)", got)
	}
}

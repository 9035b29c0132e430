package realtime_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/critpath/critpath/internal/demo"
	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/store"
)

// endable is a Memory broker whose subscriptions the test can end, as a
// broker ends them for a slow subscriber or a broken history.
type endable struct {
	*realtime.Memory
	mu   sync.Mutex
	subs map[string][]*realtime.Subscription
}

func (b *endable) Subscribe(ctx context.Context, room string, after int64, epoch string) (*realtime.Subscription, error) {
	s, err := b.Memory.Subscribe(ctx, room, after, epoch)
	if err == nil {
		b.mu.Lock()
		b.subs[room] = append(b.subs[room], s)
		b.mu.Unlock()
	}
	return s, err
}

// end ends the room's subscriptions with err and returns how many.
func (b *endable) end(room string, err error) int {
	b.mu.Lock()
	subs := b.subs[room]
	b.subs[room] = nil
	b.mu.Unlock()
	for _, s := range subs {
		s.End(err)
	}
	return len(subs)
}

// TestSubscriptionEnded: a subscription the broker ends as slow is taken
// up again from the connection's position, with no gap; one ended for a
// broken history tells the client to resync.
func TestSubscriptionEnded(t *testing.T) {
	ctx := t.Context()
	st := store.New(store.NewMemory(), store.Config{})
	defer st.Close()
	if _, err := st.Create(ctx, "tower", demo.Project(t, "dhaka-tower.json"), "lead"); err != nil {
		t.Fatal(err)
	}
	b := &endable{Memory: realtime.NewMemory(realtime.MemoryConfig{}), subs: map[string][]*realtime.Subscription{}}
	h, err := realtime.NewHub(realtime.HubConfig{Broker: b, Projects: st, Auth: testAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Shutdown(context.Background())
	c, _ := connect(t, "ws"+strings.TrimPrefix(srv.URL, "http"), "ana", "tower")
	publish := func(n int) {
		for range n {
			if _, err := b.Publish(ctx, "tower", realtime.Message{Type: realtime.TypeJob}); err != nil {
				t.Fatal(err)
			}
		}
	}
	publish(3) // seq 1–3
	c.await(0, func(m realtime.Message) bool { return m.Seq == 3 })
	if n := b.end("tower", realtime.ErrSlow); n != 1 {
		t.Fatalf("%d subscriptions of the room, want 1", n)
	}
	publish(3) // seq 4–6, while the hub subscribes again
	c.await(0, func(m realtime.Message) bool { return m.Seq == 6 })
	if got := fmt.Sprint(c.durable("tower")); got != "[1 2 3 4 5 6]" {
		t.Errorf("across a slow end: %s, want 1–6 once each", got)
	}
	waitFor(t, func() bool { return b.end("tower", realtime.ErrResync) == 1 })
	m, _ := c.await(0, func(m realtime.Message) bool { return m.Type == realtime.TypeResync })
	if m.Room != "tower" {
		t.Errorf("resync for room %q", m.Room)
	}
	if got := c.fail(realtime.Request{Op: realtime.OpPresence, Room: "tower"}); got.Code != realtime.CodeNotJoined {
		t.Errorf("after a resync: %s, want the room left (not_joined)", got.Code)
	}
	var j joined
	c.ok(realtime.Request{Op: realtime.OpJoin, Room: "tower"}, &j)
	if j.Mode != "snapshot" || j.Seq != 6 {
		t.Errorf("joined again: %s at %d, want a snapshot at 6", j.Mode, j.Seq)
	}
}

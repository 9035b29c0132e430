package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// project makes a small project of id in the env's store and waits for
// its creation, the room's first message.
func (e *env) project(t *testing.T, id string) {
	t.Helper()
	p := &schedule.Project{Name: id, Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC), Tasks: []schedule.Task{{ID: "a", Duration: schedule.Days(1)}}}
	if _, err := e.store.Create(t.Context(), id, p, "lead"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { seq, _, _, _ := e.broker.Last(t.Context(), id); return seq >= 1 })
}

// jobData is the data of a job message: a job's progress report, its
// message padded to pad bytes.
func jobData(pad int) json.RawMessage {
	b, _ := json.Marshal(jobs.Event{Kind: jobs.EventProgress, Queue: "reports", JobID: "j1", Project: "tower",
		Time: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC), Percent: 50, Message: strings.Repeat("x", pad)})
	return b
}

// publishJobs publishes n durable messages to room, one at a time, and
// returns the last sequence number.
func publishJobs(t *testing.T, b realtime.Broker, room string, n int) int64 {
	t.Helper()
	var last int64
	for range n {
		seq, err := b.Publish(context.Background(), room, realtime.Message{Type: realtime.TypeJob, Data: jobData(0)})
		if err != nil {
			t.Error(err)
			return last
		}
		last = seq
	}
	return last
}

// joinFrom dials url as user and joins room from seq in epoch, which
// must be a replay.
func joinFrom(t *testing.T, url, user, room string, seq int64, epoch string) (*client, joined) {
	t.Helper()
	c := dial(t, url)
	c.ok(realtime.Request{Op: realtime.OpHello, Token: user}, nil)
	var j joined
	c.ok(realtime.Request{Op: realtime.OpJoin, Room: room, Seq: new(seq), Epoch: epoch}, &j)
	if j.Mode != "replay" || j.Count == nil || j.Seq != seq+*j.Count {
		t.Fatalf("a join from %d: %s at %d with %v messages, want a replay from %d", seq, j.Mode, j.Seq, j.Count, seq)
	}
	return c, j
}

// awaitAll waits until c has the durable messages of room after from up
// to last, and fails unless it has each exactly once, in order.
func awaitAll(t *testing.T, c *client, room string, from, last int64) {
	t.Helper()
	c.await(0, func(m realtime.Message) bool { return m.Room == room && m.Seq == last && m.Type != realtime.TypeBeacon })
	got := c.durable(room)
	ok := len(got) == int(last-from)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i] == from+1+int64(i)
	}
	if !ok {
		t.Errorf("from %d: %d messages %v, want %d–%d once each, in order", from, len(got), got, from+1, last)
	}
}

// TestJoinWithSeqDuringBurst: a member joining from a position while
// messages are published — at a random moment, from a random position —
// gets every message after its position exactly once, in order, and so
// do the members already live.
func TestJoinWithSeqDuringBurst(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{}, realtime.MemoryConfig{})
	url := e.urls[0]
	for trial := range 12 {
		rnd := rand.New(rand.NewPCG(23, uint64(trial)))
		room := fmt.Sprint("burst", trial)
		e.project(t, room)
		first := publishJobs(t, e.broker, room, 1+rnd.IntN(20))
		_, _, epoch, _ := e.broker.Last(t.Context(), room)
		live, _ := joinFrom(t, url, "ana", room, first, epoch)

		// The publisher goes on, at a random pace, until the member has
		// joined and a random number of messages more have followed.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var last int64
		pub := rand.New(rand.NewPCG(23, uint64(trial)+1000)) // the publisher's own
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				last = publishJobs(t, e.broker, room, 1)
				time.Sleep(time.Duration(pub.IntN(300)) * time.Microsecond)
			}
		})
		before := first + 1 + rnd.Int64N(100)
		waitFor(t, func() bool { seq, _, _, _ := e.broker.Last(t.Context(), room); return seq >= before })
		now, _, _, _ := e.broker.Last(t.Context(), room)
		from := rnd.Int64N(now + 1) // 0 … the room's position at the join
		joiner, j := joinFrom(t, url, "bo", room, from, epoch)
		after := j.Seq + 1 + rnd.Int64N(100)
		waitFor(t, func() bool { seq, _, _, _ := e.broker.Last(t.Context(), room); return seq >= after })
		close(stop)
		wg.Wait()
		awaitAll(t, joiner, room, from, last)
		awaitAll(t, live, room, first, last)
		if t.Failed() {
			t.Fatalf("trial %d: the join at %d from %d, %d messages in all", trial, now, from, last)
		}
		_ = joiner.ws.CloseNow()
		_ = live.ws.CloseNow()
	}
}

// TestCatchUpWhileOthersLive: a member with a backlog larger than its
// queue catches up (waiting for room in its queue, as a replay may)
// while the room's other members are fed live; nobody is closed as slow
// and everyone gets every message once, in order.
func TestCatchUpWhileOthersLive(t *testing.T) {
	e := newEnv(t, 1, realtime.Limits{QueueBytes: 16 << 10}, realtime.MemoryConfig{})
	url := e.urls[0]
	room := "backlog"
	e.project(t, room)
	first := publishJobs(t, e.broker, room, 1)
	behind := publishJobs(t, e.broker, room, 800) // about 100 KB: six queues
	_, _, epoch, _ := e.broker.Last(t.Context(), room)
	var lives []*client
	for i := range 5 {
		c, _ := joinFrom(t, url, fmt.Sprint("live", i), room, behind, epoch)
		lives = append(lives, c)
	}
	var wg sync.WaitGroup
	var last int64
	wg.Go(func() {
		for range 200 {
			last = publishJobs(t, e.broker, room, 1)
			time.Sleep(time.Millisecond)
		}
	})
	late, j := joinFrom(t, url, "late", room, first, epoch)
	wg.Wait()
	if *j.Count < behind-first {
		t.Errorf("the late join's reply counts %d messages, want at least %d", *j.Count, behind-first)
	}
	awaitAll(t, late, room, first, last)
	for _, c := range lives {
		awaitAll(t, c, room, behind, last)
	}
	if n := e.metrics[0].slow.Load(); n != 0 {
		t.Errorf("%d connections closed as slow, want none", n)
	}
}

// counting is a Memory broker that counts the subscriptions of each
// project room, made and open (a user's room is subscribed through
// SubscribeSized, which it does not count).
type counting struct {
	*realtime.Memory
	mu     sync.Mutex
	made   map[string]int
	opened map[string]int
}

func (b *counting) Subscribe(ctx context.Context, room string, after int64, epoch string) (*realtime.Subscription, error) {
	s, err := b.Memory.Subscribe(ctx, room, after, epoch)
	if err == nil {
		b.mu.Lock()
		b.made[room]++
		b.opened[room]++
		b.mu.Unlock()
		go func() {
			<-s.Done()
			b.mu.Lock()
			b.opened[room]--
			b.mu.Unlock()
		}()
	}
	return s, err
}

func (b *counting) counts(room string) (made, open int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.made[room], b.opened[room]
}

// TestRoomFeedLingers: a room's members share one subscription; it
// outlives the last member's leaving by the grace (a member coming back
// within it uses it again), is closed then, and is made again by the
// next join, which gets what was published meanwhile.
func TestRoomFeedLingers(t *testing.T) {
	ctx := t.Context()
	st := store.New(store.NewMemory(), store.Config{})
	defer st.Close()
	b := &counting{Memory: realtime.NewMemory(realtime.MemoryConfig{}), made: map[string]int{}, opened: map[string]int{}}
	grace := 300 * time.Millisecond
	h, err := realtime.NewHub(realtime.HubConfig{Broker: b, Projects: st, Auth: testAuth{},
		Limits: realtime.Limits{PresenceGrace: grace, PresenceEvery: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Shutdown(context.Background())
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	room := "site"
	if _, err := st.Create(ctx, room, &schedule.Project{Name: room, Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC)}, "lead"); err != nil {
		t.Fatal(err)
	}
	first := publishJobs(t, b, room, 1)
	_, _, epoch, _ := b.Last(ctx, room)

	a, _ := joinFrom(t, url, "ana", room, first, epoch)
	c, _ := joinFrom(t, url, "bo", room, first, epoch)
	if made, open := b.counts(room); made != 1 || open != 1 {
		t.Fatalf("two members: %d subscriptions made, %d open; want 1 and 1", made, open)
	}
	c.ok(realtime.Request{Op: realtime.OpLeave, Room: room}, nil)
	a.ok(realtime.Request{Op: realtime.OpLeave, Room: room}, nil)
	var j joined
	a.ok(realtime.Request{Op: realtime.OpJoin, Room: room, Seq: new(first), Epoch: epoch}, &j)
	if made, open := b.counts(room); made != 1 || open != 1 {
		t.Errorf("back within the grace: %d subscriptions made, %d open; want 1 and 1", made, open)
	}
	a.ok(realtime.Request{Op: realtime.OpLeave, Room: room}, nil)
	waitFor(t, func() bool { _, open := b.counts(room); return open == 0 })

	last := publishJobs(t, b, room, 5)
	a2, j2 := joinFrom(t, url, "ana", room, first, epoch)
	if made, open := b.counts(room); made != 2 || open != 1 {
		t.Errorf("joined again: %d subscriptions made, %d open; want 2 and 1", made, open)
	}
	if *j2.Count != last-first {
		t.Errorf("joined again: %d messages missed, want %d", *j2.Count, last-first)
	}
	last = publishJobs(t, b, room, 3)
	awaitAll(t, a2, room, first, last)
}

// slowFirst is a counting broker whose first subscription of a project
// room takes a while, as a broker across a network may.
type slowFirst struct {
	*counting
	once sync.Once
}

func (b *slowFirst) Subscribe(ctx context.Context, room string, after int64, epoch string) (*realtime.Subscription, error) {
	b.once.Do(func() { time.Sleep(200 * time.Millisecond) })
	return b.counting.Subscribe(ctx, room, after, epoch)
}

// TestSlowSubscribeFeedClosed: a room the hub forgets while its first
// join is still subscribing (the room has no member, entry or feed yet)
// does not keep that subscription open for good: once the last member
// has left, no subscription of the room is left open.
func TestSlowSubscribeFeedClosed(t *testing.T) {
	ctx := t.Context()
	st := store.New(store.NewMemory(), store.Config{})
	defer st.Close()
	b := &slowFirst{counting: &counting{Memory: realtime.NewMemory(realtime.MemoryConfig{}), made: map[string]int{}, opened: map[string]int{}}}
	h, err := realtime.NewHub(realtime.HubConfig{Broker: b, Projects: st, Auth: testAuth{},
		Limits: realtime.Limits{PresenceGrace: 100 * time.Millisecond, PresenceEvery: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Shutdown(context.Background())
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	room := "site"
	if _, err := st.Create(ctx, room, &schedule.Project{Name: room, Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC)}, "lead"); err != nil {
		t.Fatal(err)
	}
	a, _ := connect(t, url, "ana", room)
	a.ok(realtime.Request{Op: realtime.OpLeave, Room: room}, nil)
	waitFor(t, func() bool { _, open := b.counts(room); return open == 0 })
}

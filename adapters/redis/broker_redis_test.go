package redis_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/critpath/critpath/adapters/redis"
	"github.com/critpath/critpath/internal/redisserver"
	"github.com/critpath/critpath/realtime"
)

func job(n int) realtime.Message {
	return realtime.Message{Type: realtime.TypeJob, Data: []byte(strconv.Itoa(n))}
}

func change(rev int64) realtime.Message {
	return realtime.Message{Type: realtime.TypeTaskChanged, Rev: rev, Data: []byte(`{}`)}
}

// next returns the next message of s, failing t after 10 s.
func next(t *testing.T, s *realtime.Subscription) realtime.Message {
	t.Helper()
	select {
	case m, ok := <-s.C:
		if !ok {
			t.Fatalf("the feed ended: %v", s.Err())
		}
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message within 10 s")
	}
	return realtime.Message{}
}

// durableSeqs returns the sequence numbers of the next n durable
// messages of s.
func durableSeqs(t *testing.T, s *realtime.Subscription, n int) []int64 {
	t.Helper()
	var out []int64
	for len(out) < n {
		if m := next(t, s); m.Durable() {
			out = append(out, m.Seq)
		}
	}
	return out
}

func seqRun(from, to int64) []int64 {
	var out []int64
	for s := from; s <= to; s++ {
		out = append(out, s)
	}
	return out
}

// until calls check until it is true, failing t after 10 s.
func until(t *testing.T, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestBrokerOneCall: a durable publish is one EVALSHA, whatever the
// batch's size; the history's entries are numbered by sequence number.
func TestBrokerOneCall(t *testing.T) {
	c, prefix := client(t)
	b := newBroker(t, c, prefix, redis.BrokerConfig{})
	ctx := t.Context()
	s, err := b.Subscribe(ctx, "p", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The first call on a server loads the script (EVALSHA, then EVAL
	// when Redis does not know it).
	if _, err := b.Publish(ctx, "p", change(1)); err != nil {
		t.Fatal(err)
	}
	if err := c.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	sizes := []int{1, 3, 2, 5}
	for i, n := range sizes {
		ms := make([]realtime.Message, n)
		for j := range ms {
			ms[j] = change(int64(i + 2))
		}
		if _, err := b.Publish(ctx, "p", ms...); err != nil {
			t.Fatal(err)
		}
	}
	stats, err := c.Info(ctx, "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	if got := calls(stats, "evalsha"); got != len(sizes) {
		t.Errorf("%d EVALSHA for %d publishes:\n%s", got, len(sizes), stats)
	}
	if got := calls(stats, "eval"); got != 0 {
		t.Errorf("%d EVAL besides", got)
	}
	ids, err := c.XRange(ctx, prefix+"{p}:x", "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ids {
		got = append(got, e.ID)
	}
	if want := "[1-0 2-0 3-0 4-0 5-0 6-0 7-0 8-0 9-0 10-0 11-0 12-0]"; fmt.Sprint(got) != want {
		t.Errorf("the stream's IDs: %v, want %s", got, want)
	}
	if got := durableSeqs(t, s, 12); !slices.Equal(got, seqRun(1, 12)) {
		t.Errorf("delivered %v", got)
	}
}

// calls returns the calls of cmd in INFO commandstats.
func calls(stats, cmd string) int {
	for line := range strings.Lines(stats) {
		if rest, ok := strings.CutPrefix(line, "cmdstat_"+cmd+":calls="); ok {
			n, _ := strconv.Atoi(rest[:strings.IndexByte(rest, ',')])
			return n
		}
	}
	return 0
}

// TestBrokerTrim: the stream is trimmed about to the history's length,
// never below it, and of entries older than MaxAge.
func TestBrokerTrim(t *testing.T) {
	ctx := t.Context()
	t.Run("count", func(t *testing.T) {
		c, prefix := client(t)
		b := newBroker(t, c, prefix, redis.BrokerConfig{History: 10})
		for i := range 300 {
			if _, err := b.Publish(ctx, "p", job(i)); err != nil {
				t.Fatal(err)
			}
		}
		n, err := c.XLen(ctx, prefix+"{p}:x").Result()
		if err != nil || n < 10 || n > 10+200 {
			t.Errorf("the stream holds %d entries (%v), want 10 to about 110", n, err)
		}
		if ms, err := b.Range(ctx, "p", 290, "", 0); err != nil || len(ms) != 10 {
			t.Errorf("Range after 290: %d, %v; want 10", len(ms), err)
		}
		if _, err := b.Range(ctx, "p", 289, "", 0); !errors.Is(err, realtime.ErrResync) {
			t.Errorf("Range after 289 with a history of 10 of 300: %v, want ErrResync", err)
		}
	})
	t.Run("age", func(t *testing.T) {
		c, prefix := client(t)
		b := newBroker(t, c, prefix, redis.BrokerConfig{MaxAge: 200 * time.Millisecond})
		for i := range 5 {
			if _, err := b.Publish(ctx, "p", job(i)); err != nil {
				t.Fatal(err)
			}
		}
		if ttl, err := c.PTTL(ctx, prefix+"{p}:x").Result(); err != nil || ttl <= 0 || ttl > 200*time.Millisecond {
			t.Errorf("the stream's time to live: %v, %v; want up to 200 ms", ttl, err)
		}
		n := 5
		until(t, "the old entries trimmed", func() bool {
			n++
			if _, err := b.Publish(ctx, "p", job(n)); err != nil {
				t.Fatal(err)
			}
			first, err := c.XRange(ctx, prefix+"{p}:x", "-", "+").Result()
			return err == nil && len(first) > 0 && first[0].ID != "1-0" && len(first) < n
		})
	})
}

// TestBrokerRoomTTL: a room's position and presence outlive their last
// use by RoomTTL, not for ever; a read of the room is a use.
func TestBrokerRoomTTL(t *testing.T) {
	ctx := t.Context()
	c, prefix := client(t)
	b := newBroker(t, c, prefix, redis.BrokerConfig{RoomTTL: time.Hour})
	ttl := func(key string) time.Duration {
		t.Helper()
		d, err := c.PTTL(ctx, prefix+key).Result()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if _, _, _, err := b.Last(ctx, "read"); err != nil { // made by a read
		t.Fatal(err)
	}
	if _, err := b.Publish(ctx, "p", job(1)); err != nil {
		t.Fatal(err)
	}
	if err := b.SetPresence(ctx, "p", "n1", []realtime.Presence{{User: "ana", Conn: "c1", Node: "n1"}}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"{read}:m", "{p}:m", "{p}:p"} {
		if d := ttl(key); d <= 59*time.Minute || d > time.Hour {
			t.Errorf("%s lives %v more, want about an hour", key, d)
		}
	}
}

// TestBrokerRepair: a batch the channel lost is read from the history,
// when the next arrives or, for the last one, at the periodic check.
func TestBrokerRepair(t *testing.T) {
	ctx := t.Context()
	t.Run("gap", func(t *testing.T) {
		c, prefix := client(t)
		b := newBroker(t, c, prefix, redis.BrokerConfig{Check: time.Hour})
		s, err := b.Subscribe(ctx, "p", 0, "")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := b.PublishQuietly(ctx, "p", change(1), change(1)); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Publish(ctx, "p", change(2)); err != nil {
			t.Fatal(err)
		}
		if got := durableSeqs(t, s, 3); !slices.Equal(got, []int64{1, 2, 3}) {
			t.Errorf("delivered %v, want 1 2 3", got)
		}
		if r := b.Stats().Repairs; r != 1 {
			t.Errorf("%d repairs, want 1", r)
		}
	})
	t.Run("last", func(t *testing.T) {
		c, prefix := client(t)
		b := newBroker(t, c, prefix, redis.BrokerConfig{Check: 50 * time.Millisecond})
		s, err := b.Subscribe(ctx, "p", 0, "")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := b.Publish(ctx, "p", change(1)); err != nil {
			t.Fatal(err)
		}
		if _, err := b.PublishQuietly(ctx, "p", change(2)); err != nil {
			t.Fatal(err)
		}
		if got := durableSeqs(t, s, 2); !slices.Equal(got, []int64{1, 2}) {
			t.Errorf("delivered %v, want 1 2", got)
		}
	})
}

// TestBrokerLostRoom: when Redis loses a room (its keys deleted, as
// FLUSHDB would), its local subscriptions end with ErrResync, positions
// of the old epoch are refused and the room starts again in a new one.
func TestBrokerLostRoom(t *testing.T) {
	ctx := t.Context()
	c, prefix := client(t)
	b := newBroker(t, c, prefix, redis.BrokerConfig{Check: 50 * time.Millisecond})
	s, err := b.Subscribe(ctx, "p", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for rev := int64(1); rev <= 3; rev++ {
		if _, err := b.Publish(ctx, "p", change(rev)); err != nil {
			t.Fatal(err)
		}
	}
	durableSeqs(t, s, 3)
	if err := c.Del(ctx, prefix+"{p}:m", prefix+"{p}:x").Err(); err != nil {
		t.Fatal(err)
	}
	for range s.C {
	}
	if !errors.Is(s.Err(), realtime.ErrResync) {
		t.Errorf("the subscription ended with %v, want ErrResync", s.Err())
	}
	if _, err := b.Subscribe(ctx, "p", 3, s.Epoch); !errors.Is(err, realtime.ErrResync) {
		t.Errorf("Subscribe after 3 of the old epoch: %v, want ErrResync", err)
	}
	seq, rev, epoch, err := b.Last(ctx, "p")
	if err != nil || seq != 0 || rev != 0 || epoch == s.Epoch || epoch == "" {
		t.Errorf("Last = %d, %d, %q, %v; want 0, 0 and a new epoch (was %q)", seq, rev, epoch, err, s.Epoch)
	}
	if got, err := b.Publish(ctx, "p", change(4)); got != 1 || err != nil {
		t.Errorf("rev 4 in the new epoch: %d, %v; want seq 1", got, err)
	}
}

// link is a test's way to Redis: a Unix socket it can move (a restarted
// server) or cut (a network partition).
type link struct {
	mu     sync.Mutex
	socket string
	cut    bool
}

func (l *link) set(socket string, cut bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.socket, l.cut = socket, cut
}

func (l *link) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	l.mu.Lock()
	socket, cut := l.socket, l.cut
	l.mu.Unlock()
	if cut {
		return nil, &net.OpError{Op: "dial", Net: "unix", Err: syscall.ECONNREFUSED}
	}
	var d net.Dialer
	return d.DialContext(ctx, "unix", socket)
}

func (l *link) client(t *testing.T, name string) *goredis.Client {
	c := goredis.NewClient(&goredis.Options{Network: "unix", Addr: "link", Dialer: l.dial, ClientName: name,
		MaxRetries: 1, DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second})
	t.Cleanup(func() { c.Close() })
	return c
}

// ownServer starts a redis-server for one test, which may kill it.
func ownServer(t *testing.T) *redisserver.Server {
	t.Helper()
	if server == nil {
		t.Skip("redis-server not found on PATH")
	}
	s, err := redisserver.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop() })
	return s
}

// TestBrokerRedisKilled kills the broker's redis-server: signals still
// reach the local subscribers, store events fail, other durable
// messages wait in the outbox, whose overflow tells the local
// subscribers to resync; a new server without the data gives the room
// a new epoch (the old positions resync) and receives what the outbox
// kept.
func TestBrokerRedisKilled(t *testing.T) {
	ctx := t.Context()
	srv := ownServer(t)
	l := &link{socket: srv.Socket()}
	c := l.client(t, "node")
	b := newBroker(t, c, "rt:", redis.BrokerConfig{Outbox: 4, Check: 50 * time.Millisecond})
	s, err := b.Subscribe(ctx, "p", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := b.Publish(ctx, "p", change(1), change(1)); err != nil {
		t.Fatal(err)
	}
	durableSeqs(t, s, 2)
	oldEpoch := s.Epoch

	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := b.Signal(ctx, "p", realtime.Message{Type: realtime.TypeCursor, Actor: "rahim"}); err != nil {
		t.Errorf("Signal with Redis down: %v", err)
	}
	if m := next(t, s); m.Type != realtime.TypeCursor || m.Actor != "rahim" {
		t.Errorf("with Redis down the local subscriber got %+v, want the cursor", m)
	}
	if _, err := b.Publish(ctx, "p", change(2)); err == nil {
		t.Error("Publish of a store event with Redis down: no error")
	}
	for i := range 6 {
		if seq, err := b.Publish(ctx, "p", job(i)); seq != 0 || err != nil {
			t.Errorf("Publish of job %d with Redis down: %d, %v; want 0, nil (queued)", i, seq, err)
		}
	}
	if m := next(t, s); m.Type != realtime.TypeResync || m.Durable() {
		t.Errorf("after the outbox overflowed the local subscriber got %+v, want %s", m, realtime.TypeResync)
	}
	if st := b.Stats(); st.Queued != 4 || st.OutboxDropped != 2 || st.LocalSignals < 1 {
		t.Errorf("Stats() = %+v; want 4 queued, 2 dropped, a local signal", st)
	}

	again := ownServer(t) // Redis back, without its data
	l.set(again.Socket(), false)
	for range s.C {
	}
	if !errors.Is(s.Err(), realtime.ErrResync) {
		t.Errorf("the subscription of the lost room ended with %v, want ErrResync", s.Err())
	}
	until(t, "the outbox sent", func() bool { return b.Stats().Queued == 0 })
	if _, err := b.Subscribe(ctx, "p", 2, oldEpoch); !errors.Is(err, realtime.ErrResync) {
		t.Errorf("Subscribe after 2 of the old epoch: %v, want ErrResync", err)
	}
	ms, err := b.Range(ctx, "p", 0, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, fmt.Sprintf("%d:%s", m.Seq, m.Data))
		if m.Epoch == oldEpoch {
			t.Errorf("message %d kept the old epoch", m.Seq)
		}
	}
	if want := "[1:2 2:3 3:4 4:5]"; fmt.Sprint(got) != want {
		t.Errorf("the new server holds %v, want the outbox's last four %s", got, want)
	}
	if seq, err := b.Publish(ctx, "p", change(2)); seq != 5 || err != nil {
		t.Errorf("the store event again: %d, %v; want 5", seq, err)
	}
}

// TestBrokerPartition cuts one node from Redis while another publishes:
// when it is back, its subscriber gets what it missed from the history,
// then what its outbox kept, each once, in the room's order, in the
// same epoch.
func TestBrokerPartition(t *testing.T) {
	ctx := t.Context()
	srv := ownServer(t)
	l := &link{socket: srv.Socket()}
	admin := goredis.NewClient(&goredis.Options{Network: "unix", Addr: srv.Socket()})
	t.Cleanup(func() { admin.Close() })
	cut := newBroker(t, l.client(t, "cut"), "rt:", redis.BrokerConfig{Check: 50 * time.Millisecond})
	other := newBroker(t, admin, "rt:", redis.BrokerConfig{})
	s, err := cut.Subscribe(ctx, "p", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for rev := int64(1); rev <= 3; rev++ {
		if _, err := other.Publish(ctx, "p", change(rev)); err != nil {
			t.Fatal(err)
		}
	}
	if got := durableSeqs(t, s, 3); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Fatalf("before the cut: %v", got)
	}

	l.set(srv.Socket(), true)
	killClients(t, admin, "cut")
	for rev := int64(4); rev <= 8; rev++ {
		if _, err := other.Publish(ctx, "p", change(rev)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cut.Publish(ctx, "p", change(9)); err == nil {
		t.Error("a store event through the cut node: no error")
	}
	if seq, err := cut.Publish(ctx, "p", job(1)); seq != 0 || err != nil {
		t.Errorf("a job through the cut node: %d, %v; want 0, nil (queued)", seq, err)
	}
	if err := cut.Signal(ctx, "p", realtime.Message{Type: realtime.TypeCursor}); err != nil {
		t.Error(err)
	}
	if m := next(t, s); m.Type != realtime.TypeCursor {
		t.Errorf("on the cut node: %+v, want the cursor", m)
	}

	l.set(srv.Socket(), false)
	var got []string
	for len(got) < 6 {
		if m := next(t, s); m.Durable() {
			got = append(got, fmt.Sprintf("%d:%s", m.Seq, m.Type))
		}
	}
	want := "[4:task.changed 5:task.changed 6:task.changed 7:task.changed 8:task.changed 9:job]"
	if fmt.Sprint(got) != want {
		t.Errorf("after the cut: %v\nwant %s", got, want)
	}
	if s.Epoch == "" || cut.Stats().Repairs < 1 {
		t.Errorf("Stats() = %+v; want a repair", cut.Stats())
	}
	select {
	case <-s.Done():
		t.Errorf("the subscription ended: %v", s.Err())
	default:
	}
}

// killClients closes the connections of the clients named name.
func killClients(t *testing.T, admin *goredis.Client, name string) {
	t.Helper()
	list, err := admin.ClientList(t.Context()).Result()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for line := range strings.Lines(list) {
		if !strings.Contains(line, " name="+name+" ") {
			continue
		}
		for f := range strings.FieldsSeq(line) {
			if id, ok := strings.CutPrefix(f, "id="); ok {
				if err := admin.Do(t.Context(), "CLIENT", "KILL", "ID", id).Err(); err != nil {
					t.Fatal(err)
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatalf("no connection named %q:\n%s", name, list)
	}
}

// TestBrokerRandomLoss is a property test: batches are published at
// random through two nodes, some of them lost on the way (appended but
// not announced), while members join both nodes at random positions;
// every member gets every message after its position once, in the
// room's order.
func TestBrokerRandomLoss(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			ctx := t.Context()
			c, prefix := client(t)
			other := goredis.NewClient(&goredis.Options{Network: "unix", Addr: server.Socket()})
			t.Cleanup(func() { other.Close() })
			nodes := []*redis.Broker{
				newBroker(t, c, prefix, redis.BrokerConfig{Check: 30 * time.Millisecond, Buffer: 1024}),
				newBroker(t, other, prefix, redis.BrokerConfig{Check: 30 * time.Millisecond, Buffer: 1024}),
			}
			rng := rand.New(rand.NewPCG(seed, 5))
			type joined struct {
				s     *realtime.Subscription
				after int64
			}
			var subs []joined
			total := int64(0)
			for i := range 200 {
				n := nodes[rng.IntN(2)]
				ms := []realtime.Message{job(i)}
				if rng.IntN(3) == 0 {
					ms = append(ms, job(i))
				}
				var err error
				if rng.IntN(5) == 0 {
					_, err = n.PublishQuietly(ctx, "p", ms...)
				} else {
					_, err = n.Publish(ctx, "p", ms...)
				}
				if err != nil {
					t.Fatal(err)
				}
				total += int64(len(ms))
				if rng.IntN(20) == 0 {
					after := rng.Int64N(total + 1)
					s, err := nodes[rng.IntN(2)].Subscribe(ctx, "p", after, "")
					if err != nil {
						t.Fatal(err)
					}
					defer s.Close()
					subs = append(subs, joined{s, after})
				}
			}
			for _, j := range subs {
				if got := durableSeqs(t, j.s, int(total-j.after)); !slices.Equal(got, seqRun(j.after+1, total)) {
					t.Errorf("a member after %d got %v", j.after, got)
				}
			}
		})
	}
}

// Package realtimetest is the conformance suite of realtime.Broker: the
// in-process broker (realtime.NewMemory) and adapters/redis pass
// RunBroker, which tests every promise of the interface on one broker,
// and RunNodes, which tests them across two brokers sharing one backend,
// as two nodes of a service share Redis.
//
// The suite asks its Open function for a broker tuned by a Config, so
// that it can test the history's bounds and the subscribers' buffers.
// Brokers may hand messages to subscribers asynchronously (through
// Redis): the suite waits for what it expects, up to Wait, and never
// sleeps to show that something did not arrive; it sends a later
// message and checks what comes before it.
package realtimetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/critpath/critpath/realtime"
)

// Config is what the suite asks of a broker.
type Config struct {
	// History is how many durable messages a room keeps.
	History int
	// MaxAge is how long a room keeps a durable message; 0 means the
	// broker's default (minutes at least).
	MaxAge time.Duration
	// Buffer is how many messages a subscriber may fall behind by.
	Buffer int
}

// Open returns a broker tuned by cfg over a fresh, empty backend, for
// one test; it closes the broker when t ends (t.Cleanup).
type Open func(t *testing.T, cfg Config) realtime.Broker

// OpenNodes returns two brokers tuned by cfg sharing one fresh, empty
// backend, as two nodes of one service; it closes them when t ends.
type OpenNodes func(t *testing.T, cfg Config) (a, b realtime.Broker)

// Wait bounds how long the suite waits for a message it expects, or for
// a broker to notice an expiry.
const Wait = 10 * time.Second

// defaults is the Config of the tests that do not test a bound.
var defaults = Config{History: 1000, Buffer: 256}

// RunBroker runs the conformance suite of realtime.Broker on brokers
// made by open.
func RunBroker(t *testing.T, open Open) {
	tests := []struct {
		name string
		test func(*testing.T, Open)
	}{
		{"PublishBatch", testPublishBatch},
		{"PublishConcurrentBatches", testConcurrentBatches},
		{"Dedupe", testDedupe},
		{"Signal", testSignal},
		{"RoomsApart", testRoomsApart},
		{"Subscribe", testSubscribe},
		{"ReplayThenLive", testReplayThenLive},
		{"Range", testRange},
		{"Last", testLast},
		{"HistoryAge", testHistoryAge},
		{"Presence", testPresence},
		{"PresenceExpiry", testPresenceExpiry},
		{"SlowEphemeral", testSlowEphemeral},
		{"SlowDurable", testSlowDurable},
		{"ContextEnds", testContextEnds},
		{"Close", testClose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.test(t, open) })
	}
}

// RunNodes runs the suite's tests of two nodes sharing one backend on
// pairs of brokers made by open.
func RunNodes(t *testing.T, open OpenNodes) {
	tests := []struct {
		name string
		test func(*testing.T, OpenNodes)
	}{
		{"Ordering", testNodesOrdering},
		{"Replay", testNodesReplay},
		{"Signal", testNodesSignal},
		{"Dedupe", testNodesDedupe},
		{"Presence", testNodesPresence},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.test(t, open) })
	}
}

// event is the store event of revision rev in room, as Relay publishes
// it: rev 0 is a message that is not a store event (a job's progress).
func event(rev int64, data string) realtime.Message {
	return realtime.Message{Type: "event", Rev: rev, Actor: "karim", Command: "c" + data, Data: json.RawMessage(fmt.Sprintf(`{"d":%q}`, data))}
}

// dataOf returns the d a message made by event carries.
func dataOf(m realtime.Message) string {
	var d struct{ D string }
	json.Unmarshal(m.Data, &d)
	return d.D
}

func publish(t *testing.T, b realtime.Broker, room string, ms ...realtime.Message) int64 {
	t.Helper()
	seq, err := b.Publish(t.Context(), room, ms...)
	if err != nil {
		t.Fatalf("Publish(%q, %d messages): %v", room, len(ms), err)
	}
	return seq
}

func subscribe(t *testing.T, b realtime.Broker, room string, after int64, epoch string) *realtime.Subscription {
	t.Helper()
	s, err := b.Subscribe(t.Context(), room, after, epoch)
	if err != nil {
		t.Fatalf("Subscribe(%q, after %d, epoch %q): %v", room, after, epoch, err)
	}
	t.Cleanup(s.Close)
	return s
}

// next returns the next message of s, failing t when the feed ends or
// nothing comes within Wait.
func next(t *testing.T, s *realtime.Subscription) realtime.Message {
	t.Helper()
	select {
	case m, ok := <-s.C:
		if !ok {
			t.Fatalf("the feed ended: %v", s.Err())
		}
		return m
	case <-time.After(Wait):
		t.Fatalf("no message within %v", Wait)
	}
	return realtime.Message{}
}

// durable returns the next n durable messages of s, skipping ephemeral
// ones.
func durable(t *testing.T, s *realtime.Subscription, n int) []realtime.Message {
	t.Helper()
	var ms []realtime.Message
	for len(ms) < n {
		if m := next(t, s); m.Durable() {
			ms = append(ms, m)
		}
	}
	return ms
}

func seqs(ms []realtime.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Seq
	}
	return out
}

// run returns the sequence numbers from, from+1, …, to.
func run(from, to int64) []int64 {
	var out []int64
	for s := from; s <= to; s++ {
		out = append(out, s)
	}
	return out
}

// ended waits for s's feed to end and returns what was left in it and
// why it ended.
func ended(t *testing.T, s *realtime.Subscription) ([]realtime.Message, error) {
	t.Helper()
	var ms []realtime.Message
	timeout := time.After(Wait)
	for {
		select {
		case m, ok := <-s.C:
			if !ok {
				return ms, s.Err()
			}
			ms = append(ms, m)
		case <-timeout:
			t.Fatalf("the feed did not end within %v (took %d messages)", Wait, len(ms))
		}
	}
}

func rangeOf(t *testing.T, b realtime.Broker, room string, after int64, epoch string, limit int) []realtime.Message {
	t.Helper()
	ms, err := b.Range(t.Context(), room, after, epoch, limit)
	if err != nil {
		t.Fatalf("Range(%q, after %d, epoch %q, limit %d): %v", room, after, epoch, limit, err)
	}
	return ms
}

func last(t *testing.T, b realtime.Broker, room string) (int64, int64, string) {
	t.Helper()
	seq, rev, epoch, err := b.Last(t.Context(), room)
	if err != nil {
		t.Fatalf("Last(%q): %v", room, err)
	}
	return seq, rev, epoch
}

// eventually calls check until it returns nil, failing t with its last
// error after Wait.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(Wait)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %v after %v", what, err, Wait)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// sameMessage reports how got differs from want in what the publisher
// gave (type, rev, actor, command, data, time when set).
func sameMessage(got, want realtime.Message) error {
	if got.Type != want.Type || got.Rev != want.Rev || got.Actor != want.Actor || got.Command != want.Command ||
		string(got.Data) != string(want.Data) || !want.Time.IsZero() && !got.Time.Equal(want.Time) {
		return fmt.Errorf("got %+v, want %+v", got, want)
	}
	return nil
}

// checkRoom checks that ms are of room and epoch, numbered from first
// without a gap, and encoded as they read.
func checkRoom(t *testing.T, ms []realtime.Message, room, epoch string, first int64) {
	t.Helper()
	for i, m := range ms {
		if m.Room != room || m.Epoch != epoch || m.Seq != first+int64(i) {
			t.Errorf("message %d: room %q epoch %q seq %d; want %q, %q, %d", i, m.Room, m.Epoch, m.Seq, room, epoch, first+int64(i))
		}
		var back realtime.Message
		if err := json.Unmarshal(m.Encoded(), &back); err != nil || back.Seq != m.Seq || back.Epoch != m.Epoch || back.Room != m.Room || back.Type != m.Type {
			t.Errorf("message %d encodes as %s (%v)", i, m.Encoded(), err)
		}
	}
}

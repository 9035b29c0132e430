package realtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
	"github.com/critpath/critpath/store/storetest"
)

// durable is the store event of revision rev, as Relay publishes it.
func durable(room string, rev int64) realtime.Message {
	return realtime.Message{Type: "event", Room: room, Rev: rev, Data: []byte(fmt.Sprintf(`{"n":%d}`, rev))}
}

func publish(t *testing.T, b realtime.Broker, m realtime.Message) {
	t.Helper()
	var err error
	if m.Type == "cursor" {
		err = b.Signal(t.Context(), m.Room, m)
	} else {
		_, err = b.Publish(t.Context(), m.Room, m)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// take reads n messages from s and returns their sequence numbers.
func take(t *testing.T, s *realtime.Subscription, n int) []int64 {
	t.Helper()
	var seqs []int64
	for range n {
		m, ok := <-s.C
		if !ok {
			t.Fatalf("the feed ended after %v: %v", seqs, s.Err())
		}
		seqs = append(seqs, m.Seq)
	}
	return seqs
}

func TestReplayThenLive(t *testing.T) {
	b := realtime.NewMemory(realtime.MemoryConfig{History: 5})
	for seq := int64(1); seq <= 8; seq++ {
		publish(t, b, durable("p", seq))
	}
	s, err := b.Subscribe(t.Context(), "p", 5, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	publish(t, b, durable("p", 9))
	publish(t, b, durable("p", 8)) // a redelivery: ignored
	publish(t, b, realtime.Message{Type: "cursor", Room: "p"})
	publish(t, b, durable("p", 10))
	if got := fmt.Sprint(take(t, s, 6)); got != "[6 7 8 9 0 10]" {
		t.Errorf("got %s, want the missed 6–8, then 9, the cursor, 10, each once", got)
	}
	if _, err := b.Subscribe(t.Context(), "p", 2, ""); !errors.Is(err, realtime.ErrResync) {
		t.Errorf("after 2 with history from 6: %v, want ErrResync", err)
	}
	if _, err := b.Publish(t.Context(), "p", durable("p", 12)); !errors.Is(err, realtime.ErrGap) {
		t.Errorf("12 after 10: %v, want ErrGap", err)
	}
	other, err := b.Subscribe(t.Context(), "q", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	select {
	case m := <-other.C:
		t.Errorf("room q got %+v from room p", m)
	default:
	}
}

func TestSlowSubscriber(t *testing.T) {
	b := realtime.NewMemory(realtime.MemoryConfig{Buffer: 3})
	s, err := b.Subscribe(t.Context(), "p", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	for range 10 { // ephemeral: dropped when the buffer is full, the feed stays
		publish(t, b, realtime.Message{Type: "cursor", Room: "p"})
	}
	for seq := int64(1); seq <= 4; seq++ { // durable: the fourth finds the buffer full
		publish(t, b, durable("p", seq))
	}
	n := 0
	for range s.C {
		n++
	}
	if !errors.Is(s.Err(), realtime.ErrSlow) || n != 3 {
		t.Errorf("a slow subscriber: %d messages then %v, want 3 then ErrSlow", n, s.Err())
	}
	again, err := b.Subscribe(t.Context(), "p", 0, "") // from the last it took: nothing durable lost
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got := fmt.Sprint(take(t, again, 4)); got != "[1 2 3 4]" {
		t.Errorf("resubscribed: %s", got)
	}
}

func TestContextEndsSubscription(t *testing.T) {
	b := realtime.NewMemory(realtime.MemoryConfig{})
	ctx, cancel := context.WithCancel(t.Context())
	s, err := b.Subscribe(ctx, "p", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case _, ok := <-s.C:
		if ok {
			t.Error("a message on an ended subscription")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the subscription did not end with its context")
	}
	if s.Err() != nil {
		t.Errorf("ended by its owner: %v", s.Err())
	}
}

// TestStoreRelay: changes applied to the store reach a room's member
// through the outbox, in order, each once, from the project's creation.
func TestStoreRelay(t *testing.T) {
	s := store.New(store.NewMemory(), store.Config{})
	defer s.Close()
	b := realtime.NewMemory(realtime.MemoryConfig{})
	sub, err := b.Subscribe(t.Context(), "p", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	relayed := make(chan error, 1)
	go func() { relayed <- s.Relay(ctx, realtime.Relay(b), 10*time.Millisecond) }()
	if _, err := s.Create(t.Context(), "p", storetest.Sample(), "planner"); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := s.Apply(t.Context(), "p", store.Change{Actor: "karim", Command: fmt.Sprint("c", i), Base: int64(i + 1),
			Ops: []store.Op{store.Set("F", "duration", schedule.Days(float64(3+i)))}}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for len(got) < 11 {
		m := <-sub.C
		got = append(got, fmt.Sprintf("%d:%d:%s", m.Seq, m.Rev, m.Type))
		if m.Seq == 11 {
			var recalc realtime.RecalcData
			if err := json.Unmarshal(m.Data, &recalc); err != nil || recalc.Full || recalc.Delta == nil || len(recalc.Delta.Changes) == 0 {
				t.Errorf("the last recalc = %s (%v), want the engine's delta", m.Data, err)
			}
			if m.Actor != "karim" || m.Command != "c4" || m.Epoch == "" {
				t.Errorf("the last event = %+v", m)
			}
		}
	}
	want := "[1:1:project.created 2:2:task.changed 3:2:schedule.recalc 4:3:task.changed 5:3:schedule.recalc 6:4:task.changed 7:4:schedule.recalc 8:5:task.changed 9:5:schedule.recalc 10:6:task.changed 11:6:schedule.recalc]"
	if fmt.Sprint(got) != want {
		t.Errorf("relayed %v\nwant %s", got, want)
	}
	cancel()
	<-relayed
}

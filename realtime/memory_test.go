package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/realtime/realtimetest"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
	"github.com/critpath/critpath/store/storetest"
)

// memory makes the suite's brokers: a fresh Memory broker; for two
// nodes, one Memory broker shared by both, as hubs in one process share
// it.
func memory(t *testing.T, cfg realtimetest.Config) realtime.Broker {
	return realtime.NewMemory(realtime.MemoryConfig{History: cfg.History, MaxAge: cfg.MaxAge, Buffer: cfg.Buffer})
}

func TestMemoryConformance(t *testing.T) {
	realtimetest.RunBroker(t, memory)
}

func TestMemoryNodes(t *testing.T) {
	realtimetest.RunNodes(t, func(t *testing.T, cfg realtimetest.Config) (realtime.Broker, realtime.Broker) {
		b := memory(t, cfg)
		return b, b
	})
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

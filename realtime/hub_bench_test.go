package realtime_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// BenchmarkHubFanOut publishes one durable message to a room of
// members on one hub and waits until every member has read it: the
// cost of a delivery, server and in-process clients together.
func BenchmarkHubFanOut(b *testing.B) {
	for _, members := range []int{10, 100, 1000} {
		b.Run(fmt.Sprint("members=", members), func(b *testing.B) {
			benchFanOut(b, members)
		})
	}
}

func benchFanOut(b *testing.B, members int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := store.New(store.NewMemory(), store.Config{})
	defer st.Close()
	p := &schedule.Project{Name: "p", Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC), Tasks: []schedule.Task{{ID: "a", Duration: schedule.Days(1)}}}
	if _, err := st.Create(ctx, "room", p, "lead"); err != nil {
		b.Fatal(err)
	}
	broker := realtime.NewMemory(realtime.MemoryConfig{Buffer: 64})
	m := &testMetrics{}
	h, err := realtime.NewHub(realtime.HubConfig{Broker: broker, Projects: st, Auth: testAuth{}, Metrics: m, Limits: realtime.Limits{ConnsPerUser: members}})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Shutdown(context.Background())
	url := "ws" + strings.TrimPrefix(srv.URL, "http")

	var target atomic.Int64 // the seq every member waits for
	var wg sync.WaitGroup   // members that have not reached it
	seqKey := []byte(`"seq":`)
	for range members {
		ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{realtime.Subprotocol}})
		if err != nil {
			b.Fatal(err)
		}
		defer ws.CloseNow()
		ws.SetReadLimit(-1)
		_ = ws.Write(ctx, websocket.MessageText, []byte(`{"op":"hello","id":"1","token":"bench"}`))
		_ = ws.Write(ctx, websocket.MessageText, []byte(`{"op":"join","id":"2","room":"room"}`))
		go func() {
			var reached int64
			for {
				_, frame, err := ws.Read(ctx)
				if err != nil {
					return
				}
				// The last seq of the frame is enough: messages come in order.
				i := bytes.LastIndex(frame, seqKey)
				if i < 0 {
					continue
				}
				rest := frame[i+len(seqKey):]
				end := bytes.IndexAny(rest, ",}")
				seq, err := strconv.ParseInt(string(rest[:end]), 10, 64)
				if err != nil || seq <= reached {
					continue
				}
				for t := target.Load(); reached < t && seq >= t; t = target.Load() {
					reached = t
					wg.Done()
				}
			}
		}()
	}
	// Every member in its user's room and the room.
	for m.rooms.Load() < int64(2*members) {
		time.Sleep(10 * time.Millisecond)
	}
	body := []byte(`{"n":1}`)
	seq := int64(0)
	round := func() {
		wg.Add(members)
		seq++
		target.Store(seq)
		if _, err := broker.Publish(ctx, "room", realtime.Message{Type: realtime.TypeJob, Data: body}); err != nil {
			b.Fatal(err)
		}
		wg.Wait()
	}
	round()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		round()
	}
	b.ReportMetric(float64(b.N*members)/b.Elapsed().Seconds(), "deliveries/s")
}

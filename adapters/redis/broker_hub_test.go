package redis_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	goredis "github.com/redis/go-redis/v9"

	"github.com/critpath/critpath/adapters/redis"
	"github.com/critpath/critpath/internal/demo"
	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/realtime/realtimetest"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// wsClient speaks the protocol to a hub: requests out, every message in.
type wsClient struct {
	t    *testing.T
	ws   *websocket.Conn
	in   chan realtime.Message
	next int
}

func dialHub(t *testing.T, url, user string) *wsClient {
	t.Helper()
	ws := realtimetest.Dial(t, url)
	c := &wsClient{t: t, ws: ws, in: make(chan realtime.Message, 1024)}
	go func() {
		defer close(c.in)
		for {
			_, data, err := ws.Read(context.Background())
			if err != nil {
				return
			}
			var ms []realtime.Message
			if json.Unmarshal(data, &ms) != nil {
				return
			}
			for _, m := range ms {
				c.in <- m
			}
		}
	}()
	c.call(realtime.Request{Op: realtime.OpHello, Token: user}, nil)
	return c
}

// await returns the next message pred takes, skipping the others.
func (c *wsClient) await(pred func(realtime.Message) bool) realtime.Message {
	c.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-c.in:
			if !ok {
				c.t.Fatal("the connection ended")
			}
			if pred(m) {
				return m
			}
		case <-deadline:
			c.t.Fatal("no such message within 10 s")
		}
	}
}

// call sends req and decodes its reply's data into out; an error reply
// fails the test. Messages before the reply are kept for await.
func (c *wsClient) call(req realtime.Request, out any) {
	c.t.Helper()
	c.next++
	req.ID = strconv.Itoa(c.next)
	b, _ := json.Marshal(req)
	if err := c.ws.Write(c.t.Context(), websocket.MessageText, b); err != nil {
		c.t.Fatal(err)
	}
	var held []realtime.Message
	m := c.await(func(m realtime.Message) bool {
		if m.Type == realtime.TypeReply && m.Re == req.ID {
			return true
		}
		held = append(held, m)
		return false
	})
	go func() { // put back what came before the reply, after what comes next
		for _, h := range held {
			c.in <- h
		}
	}()
	var r realtime.Reply
	if err := json.Unmarshal(m.Data, &r); err != nil || !r.OK {
		c.t.Fatalf("%s: %s (%v)", req.Op, m.Data, err)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			c.t.Fatal(err)
		}
	}
}

type joinReply struct {
	Mode  string `json:"mode"`
	Epoch string `json:"epoch"`
	Seq   int64  `json:"seq"`
	Rev   int64  `json:"rev"`
	Count *int64 `json:"count"`
}

func durationPatch(days float64, base int64) realtime.Request {
	d, _ := json.Marshal(schedule.Days(days))
	return realtime.Request{Op: realtime.OpPatch, Room: "tower", Task: "D1",
		Fields: map[string]json.RawMessage{"duration": d}, Base: base}
}

// TestBrokerHubs runs two hubs, each on its own Broker, over one
// redis-server, the store relaying its events through the first: an
// edit on one node reaches the other's members in the room's order, and
// a member that left comes back on either node with exactly what it
// missed.
func TestBrokerHubs(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	c, prefix := client(t)
	other := goredis.NewClient(&goredis.Options{Network: "unix", Addr: server.Socket()})
	t.Cleanup(func() { other.Close() })
	brokers := []*redis.Broker{newBroker(t, c, prefix, redis.BrokerConfig{}), newBroker(t, other, prefix, redis.BrokerConfig{})}
	st := store.New(store.NewMemory(), store.Config{})
	t.Cleanup(func() { st.Close() })
	if _, err := st.Create(ctx, "tower", demo.Project(t, "dhaka-tower.json"), "lead"); err != nil {
		t.Fatal(err)
	}
	relayed := make(chan struct{})
	go func() {
		defer close(relayed)
		st.Relay(ctx, realtime.Relay(brokers[0]), 10*time.Millisecond)
	}()
	t.Cleanup(func() { cancel(); <-relayed })
	var urls []string
	for i, b := range brokers {
		h, err := realtime.NewHub(realtime.HubConfig{Broker: b, Projects: st, Auth: realtimetest.Tokens{}, Node: fmt.Sprint("node", i)})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(func() {
			sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer scancel()
			h.Shutdown(sctx)
			srv.Close()
		})
		urls = append(urls, "ws"+strings.TrimPrefix(srv.URL, "http"))
	}
	for {
		if seq, _, _, err := brokers[0].Last(ctx, "tower"); err == nil && seq == 1 {
			break // the project's creation is the room's first message
		}
		time.Sleep(5 * time.Millisecond)
	}

	ana, bo := dialHub(t, urls[0], "ana"), dialHub(t, urls[1], "bo")
	var ja, jb joinReply
	ana.call(realtime.Request{Op: realtime.OpJoin, Room: "tower"}, &ja)
	bo.call(realtime.Request{Op: realtime.OpJoin, Room: "tower"}, &jb)
	if ja.Epoch == "" || ja.Epoch != jb.Epoch || ja.Seq != 1 || jb.Seq != 1 {
		t.Fatalf("joins: %+v and %+v, want both at seq 1 of one epoch", ja, jb)
	}
	ana.call(durationPatch(11, ja.Rev), nil)
	m := bo.await(func(m realtime.Message) bool { return m.Type == realtime.TypeTaskChanged })
	r := bo.await(func(m realtime.Message) bool { return m.Type == realtime.TypeRecalc })
	if m.Seq != 2 || m.Actor != "ana" || r.Seq != 3 || r.Epoch != ja.Epoch {
		t.Errorf("on the other node: %s at %d by %q, then %s at %d; want ana's change at 2, its recalc at 3", m.Type, m.Seq, m.Actor, r.Type, r.Seq)
	}

	bo.ws.Close(websocket.StatusNormalClosure, "")
	for i, d := range []float64{12, 13} {
		ana.call(durationPatch(d, int64(2+i)), nil) // seq 4–7
	}
	ana.await(func(m realtime.Message) bool { return m.Seq == 7 })
	for _, url := range urls {
		back := dialHub(t, url, "bo")
		var j joinReply
		back.call(realtime.Request{Op: realtime.OpJoin, Room: "tower", Seq: new(int64(3)), Epoch: jb.Epoch}, &j)
		if j.Mode != "replay" || j.Count == nil || *j.Count != 4 || j.Seq != 7 {
			t.Fatalf("back from 3: %+v, want a replay of 4 to 7", j)
		}
		var got []int64
		for len(got) < 4 {
			if m := back.await(func(m realtime.Message) bool { return m.Durable() }); m.Room == "tower" {
				got = append(got, m.Seq)
			}
		}
		if !slices.Equal(got, []int64{4, 5, 6, 7}) {
			t.Errorf("replayed %v, want 4 5 6 7", got)
		}
		back.ws.Close(websocket.StatusNormalClosure, "")
	}
}

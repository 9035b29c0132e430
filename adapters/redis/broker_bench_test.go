package redis_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/critpath/critpath/adapters/redis"
	"github.com/critpath/critpath/realtime"
)

// benchBrokers returns the brokers compared: the in-process one and
// Redis (the test binary's redis-server, on a Unix socket), each as a
// list of nodes sharing it; nodes > 1 gives each Redis node its own
// client.
func benchBrokers(b *testing.B, name string, nodes int) []realtime.Broker {
	if name == "memory" {
		m := realtime.NewMemory(realtime.MemoryConfig{})
		out := make([]realtime.Broker, nodes)
		for i := range out {
			out[i] = m
		}
		return out
	}
	c, prefix := client(b)
	out := []realtime.Broker{newBroker(b, c, prefix, redis.BrokerConfig{})}
	for range nodes - 1 {
		other := goredis.NewClient(&goredis.Options{Network: "unix", Addr: server.Socket()})
		b.Cleanup(func() { other.Close() })
		out = append(out, newBroker(b, other, prefix, redis.BrokerConfig{}))
	}
	return out
}

// storeEvent is what Relay publishes for one store event: a change and
// its schedule.recalc, about 600 bytes of JSON.
func storeEvent(rev int64) []realtime.Message {
	data := []byte(`{"ops":[{"op":"set","task":"T17","field":"duration","value":"5d"}],"base":41,"versions":{"T17.duration":42}}`)
	recalc := []byte(`{"delta":{"changes":[` + strings.Repeat(`{"task":"T18","start":"2027-03-14T09:00:00+06:00","finish":"2027-03-18T17:00:00+06:00"},`, 4) +
		`{"task":"T19","total_float":0}]}}`)
	return []realtime.Message{
		{Type: realtime.TypeTaskChanged, Rev: rev, Actor: "karim", Command: "c1", Data: data},
		{Type: realtime.TypeRecalc, Rev: rev, Actor: "karim", Command: "c1", Data: recalc},
	}
}

// BenchmarkBrokerPublish: one store event (a batch of two messages)
// published into a room with one subscriber, on each broker.
func BenchmarkBrokerPublish(b *testing.B) {
	for _, name := range []string{"memory", "redis"} {
		b.Run("broker="+name, func(b *testing.B) {
			br := benchBrokers(b, name, 1)[0]
			s, err := br.Subscribe(b.Context(), "p", -1, "")
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			go func() {
				for range s.C {
				}
			}()
			rev := int64(0)
			b.ReportAllocs()
			for b.Loop() {
				rev++
				if _, err := br.Publish(b.Context(), "p", storeEvent(rev)...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBrokerFanOut: the time for one durable message to reach every
// member of a room, published on the first node, the members spread
// over the nodes; deliveries/s is members × messages per second.
func BenchmarkBrokerFanOut(b *testing.B) {
	for _, name := range []string{"memory", "redis"} {
		for _, nodes := range []int{1, 2} {
			for _, members := range []int{100, 1000} {
				b.Run(fmt.Sprintf("broker=%s/nodes=%d/members=%d", name, nodes, members), func(b *testing.B) {
					fanOut(b, benchBrokers(b, name, nodes), members)
				})
			}
		}
	}
}

func fanOut(b *testing.B, nodes []realtime.Broker, members int) {
	var got, want atomic.Int64
	done := make(chan struct{}, 1)
	for i := range members {
		s, err := nodes[i%len(nodes)].Subscribe(b.Context(), "p", -1, "")
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		go func() {
			for m := range s.C {
				if m.Durable() && got.Add(1) == want.Load() {
					done <- struct{}{}
				}
			}
		}()
	}
	m := storeEvent(0)[:1]
	m[0].Rev = 0
	b.ReportAllocs()
	for b.Loop() {
		want.Add(int64(members))
		if _, err := nodes[0].Publish(b.Context(), "p", m...); err != nil {
			b.Fatal(err)
		}
		<-done
	}
	b.ReportMetric(float64(members)*float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
}

package redis_test

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/critpath/critpath/adapters/redis"
	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/realtime/realtimetest"
)

// testCheck is the brokers' periodic check in tests: short, so that a
// lost last message is caught quickly.
const testCheck = 100 * time.Millisecond

// newBroker returns a broker on c under prefix, shut down when t ends.
func newBroker(t testing.TB, c goredis.UniversalClient, prefix string, cfg redis.BrokerConfig) *redis.Broker {
	t.Helper()
	cfg.Prefix = prefix
	cfg.Check = cmpOr(cfg.Check, testCheck)
	b := redis.NewBroker(c, cfg)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := b.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return b
}

func cmpOr[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}

func suiteConfig(cfg realtimetest.Config) redis.BrokerConfig {
	return redis.BrokerConfig{History: cfg.History, MaxAge: cfg.MaxAge, Buffer: cfg.Buffer}
}

func TestBrokerConformance(t *testing.T) {
	realtimetest.RunBroker(t, func(t *testing.T, cfg realtimetest.Config) realtime.Broker {
		c, prefix := client(t)
		return newBroker(t, c, prefix, suiteConfig(cfg))
	})
}

// TestBrokerNodes runs the suite's tests of two nodes on two brokers,
// each with its own client, sharing the test's redis-server.
func TestBrokerNodes(t *testing.T) {
	realtimetest.RunNodes(t, func(t *testing.T, cfg realtimetest.Config) (realtime.Broker, realtime.Broker) {
		c, prefix := client(t)
		other := goredis.NewClient(&goredis.Options{Network: "unix", Addr: server.Socket()})
		t.Cleanup(func() { other.Close() })
		return newBroker(t, c, prefix, suiteConfig(cfg)), newBroker(t, other, prefix, suiteConfig(cfg))
	})
}

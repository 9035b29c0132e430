package main

import (
	"context"

	goredis "github.com/redis/go-redis/v9"

	"github.com/critpath/critpath/adapters/redis"
	"github.com/critpath/critpath/realtime"
)

// newBroker returns the Memory broker, or with -redis the Redis one on
// that socket, and what stops it.
func newBroker(ctx context.Context) (realtime.Broker, func(), error) {
	if *redisSock == "" {
		return realtime.NewMemory(realtime.MemoryConfig{}), func() {}, nil
	}
	rc := goredis.NewClient(&goredis.Options{Network: "unix", Addr: *redisSock, PoolSize: 64})
	if err := rc.Ping(ctx).Err(); err != nil {
		rc.Close()
		return nil, nil, err
	}
	b := redis.NewBroker(rc, redis.BrokerConfig{})
	return b, func() {
		b.Shutdown(context.Background())
		rc.Close()
	}, nil
}

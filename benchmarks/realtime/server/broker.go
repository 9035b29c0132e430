package main

import (
	"context"
	"errors"

	"github.com/critpath/critpath/realtime"
)

// newBroker returns the Memory broker, or the Redis one with -redis.
func newBroker(ctx context.Context) (realtime.Broker, func(), error) {
	if *redisSock != "" {
		return nil, nil, errors.New("the Redis broker (adapters/redis) is not in this build yet")
	}
	return realtime.NewMemory(realtime.MemoryConfig{}), func() {}, nil
}

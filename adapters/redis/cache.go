package redis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/critpath/critpath/store"
)

// DefaultTTL is how long a Cache keeps an entry unless CacheConfig says
// otherwise: a day.
const DefaultTTL = 24 * time.Hour

// CacheConfig tunes a Cache. Its zero value works.
type CacheConfig struct {
	// TTL is how long an entry is kept after it is set (default
	// DefaultTTL); a negative TTL keeps entries until Redis evicts them
	// under its maxmemory policy.
	TTL time.Duration
	// Prefix is put before every key (default none), to keep critpath's
	// keys apart from other users of the same Redis database.
	Prefix string
}

// Cache is a store.Cache in Redis: each entry a string value under its
// key, with a time to live.
type Cache struct {
	client goredis.UniversalClient
	ttl    time.Duration
	prefix string
}

var _ store.Cache = (*Cache)(nil)

// NewCache returns a Cache that keeps its entries through client, which the
// caller closes when done with it.
func NewCache(client goredis.UniversalClient, cfg CacheConfig) *Cache {
	ttl := max(cmp.Or(cfg.TTL, DefaultTTL), 0) // a negative TTL: go-redis's 0, no expiry
	return &Cache{client: client, ttl: ttl, prefix: cfg.Prefix}
}

// Get returns the value kept under key. A key that is not there, or has
// expired, is not an error; failing to reach Redis is, naming the key.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, err := c.client.Get(ctx, c.prefix+key).Bytes()
	switch {
	case errors.Is(err, goredis.Nil):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("redis: cache get %q: %w", key, err)
	}
	return v, true, nil
}

// Set keeps value under key for the Cache's TTL, replacing what was
// there. Failing to reach Redis is an error naming the key.
func (c *Cache) Set(ctx context.Context, key string, value []byte) error {
	if err := c.client.Set(ctx, c.prefix+key, value, c.ttl).Err(); err != nil {
		return fmt.Errorf("redis: cache set %q (%d bytes): %w", key, len(value), err)
	}
	return nil
}

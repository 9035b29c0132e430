package redis_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/adapters/redis"
	"github.com/critpath/critpath/store"
	"github.com/critpath/critpath/store/storetest"
)

func TestCacheConformance(t *testing.T) {
	storetest.RunCache(t, func(t *testing.T) store.Cache {
		c, prefix := client(t)
		return redis.NewCache(c, redis.CacheConfig{Prefix: prefix})
	})
}

// TestCacheTTL reads each entry's time to live and key from Redis itself.
func TestCacheTTL(t *testing.T) {
	tests := []struct {
		name string
		ttl  time.Duration
		want time.Duration // -1: no expiry
	}{
		{"default", 0, 24 * time.Hour},
		{"an hour", time.Hour, time.Hour},
		{"never", -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			rc, prefix := client(t)
			c := redis.NewCache(rc, redis.CacheConfig{TTL: tt.ttl, Prefix: prefix})
			if err := c.Set(ctx, "k", []byte("v")); err != nil {
				t.Fatal(err)
			}
			if v, err := rc.Get(ctx, prefix+"k").Result(); err != nil || v != "v" {
				t.Fatalf("Redis holds %q, %v under %q; want %q", v, err, prefix+"k", "v")
			}
			got, err := rc.TTL(ctx, prefix+"k").Result()
			if err != nil {
				t.Fatal(err)
			}
			if tt.want < 0 && got != -1 || tt.want > 0 && (got > tt.want || got < tt.want-time.Minute) {
				t.Errorf("TTL %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCacheExpired: an entry gone from Redis is missing, not an error.
func TestCacheExpired(t *testing.T) {
	ctx := t.Context()
	rc, prefix := client(t)
	c := redis.NewCache(rc, redis.CacheConfig{Prefix: prefix})
	if err := c.Set(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	// PEXPIRE to the past deletes at once, as expiry would.
	if err := rc.PExpireAt(ctx, prefix+"k", time.Unix(1, 0)).Err(); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := c.Get(ctx, "k"); ok || err != nil {
		t.Errorf("Get of an expired entry = %q, %v, %v; want nothing, no error", v, ok, err)
	}
}

// TestCacheDown: without Redis, Get and Set fail naming the key, and
// store.Results counts the failures and computes past them.
func TestCacheDown(t *testing.T) {
	ctx := t.Context()
	rc, prefix := client(t)
	rc.Close()
	c := redis.NewCache(rc, redis.CacheConfig{Prefix: prefix})
	if _, _, err := c.Get(ctx, "k"); err == nil || !strings.Contains(err.Error(), `"k"`) {
		t.Errorf("Get through a closed client: %v; want an error naming the key", err)
	}
	if err := c.Set(ctx, "k", []byte("v")); err == nil || !strings.Contains(err.Error(), `"k"`) {
		t.Errorf("Set through a closed client: %v; want an error naming the key", err)
	}
	r := store.NewResults(c, nil)
	key := store.Key{Project: "p", Revision: 1, Kind: "schedule"}
	got, err := r.Get(ctx, key, func(context.Context) ([]byte, error) { return []byte("computed"), nil })
	if err != nil || string(got) != "computed" {
		t.Errorf("Results.Get = %q, %v; want the computed result", got, err)
	}
	// The result is kept after it is handed over: wait (a bounded spin,
	// no sleep) for the failed Set to be counted.
	deadline := time.Now().Add(5 * time.Second)
	for r.Stats().CacheErrors < 2 && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	if s := r.Stats(); s.CacheErrors != 2 || s.Computes != 1 {
		t.Errorf("Stats() = %+v; want 2 cache errors, 1 compute", s)
	}
}

func TestCachedReadsUnderEdits(t *testing.T) {
	storetest.RunCachedReads(t,
		func(*testing.T) store.Backend { return store.NewMemory() },
		func(t *testing.T) store.Cache {
			c, prefix := client(t)
			return redis.NewCache(c, redis.CacheConfig{Prefix: prefix})
		})
}

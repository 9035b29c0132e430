package redis_test

import (
	"errors"
	"fmt"
	"os"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/critpath/critpath/internal/redisserver"
)

// server is the redis-server of this test binary, nil when redis-server
// is not on PATH.
var server *redisserver.Server

func TestMain(m *testing.M) {
	s, err := redisserver.Start()
	if err != nil && !errors.Is(err, redisserver.ErrMissing) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	server = s
	code := m.Run()
	if s != nil {
		if err := s.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	os.Exit(code)
}

// client returns a client of the test binary's server, closed when tb
// ends, and a key prefix of tb's own; it skips tb when redis-server is
// not on PATH.
func client(tb testing.TB) (*goredis.Client, string) {
	tb.Helper()
	if server == nil {
		tb.Skip("redis-server not found on PATH")
	}
	c := goredis.NewClient(&goredis.Options{Network: "unix", Addr: server.Socket()})
	tb.Cleanup(func() { c.Close() })
	return c, server.Prefix(tb.Name())
}

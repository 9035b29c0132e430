package redisserver

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"testing"
)

func start(t *testing.T) *Server {
	t.Helper()
	s, err := Start()
	if errors.Is(err, ErrMissing) {
		t.Skip("redis-server not found on PATH")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Kill() })
	return s
}

// ping sends PING over the socket and returns the reply's first line.
func ping(socket string) (string, error) {
	conn, err := net.Dial("unix", socket)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "*1\r\n$4\r\nPING\r\n"); err != nil {
		return "", err
	}
	return bufio.NewReader(conn).ReadString('\n')
}

func TestStartStop(t *testing.T) {
	for _, stop := range []struct {
		name string
		fn   func(*Server) error
	}{{"Stop", (*Server).Stop}, {"Kill", (*Server).Kill}} {
		t.Run(stop.name, func(t *testing.T) {
			s := start(t)
			if reply, err := ping(s.Socket()); err != nil || reply != "+PONG\r\n" {
				t.Fatalf("PING: %q, %v; want +PONG\nserver log:\n%s", reply, err, s.Log())
			}
			if a, b := s.Prefix("x"), s.Prefix("x"); a == b {
				t.Errorf("Prefix gave %q twice", a)
			}
			if err := stop.fn(s); err != nil {
				t.Fatalf("%s: %v\nserver log:\n%s", stop.name, err, s.Log())
			}
			select {
			case <-s.exited:
			default:
				t.Errorf("the process (pid %d) has not exited", s.PID())
			}
			if _, err := os.Stat(s.dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("its folder is still there: %v", err)
			}
			if err := stop.fn(s); err != nil {
				t.Errorf("%s again: %v", stop.name, err)
			}
		})
	}
}

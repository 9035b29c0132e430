// Package redisserver starts throw-away redis-server processes for tests:
// one per test binary, on a Unix socket in a temporary folder, writing
// nothing to disk, stopped with SHUTDOWN NOSAVE and killed by process id
// when it does not stop. Tests give each test a key prefix (Prefix) or a
// database of its own.
//
// A test binary starts one in TestMain and skips its Redis tests when
// Start fails with ErrMissing:
//
//	var server *redisserver.Server
//
//	func TestMain(m *testing.M) {
//		s, err := redisserver.Start()
//		if err != nil && !errors.Is(err, redisserver.ErrMissing) {
//			fmt.Fprintln(os.Stderr, err)
//			os.Exit(1)
//		}
//		server = s
//		code := m.Run()
//		if s != nil {
//			s.Stop()
//		}
//		os.Exit(code)
//	}
package redisserver

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrMissing: redis-server is not on PATH.
var ErrMissing = errors.New("redisserver: redis-server not found on PATH")

// startTimeout bounds the wait for a new server to accept connections,
// and stopTimeout the wait for one to exit after SHUTDOWN.
const (
	startTimeout = 20 * time.Second
	stopTimeout  = 10 * time.Second
)

// Server is a running redis-server. Its methods are safe for concurrent
// use.
type Server struct {
	dir    string
	socket string
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has been waited for
	log    *tail

	prefixes atomic.Int64
	stopOnce sync.Once
	stopErr  error
}

// Start starts a redis-server listening on a Unix socket only, in a new
// temporary folder, without snapshots or an append-only file, and returns
// once it accepts connections. It fails with ErrMissing when
// redis-server is not on PATH, and with the server's output when it does
// not start.
func Start() (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, ErrMissing
	}
	dir, err := os.MkdirTemp("", "redisserver-")
	if err != nil {
		return nil, fmt.Errorf("redisserver: %w", err)
	}
	s := &Server{
		dir:    dir,
		socket: filepath.Join(dir, "redis.sock"),
		exited: make(chan struct{}),
		log:    &tail{max: 64 << 10},
	}
	s.cmd = exec.Command(bin,
		"--port", "0",
		"--unixsocket", s.socket,
		"--unixsocketperm", "700",
		"--dir", dir,
		"--save", "",
		"--appendonly", "no",
		"--daemonize", "no",
		"--logfile", "",
	)
	s.cmd.SysProcAttr = sysProcAttr()
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("redisserver: %w", err)
	}
	s.cmd.Stderr = s.cmd.Stdout
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("redisserver: starting %s: %w", bin, err)
	}
	ready := make(chan struct{})
	go func() {
		// The server says when it is ready ("Ready to accept connections"
		// before 7.0, "The server is now ready to accept connections at …"
		// since); the rest of its output is kept for an error message.
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			s.log.Write(append(sc.Bytes(), '\n'))
			if !signalled && bytes.Contains(bytes.ToLower(sc.Bytes()), []byte("ready to accept connections")) {
				close(ready)
				signalled = true
			}
		}
		io.Copy(s.log, out)
		s.cmd.Wait()
		close(s.exited)
	}()
	select {
	case <-ready:
		return s, nil
	case <-s.exited:
		os.RemoveAll(dir)
		return nil, fmt.Errorf("redisserver: redis-server exited before it was ready:\n%s", s.log)
	case <-time.After(startTimeout):
		s.kill()
		return nil, fmt.Errorf("redisserver: redis-server not ready after %v:\n%s", startTimeout, s.log)
	}
}

// Socket returns the path of the server's Unix socket.
func (s *Server) Socket() string { return s.socket }

// PID returns the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Prefix returns a key prefix no other call of Prefix on s returns, for
// a test to keep its keys apart from other tests'; name makes it
// readable.
func (s *Server) Prefix(name string) string {
	return fmt.Sprintf("test%d:%s:", s.prefixes.Add(1), name)
}

// Log returns the end of the server's output.
func (s *Server) Log() string { return s.log.String() }

// Stop asks the server to shut down without saving, kills it by its
// process id when it has not exited within 10 seconds, and removes its
// folder. Calling it again returns the first call's answer.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		if err := shutdown(s.socket); err != nil {
			s.stopErr = err
		}
		select {
		case <-s.exited:
		case <-time.After(stopTimeout):
			s.stopErr = errors.Join(s.stopErr, fmt.Errorf("redisserver: redis-server (pid %d) still running %v after SHUTDOWN; killed", s.PID(), stopTimeout))
			s.kill()
		}
		s.stopErr = errors.Join(s.stopErr, os.RemoveAll(s.dir))
	})
	return s.stopErr
}

// Kill kills the server by its process id at once and removes its
// folder, for tests of what survives a lost server.
func (s *Server) Kill() error {
	s.stopOnce.Do(func() { s.stopErr = s.kill() })
	return s.stopErr
}

func (s *Server) kill() error {
	err := s.cmd.Process.Kill()
	<-s.exited
	if err != nil && !errors.Is(err, os.ErrProcessDone) {
		return errors.Join(fmt.Errorf("redisserver: killing pid %d: %w", s.PID(), err), os.RemoveAll(s.dir))
	}
	return os.RemoveAll(s.dir)
}

// shutdown sends SHUTDOWN NOSAVE over the socket; the server closes the
// connection without a reply when it obeys.
func shutdown(socket string) error {
	conn, err := net.DialTimeout("unix", socket, 5*time.Second)
	if err != nil {
		return fmt.Errorf("redisserver: shutdown: %w", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(stopTimeout))
	if _, err := io.WriteString(conn, "*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n"); err != nil {
		return fmt.Errorf("redisserver: shutdown: %w", err)
	}
	reply, _ := bufio.NewReader(conn).ReadString('\n')
	if strings.HasPrefix(reply, "-") {
		return fmt.Errorf("redisserver: shutdown refused: %s", strings.TrimSpace(reply))
	}
	return nil
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// setup says how to start the servers under test.
type setup struct {
	critpath string // the critpath server's binary (benchmarks/realtime/server)
	node     string // node
	socketio string // the folder of server.js, with its node_modules
	pin      string // CPUs for the servers (taskset -c), "" for none
	dir      string // a temporary folder for sockets and files
}

// server is a running server process.
type server struct {
	kind kind
	cmd  *exec.Cmd
	addr string
	done chan struct{}
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// nodeOpts are the options of one server node.
type nodeOpts struct {
	redis    string // a redis-server socket: the Redis broker / adapter
	db       string // critpath: a SQLite file shared by the nodes ("" keeps the store in memory)
	name     string // the node's name
	recovery bool   // Socket.IO: connection-state recovery
}

// start starts a server of kind k and waits for it to listen.
func (st *setup) start(ctx context.Context, k kind, o nodeOpts) (*server, error) {
	var args []string
	env := os.Environ()
	if k == critpath {
		args = []string{st.critpath, "-addr", "127.0.0.1:0", "-node", o.name}
		if o.redis != "" {
			args = append(args, "-redis", o.redis)
		}
		if o.db != "" {
			args = append(args, "-db", o.db)
		}
	} else {
		args = []string{st.node, filepath.Join(st.socketio, "server.js")}
		env = append(env, "PORT=0")
		if o.recovery {
			env = append(env, "RECOVERY=1")
		}
		if o.redis != "" {
			env = append(env, "REDIS="+o.redis)
		}
	}
	if st.pin != "" {
		if ts, err := exec.LookPath("taskset"); err == nil {
			args = append([]string{ts, "-c", st.pin}, args...)
		}
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env
	// The server dies with the generator, however it ends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", k, err)
	}
	s := &server{kind: k, cmd: cmd, done: make(chan struct{})}
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				select {
				case port <- p:
				default:
				}
			}
		}
	}()
	go func() { cmd.Wait(); close(s.done) }()
	select {
	case p := <-port:
		s.addr = "127.0.0.1:" + p
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("%s server exited before listening", k)
	case <-time.After(30 * time.Second):
		s.kill()
		return nil, fmt.Errorf("%s server did not listen within 30 s", k)
	case <-ctx.Done():
		s.kill()
		return nil, ctx.Err()
	}
}

// stop ends the server (SIGTERM, then SIGKILL after 5 s).
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.kill()
	}
}

// kill ends the server at once (SIGKILL), as a crash does.
func (s *server) kill() {
	s.cmd.Process.Kill()
	<-s.done
}

// redisServer is a throw-away redis-server on a Unix socket.
type redisServer struct {
	cmd    *exec.Cmd
	socket string
}

func startRedis(dir string) (*redisServer, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errors.New("redis-server is not on PATH")
	}
	sock := filepath.Join(dir, "redis.sock")
	os.Remove(sock)
	cmd := exec.Command(bin, "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--dir", dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	for range 100 {
		if _, err := os.Stat(sock); err == nil {
			return &redisServer{cmd: cmd, socket: sock}, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, errors.New("redis-server did not open its socket within 5 s")
}

func (r *redisServer) stop() {
	r.cmd.Process.Kill()
	r.cmd.Wait()
	os.Remove(r.socket)
}

// Command server is critpath's side of benchmarks/realtime: the realtime
// hub on a store, with a Memory broker (one node) or the Redis broker
// (-redis, several nodes sharing one redis-server and, with -db, one
// SQLite file). Rooms are projects, made on first use: three tasks in a
// chain, t1 → t2 → t3. A token is the user's name, and every user is a
// planner of every project. It listens on -addr (loopback; the port is
// printed as "listening PORT") and serves the hub at /ws until SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/critpath/critpath/adapters/sqlite"
	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

var (
	addr      = flag.String("addr", "127.0.0.1:0", "address to listen on")
	node      = flag.String("node", "", "the node's name")
	redisSock = flag.String("redis", "", "a redis-server Unix socket: the Redis broker (several nodes)")
	db        = flag.String("db", "", "a SQLite file the nodes share (default: the store in memory)")
	pprofAddr = flag.String("pprof", "", "an address to serve net/http/pprof on (loopback), for profiling a run")
)

func main() {
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	var backend store.Backend = store.NewMemory()
	if *db != "" {
		b, err := sqlite.Open(*db, sqlite.Config{})
		if err != nil {
			return err
		}
		backend = b
	}
	st := store.New(backend, store.Config{MaxProjects: 1024})
	defer st.Close()
	broker, closeBroker, err := newBroker(ctx)
	if err != nil {
		return err
	}
	defer closeBroker()
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	relayed := make(chan struct{})
	go func() {
		defer close(relayed)
		_ = st.Relay(rctx, realtime.Relay(broker), 200*time.Millisecond)
	}()
	hub, err := realtime.NewHub(realtime.HubConfig{Broker: broker, Projects: &projects{Store: st}, Auth: auth{}, Node: *node})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/ws", hub)
	if *pprofAddr != "" {
		go http.ListenAndServe(*pprofAddr, nil) // net/http/pprof's handlers are on the default mux
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("listening %d\n", ln.Addr().(*net.TCPAddr).Port)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	_ = hub.Shutdown(sctx)
	_ = srv.Shutdown(sctx)
	cancel()
	<-relayed
	return nil
}

// auth takes a token as the user's name and makes every user a planner.
type auth struct{}

func (auth) Authenticate(_ context.Context, token string) (realtime.Identity, error) {
	if token == "" {
		return realtime.Identity{}, realtime.ErrUnauthorized
	}
	return realtime.Identity{User: token, Name: token}, nil
}

func (auth) Role(context.Context, realtime.Identity, string) (realtime.Role, error) {
	return realtime.RolePlanner, nil
}

// projects is the store, making a room's project on its first use.
type projects struct {
	*store.Store
	mu   sync.Mutex
	made map[string]bool
}

func (p *projects) ensure(ctx context.Context, id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.made[id] {
		return nil
	}
	if _, _, err := p.Store.Project(ctx, id); errors.Is(err, store.ErrNotFound) {
		if _, err := p.Store.Create(ctx, id, newProject(id), "bench"); err != nil && !errors.Is(err, store.ErrExists) {
			return err
		}
	} else if err != nil {
		return err
	}
	if p.made == nil {
		p.made = map[string]bool{}
	}
	p.made[id] = true
	return nil
}

func (p *projects) Apply(ctx context.Context, id string, ch store.Change) (*store.Outcome, error) {
	if err := p.ensure(ctx, id); err != nil {
		return nil, err
	}
	return p.Store.Apply(ctx, id, ch)
}

func (p *projects) Revision(ctx context.Context, id string) (int64, error) {
	if err := p.ensure(ctx, id); err != nil {
		return 0, err
	}
	return p.Store.Revision(ctx, id)
}

func (p *projects) Project(ctx context.Context, id string) (*schedule.Project, int64, error) {
	if err := p.ensure(ctx, id); err != nil {
		return nil, 0, err
	}
	return p.Store.Project(ctx, id)
}

func (p *projects) Schedule(ctx context.Context, id string) (*schedule.Result, int64, error) {
	if err := p.ensure(ctx, id); err != nil {
		return nil, 0, err
	}
	return p.Store.Schedule(ctx, id)
}

func newProject(id string) *schedule.Project {
	p := &schedule.Project{Name: id, Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}
	for i := 1; i <= 3; i++ {
		t := "t" + strconv.Itoa(i)
		p.Tasks = append(p.Tasks, schedule.Task{ID: t, Name: "task " + t, Duration: schedule.Days(float64(2 * i))})
		if i > 1 {
			p.Links = append(p.Links, schedule.Link{Pred: "t" + strconv.Itoa(i-1), Succ: t})
		}
	}
	return p
}

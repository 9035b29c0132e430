package realtime_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// BenchmarkIdleConnections measures what an idle connection costs the
// server: each client says hello (as a user of its own) and joins one
// project room, and then says nothing. The clients run in another
// process (this test binary again, as TestIdleClients), so that the
// figures are the hub's alone: the growth of the Go heap and stacks in
// use, and of the process's resident memory, per connection. Run it
// with -benchtime=1x: each iteration opens and measures the
// connections again.
func BenchmarkIdleConnections(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprint("conns=", n), func(b *testing.B) {
			for b.Loop() {
				d := idleCost(b, n)
				per := func(v int64) float64 { return float64(v) / float64(n) }
				b.ReportMetric(per(d.heap+d.stack), "heap+stack-B/conn")
				b.ReportMetric(per(d.stack), "stack-B/conn")
				b.ReportMetric(per(d.rss), "rss-B/conn")
				b.ReportMetric(per(d.goroutines), "goroutines/conn")
			}
		})
	}
}

// usage is what the process holds: the Go heap and stacks in use, its
// resident memory (VmRSS) and its goroutines.
type usage struct{ heap, stack, rss, goroutines int64 }

func (u usage) minus(v usage) usage {
	return usage{u.heap - v.heap, u.stack - v.stack, u.rss - v.rss, u.goroutines - v.goroutines}
}

// idleCost opens n idle connections to a fresh hub and returns what
// the process holds more. With CRITPATH_IDLE_PROFILE set, it writes a
// heap profile there once the connections are open.
func idleCost(b *testing.B, n int) usage {
	ctx := context.Background()
	st := store.New(store.NewMemory(), store.Config{})
	defer st.Close()
	p := &schedule.Project{Name: "p", Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC), Tasks: []schedule.Task{{ID: "a", Duration: schedule.Days(1)}}}
	if _, err := st.Create(ctx, "room", p, "lead"); err != nil {
		b.Fatal(err)
	}
	m := &testMetrics{}
	h, err := realtime.NewHub(realtime.HubConfig{Broker: realtime.NewMemory(realtime.MemoryConfig{}), Projects: st, Auth: testAuth{}, Metrics: m})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Shutdown(ctx)

	before := inUse(b)
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdleClients$")
	cmd.Env = append(os.Environ(), "CRITPATH_IDLE_URL=ws"+strings.TrimPrefix(srv.URL, "http"), "CRITPATH_IDLE_N="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close() // the clients exit when their stdin closes
	lines := bufio.NewScanner(stdout)
	for lines.Scan() && lines.Text() != "ready" {
	}
	// Every connection in its user's room and the project's.
	for deadline := time.Now().Add(time.Minute); m.rooms.Load() < int64(2*n); {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d memberships after a minute", m.rooms.Load(), 2*n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(time.Second) // let the connections settle (the writers go idle)
	after := inUse(b)
	if f := os.Getenv("CRITPATH_IDLE_PROFILE"); f != "" {
		out, err := os.Create(f)
		if err != nil {
			b.Fatal(err)
		}
		defer out.Close()
		if err := pprof.WriteHeapProfile(out); err != nil {
			b.Fatal(err)
		}
	}
	return after.minus(before)
}

// inUse returns what the process holds, after collections.
func inUse(b *testing.B) usage {
	// Each collection halves the stacks of goroutines that use less
	// than a quarter of theirs: an idle connection sees many.
	for range 5 {
		runtime.GC()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status: ", err)
	}
	var rss int64
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			rss = kb << 10
		}
	}
	return usage{int64(ms.HeapInuse), int64(ms.StackInuse), rss, int64(runtime.NumGoroutine())}
}

// TestIdleClients is BenchmarkIdleConnections's client process: with
// CRITPATH_IDLE_URL set it opens CRITPATH_IDLE_N connections, each
// saying hello and joining the room, prints "ready" once every join is
// answered, and holds them until its stdin closes. Without it, it
// skips.
func TestIdleClients(t *testing.T) {
	url := os.Getenv("CRITPATH_IDLE_URL")
	if url == "" {
		t.Skip("BenchmarkIdleConnections's client process")
	}
	n, err := strconv.Atoi(os.Getenv("CRITPATH_IDLE_N"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 50)
	conns := make([]*websocket.Conn, n)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{realtime.Subprotocol}})
			if err != nil {
				t.Error(err)
				return
			}
			ws.SetReadLimit(-1)
			conns[i] = ws
			_ = ws.Write(ctx, websocket.MessageText, fmt.Appendf(nil, `{"op":"hello","id":"1","token":"u%d"}`, i))
			_ = ws.Write(ctx, websocket.MessageText, []byte(`{"op":"join","id":"2","room":"room"}`))
			for {
				_, frame, err := ws.Read(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if strings.Contains(string(frame), `"re":"2"`) {
					break
				}
			}
			// Keep reading (pings need a reader) until the connection closes.
			go func() {
				for {
					if _, _, err := ws.Read(ctx); err != nil {
						return
					}
				}
			}()
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	fmt.Println("ready")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	for _, ws := range conns {
		ws.CloseNow()
	}
}

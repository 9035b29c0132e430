package js_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/demo"
	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/realtime/internal/protocoltest"
	"github.com/critpath/critpath/realtime/js"
	"github.com/critpath/critpath/realtime/realtimetest"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// TestNode runs the Node tests of critpath-realtime.js and its React hook
// (test/*.test.js) against a real hub, and tsc on the TypeScript
// declarations. It skips when node is not installed, and when the test
// folder's packages are missing and npm ci cannot install them (no
// network).
func TestNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the browser client's tests run in Node 20 or later")
	}
	installTestPackages(t)

	t.Run("declarations", func(t *testing.T) {
		tsc := filepath.Join("test", "node_modules", ".bin", "tsc")
		out, err := exec.CommandContext(t.Context(), tsc, "--noEmit", "-p", "test").CombinedOutput()
		if err != nil {
			t.Fatalf("tsc --noEmit on the declarations: %v\n%s", err, out)
		}
	})

	srv := startServer(t)
	files, err := filepath.Glob(filepath.Join("test", "*.test.js"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Node tests in test/: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	args := []string{"--experimental-websocket", "--no-warnings", "--test", "--test-reporter=spec"}
	if p := os.Getenv("CRITPATH_NODE_TESTS"); p != "" {
		args = append(args, "--test-name-pattern="+p)
	}
	args = append(args, files...)
	wire := t.TempDir()
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Env = append(os.Environ(),
		"CRITPATH_WIRE="+wire,
		"CRITPATH_WS_URL="+srv.proxied,
		"CRITPATH_WS_DIRECT="+srv.direct,
		"CRITPATH_CONTROL="+srv.control,
	)
	out, err := cmd.CombinedOutput()
	t.Logf("node --test:\n%s", out)
	if err != nil {
		t.Fatalf("node --test: %v", err)
	}
	checkWire(t, wire)
}

// checkWire validates every request the Node tests' clients sent and
// every frame they received (written to dir, see test/helpers.js)
// against asyncapi.yaml.
func checkWire(t *testing.T, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "wire-*.jsonl"))
	counts := map[string]int{}
	bad := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(b)) {
			var rec struct{ Kind, Frame string }
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			counts[rec.Kind]++
			if err := protocoltest.Validate(rec.Kind, []byte(rec.Frame)); err != nil {
				if bad++; bad <= 10 {
					t.Errorf("a %s against asyncapi.yaml: %v\n%.400s", rec.Kind, err, rec.Frame)
				}
			}
		}
	}
	if counts[protocoltest.KindRequest] == 0 || counts[protocoltest.KindFrame] == 0 {
		t.Fatalf("no traffic recorded to validate: %v", counts)
	}
	t.Logf("validated %d requests and %d frames against asyncapi.yaml; %d refused", counts[protocoltest.KindRequest], counts[protocoltest.KindFrame], bad)
}

// installTestPackages runs npm ci in test/ when its node_modules is
// missing, and skips the test when that fails.
func installTestPackages(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join("test", "node_modules")); err == nil {
		return
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not installed: it installs the test packages of realtime/js/test (npm ci)")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = "test"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("npm ci in realtime/js/test failed (no network?): %v\n%s", err, out)
	}
}

// server is a hub on a memory store and broker, served directly and
// through a proxy that the tests can cut.
type server struct {
	direct, proxied, control string
}

// startServer starts the hub, its store's relay, the proxy and the
// control endpoints the Node tests use:
//
//	POST /test/project        a new copy of the Dhaka Tower demo: {"id": …}
//	POST /test/cut?hold=1     cut every proxied connection (and, with hold,
//	                          refuse new ones until /test/resume)
//	POST /test/resume
func startServer(t *testing.T) server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	st := store.New(store.NewMemory(), store.Config{})
	broker := realtime.NewMemory(realtime.MemoryConfig{})
	relayed := make(chan struct{})
	go func() {
		defer close(relayed)
		st.Relay(ctx, realtime.Relay(broker), 50*time.Millisecond)
	}()
	hub, err := realtime.NewHub(realtime.HubConfig{Broker: broker, Projects: st, Auth: realtimetest.Tokens{}})
	if err != nil {
		t.Fatal(err)
	}
	proto, err := json.Marshal(demo.Project(t, "dhaka-tower.json"))
	if err != nil {
		t.Fatal(err)
	}
	var projects atomic.Int64
	px := &proxy{conns: map[net.Conn]bool{}}

	mux := http.NewServeMux()
	mux.Handle("/ws", hub)
	mux.HandleFunc("POST /test/project", func(w http.ResponseWriter, r *http.Request) {
		id := fmt.Sprintf("dhaka-%d", projects.Add(1))
		var p schedule.Project
		if err := json.Unmarshal(proto, &p); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if _, err := st.Create(r.Context(), id, &p, "setup"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"id": id})
	})
	mux.HandleFunc("POST /test/cut", func(w http.ResponseWriter, r *http.Request) {
		px.cut(r.URL.Query().Get("hold") != "")
	})
	mux.HandleFunc("POST /test/resume", func(w http.ResponseWriter, r *http.Request) {
		px.resume()
	})
	srv := httptest.NewServer(mux)
	px.start(t, srv.Listener.Addr().String())
	t.Cleanup(func() {
		px.close()
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		hub.Shutdown(sctx)
		srv.Close()
		cancel()
		<-relayed
		st.Close()
	})
	host := strings.TrimPrefix(srv.URL, "http://")
	return server{
		direct:  "ws://" + host + "/ws",
		proxied: "ws://" + px.ln.Addr().String() + "/ws",
		control: srv.URL,
	}
}

// proxy forwards TCP connections to target; cut closes them all, as a
// network that drops does.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  map[net.Conn]bool
	held   bool
}

// start listens on a port of its own and forwards to target.
func (p *proxy) start(t *testing.T, target string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.ln, p.target = ln, target
	go p.serve()
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		held := p.held
		if !held {
			p.conns[c] = true
		}
		p.mu.Unlock()
		if held {
			c.Close()
			continue
		}
		go p.forward(c)
	}
}

func (p *proxy) forward(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		p.drop(c)
		return
	}
	p.mu.Lock()
	if !p.conns[c] {
		p.mu.Unlock()
		up.Close()
		return
	}
	p.conns[up] = true
	p.mu.Unlock()
	go func() {
		io.Copy(up, c)
		p.drop(up)
	}()
	io.Copy(c, up)
	p.drop(c)
}

func (p *proxy) drop(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *proxy) cut(hold bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held = hold
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

func (p *proxy) resume() {
	p.mu.Lock()
	p.held = false
	p.mu.Unlock()
}

func (p *proxy) close() {
	p.ln.Close()
	p.cut(false)
}

// TestFiles checks that the embedded files are the modules a page
// imports, each importing only what is embedded with it.
func TestFiles(t *testing.T) {
	for _, name := range []string{"critpath-realtime.js", "react.js", "react-peer.js", "critpath-realtime.d.ts", "protocol.d.ts", "react.d.ts", "react-peer.d.ts"} {
		b, err := fs.ReadFile(js.Files, name)
		if err != nil {
			t.Fatalf("%s is not embedded: %v", name, err)
		}
		for _, m := range imports.FindAllSubmatch(b, -1) {
			dep := string(m[1])
			if !strings.HasPrefix(dep, "./") {
				if name == "react-peer.js" && dep == "react" {
					continue
				}
				t.Errorf("%s imports %q: the modules import only each other", name, dep)
				continue
			}
			dep = strings.TrimPrefix(dep, "./")
			if strings.HasSuffix(name, ".d.ts") {
				dep = strings.TrimSuffix(dep, ".js") + ".d.ts"
			}
			if _, err := fs.Stat(js.Files, dep); err != nil {
				t.Errorf("%s imports %q, which is not embedded", name, m[1])
			}
		}
	}
}

// imports matches the module an import or export statement names.
var imports = regexp.MustCompile(`(?m)^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"`)

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestSmoke runs a short reconnect storm on both servers — a few
// members in a few rooms, cut for a second while events flow — and
// checks that events were delivered and that every member resumed with
// no gap and no duplicate. It skips, naming what is missing, without
// node or the npm packages (npm ci --prefix benchmarks/realtime/socketio).
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("a smoke run of the servers: not in -short")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH: the Socket.IO side of benchmarks/realtime needs Node.js")
	}
	sio, err := filepath.Abs("../socketio")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(sio, "node_modules", "socket.io")); err != nil {
		t.Skip("socket.io is not installed: run npm ci --prefix benchmarks/realtime/socketio")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "server")
	if out, err := exec.Command("go", "build", "-o", bin, "../server").CombinedOutput(); err != nil {
		t.Fatalf("go build ../server: %v\n%s", err, out)
	}
	st := &setup{critpath: bin, node: node, socketio: sio, dir: dir}
	rc := recoveryConfig{mode: "storm", members: 20, rooms: 4, rate: 20, cut: time.Second, steady: time.Second, after: time.Second, drain: time.Second}
	for _, k := range []kind{critpath, socketio} {
		t.Run(k.String(), func(t *testing.T) {
			res, err := recovery(t.Context(), st, k, rc)
			if err != nil {
				t.Fatal(err)
			}
			v := res.vals
			if v["members cut"] != float64(rc.members) {
				t.Errorf("members cut: got %v, want %d", v["members cut"], rc.members)
			}
			if v["events acked"] == 0 || v["events delivered"] == 0 {
				t.Errorf("events acked %v, delivered %v: want both above 0", v["events acked"], v["events delivered"])
			}
			if v["% resumed gap-free"] != 100 {
				t.Errorf("resumed gap-free: got %v %%, want 100 %% (missed per member up to %v)", v["% resumed gap-free"], v["events missed per cut member (max)"])
			}
			if v["duplicates delivered"] != 0 {
				t.Errorf("duplicates delivered: got %v, want 0", v["duplicates delivered"])
			}
			if v["failed to reconnect"] != 0 {
				t.Errorf("failed to reconnect: got %v, want 0", v["failed to reconnect"])
			}
		})
	}
}

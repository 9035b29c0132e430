// Command load drives critpath's realtime hub (benchmarks/realtime/server)
// and a Socket.IO 4.8 server (benchmarks/realtime/socketio) with the same
// clients, speaking critpath.v1 to the one and Socket.IO over a raw
// WebSocket (Engine.IO 4: "0{…}" open, "40" connect, "42[…]" events,
// "43<id>[…]" acks, "2"/"3" ping and pong) to the other, so that the
// client's cost is the same for both. It starts the servers itself
// (pinned with taskset to -pin), runs each scenario on each, bounded in
// time and count, on loopback only, and prints one JSON line per
// scenario and server, then a table with the ratios.
//
// Events carry the publisher's sequence number and send time: latency
// is the receiver's clock minus it (one process, one clock); gaps and
// duplicates are counted per member against what the publishers had
// acknowledged.
//
// Scenarios (-scenarios, comma-separated, or "all"):
//
//	idle     RSS per idle connection at -idle counts (1k, 5k, 10k)
//	rooms    -rooms × -room-size members editing every 10 s, a tenth
//	         moving cursors at 20 Hz, for -duration: p50/p99/p99.9
//	ramp     one room of -ramp-size, publish rate stepped up (-ramp):
//	         the best rate with p99 ≤ 50 ms, and the best the server
//	         kept up with (90 % delivered, p99 ≤ 1 s)
//	storm    -storm-clients members cut for -cut while -storm-rate
//	         events a second flow, then reconnected
//	kill     two nodes over Redis, -kill-clients members, one node
//	         killed (SIGKILL): its members reconnect to the other
//	slow     a room of -slow-size, -slow-share never reading: healthy
//	         p99 and RSS, against the same room with none slow
//	editors  (critpath only) -editors concurrent editors on one task
//	         for -editors-duration: lost updates, conflicts, convergence
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var (
	scenariosFlag = flag.String("scenarios", "all", "scenarios to run, comma-separated, or all")
	serversFlag   = flag.String("servers", "critpath,socketio", "servers to run them on")
	critpathBin   = flag.String("critpath", "", "the critpath server's binary (go build ./benchmarks/realtime/server)")
	nodeBin       = flag.String("node", "node", "node")
	socketioDir   = flag.String("socketio", "benchmarks/realtime/socketio", "the folder of server.js and its node_modules")
	pin           = flag.String("pin", "0", "CPUs the servers are pinned to (taskset -c); empty for none")
	idleFlag      = flag.String("idle", "1000,5000,10000", "connection counts of idle")
	nrooms        = flag.Int("rooms", 200, "rooms of rooms")
	roomSize      = flag.Int("room-size", 25, "members a room of rooms")
	duration      = flag.Duration("duration", 20*time.Second, "how long rooms measures")
	rampSize      = flag.Int("ramp-size", 1000, "members of ramp's room")
	rampFlag      = flag.String("ramp", "25,50,75,100,125,150,200,250,300,400,500,600,800,1000", "ramp's publish rates, events a second")
	rampStep      = flag.Duration("ramp-step", 4*time.Second, "how long each rate of ramp lasts")
	stormClients  = flag.Int("storm-clients", 5000, "members of storm")
	stormRooms    = flag.Int("storm-rooms", 100, "rooms of storm")
	stormRate     = flag.Int("storm-rate", 50, "events a second during storm and kill")
	cut           = flag.Duration("cut", 5*time.Second, "how long storm's members are cut")
	killClients   = flag.Int("kill-clients", 2000, "members of kill (half on each node)")
	killRooms     = flag.Int("kill-rooms", 20, "rooms of kill")
	slowSize      = flag.Int("slow-size", 250, "members of slow's room")
	slowShare     = flag.Float64("slow-share", 0.02, "share of slow's members that never read")
	slowRate      = flag.Int("slow-rate", 100, "events a second in slow")
	slowPad       = flag.Int("slow-pad", 1024, "bytes of padding in each of slow's events")
	slowDuration  = flag.Duration("slow-duration", 15*time.Second, "how long slow measures")
	editorsFlag   = flag.String("editors", "2,5,10,20", "editor counts of editors")
	editorsDur    = flag.Duration("editors-duration", 20*time.Second, "how long each editors run lasts (the issue's figure: 5m)")
	jsonOut       = flag.Bool("json", true, "print a JSON line per scenario and server")
)

func main() {
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := mainErr(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// row is one line of the table.
type row struct {
	scenario, metric string
	vals             map[kind]float64
}

func mainErr(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "rtbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st := &setup{critpath: *critpathBin, node: *nodeBin, socketio: *socketioDir, pin: *pin, dir: dir}
	var kinds []kind
	for s := range strings.SplitSeq(*serversFlag, ",") {
		switch s {
		case "critpath":
			if st.critpath == "" {
				return fmt.Errorf("-critpath names no binary")
			}
			kinds = append(kinds, critpath)
		case "socketio":
			kinds = append(kinds, socketio)
		}
	}
	want := map[string]bool{}
	for s := range strings.SplitSeq(*scenariosFlag, ",") {
		want[s] = true
	}
	all := want["all"]
	var rl syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl)
	fmt.Printf("open-file limit of the servers: %s (the generator's: raised to %d)\n", openFileLimit(), rl.Cur)

	var rows []row
	add := func(scenario string, k kind, res *result) {
		if *jsonOut {
			b, _ := json.Marshal(map[string]any{"scenario": scenario, "server": k.String(), "figures": res.vals, "note": res.note})
			fmt.Println(string(b))
		}
		for _, key := range res.keys {
			i := -1
			for j := range rows {
				if rows[j].scenario == scenario && rows[j].metric == key {
					i = j
				}
			}
			if i < 0 {
				rows = append(rows, row{scenario: scenario, metric: key, vals: map[kind]float64{}})
				i = len(rows) - 1
			}
			rows[i].vals[k] = res.vals[key]
		}
	}
	each := func(scenario string, f func(k kind) (*result, error)) {
		for _, k := range kinds {
			if ctx.Err() != nil {
				return
			}
			fmt.Fprintf(os.Stderr, "%s: %s …\n", scenario, k)
			res, err := f(k)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s on %s: %v\n", scenario, k, err)
				continue
			}
			add(scenario, k, res)
		}
	}
	if all || want["idle"] {
		for _, n := range ints(*idleFlag) {
			each("idle "+itoa(n), func(k kind) (*result, error) { return idle(ctx, st, k, n) })
		}
	}
	if all || want["rooms"] {
		each(fmt.Sprintf("rooms %d×%d", *nrooms, *roomSize), func(k kind) (*result, error) {
			return rooms(ctx, st, k, *nrooms, *roomSize, *duration)
		})
	}
	if all || want["ramp"] {
		each(fmt.Sprintf("ramp 1×%d", *rampSize), func(k kind) (*result, error) {
			return ramp(ctx, st, k, *rampSize, ints(*rampFlag), *rampStep, 50*time.Millisecond)
		})
	}
	if all || want["storm"] {
		each(fmt.Sprintf("storm %d cut %s", *stormClients, *cut), func(k kind) (*result, error) {
			return recovery(ctx, st, k, recoveryConfig{mode: "storm", members: *stormClients, rooms: *stormRooms, rate: *stormRate, cut: *cut, steady: 3 * time.Second, after: 5 * time.Second, drain: 3 * time.Second})
		})
	}
	if all || want["kill"] {
		each(fmt.Sprintf("kill 1 of 2 nodes, %d members", *killClients), func(k kind) (*result, error) {
			return recovery(ctx, st, k, recoveryConfig{mode: "kill", members: *killClients, rooms: *killRooms, rate: *stormRate, steady: 3 * time.Second, after: 5 * time.Second, drain: 3 * time.Second})
		})
	}
	if all || want["slow"] {
		each("slow 0 %", func(k kind) (*result, error) {
			return slow(ctx, st, k, *slowSize, 0, *slowRate, *slowPad, *slowDuration)
		})
		each(fmt.Sprintf("slow %g %%", *slowShare*100), func(k kind) (*result, error) {
			return slow(ctx, st, k, *slowSize, *slowShare, *slowRate, *slowPad, *slowDuration)
		})
	}
	if (all || want["editors"]) && st.critpath != "" {
		for _, n := range ints(*editorsFlag) {
			name := fmt.Sprintf("editors %d, %s", n, *editorsDur)
			fmt.Fprintf(os.Stderr, "%s: critpath …\n", name)
			res, err := editors(ctx, st, n, *editorsDur)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
				continue
			}
			add(name, critpath, res)
		}
	}
	printTable(rows)
	return ctx.Err()
}

func printTable(rows []row) {
	fmt.Println()
	fmt.Println("| scenario | figure | critpath | Socket.IO | critpath ÷ Socket.IO |")
	fmt.Println("| --- | --- | --- | --- | --- |")
	for _, r := range rows {
		c, okc := r.vals[critpath]
		s, oks := r.vals[socketio]
		ratio := ""
		if okc && oks && s != 0 && !math.IsInf(s, 0) && !math.IsInf(c, 0) {
			ratio = fmt.Sprintf("%.2f", c/s)
		}
		fmt.Printf("| %s | %s | %s | %s | %s |\n", r.scenario, r.metric, num(c, okc), num(s, oks), ratio)
	}
}

func num(v float64, ok bool) string {
	switch {
	case !ok:
		return "–"
	case math.IsInf(v, 1):
		return "never"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func ints(s string) []int {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// openFileLimit is the soft limit a child process starts with (Go
// raises its own but gives children the original).
func openFileLimit() string {
	out, err := exec.Command("sh", "-c", "ulimit -n").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

//go:build unix

// Command risk times critpath's Monte Carlo risk analysis against a numpy
// peer, whole process against whole process. It writes one seeded random
// network (internal/randnet, seed 3: 1,000 tasks, 1,967 finish-to-start
// links, each task's predecessors among the 30 before it, the Standard
// calendar) with a triangular range on every task and
// a risk register (an event per 50 tasks, each adding fixed days to three
// tasks with its probability), in critpath's risk document and in the
// peer's project format (the same ranges and events), then runs, in turn
// in each round:
//
//   - the peer, mc_pm.py from -peer (python3 mc_pm.py --project FILE
//     --sims N --seed S; no plot), which samples, schedules and counts
//     each task's critical-path frequency;
//   - critpath risk FILE --iterations N --seed S --json with every task
//     statistic on (criticality, sensitivity, cruciality, SSI, merge
//     bias, drivers) and with --tasks=false;
//   - with -baseline, the same two of another build;
//   - with -tower, critpath risk on that risk document (the Dhaka Tower
//     example) at -tower-iterations, for -critpath and -baseline.
//
// Each critpath measure of the network runs -repeat times in a round and
// its median counts (a run of a few tenths of a second on a shared
// machine is at the mercy of whatever else runs that moment; the peer's
// half a minute averages it out). Each line gives a round's wall-clock
// and CPU times (user and system) and iterations per second, and each
// critpath measure's ratio to the peer's in the same round; the last lines
// give each measure's range over the rounds, with the ratios by
// wall-clock and by CPU time. The peer needs /usr/bin/python3 with numpy
// and matplotlib: when they are missing, the benchmark installs Debian's
// python3-numpy and python3-matplotlib with apt-get (as root) and says so.
//
//	go build -o /tmp/critpath ./cmd/critpath
//	go run ./benchmarks/risk -critpath /tmp/critpath -peer ../shared/peers/montecarlo_pm -runs 5
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

func main() {
	bin := flag.String("critpath", "", "the critpath binary (required)")
	baseline := flag.String("baseline", "", "another critpath binary, timed in the same rounds")
	peer := flag.String("peer", "", "the folder holding the peer's mc_pm.py (none: critpath only)")
	python := flag.String("python", "/usr/bin/python3", "the Python that runs the peer")
	tasks := flag.Int("tasks", 1000, "tasks in the random network")
	iterations := flag.Int("iterations", 10_000, "iterations of each run")
	runs := flag.Int("runs", 3, "rounds")
	repeat := flag.Int("repeat", 5, "runs of each critpath measure of the network in a round (the peer runs once: its run is long); the median is taken")
	tower := flag.String("tower", "", "a risk document to time too (the Dhaka Tower example: examples/projects/dhaka-tower-risk.json)")
	towerIterations := flag.Int("tower-iterations", 100_000, "iterations of the -tower runs")
	keep := flag.String("out", "", "write the network's files to this folder and keep them (default: a temporary one, removed)")
	flag.Parse()
	if *bin == "" {
		log.Fatal("risk: -critpath is required (go build -o /tmp/critpath ./cmd/critpath)")
	}
	dir := *keep
	if dir == "" {
		d, err := os.MkdirTemp("", "riskbench")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	if *peer != "" {
		peerNeeds(*python)
	}
	doc, peerDoc, links := write(dir, *tasks)
	fmt.Printf("network: %d tasks, %d finish-to-start links, %d risk events; %d iterations per run\n", *tasks, links, *tasks/50, *iterations)

	n := fmt.Sprint(*iterations)
	type measure struct {
		name   string
		iters  int
		repeat int
		cmd    []string
		wall   []time.Duration // per round: the median of its runs
		cpu    []time.Duration // and of their CPU time (user and system)
	}
	var ms []*measure
	if *peer != "" {
		ms = append(ms, &measure{name: "peer (numpy)", iters: *iterations, repeat: 1,
			cmd: []string{*python, filepath.Join(*peer, "mc_pm.py"), "--project", peerDoc, "--sims", n, "--seed", "1"}})
	}
	for _, b := range []struct{ name, path string }{{"critpath", *bin}, {"baseline", *baseline}} {
		if b.path == "" {
			continue
		}
		ms = append(ms,
			&measure{name: b.name + " tasks", iters: *iterations, repeat: *repeat, cmd: []string{b.path, "risk", doc, "--iterations", n, "--seed", "1", "--json"}},
			&measure{name: b.name + " no tasks", iters: *iterations, repeat: *repeat, cmd: []string{b.path, "risk", doc, "--iterations", n, "--seed", "1", "--json", "--tasks=false"}})
	}
	for _, b := range []struct{ name, path string }{{"critpath", *bin}, {"baseline", *baseline}} {
		if b.path != "" && *tower != "" {
			ms = append(ms, &measure{name: b.name + " tower", iters: *towerIterations, repeat: 1,
				cmd: []string{b.path, "risk", *tower, "--iterations", fmt.Sprint(*towerIterations), "--seed", "1", "--json"}})
		}
	}
	ratio := func(m *measure, k int, of func(*measure) []time.Duration) float64 {
		return of(ms[0])[k].Seconds() / of(m)[k].Seconds()
	}
	wall := func(m *measure) []time.Duration { return m.wall }
	cpu := func(m *measure) []time.Duration { return m.cpu }
	versus := func(m *measure) bool { return *peer != "" && m != ms[0] && m.iters == *iterations }
	for r := range *runs {
		var line []string
		for _, m := range ms {
			var walls, cpus []time.Duration
			for range m.repeat {
				w, c := timeRun(m.cmd)
				walls, cpus = append(walls, w), append(cpus, c)
			}
			m.wall, m.cpu = append(m.wall, median(walls)), append(m.cpu, median(cpus))
			s := fmt.Sprintf("%s %.2fs (CPU %.2fs) %.0f it/s", m.name, m.wall[r].Seconds(), m.cpu[r].Seconds(), float64(m.iters)/m.wall[r].Seconds())
			if versus(m) {
				s += fmt.Sprintf(" %.1f×", ratio(m, r, wall))
			}
			line = append(line, s)
		}
		fmt.Printf("round %d: %s\n", r+1, strings.Join(line, "; "))
	}
	fmt.Println("ranges over the rounds (iterations per second by wall-clock time; the ratio to the peer's in the same round, by wall-clock and by CPU time):")
	for _, m := range ms {
		lo, hi := slices.Min(m.wall), slices.Max(m.wall)
		s := fmt.Sprintf("  %-20s %.0f–%.0f it/s (%.2f–%.2f s; CPU %.2f–%.2f s)", m.name, float64(m.iters)/hi.Seconds(), float64(m.iters)/lo.Seconds(),
			lo.Seconds(), hi.Seconds(), slices.Min(m.cpu).Seconds(), slices.Max(m.cpu).Seconds())
		if versus(m) {
			var rw, rc []float64
			for k := range m.wall {
				rw, rc = append(rw, ratio(m, k, wall)), append(rc, ratio(m, k, cpu))
			}
			s += fmt.Sprintf(": %.1f–%.1f× the peer (CPU time %.1f–%.1f×)", slices.Min(rw), slices.Max(rw), slices.Min(rc), slices.Max(rc))
		}
		fmt.Println(s)
	}
}

// peerNeeds makes sure python has numpy and matplotlib, which the peer
// imports: when it has not, it installs Debian's packages of them with
// apt-get (as root), and says so.
func peerNeeds(python string) {
	has := func() bool { return exec.Command(python, "-c", "import numpy, matplotlib").Run() == nil }
	if has() {
		return
	}
	fmt.Println("the peer needs numpy and matplotlib: installing python3-numpy and python3-matplotlib with apt-get")
	for _, args := range [][]string{{"update", "-qq"}, {"install", "-y", "-qq", "python3-numpy", "python3-matplotlib"}} {
		c := exec.Command("apt-get", args...)
		c.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := c.CombinedOutput(); err != nil {
			log.Fatalf("risk: apt-get %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	if !has() {
		log.Fatalf("risk: %s still cannot import numpy and matplotlib", python)
	}
}

// median returns the median of ds (the lower middle one of an even
// number).
func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[(len(ds)-1)/2]
}

// timeRun runs cmd to its end and returns the wall-clock time it took and
// its CPU time (user and system); a failure stops the benchmark with its
// output.
func timeRun(cmd []string) (wall, cpu time.Duration) {
	c := exec.Command(cmd[0], cmd[1:]...)
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	t0 := time.Now()
	if err := c.Run(); err != nil {
		log.Fatalf("%s: %v\n%s", strings.Join(cmd, " "), err, out.String())
	}
	return time.Since(t0), c.ProcessState.UserTime() + c.ProcessState.SystemTime()
}

// write writes the network of n tasks into dir as critpath's risk
// document (with its project beside it) and as the peer's project, and
// returns their paths and the number of links.
func write(dir string, n int) (doc, peerDoc string, links int) {
	p := randnet.Project(randnet.Config{Tasks: n, Window: 30, Seed: 3})
	rng := rand.New(rand.NewPCG(1, 25))
	type peerTask struct {
		ID           int     `json:"id"`
		Name         string  `json:"name"`
		Optimistic   float64 `json:"optimistic"`
		MostLikely   float64 `json:"most_likely"`
		Pessimistic  float64 `json:"pessimistic"`
		Predecessors []int   `json:"predecessors"`
	}
	type peerEvent struct {
		Name        string  `json:"name"`
		Probability float64 `json:"probability"`
		ImpactDays  float64 `json:"impact_days"`
		Tasks       []int   `json:"tasks"`
	}
	type uncertainty struct {
		Task     string     `json:"task"`
		Triangle [3]float64 `json:"triangle"`
	}
	type event struct {
		ID          string             `json:"id"`
		Probability float64            `json:"probability"`
		Impact      map[string]float64 `json:"impact"`
		Tasks       []string           `json:"tasks"`
	}
	index := map[string]int{}
	pt := make([]peerTask, len(p.Tasks))
	var us []uncertainty
	for i, t := range p.Tasks {
		index[t.ID] = i
		d := t.Duration.Amount // whole days
		lo, hi := 0.75*d, 1.75*d
		pt[i] = peerTask{ID: i + 1, Name: t.Name, Optimistic: lo, MostLikely: d, Pessimistic: hi, Predecessors: []int{}}
		us = append(us, uncertainty{Task: t.ID, Triangle: [3]float64{lo, d, hi}})
	}
	for _, l := range p.Links {
		if l.Type != schedule.FS || !l.Lag.IsZero() {
			log.Fatalf("risk: link %v: the peer has finish-to-start links without lags only", &l)
		}
		pt[index[l.Succ]].Predecessors = append(pt[index[l.Succ]].Predecessors, index[l.Pred]+1)
	}
	var pe []peerEvent
	var es []event
	for k := range n / 50 {
		prob := 0.1 + 0.3*rng.Float64()
		days := float64(1 + rng.IntN(5))
		var ids []string
		var nums []int
		for _, i := range rng.Perm(n)[:3] {
			ids, nums = append(ids, p.Tasks[i].ID), append(nums, i+1)
		}
		name := fmt.Sprint("R", k)
		pe = append(pe, peerEvent{Name: name, Probability: prob, ImpactDays: days, Tasks: nums})
		es = append(es, event{ID: name, Probability: prob, Impact: map[string]float64{"fixed": days}, Tasks: ids})
	}
	var proj bytes.Buffer
	if err := schedule.WriteJSON(&proj, p); err != nil {
		log.Fatal(err)
	}
	save := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			log.Fatal(err)
		}
		return path
	}
	save("network.json", proj.Bytes())
	doc = save("network-risk.json", marshal(map[string]any{"project": "network.json", "unit": "1d", "durations": us, "risks": es}))
	peerDoc = save("network-peer.json", marshal(map[string]any{"tasks": pt, "risk_events": pe}))
	return doc, peerDoc, len(p.Links)
}

func marshal(v any) []byte {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		log.Fatal(err)
	}
	return b
}

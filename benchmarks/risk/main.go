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
// Each line gives the round's wall-clock times and iterations per second,
// and the ratios of each critpath run to the peer's of the same round;
// the last lines give each measure's range over the rounds. The peer needs
// numpy and matplotlib (Debian: apt-get install python3-numpy
// python3-matplotlib) and /usr/bin/python3.
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
	doc, peerDoc, links := write(dir, *tasks)
	fmt.Printf("network: %d tasks, %d finish-to-start links, %d risk events; %d iterations per run\n", *tasks, links, *tasks/50, *iterations)

	n := fmt.Sprint(*iterations)
	type measure struct {
		name  string
		iters int
		cmd   []string
		times []time.Duration
	}
	var ms []*measure
	if *peer != "" {
		ms = append(ms, &measure{name: "peer (numpy)", iters: *iterations,
			cmd: []string{*python, filepath.Join(*peer, "mc_pm.py"), "--project", peerDoc, "--sims", n, "--seed", "1"}})
	}
	for _, b := range []struct{ name, path string }{{"critpath", *bin}, {"baseline", *baseline}} {
		if b.path == "" {
			continue
		}
		ms = append(ms,
			&measure{name: b.name + " tasks", iters: *iterations, cmd: []string{b.path, "risk", doc, "--iterations", n, "--seed", "1", "--json"}},
			&measure{name: b.name + " no tasks", iters: *iterations, cmd: []string{b.path, "risk", doc, "--iterations", n, "--seed", "1", "--json", "--tasks=false"}})
	}
	for _, b := range []struct{ name, path string }{{"critpath", *bin}, {"baseline", *baseline}} {
		if b.path != "" && *tower != "" {
			ms = append(ms, &measure{name: b.name + " tower", iters: *towerIterations,
				cmd: []string{b.path, "risk", *tower, "--iterations", fmt.Sprint(*towerIterations), "--seed", "1", "--json"}})
		}
	}
	for r := range *runs {
		var line []string
		var peerTime time.Duration
		for _, m := range ms {
			d := timeRun(m.cmd)
			m.times = append(m.times, d)
			s := fmt.Sprintf("%s %.2fs %.0f it/s", m.name, d.Seconds(), float64(m.iters)/d.Seconds())
			if strings.HasPrefix(m.name, "peer") {
				peerTime = d
			} else if peerTime > 0 && m.iters == *iterations {
				s += fmt.Sprintf(" (%.1f×)", peerTime.Seconds()/d.Seconds())
			}
			line = append(line, s)
		}
		fmt.Printf("round %d: %s\n", r+1, strings.Join(line, "; "))
	}
	fmt.Println("ranges over the rounds (ratio to the peer of the same round):")
	var peerTimes []time.Duration
	for _, m := range ms {
		lo, hi := slices.Min(m.times), slices.Max(m.times)
		s := fmt.Sprintf("  %-20s %.0f–%.0f it/s (%.2f–%.2f s)", m.name, float64(m.iters)/hi.Seconds(), float64(m.iters)/lo.Seconds(), lo.Seconds(), hi.Seconds())
		if strings.HasPrefix(m.name, "peer") {
			peerTimes = m.times
		} else if peerTimes != nil && m.iters == *iterations {
			var ratios []float64
			for k, d := range m.times {
				ratios = append(ratios, peerTimes[k].Seconds()/d.Seconds())
			}
			s += fmt.Sprintf(", %.1f–%.1f× the peer", slices.Min(ratios), slices.Max(ratios))
		}
		fmt.Println(s)
	}
}

// timeRun runs cmd to its end and returns the wall-clock time it took; a
// failure stops the benchmark with its output.
func timeRun(cmd []string) time.Duration {
	c := exec.Command(cmd[0], cmd[1:]...)
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	t0 := time.Now()
	if err := c.Run(); err != nil {
		log.Fatalf("%s: %v\n%s", strings.Join(cmd, " "), err, out.String())
	}
	return time.Since(t0)
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

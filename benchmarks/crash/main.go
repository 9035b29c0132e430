//go:build unix

// Command crash times `critpath crash` against GLPK's glpsol (Debian
// package glpk-utils) on the same time–cost problem, whole process
// against whole process. For each size it writes one seeded random
// instance (see instance) as a critpath project and as the linear
// program of crashing it to a date halfway between its normal finish and
// the shortest it can be, in working days, written independently of
// package optimize; it checks that `critpath crash --to DATE --json` and
// glpsol find the same optimal cost, then times, interleaved,
// `critpath crash --to`, glpsol and `critpath crash --curve` (the whole
// time–cost curve), and prints the medians and ranges of their wall-clock
// and CPU times (user and system, the steadier on a shared machine) and
// the ratios of the medians.
//
// With -crosscheck N it checks optimize against glpsol instead, in
// process, on N random instances of 2 to 40 tasks (every link type,
// leads and lags, fixed costs, crash points as total costs and as costs
// per day, the Standard and 24 Hours calendars, start-no-earlier-than
// dates; every third fast-tracked too): Compress at three dates, Within
// at two budgets and every breakpoint of Curve. It skips, saying so,
// when glpsol is not on PATH.
//
//	go build -o /tmp/critpath ./cmd/critpath
//	go run ./benchmarks/crash -critpath /tmp/critpath -sizes 50,500,5000,20000 -runs 5
//	go run ./benchmarks/crash -crosscheck 60
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/critpath/critpath/optimize"
	"github.com/critpath/critpath/schedule"
)

func main() {
	bin := flag.String("critpath", "", "the critpath binary to time")
	sizes := flag.String("sizes", "50,500,5000,20000", "the instances' sizes, in tasks")
	runs := flag.Int("runs", 5, "runs of each process per size, interleaved")
	window := flag.Int("window", 100, "predecessors come from the previous `n` tasks (0: from any earlier task)")
	seed := flag.Uint64("seed", 1, "random seed")
	cross := flag.Int("crosscheck", 0, "check optimize against glpsol on `n` random instances instead of timing")
	keep := flag.String("keep", "", "write the instances into `dir` (net-N.json, net-N.lp) and keep them")
	flag.Parse()
	log.SetFlags(0)
	glpsol, err := exec.LookPath("glpsol")
	if err != nil {
		fmt.Println("glpsol is not on PATH (apt-get install -y glpk-utils): skipped")
		return
	}
	dir, err := os.MkdirTemp("", "crash")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if *keep != "" {
		dir = *keep
	}
	if *cross > 0 {
		if err := crossCheck(glpsol, dir, *cross, *seed); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *bin == "" {
		log.Fatal("-critpath: the binary to time")
	}
	fmt.Printf("%s; %d runs of each, interleaved; wall-clock median (range) / CPU median\n", version(glpsol), *runs)
	fmt.Println("| tasks (links) | breakpoints | `critpath crash --to` | `glpsol` | glpsol ÷ `--to` | `critpath crash --curve` | glpsol ÷ `--curve` |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- |")
	for f := range strings.SplitSeq(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			log.Fatalf("-sizes: %v", err)
		}
		if err := bench(*bin, glpsol, dir, config{tasks: n, seed: *seed, window: *window}, *runs); err != nil {
			log.Fatal(err)
		}
	}
}

func version(glpsol string) string {
	out, _ := exec.Command(glpsol, "--version").Output()
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}

// bench writes one instance, checks both tools agree on it and times
// them.
func bench(bin, glpsol, dir string, cfg config, runs int) error {
	p := instance(cfg)
	r, err := schedule.Run(p)
	if err != nil {
		return err
	}
	pts, err := optimize.Curve(context.Background(), p, optimize.Options{})
	if err != nil {
		return err
	}
	day := float64(r.Network().Settings().MinutesPerDay)
	normal := workdays(r, r.Finish())
	shortest := workdays(r, pts[len(pts)-1].Finish)
	T := math.Round((normal + shortest) / 2)
	date, err := r.Network().AddWork("", r.Start(), int64(T*day))
	if err != nil {
		return err
	}
	name := filepath.Join(dir, fmt.Sprintf("net-%d", cfg.tasks))
	jsonPath, lpPath, solPath := name+".json", name+".lp", name+".sol"
	if err := writeFile(jsonPath, func(w io.Writer) error { return schedule.WriteJSON(w, p) }); err != nil {
		return err
	}
	if err := writeFile(lpPath, func(w io.Writer) error { return lp{p: p, crash: true}.write(w, T) }); err != nil {
		return err
	}
	to := []string{bin, "crash", "--to", date.Format(time.RFC3339), "--json", jsonPath}
	curve := []string{bin, "crash", "--curve", "--json", jsonPath}
	solve := []string{glpsol, "--lp", lpPath, "-w", solPath}
	// Both find the same optimum before anything is timed.
	out, err := exec.Command(to[0], to[1:]...).Output()
	if err != nil {
		return fmt.Errorf("%v: %w", to, err)
	}
	var plan struct{ Cost float64 }
	if err := json.Unmarshal(out, &plan); err != nil {
		return err
	}
	if _, err := exec.Command(solve[0], solve[1:]...).Output(); err != nil {
		return fmt.Errorf("%v: %w", solve, err)
	}
	want, err := objective(solPath)
	if err != nil {
		return err
	}
	if math.Abs(plan.Cost-want) > 1e-6*max(1, want) {
		return fmt.Errorf("%d tasks, by %v: critpath's plan costs %v, glpsol's optimum is %v", cfg.tasks, date, plan.Cost, want)
	}
	var tTo, tLP, tCurve []times
	for range runs {
		for _, c := range []struct {
			args []string
			into *[]times
		}{{to, &tTo}, {solve, &tLP}, {curve, &tCurve}} {
			t, err := timed(c.args)
			if err != nil {
				return err
			}
			*c.into = append(*c.into, t)
		}
	}
	mTo, mLP, mCurve := median(tTo), median(tLP), median(tCurve)
	fmt.Printf("| %d (%d) | %d | %s | %s | **%.3g×** (CPU %.3g×) | %s | **%.3g×** (CPU %.3g×) |\n",
		cfg.tasks, len(p.Links), len(pts), show(tTo), show(tLP), mLP.wall/mTo.wall, mLP.cpu/mTo.cpu,
		show(tCurve), mLP.wall/mCurve.wall, mLP.cpu/mCurve.cpu)
	fmt.Fprintf(os.Stderr, "  %d tasks: normal %.0f working days, shortest %.0f, crashed to %.0f for %.2f (both)\n", cfg.tasks, normal, shortest, T, want)
	return nil
}

// workdays returns the working days of r's project from its start to at.
func workdays(r *schedule.Result, at time.Time) float64 {
	w, _ := r.Network().WorkBetween("", r.Start(), at)
	return float64(w) / float64(r.Network().Settings().MinutesPerDay)
}

// times are a process's wall-clock and CPU (user and system) seconds.
type times struct{ wall, cpu float64 }

func timed(args []string) (times, error) {
	cmd := exec.Command(args[0], args[1:]...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return times{}, fmt.Errorf("%v: %w: %s", args, err, stderr.String())
	}
	wall := time.Since(t0)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return times{wall.Seconds(), cpu.Seconds()}, nil
}

func median(ts []times) times {
	w, c := make([]float64, len(ts)), make([]float64, len(ts))
	for i, t := range ts {
		w[i], c[i] = t.wall, t.cpu
	}
	slices.Sort(w)
	slices.Sort(c)
	return times{w[len(w)/2], c[len(c)/2]}
}

// show gives the median wall-clock time, its range, and the median CPU
// time.
func show(ts []times) string {
	m := median(ts)
	lo, hi := ts[0].wall, ts[0].wall
	for _, t := range ts {
		lo, hi = min(lo, t.wall), max(hi, t.wall)
	}
	return fmt.Sprintf("%s (%s–%s) / %s", secs(m.wall), secs(lo), secs(hi), secs(m.cpu))
}

func secs(s float64) string {
	if s < 1 {
		return fmt.Sprintf("%.3g ms", s*1000)
	}
	return fmt.Sprintf("%.3g s", s)
}

// objective reads the optimal objective from a solution glpsol wrote
// with -w (its "s bas" line), or says the problem had none.
func objective(path string) (float64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 7 && f[0] == "s" && f[1] == "bas" {
			if f[4] != "f" || f[5] != "f" {
				return 0, errNoOptimum
			}
			return strconv.ParseFloat(f[6], 64)
		}
	}
	return 0, fmt.Errorf("%s: no solution line", path)
}

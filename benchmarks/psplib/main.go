// Command psplib measures critpath's leveling on the PSPLIB single-mode
// sets the literature compares heuristics on: for each instance of a set,
// one leveling run at a budget of schedules and a seed, its schedule
// checked feasible by an independent checker; then the mean deviation
// from the reference the literature uses (J30: the proven optimum; J60
// and J120: the critical-path lower bound, each file's MPM-Time), from
// the best known makespans, and the time per instance on one core.
//
//	go run ./benchmarks/psplib -corpus ../shared/data -set j120 -schedules 5000 -seed 1
//
// With -level, each instance is read as a project (interchange/psplib's
// project: days on a round-the-clock calendar) and leveled through
// leveling.Level with the same budget and seed, as `critpath level
// FILE.sm` does; its leveled starts are checked the same way.
//
// Instances run in parallel, one per core; each run is single-threaded.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/critpath/critpath/interchange/psplib"
	"github.com/critpath/critpath/internal/feasible"
	"github.com/critpath/critpath/leveling"
)

func main() {
	corpus := flag.String("corpus", os.Getenv("CRITPATH_CORPUS"), "the shared data folder (holding psplib/)")
	set := flag.String("set", "j30", "j30, j60 or j120")
	schedules := flag.Int("schedules", 5000, "schedules per instance")
	seed := flag.Uint64("seed", 1, "the seed of every run")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "instances run at once")
	every := flag.Int("every", 1, "run every n-th instance only (a quick look; the figures use all)")
	flag.BoolVar(&viaLevel, "level", false, "level each instance as a project with leveling.Level")
	flag.Parse()
	if err := run(*corpus, *set, *schedules, *seed, *workers, *every); err != nil {
		fmt.Fprintln(os.Stderr, "psplib:", err)
		os.Exit(1)
	}
}

// viaLevel levels each instance as a project (-level).
var viaLevel bool

type result struct {
	name                string
	makespan, ref, best int
	elapsed             time.Duration
}

func run(corpus, set string, schedules int, seed uint64, workers, every int) error {
	if corpus == "" {
		return fmt.Errorf("no corpus: pass -corpus or set CRITPATH_CORPUS")
	}
	dir := filepath.Join(corpus, "psplib")
	files, _ := filepath.Glob(filepath.Join(dir, set, "*.sm"))
	if len(files) == 0 {
		return fmt.Errorf("no instances in %s", filepath.Join(dir, set))
	}
	slices.Sort(files)
	if every > 1 {
		var some []string
		for i := 0; i < len(files); i += every {
			some = append(some, files[i])
		}
		files = some
	}
	best, err := table(filepath.Join(dir, "solutions", set+"hrs.sm"))
	if err != nil {
		return err
	}
	var opt map[string]int
	if set == "j30" {
		if opt, err = table(filepath.Join(dir, "solutions", "j30opt.sm")); err != nil {
			return err
		}
	}
	results := make([]result, len(files))
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for i := range next {
				results[i], errs[i] = one(files[i], schedules, seed, opt, best)
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errorsIn(errs); err != nil {
		return err
	}
	var devRef, devBest float64
	var total time.Duration
	slowest := results[0]
	for _, r := range results {
		devRef += 100 * float64(r.makespan-r.ref) / float64(r.ref)
		devBest += 100 * float64(r.makespan-r.best) / float64(r.best)
		total += r.elapsed
		if r.elapsed > slowest.elapsed {
			slowest = r
		}
	}
	n := float64(len(results))
	refName := "critical-path lower bound"
	if set == "j30" {
		refName = "optimum"
	}
	how := "Solve"
	if viaLevel {
		how = "Level, as projects"
	}
	fmt.Printf("%s: %d instances, %s, %d schedules each, seed %d, all feasible\n", set, len(results), how, schedules, seed)
	fmt.Printf("  mean deviation from the %s: %.2f %%\n", refName, devRef/n)
	fmt.Printf("  mean deviation from the best known: %.2f %%\n", devBest/n)
	fmt.Printf("  time per instance: mean %.1f ms, slowest %.1f ms (%s)\n",
		float64(total.Microseconds())/n/1000, float64(slowest.elapsed.Microseconds())/1000, slowest.name)
	return nil
}

func one(file string, schedules int, seed uint64, opt, best map[string]int) (result, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return result{}, err
	}
	in, err := psplib.Read(bytes.NewReader(b))
	if err != nil {
		return result{}, fmt.Errorf("%s: %w", file, err)
	}
	p := &leveling.Problem{Durations: in.Durations, Demands: in.Demands, Capacities: in.Capacities, Successors: in.Successors}
	t0 := time.Now()
	var sol *leveling.Solution
	if viaLevel {
		sol, err = level(in, schedules, seed)
	} else {
		sol, err = leveling.Solve(context.Background(), p, leveling.SolveOptions{Schedules: schedules, Seed: seed})
	}
	elapsed := time.Since(t0)
	if err != nil {
		return result{}, fmt.Errorf("%s: %w", file, err)
	}
	if err := feasible.Check(p.Durations, p.Demands, p.Capacities, p.Successors, sol.Starts, sol.Makespan); err != nil {
		return result{}, fmt.Errorf("%s: infeasible schedule: %w", file, err)
	}
	key := instanceKey(filepath.Base(file))
	r := result{name: filepath.Base(file), makespan: sol.Makespan, ref: in.MPMTime, best: best[key], elapsed: elapsed}
	if opt != nil {
		r.ref = opt[key]
	}
	if r.ref == 0 || r.best == 0 {
		return result{}, fmt.Errorf("%s: no reference makespan", file)
	}
	return r, nil
}

// level levels the instance as a project with leveling.Level and reads
// its leveled starts back as periods (days from the project's start).
func level(in *psplib.Instance, schedules int, seed uint64) (*leveling.Solution, error) {
	l, err := leveling.Level(context.Background(), in.Project, leveling.LevelOptions{Schedules: schedules, Seed: seed})
	if err != nil {
		return nil, err
	}
	if len(l.Unresolved) > 0 {
		return nil, fmt.Errorf("%d conflicts left", len(l.Unresolved))
	}
	sol := &leveling.Solution{Starts: make([]int, len(in.Durations))}
	for j := range sol.Starts {
		tr, ok := l.Result.Lookup(psplib.ID(j))
		if !ok {
			return nil, fmt.Errorf("no task %s", psplib.ID(j))
		}
		sol.Starts[j] = int(tr.Start.Sub(in.Project.Start) / (24 * time.Hour))
		sol.Makespan = max(sol.Makespan, sol.Starts[j]+in.Durations[j])
	}
	return sol, nil
}

// instanceKey turns "j3012_7.sm" into "12 7".
func instanceKey(name string) string {
	s := strings.TrimSuffix(name, ".sm")
	s = strings.TrimLeft(s, "j")
	for _, set := range []string{"120", "30", "60"} {
		if rest, ok := strings.CutPrefix(s, set); ok {
			s = rest
			break
		}
	}
	par, inst, _ := strings.Cut(s, "_")
	return par + " " + inst
}

// table reads a PSPLIB solution table: the first three whole numbers of
// each row that starts with one are the group, the instance and the
// makespan.
func table(path string) (map[string]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 {
			continue
		}
		var v [3]int
		ok := true
		for k := range v {
			if v[k], err = strconv.Atoi(fields[k]); err != nil {
				ok = false
				break
			}
		}
		if ok {
			out[fmt.Sprintf("%d %d", v[0], v[1])] = v[2]
		}
	}
	return out, sc.Err()
}

func errorsIn(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

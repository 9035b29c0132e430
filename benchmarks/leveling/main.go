//go:build unix

// Command leveling times critpath's leveling as a planner meets it. It
// writes seeded random projects of 300 to 10,000 tasks as critpath JSON —
// the generator's with every feature (internal/randnet, mixed: calendars,
// every link type and lag, ALAP and manual tasks, progress, constraints,
// splits, summaries) and a plain resource-loaded network (randnet.Loaded:
// four crews of 2–4 units, each task on one or two) — and, for each of
// them and of the project files named as arguments (.json, .xer, .xml,
// .sm), levels it in process (one pass of leveling.Level, the median of
// -runs) and runs `critpath level FILE --json --passes 1` as a whole process for the
// binary -critpath and, when given, the binary -baseline (another build),
// interleaved, reporting medians of the wall-clock time and, after a
// slash, of the CPU time (user and system; in process, of the whole
// process while Level runs), the steadier of the two on a shared machine.
// A process that runs longer than -timeout is stopped and reported as
// such.
//
//	go build -o /tmp/critpath ./cmd/critpath
//	go run ./benchmarks/leveling -critpath /tmp/critpath -runs 5 [FILE ...]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/leveling"
	"github.com/critpath/critpath/schedule"
)

func main() {
	bin := flag.String("critpath", "", "the critpath binary to time as a whole process (none: in process only)")
	baseline := flag.String("baseline", "", "another critpath binary, timed interleaved with -critpath")
	runs := flag.Int("runs", 3, "runs of each measure; medians are reported")
	sizes := flag.String("sizes", "300,1000,3000,10000", "the random projects' sizes")
	timeout := flag.Duration("timeout", 2*time.Minute, "the longest a process may run")
	flag.Parse()
	dir, err := os.MkdirTemp("", "leveling")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	type job struct {
		name, path string
		p          *schedule.Project
	}
	var jobs []job
	for _, kind := range []string{"mixed", "loaded"} {
		for s := range strings.SplitSeq(*sizes, ",") {
			var n int
			if _, err := fmt.Sscan(s, &n); err != nil || n <= 0 {
				log.Fatalf("-sizes: %q", s)
			}
			p := randnet.Loaded(n, 1)
			if kind == "mixed" {
				p = randnet.Project(randnet.Config{Tasks: n, Mixed: true, Seed: 11})
			}
			path := filepath.Join(dir, fmt.Sprintf("%s-%d.json", kind, n))
			b, err := p.MarshalJSON()
			if err != nil {
				log.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				log.Fatal(err)
			}
			jobs = append(jobs, job{fmt.Sprintf("%s %d", kind, n), path, p})
		}
	}
	for _, path := range flag.Args() {
		p, err := read(path)
		if err != nil {
			log.Fatal(err)
		}
		jobs = append(jobs, job{filepath.Base(path), path, p})
	}
	fmt.Printf("%-34s %6s %8s %6s %6s %18s %18s %18s\n", "project", "tasks", "delays/t", "most", "left", "Level", "process", "baseline")
	for _, j := range jobs {
		var level, proc, base [2][]time.Duration
		var l *leveling.Leveled
		for range *runs {
			c0, t0 := cpu(), time.Now()
			if l, err = leveling.Level(context.Background(), j.p, leveling.LevelOptions{Passes: 1}); err != nil {
				log.Fatalf("%s: %v", j.name, err)
			}
			level[0], level[1] = append(level[0], time.Since(t0)), append(level[1], cpu()-c0)
			if *bin != "" {
				w, c := run(*bin, j.path, *timeout)
				proc[0], proc[1] = append(proc[0], w), append(proc[1], c)
			}
			if *baseline != "" {
				w, c := run(*baseline, j.path, *timeout)
				base[0], base[1] = append(base[0], w), append(base[1], c)
			}
		}
		per := map[string]int{}
		for _, d := range l.Delays {
			per[d.Task]++
		}
		most := slices.Max(append(slices.Collect(maps.Values(per)), 0))
		fmt.Printf("%-34s %6d %8.2f %6d %6d %18s %18s %18s\n", j.name, len(j.p.Tasks), float64(len(l.Delays))/float64(len(j.p.Tasks)), most,
			len(l.Unresolved), both(level, *timeout), both(proc, *timeout), both(base, *timeout))
	}
}

// read reads a project file's first project.
func read(path string) (*schedule.Project, error) {
	in, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	f, err := interchange.Read(path, in, nil)
	if err != nil {
		return nil, err
	}
	return f.Projects[0].Project, nil
}

// run times `bin level path --json` as a whole process, wall-clock and
// CPU; a process stopped at the timeout counts as the timeout.
func run(bin, path string, timeout time.Duration) (wall, used time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "level", path, "--json", "--passes", "1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	t0 := time.Now()
	err := cmd.Run()
	d := time.Since(t0)
	if ctx.Err() != nil {
		return timeout, timeout
	}
	if err != nil {
		log.Fatalf("%s level %s: %v: %s", bin, path, err, stderr.String())
	}
	return d, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// cpu returns the CPU time the process has used, user and system.
func cpu() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// both prints the medians of wall-clock and CPU times: "wall / cpu".
func both(ds [2][]time.Duration, timeout time.Duration) string {
	if len(ds[0]) == 0 {
		return "-"
	}
	return show(ds[0], timeout) + " / " + show(ds[1], timeout)
}

// show prints the median, or "-" for no runs, or "> timeout".
func show(ds []time.Duration, timeout time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	slices.Sort(ds)
	m := ds[len(ds)/2]
	if m >= timeout {
		return "> " + timeout.String()
	}
	if m < time.Second {
		return fmt.Sprintf("%.0f ms", float64(m)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", m.Seconds())
}

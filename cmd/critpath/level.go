package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange/psplib"
	"github.com/critpath/critpath/leveling"
)

// levelCommand levels any readable project with leveling.Level, printing
// each delay with its reason, what the search approximated and the
// conflicts left; --schedules N lets it search N schedules. A PSPLIB
// instance with --json is solved as the problem it states — `critpath
// level FILE.sm --schedules N --seed S --json` prints {"makespan": M,
// "starts": {"1": 0, "2": 3, …}} (job number → start period); without
// --json it is leveled as a project, and its makespan printed first.
func levelCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("level", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	schedules := fs.Int("schedules", 0, "how many schedules the search may generate (0: one pass of the best rule)")
	passes := fs.Int("passes", 0, "how many leveling passes to try on a project, keeping the best (0: one)")
	seed := fs.Uint64("seed", 0, "the search's seed")
	split := fs.Bool("split", false, "let leveling split a project's tasks: the work before a conflict stays, the rest pauses")
	withinFloat := fs.Bool("within-float", false, "delay a project's tasks only within their total float")
	var src source
	operands, err := src.parse(fs, args, 1, "one FILE")
	if err != nil {
		return err
	}
	if *schedules < 0 {
		return fmt.Errorf("%w: --schedules %d: want 0 or more", errUsage, *schedules)
	}
	if *passes < 0 {
		return fmt.Errorf("%w: --passes %d: want 0 or more", errUsage, *passes)
	}
	path := operands[0]
	opts := leveling.LevelOptions{Schedules: *schedules, Passes: *passes, Seed: *seed, Split: *split, WithinFloat: *withinFloat}
	sm := strings.ToLower(filepath.Ext(path)) == ".sm"
	if sm && (*split || *withinFloat) {
		return fmt.Errorf("%w: --split and --within-float level a project, not a PSPLIB instance", errUsage)
	}
	if !sm || !*asJSON {
		return levelProject(&src, path, opts, *asJSON, stdout, stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	in, err := psplib.Read(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	p := &leveling.Problem{Durations: in.Durations, Demands: in.Demands, Capacities: in.Capacities, Successors: in.Successors}
	sol, err := leveling.Solve(context.Background(), p, leveling.SolveOptions{Schedules: *schedules, Seed: *seed})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if *asJSON {
		return writeLevelJSON(stdout, sol)
	}
	fmt.Fprintf(stdout, "makespan %d periods (critical path %d), %d schedules\n\n%6s %6s %6s\n", sol.Makespan, in.MPMTime, sol.Schedules, "job", "start", "finish")
	for j, s := range sol.Starts {
		fmt.Fprintf(stdout, "%6d %6d %6d\n", j+1, s, s+in.Durations[j])
	}
	return nil
}

// writeLevelJSON writes the solution with its starts in job order.
func writeLevelJSON(w io.Writer, sol *leveling.Solution) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"makespan": %d, "starts": {`, sol.Makespan)
	for j, s := range sol.Starts {
		if j > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: %d", strconv.Itoa(j+1), s)
	}
	b.WriteString("}}\n")
	if !json.Valid(b.Bytes()) {
		return fmt.Errorf("internal error: invalid JSON")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// levelProject levels a project file with leveling.Level.
func levelProject(src *source, path string, opts leveling.LevelOptions, asJSON bool, stdout, stderr io.Writer) error {
	pr, err := src.read(path, stderr)
	if err != nil {
		return err
	}
	p := pr.Project
	l, err := leveling.Level(context.Background(), p, opts)
	if err != nil {
		return scheduleError(path, p, err)
	}
	if strings.ToLower(filepath.Ext(path)) == ".sm" && !asJSON { // a PSPLIB instance: its makespan in periods first
		fmt.Fprintf(stdout, "makespan %d periods\n", int(l.Result.Finish().Sub(l.Result.Start())/(24*time.Hour)))
	}
	if asJSON {
		type delayJSON struct {
			Task     string       `json:"task"`
			From     time.Time    `json:"from"`
			To       time.Time    `json:"to"`
			Split    bool         `json:"split,omitempty"`
			Resource string       `json:"resource"`
			Conflict [2]time.Time `json:"conflict"`
			Winner   string       `json:"winner"`
			Rule     string       `json:"rule"`
		}
		out := struct {
			Finish       time.Time           `json:"finish"`
			Delays       []delayJSON         `json:"delays"`
			Unresolved   []leveling.Conflict `json:"unresolved"`
			Approximated []string            `json:"approximated,omitempty"`
		}{Finish: l.Result.Finish(), Delays: []delayJSON{}, Unresolved: append([]leveling.Conflict{}, l.Unresolved...), Approximated: l.Approximated}
		for _, d := range l.Delays {
			out.Delays = append(out.Delays, delayJSON{d.Task, d.From, d.To, d.Split, d.Resource, [2]time.Time{d.ConflictFrom, d.ConflictTo}, d.Winner, d.Rule})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(stdout, "leveled: finish %s, %d delays, %d conflicts left\n\n", l.Result.Finish().Format(dateFormat), len(l.Delays), len(l.Unresolved))
	for _, d := range l.Delays {
		move := "from %s to after %s"
		if d.Split {
			move = "split: paused from %s until %s"
		}
		fmt.Fprintf(stdout, "%s: "+move+" — %s over-allocated %s to %s; %s kept its place (%s)\n",
			d.Task, d.From.Format(dateFormat), d.To.Format(dateFormat), d.Resource, d.ConflictFrom.Format(dateFormat), d.ConflictTo.Format(dateFormat), d.Winner, d.Rule)
	}
	for _, c := range l.Unresolved {
		fmt.Fprintf(stdout, "left: %s over-allocated %s to %s by %g (%d tasks)\n", c.Resource, c.From.Format(dateFormat), c.To.Format(dateFormat), c.Excess, len(c.Uses))
	}
	for _, a := range l.Approximated {
		fmt.Fprintf(stdout, "approximated: %s\n", a)
	}
	return nil
}

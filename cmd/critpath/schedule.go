package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/critpath/critpath/schedule"
)

func scheduleCommand(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("schedule", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the schedule as JSON")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%w: want one project file", errUsage)
	}
	p, err := readProject(files[0])
	if err != nil {
		return err
	}
	r, err := schedule.Run(p)
	if err != nil {
		return fmt.Errorf("%s: %w", files[0], err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return printTable(stdout, p, r)
}

// readProject reads a project file, choosing the format by extension.
func readProject(path string) (*schedule.Project, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".json":
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		p, err := schedule.ReadJSON(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return p, nil
	default:
		return nil, fmt.Errorf("%s: unknown file type %q (readable: .json)", path, ext)
	}
}

const dateFormat = "Mon 2006-01-02 15:04"

func printTable(w io.Writer, p *schedule.Project, r *schedule.Result) error {
	day := p.Settings.MinutesPerDay
	if day == 0 {
		day = 480
	}
	days := func(m int64) string { return strconv.FormatFloat(float64(m)/float64(day), 'f', -1, 64) + "d" }
	depth := map[string]int{}
	var depthOf func(id string) int
	parent := map[string]string{}
	for _, t := range p.Tasks {
		parent[t.ID] = t.Parent
	}
	depthOf = func(id string) int {
		d, ok := depth[id]
		if !ok {
			if par := parent[id]; par != "" {
				d = depthOf(par) + 1
			}
			depth[id] = d
		}
		return d
	}
	name := p.Name
	if name == "" {
		name = "(unnamed project)"
	}
	fmt.Fprintf(w, "%s\nstart %s   finish %s\n\n", name, r.Start().Format(dateFormat), r.Finish().Format(dateFormat))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTask\tDuration\tEarly start\tEarly finish\tLate start\tLate finish\tTotal float\tFree float\t")
	onPath := map[string]bool{}
	for _, id := range r.LongestPath() {
		onPath[id] = true
	}
	for i, t := range r.Tasks() {
		task := &p.Tasks[i]
		dur := task.Duration.String()
		switch {
		case t.Summary:
			dur = ""
		case t.Milestone:
			dur = "0d"
		}
		mark := ""
		switch {
		case onPath[t.ID]:
			mark = "longest path"
		case t.Critical:
			mark = "critical"
		}
		label := strings.Repeat("  ", depthOf(t.ID)) + truncate(t.Name, 44)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, label, dur,
			t.EarlyStart.Format(dateFormat), t.EarlyFinish.Format(dateFormat),
			t.LateStart.Format(dateFormat), t.LateFinish.Format(dateFormat),
			days(t.TotalFloat), days(t.FreeFloat), mark)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if cs := r.Conflicts(); len(cs) > 0 {
		fmt.Fprintf(w, "\n%d conflicts:\n", len(cs))
		for _, c := range cs {
			fmt.Fprintf(w, "  %v\n", c)
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

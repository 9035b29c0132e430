package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/critpath/critpath/schedule"
)

func scheduleCommand(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("schedule", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the schedule as JSON")
	profile := fs.String("profile", "", "schedule as `tool` does: msproject or p6 (default: the file's options)")
	status := fs.String("status-date", "", "report progress to `date` (RFC 3339, or a day: its end)")
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
	if err := applyProfile(p, *profile); err != nil {
		return err
	}
	if err := applyStatusDate(p, *status); err != nil {
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

// applyProfile replaces the project's options with a tool's ("" keeps
// them).
func applyProfile(p *schedule.Project, name string) error {
	if name == "" {
		return nil
	}
	opts, ok := schedule.Profile(name)
	if !ok {
		return fmt.Errorf("%w: --profile %q: want msproject or p6", errUsage, name)
	}
	p.Options = opts
	return nil
}

// applyStatusDate sets the project's status date ("" keeps it): RFC 3339,
// a time without an offset, or a bare day meaning its end, in the
// project's time zone.
func applyStatusDate(p *schedule.Project, s string) error {
	if s == "" {
		return nil
	}
	t, err := parseDate(p, "--status-date", s)
	p.StatusDate = t
	return err
}

// parseDate reads a date given as flag name: RFC 3339, a time without an
// offset, or a bare day meaning its end, in the project's time zone.
func parseDate(p *schedule.Project, name, s string) (time.Time, error) {
	loc := p.Location
	if loc == nil {
		loc = p.Start.Location()
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04", s, loc); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t.AddDate(0, 0, 1), nil
	}
	return time.Time{}, fmt.Errorf("%w: %s %q: want RFC 3339 or YYYY-MM-DD", errUsage, name, s)
}

const dateFormat = "Mon 2006-01-02 15:04"

// printTable writes the schedule as an aligned table: one row per task,
// subtasks indented under their summary.
func printTable(w io.Writer, p *schedule.Project, r *schedule.Result) error {
	day := p.Settings.MinutesPerDay
	if day == 0 {
		day = 480
	}
	index := make(map[string]int, len(p.Tasks))
	for i, t := range p.Tasks {
		index[t.ID] = i
	}
	depth := make([]int, len(p.Tasks))
	for i := range p.Tasks {
		for par, hops := p.Tasks[i].Parent, 0; par != "" && hops < len(p.Tasks); hops++ {
			depth[i]++
			par = p.Tasks[index[par]].Parent
		}
	}
	onPath := map[string]bool{}
	for _, id := range r.LongestPath() {
		onPath[id] = true
	}
	type row struct{ id, name, dur, tf, ff, mark string }
	rows := make([]row, 0, len(p.Tasks))
	width := [6]int{len("ID"), len("Task"), len("Duration"), len("Total float"), len("Free float")}
	for i, t := range r.Tasks() {
		rw := row{id: t.ID, name: strings.Repeat("  ", depth[i]) + truncate(t.Name, 44), dur: p.Tasks[i].Duration.String(),
			tf: days(t.TotalFloat, day), ff: days(t.FreeFloat, day)}
		switch {
		case t.Summary:
			rw.dur = ""
		case t.Milestone:
			rw.dur = "0d"
		}
		switch {
		case onPath[t.ID]:
			rw.mark = "longest path"
		case t.Critical:
			rw.mark = "critical"
		}
		for k, s := range [5]string{rw.id, rw.name, rw.dur, rw.tf, rw.ff} {
			width[k] = max(width[k], utf8.RuneCountInString(s))
		}
		rows = append(rows, rw)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	name := cmp.Or(p.Name, "(unnamed project)")
	fmt.Fprintf(bw, "%s\nstart %s   finish %s\n\n", name, r.Start().Format(dateFormat), r.Finish().Format(dateFormat))
	var line []byte
	cell := func(s string, w int) {
		line = append(line, s...)
		for n := utf8.RuneCountInString(s); n < w+2; n++ {
			line = append(line, ' ')
		}
	}
	date := func(t time.Time) {
		line = t.AppendFormat(line, dateFormat)
		line = append(line, "  "...)
	}
	cell("ID", width[0])
	cell("Task", width[1])
	cell("Duration", width[2])
	for _, h := range []string{"Early start", "Early finish", "Late start", "Late finish"} {
		cell(h, len(dateFormat))
	}
	cell("Total float", width[3])
	cell("Free float", width[4])
	bw.Write(append(bytes.TrimRight(line, " "), '\n'))
	for i, t := range r.Tasks() {
		rw := &rows[i]
		line = line[:0]
		cell(rw.id, width[0])
		cell(rw.name, width[1])
		cell(rw.dur, width[2])
		date(t.EarlyStart)
		date(t.EarlyFinish)
		date(t.LateStart)
		date(t.LateFinish)
		cell(rw.tf, width[3])
		cell(rw.ff, width[4])
		line = append(line, rw.mark...)
		bw.Write(append(bytes.TrimRight(line, " "), '\n'))
	}
	if cs := r.Conflicts(); len(cs) > 0 {
		fmt.Fprintf(bw, "\n%d conflicts:\n", len(cs))
		for _, c := range cs {
			fmt.Fprintf(bw, "  %v\n", c)
		}
	}
	return bw.Flush()
}

// days spells working minutes as days of the project's length.
func days(m int64, day int) string {
	return strconv.FormatFloat(float64(m)/float64(day), 'f', -1, 64) + "d"
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

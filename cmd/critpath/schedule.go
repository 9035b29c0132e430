package main

import (
	"bufio"
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/critpath/critpath/internal/outline"
	"github.com/critpath/critpath/schedule"
)

func scheduleCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("schedule", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the schedule as JSON")
	profile := fs.String("profile", "", "schedule as `tool` does: msproject or p6 (default: the file's options)")
	var src source
	files, err := src.parse(fs, args, 1, "one project file")
	if err != nil {
		return err
	}
	pr, err := src.read(files[0], stderr)
	if err != nil {
		return err
	}
	p := pr.Project
	if err := applyProfile(p, *profile); err != nil {
		return err
	}
	if *asJSON {
		return scheduleJSON(stdout, files[0], p)
	}
	n, err := schedule.Compile(p)
	if err != nil {
		return scheduleError(files[0], p, err)
	}
	r := n.NewResult()
	r.Run()
	return printTable(stdout, p, r)
}

// scheduleJSON schedules the project read from path and writes the
// schedule as JSON. Nothing holds the project once Compile has it, which
// lets it go as it compiles: the largest project then never shares the
// memory with its whole network, nor with its schedule, which is written
// a task at a time.
func scheduleJSON(w io.Writer, path string, p *schedule.Project) error {
	started := startedOf(p)
	// The memory reading used and let go (its buffers, the chunks its
	// lists were gathered in) goes back to the system first: kept, the
	// compile's own on top of it took the process to the soft limit, and
	// past 1 GiB with the program's code (1,031 MiB for a million tasks
	// and two million links; under 990 MiB with this: see
	// benchmarks/README.md).
	debug.FreeOSMemory()
	n, err := schedule.Compile(p)
	if err != nil {
		return compileError(path, started, err)
	}
	r := n.NewResult()
	r.Run()
	return r.EncodeJSON(w)
}

const dateFormat = "Mon 2006-01-02 15:04"

// printTable writes the schedule as an aligned table: one row per task
// in outline order, subtasks indented under their summary.
func printTable(w io.Writer, p *schedule.Project, r *schedule.Result) error {
	day := r.Network().Settings().MinutesPerDay
	order, err := outline.Order(p)
	if err != nil {
		return err
	}
	onPath := map[string]bool{}
	for _, id := range r.LongestPath() {
		onPath[id] = true
	}
	type row struct{ id, name, dur, tf, ff, mark string }
	rows := make([]row, 0, len(p.Tasks))
	width := [6]int{len("ID"), len("Task"), len("Duration"), len("Total float"), len("Free float")}
	for _, o := range order {
		t := r.Task(o.Task)
		rw := row{id: t.ID, name: strings.Repeat("  ", o.Depth) + truncate(t.Name, 44), dur: duration(p.Tasks[o.Task].Duration),
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
	for k, o := range order {
		t, rw := r.Task(o.Task), &rows[k]
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

// days spells working minutes as days of the project's length, to the
// hundredth ("363.33d").
func days(m int64, day int) string { return decimal(float64(m)/float64(day)) + "d" }

// duration spells a task's duration for people: days, weeks, months and
// percents to the hundredth, working hours and a part as hours and
// minutes, minutes whole ("363.33d", "7h 30m", "2ed").
func duration(d schedule.Duration) string {
	unit := strings.TrimPrefix(schedule.Duration{Amount: 1, Unit: d.Unit, Elapsed: d.Elapsed}.String(), "1")
	switch {
	case d.Unit == schedule.Minute:
		return strconv.FormatFloat(math.Round(d.Amount), 'f', 0, 64) + unit
	case d.Unit == schedule.Hour && !d.Elapsed && d.Amount != math.Trunc(d.Amount) && math.Abs(d.Amount) < 1e6:
		sign, m := "", int64(math.Round(d.Amount*60))
		if m < 0 {
			sign, m = "-", -m
		}
		switch {
		case m < 60:
			return fmt.Sprintf("%s%dm", sign, m)
		case m%60 == 0:
			return fmt.Sprintf("%s%dh", sign, m/60)
		}
		return fmt.Sprintf("%s%dh %dm", sign, m/60, m%60)
	}
	return decimal(d.Amount) + unit
}

// decimal spells v to the hundredth, without trailing zeros.
func decimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

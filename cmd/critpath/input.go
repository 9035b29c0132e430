package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
)

// source is what every command that reads a project file shares: the
// flags that say how to read it, and the reading.
type source struct {
	project  string
	status   string
	quiet    bool
	columns  columnMap
	dayFirst bool
}

// addFlags adds the reading flags to fs.
func (s *source) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&s.project, "project", "", "use the project with this `ID or name` (a P6 file may hold several: critpath projects FILE lists them)")
	fs.StringVar(&s.status, "status-date", "", "report progress at `date` (RFC 3339, a time without an offset, or a day: its end), the project's own when not given")
	fs.BoolVar(&s.quiet, "quiet", false, "do not print the reader's warnings")
	s.columns = columnMap{}
	fs.Var(s.columns, "map", "read a workbook's or CSV's column `HEADER=field` (wbs, id, name, duration, start, predecessors, …; - to skip it); repeatable")
	fs.BoolVar(&s.dayFirst, "day-first", false, "read a workbook's or CSV's 03/01/2027 as 3 January")
}

// parse adds the reading flags to fs, parses args and checks there are
// want operands (what, for the usage error, says which).
func (s *source) parse(fs *flag.FlagSet, args []string, want int, what string) ([]string, error) {
	s.addFlags(fs)
	operands, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if len(operands) != want {
		return nil, fmt.Errorf("%w: want %s", errUsage, what)
	}
	return operands, nil
}

// setStatus sets the project's status date to --status-date's, if given.
func (s *source) setStatus(p *schedule.Project) error {
	if s.status == "" {
		return nil
	}
	t, err := parseDate(p, "--status-date", s.status)
	if err != nil {
		return err
	}
	p.StatusDate = t
	return nil
}

// readFile reads a project file with the flags' options and prints its
// warnings on stderr unless --quiet.
func (s *source) readFile(path string, stderr io.Writer) (*interchange.File, error) {
	in, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	f, err := interchange.Read(path, in, &interchange.ReadOptions{Workbook: &xlsx.ReadOptions{Columns: s.columns, DayFirst: s.dayFirst}})
	if ie, ok := errors.AsType[*xlsx.ImportError](err); ok {
		lines := make([]string, len(ie.Problems))
		for i, pr := range ie.Problems {
			lines[i] = "  " + pr.String()
		}
		return nil, fmt.Errorf("%s: %d problem(s), nothing imported:\n%s", path, len(lines), strings.Join(lines, "\n"))
	}
	if err != nil {
		return nil, err
	}
	if !s.quiet {
		printWarnings(stderr, fmt.Sprintf("reading %s", path), f.Warnings)
	}
	return f, nil
}

// read reads a project file and returns the project --project chooses
// (the file's only one when not given), with the status date set.
func (s *source) read(path string, stderr io.Writer) (*interchange.Project, error) {
	f, err := s.readFile(path, stderr)
	if err != nil {
		return nil, err
	}
	pr, err := f.Pick(s.project)
	if ce, ok := errors.AsType[*interchange.ChoiceError](err); ok && (ce.Want != "" || ce.Matches > 1) {
		list := make([]string, len(ce.Projects))
		for k, p := range ce.Projects {
			list[k] = p.String()
		}
		if ce.Want == "" {
			return nil, fmt.Errorf("%w: %s holds %d projects; choose one with --project ID: %s", errUsage, path, ce.Matches, strings.Join(list, ", "))
		}
		return nil, fmt.Errorf("%w: --project %q names %d of the projects of %s, not one: %s", errUsage, ce.Want, ce.Matches, path, strings.Join(list, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := s.setStatus(pr.Project); err != nil {
		return nil, err
	}
	return pr, nil
}

// runProject schedules the project read from path, saying how to give a status
// date when the file records progress without one.
func runProject(path string, p *schedule.Project) (*schedule.Result, error) {
	r, err := schedule.Run(p)
	if err != nil {
		return nil, scheduleError(path, p, err)
	}
	return r, nil
}

// scheduleError is err, from scheduling the project read from path, said
// the way a user of the command line can act on.
func scheduleError(path string, p *schedule.Project, err error) error {
	if errors.Is(err, schedule.ErrNoStatusDate) {
		return compileError(path, startedOf(p), err)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// inProgress counts a project's tasks in progress and names the first.
type inProgress struct {
	n     int
	first string
}

func startedOf(p *schedule.Project) inProgress {
	var s inProgress
	for i := range p.Tasks {
		if t := &p.Tasks[i]; !t.ActualStart.IsZero() && t.ActualFinish.IsZero() {
			if s.n++; s.first == "" {
				s.first = t.ID
			}
		}
	}
	return s
}

// compileError is scheduleError with the project's tasks in progress
// counted beforehand.
func compileError(path string, started inProgress, err error) error {
	if errors.Is(err, schedule.ErrNoStatusDate) {
		return fmt.Errorf("%s: the file records progress (%d task(s) in progress, such as %q) but no status date to schedule the remaining work from: give the date the progress was recorded at with --status-date DATE", path, started.n, started.first)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// printWarnings prints a reader's or writer's warnings, if any, on w.
func printWarnings(w io.Writer, doing string, ws []interchange.Warning) {
	if len(ws) == 0 {
		return
	}
	fmt.Fprintf(w, "%d warning(s) %s:\n", len(ws), doing)
	for _, x := range ws {
		fmt.Fprintf(w, "  %s\n", x)
	}
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

// columnMap is the --map flag: HEADER=field pairs.
type columnMap map[string]string

func (m columnMap) String() string { return fmt.Sprint(map[string]string(m)) }

func (m columnMap) Set(v string) error {
	header, field, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(header) == "" {
		return fmt.Errorf("%q: want HEADER=field", v)
	}
	field = strings.TrimSpace(field)
	if field != "-" && !slices.Contains(xlsx.Fields(), field) {
		return fmt.Errorf("%q: field %q is not one of %s", v, field, strings.Join(xlsx.Fields(), ", "))
	}
	m[strings.TrimSpace(header)] = field
	return nil
}

// projectsCommand lists the projects of a file: `critpath projects FILE`.
func projectsCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("projects", flag.ContinueOnError)
	var src source
	files, err := src.parse(fs, args, 1, "one file")
	if err != nil {
		return err
	}
	f, err := src.readFile(files[0], stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s, %d project(s)\n", files[0], f.Format, len(f.Projects))
	for _, pr := range f.Projects {
		p := pr.Project
		start := "-"
		if !p.Start.IsZero() {
			start = p.Start.Format(dateFormat)
		}
		label := fmt.Sprintf("%q", p.Name)
		switch {
		case pr.ID == p.Name:
			label = pr.ID
		case pr.ID != "":
			label = pr.ID + " " + label
		}
		if pr.Baseline {
			label += " (a baseline)"
		}
		fmt.Fprintf(stdout, "  %s: %d tasks, %d links, start %s\n", label, len(p.Tasks), len(p.Links), start)
	}
	return nil
}

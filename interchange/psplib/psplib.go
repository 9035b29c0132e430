package psplib

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Instance is one .sm file.
type Instance struct {
	Project *schedule.Project
	// Horizon is the file's upper bound on the makespan, MPMTime its
	// critical-path length without resources (the lower bound the
	// literature measures J60 and J120 against).
	Horizon, MPMTime int
	// Durations, Demands (per job, per resource), Capacities and
	// Successors (job indexes, from 0) are the problem as the file states
	// it; job j is task strconv.Itoa(j+1).
	Durations  []int
	Demands    [][]int
	Capacities []int
	Successors [][]int
}

// start is the start of every instance's project (Instance.Project.Start):
// period t begins t days after it.
var start = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Limits on what Read accepts, so that hostile input stays bounded.
const (
	MaxJobs      = 100_000
	MaxResources = 64
	maxValue     = 1_000_000 // a duration, demand or capacity
	maxLine      = 1 << 16
)

// ParseError reports a line that cannot be read.
type ParseError struct {
	Line int
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("psplib: line %d: %v", e.Line, e.Err) }
func (e *ParseError) Unwrap() error { return e.Err }

// ErrFormat is wrapped by every ParseError about the file's content.
var ErrFormat = errors.New("not a PSPLIB single-mode file")

// Read reads one .sm file. A malformed file gives a *ParseError naming the
// line.
func Read(r io.Reader) (*Instance, error) {
	p := &parser{sc: bufio.NewScanner(r)}
	p.sc.Buffer(make([]byte, 4096), maxLine)
	in, err := p.read()
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			err = &ParseError{Line: p.line, Err: err}
		}
		return nil, err
	}
	in.Project = in.project()
	return in, nil
}

type parser struct {
	sc   *bufio.Scanner
	line int
}

// next returns the next line that is not a row of asterisks, blank, or a
// dashed rule.
func (p *parser) next() (string, error) {
	for p.sc.Scan() {
		p.line++
		s := strings.TrimSpace(p.sc.Text())
		if s == "" || strings.Trim(s, "*") == "" || strings.Trim(s, "-") == "" {
			continue
		}
		return s, nil
	}
	if err := p.sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("unexpected end of file: %w", ErrFormat)
}

// until skips lines up to and including one starting with prefix.
func (p *parser) until(prefix string) (string, error) {
	for {
		s, err := p.next()
		if err != nil {
			return "", fmt.Errorf("looking for %q: %w", prefix, err)
		}
		if strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix)) {
			return s, nil
		}
	}
}

func (p *parser) fail(format string, args ...any) error {
	return &ParseError{Line: p.line, Err: fmt.Errorf(format+": %w", append(args, ErrFormat)...)}
}

// value reads the number after the colon of a "name : value" line.
func (p *parser) value(prefix string) (int, error) {
	s, err := p.until(prefix)
	if err != nil {
		return 0, err
	}
	_, v, ok := strings.Cut(s, ":")
	f := strings.Fields(v)
	if !ok || len(f) == 0 {
		return 0, p.fail("%q has no value", prefix)
	}
	return p.number(f[0], prefix)
}

func (p *parser) number(s, what string) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 || v > maxValue {
		return 0, p.fail("%s %q: want a whole number from 0 to %d", what, s, maxValue)
	}
	return v, nil
}

// numbers reads a row of whole numbers.
func (p *parser) numbers(what string) ([]int, error) {
	s, err := p.next()
	if err != nil {
		return nil, err
	}
	f := strings.Fields(s)
	out := make([]int, len(f))
	for i, x := range f {
		if out[i], err = p.number(x, what); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (p *parser) read() (*Instance, error) {
	in := &Instance{}
	jobs, err := p.value("jobs")
	if err != nil {
		return nil, err
	}
	if jobs < 2 || jobs > MaxJobs {
		return nil, p.fail("%d jobs: want 2 to %d", jobs, MaxJobs)
	}
	if in.Horizon, err = p.value("horizon"); err != nil {
		return nil, err
	}
	res, err := p.value("- renewable")
	if err != nil {
		return nil, err
	}
	if res > MaxResources {
		return nil, p.fail("%d resources: at most %d", res, MaxResources)
	}
	for _, kind := range []string{"- nonrenewable", "- doubly"} {
		n, err := p.value(kind)
		if err != nil {
			return nil, err
		}
		if n != 0 {
			return nil, p.fail("%d %s resources: only renewable resources are read", n, strings.TrimPrefix(kind, "- "))
		}
	}
	if _, err := p.until("pronr."); err != nil {
		return nil, err
	}
	info, err := p.numbers("project information")
	if err != nil {
		return nil, err
	}
	if len(info) != 6 {
		return nil, p.fail("project information has %d fields, want 6", len(info))
	}
	in.MPMTime = info[5]

	if _, err := p.until("jobnr."); err != nil {
		return nil, err
	}
	in.Successors = make([][]int, jobs)
	for j := range jobs {
		row, err := p.numbers("precedence relations")
		if err != nil {
			return nil, err
		}
		switch {
		case len(row) < 3 || row[0] != j+1:
			return nil, p.fail("precedence row for job %d expected", j+1)
		case row[1] != 1:
			return nil, p.fail("job %d has %d modes: only single-mode files are read", j+1, row[1])
		case len(row) != 3+row[2]:
			return nil, p.fail("job %d: %d successors announced, %d listed", j+1, row[2], len(row)-3)
		}
		for _, s := range row[3:] {
			if s < 1 || s > jobs || s == j+1 {
				return nil, p.fail("job %d: successor %d: want another job from 1 to %d", j+1, s, jobs)
			}
			in.Successors[j] = append(in.Successors[j], s-1)
		}
	}

	if _, err := p.until("jobnr."); err != nil {
		return nil, err
	}
	in.Durations, in.Demands = make([]int, jobs), make([][]int, jobs)
	lines := make([]int, jobs) // of the request rows
	for j := range jobs {
		row, err := p.numbers("requests/durations")
		if err != nil {
			return nil, err
		}
		if len(row) != 3+res || row[0] != j+1 || row[1] != 1 {
			return nil, p.fail("request row for job %d with one mode, a duration and %d demands expected", j+1, res)
		}
		in.Durations[j], in.Demands[j], lines[j] = row[2], row[3:], p.line
	}

	if _, err := p.until("resourceavailabilities"); err != nil {
		return nil, err
	}
	if _, err := p.next(); err != nil { // the "R 1  R 2 …" header
		return nil, err
	}
	if in.Capacities, err = p.numbers("resource availabilities"); err != nil {
		return nil, err
	}
	if len(in.Capacities) != res {
		return nil, p.fail("%d capacities for %d resources", len(in.Capacities), res)
	}
	for j, d := range in.Demands {
		for k, q := range d {
			if q > in.Capacities[k] {
				return nil, &ParseError{Line: lines[j], Err: fmt.Errorf("job %d needs %d of R%d, more than its capacity %d: %w", j+1, q, k+1, in.Capacities[k], ErrFormat)}
			}
		}
	}
	return in, nil
}

// ID returns the task ID of job j (from 0).
func ID(j int) string { return strconv.Itoa(j + 1) }

// project builds the schedule.Project the instance describes.
func (in *Instance) project() *schedule.Project {
	p := &schedule.Project{
		Name:     "PSPLIB instance",
		Start:    start,
		Calendar: schedule.TwentyFourHours,
		Settings: schedule.Settings{MinutesPerDay: 1440, MinutesPerWeek: 7 * 1440, DaysPerMonth: 30},
		Tasks:    make([]schedule.Task, len(in.Durations)),
	}
	for j, d := range in.Durations {
		p.Tasks[j] = schedule.Task{ID: ID(j), Name: "job " + ID(j), Duration: schedule.Days(float64(d))}
		for _, s := range in.Successors[j] {
			p.Links = append(p.Links, schedule.Link{Pred: ID(j), Succ: ID(s)})
		}
	}
	for k, c := range in.Capacities {
		p.Resources = append(p.Resources, schedule.Resource{ID: fmt.Sprintf("R%d", k+1), Name: fmt.Sprintf("R %d", k+1), MaxUnits: float64(c)})
	}
	for j, dem := range in.Demands {
		for k, q := range dem {
			if q > 0 {
				p.Assignments = append(p.Assignments, schedule.Assignment{Task: ID(j), Resource: fmt.Sprintf("R%d", k+1), Units: float64(q)})
			}
		}
	}
	return p
}

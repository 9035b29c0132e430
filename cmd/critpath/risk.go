package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/risk"
	"github.com/critpath/critpath/schedule"
)

// riskCommand runs a Monte Carlo risk analysis: `critpath risk FILE`,
// where FILE is a risk document naming its project (see risk.File), or a
// project with --uncertainty giving every task one range.
func riskCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("risk", flag.ContinueOnError)
	iterations := fs.Int("iterations", 1000, "sample and schedule the project `n` times")
	seed := fs.Uint64("seed", 0, "random seed: the same seed gives the same result")
	workers := fs.Int("workers", 0, "goroutines (default: every core); results do not depend on it")
	lhs := fs.Bool("lhs", false, "Latin hypercube sampling")
	mitigated := fs.Bool("mitigated", false, "run the risk register with its post-response values")
	percentile := fs.Float64("percentile", 80, "set the contingency at this `percentile`")
	tolerance := fs.Float64("tolerance", 0, "stop once the percentile's 95% interval is narrower than this many `days`")
	tasks := fs.Bool("tasks", true, "per-task statistics: criticality, sensitivity, high-risk tasks, drivers")
	asJSON := fs.Bool("json", false, "print JSON")
	var spread uncertainty
	fs.Var(&spread, "uncertainty", "read FILE as a project and give every task with work to do this `range` on its duration: SHAPE:LOW,HIGH with SHAPE pert, triangle or uniform, e.g. pert:-10%,+30%")
	var src source
	files, err := src.parse(fs, args, 1, "one risk document, or a project with --uncertainty")
	if err != nil {
		return err
	}
	if *iterations < 1 {
		return fmt.Errorf("%w: --iterations %d: want 1 or more", errUsage, *iterations)
	}
	if *percentile < 1 || *percentile > 99 {
		return fmt.Errorf("%w: --percentile %v: want 1 to 99", errUsage, *percentile)
	}
	var (
		p *schedule.Project
		m *risk.Model
	)
	if spread.shape != "" {
		pr, err := src.read(files[0], stderr)
		if err != nil {
			return err
		}
		p = pr.Project
		if m, err = risk.Spread(p, spread.shape, spread.low, spread.high); err != nil {
			return scheduleError(files[0], p, err)
		}
	} else {
		doc, err := readRisk(&src, files[0], stderr)
		if err != nil {
			return err
		}
		p, m = doc.Project, doc.Model
	}
	opts := risk.Options{Iterations: *iterations, Seed: *seed, Workers: *workers, LatinHypercube: *lhs, Mitigated: *mitigated,
		Tasks: *tasks, Percentile: *percentile, Tolerance: *tolerance}
	if bar := newProgressBar(os.Stderr); bar != nil {
		opts.Progress = bar.update
		defer bar.done()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt) // Ctrl-C stops the run
	defer stop()
	a, err := risk.Simulate(ctx, p, m, opts)
	if se, ok := errors.AsType[*risk.StoppedError](err); ok {
		return fmt.Errorf("%s: stopped by an interrupt after %d of %d iterations; nothing to report (--tolerance stops a run once its answer is precise enough)", files[0], se.Done, se.Iterations)
	}
	if err != nil {
		return scheduleError(files[0], p, err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	return printRisk(stdout, p, a, *seed)
}

// uncertainty is the --uncertainty flag: SHAPE:LOW,HIGH, LOW and HIGH
// percentages of each task's planned duration.
type uncertainty struct {
	shape     string
	low, high float64
}

func (u *uncertainty) String() string {
	if u.shape == "" {
		return ""
	}
	return fmt.Sprintf("%s:%+g%%,%+g%%", u.shape, 100*u.low, 100*u.high)
}

func (u *uncertainty) Set(v string) error {
	shape, rng, ok := strings.Cut(v, ":")
	lo, hi, ok2 := strings.Cut(rng, ",")
	if !ok || !ok2 {
		return fmt.Errorf("%q: want SHAPE:LOW,HIGH, such as pert:-10%%,+30%%", v)
	}
	pct := func(s string) (float64, error) {
		f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
		if err != nil {
			return 0, fmt.Errorf("%q: %q is not a percentage", v, s)
		}
		return f / 100, nil
	}
	var err error
	u.shape = strings.ToLower(strings.TrimSpace(shape))
	if u.low, err = pct(lo); err != nil {
		return err
	}
	if u.high, err = pct(hi); err != nil {
		return err
	}
	switch {
	case u.shape != risk.ShapePERT && u.shape != risk.ShapeTriangle && u.shape != risk.ShapeUniform:
		return fmt.Errorf("%q: shape %q: want pert, triangle or uniform", v, shape)
	case u.low < -1 || u.low > 0:
		return fmt.Errorf("%q: LOW %s: want -100%% to 0%%", v, lo)
	case u.high < 0:
		return fmt.Errorf("%q: HIGH %s: want 0%% or more", v, hi)
	}
	return nil
}

// readRisk reads a risk document and its project, inline or at a path
// relative to the document (read as every command reads a project). A
// project given instead is an error that says how to run it.
func readRisk(src *source, path string, stderr io.Writer) (*risk.File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := risk.ReadFile(bytes.NewReader(data))
	if err != nil {
		// A project, rather than a risk document?
		if f, perr := interchange.Read(path, bytes.NewReader(data), nil); perr == nil && len(f.Projects) > 0 {
			return nil, fmt.Errorf("%w: %s is a project, not a risk document: give every task a range with --uncertainty pert:-10%%,+30%% (or another), or write a risk document naming it, as examples/projects/dhaka-tower-risk.json does", errUsage, path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if doc.Project != nil {
		return doc, src.setStatus(doc.Project)
	}
	pp := doc.ProjectPath
	if !filepath.IsAbs(pp) {
		pp = filepath.Join(filepath.Dir(path), pp)
	}
	pr, err := src.read(pp, stderr)
	if err != nil {
		return nil, fmt.Errorf("%s: project: %w", path, err)
	}
	doc.Project = pr.Project
	return doc, nil
}

func printRisk(w io.Writer, p *schedule.Project, a *risk.Analysis, seed uint64) error {
	name := p.Name
	if name == "" {
		name = "project"
	}
	f := a.Project
	fmt.Fprintf(w, "%s: %d iterations, seed %d\n", name, a.Iterations, seed)
	fmt.Fprintf(w, "finish as planned %s (%.4g working days); mean %.4g days, sd %.3g\n",
		f.DeterministicDate.Format(dateFormat), f.Deterministic, f.Mean, f.StdDev)
	for _, pct := range []float64{10, 50, 80, 90} {
		e := f.Percentile(pct)
		fmt.Fprintf(w, "  P%-3g %s  %.4g days (95%% interval %.4g–%.4g)\n", pct, e.Date.Format(dateFormat), e.Days, e.Low, e.High)
	}
	fmt.Fprintf(w, "risk score %.1f: %.1f%% of iterations finish later than planned\n", a.Score, a.Score)
	if a.Repair != nil {
		fmt.Fprintf(w, "correlations repaired (no durations could have them), largest change %.3g:\n", a.Repair.MaxChange)
		for _, pr := range a.Repair.Pairs {
			fmt.Fprintf(w, "  %s–%s: %.3g → %.3g\n", pr.A, pr.B, pr.Given, pr.Used)
		}
	}
	if len(a.Contingency) > 0 {
		fmt.Fprintf(w, "\ncontingency at P%g:\n", a.Contingency[0].Percentile)
	}
	for _, c := range a.Contingency {
		task := c.Task
		if task == "" {
			task = "(project)"
		}
		var drivers []string
		for _, d := range c.Drivers {
			drivers = append(drivers, fmt.Sprintf("%s %.2f", d.Task, d.Sensitivity))
		}
		fmt.Fprintf(w, "  %-14s %+8.4g days  %s", task, c.Days, c.Date.Format(dateFormat))
		if len(drivers) > 0 {
			fmt.Fprintf(w, "  driven by %s", strings.Join(drivers, ", "))
		}
		fmt.Fprintln(w)
	}
	if len(a.HighRisk) > 0 {
		fmt.Fprintf(w, "\nhigh-risk tasks (score = criticality × |sensitivity|):\n  %-14s %11s %11s %6s %6s\n", "task", "criticality", "sensitivity", "SSI", "score")
		for _, t := range a.HighRisk {
			fmt.Fprintf(w, "  %-14s %11.2f %11.2f %6.2f %6.2f\n", t.Task, t.Criticality, t.Sensitivity, t.SSI, t.Score)
		}
	}
	merges := slices.DeleteFunc(slices.Clone(a.Tasks), func(t risk.TaskRisk) bool { return !t.Merge || t.MergeBias < 0.05 })
	slices.SortStableFunc(merges, func(x, y risk.TaskRisk) int { return cmp.Compare(y.MergeBias, x.MergeBias) })
	if len(merges) > 0 {
		fmt.Fprintln(w, "\nmerge bias (mean start later than planned, where paths merge):")
		for _, t := range merges[:min(5, len(merges))] {
			fmt.Fprintf(w, "  %-14s %+.3g days\n", t.Task, t.MergeBias)
		}
	}
	return nil
}

// progressBar draws a run's progress on a terminal.
type progressBar struct {
	w    io.Writer
	last int
}

// newProgressBar returns a bar drawing on f, or nil when f is not a
// terminal.
func newProgressBar(f *os.File) *progressBar {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &progressBar{w: f, last: -1}
}

func (b *progressBar) update(done, total int) {
	const width = 40
	pct := 100 * done / total
	if pct == b.last {
		return
	}
	b.last = pct
	filled := width * done / total
	fmt.Fprintf(b.w, "\r[%s%s] %3d%% %d/%d", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), pct, done, total)
}

func (b *progressBar) done() { fmt.Fprint(b.w, "\r\033[K") }

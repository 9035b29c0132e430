package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

// verifyCommand reschedules an imported file with the profile of the tool
// that wrote it and compares each task's start, finish and total float
// with what the tool saved: `critpath verify FILE` prints each mismatch,
// each task left out and why, and ends with "matched N of M tasks".
func verifyCommand(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%w: want one file", errUsage)
	}
	in, err := importFile(files[0])
	if err != nil {
		return err
	}
	if in.saved == nil {
		return fmt.Errorf("%s: holds no dates saved by another tool to verify against (verify reads Microsoft Project XML and P6 XER and PMXML)", files[0])
	}
	v := &verification{}
	for _, pr := range append([]*imported{in}, in.others...) {
		if err := verify(pr, v); err != nil {
			if len(in.others) == 0 {
				return fmt.Errorf("%s: %w", files[0], err)
			}
			v.excluded = append(v.excluded, fmt.Sprintf("project %q (%d tasks): left out: it does not schedule: %v", pr.project.Name, len(pr.project.Tasks), err))
		}
	}
	for _, m := range v.mismatches {
		fmt.Fprintln(stdout, m)
	}
	for _, x := range v.excluded {
		fmt.Fprintln(stdout, x)
	}
	fmt.Fprintf(stdout, "matched %d of %d tasks", v.matched, v.compared)
	if len(v.excluded) > 0 {
		fmt.Fprintf(stdout, " (%d left out)", len(v.excluded))
	}
	fmt.Fprintln(stdout)
	return nil
}

// verification is what verify found.
type verification struct {
	matched, compared int
	mismatches        []string
	excluded          []string
}

// verify reschedules an import with the rules of the tool that wrote it
// (Microsoft Project's; P6's as the file's schedule options set them) and
// adds to v how its dates compare with the ones the file saved. A moment
// matches when no working time lies between the two (17:00 one day is
// 08:00 the next); total float when it is equal to the minute.
func verify(in *imported, v *verification) error {
	p := in.project
	if in.tool == "msproject" {
		opts, _ := schedule.Profile("msproject")
		opts.Constraints = p.Options.Constraints
		p.Options = opts
	}
	r, err := schedule.Run(p)
	if err != nil {
		return err
	}
	n := r.Network()
	for i, t := range p.Tasks {
		saved, ok := in.saved[t.ID]
		switch {
		case !ok && in.tool == "p6" && strings.HasPrefix(t.ID, "WBS "):
			continue // a WBS node: P6 saves no dates for it
		case !ok || saved.start.IsZero() || saved.finish.IsZero():
			v.excluded = append(v.excluded, fmt.Sprintf("task %s (%s): left out: the file saved no dates for it", t.ID, t.Name))
			continue
		}
		v.compared++
		got := r.Task(i)
		cal := n.Calendar(i)
		same := func(a, b time.Time) bool {
			w, err := n.WorkBetween(cal, a, b)
			return err == nil && w == 0
		}
		var diffs []string
		if !same(got.Start, saved.start) {
			diffs = append(diffs, fmt.Sprintf("start %s, saved %s", got.Start.Format(dateFormat), saved.start.Format(dateFormat)))
		}
		if !same(got.Finish, saved.finish) {
			diffs = append(diffs, fmt.Sprintf("finish %s, saved %s", got.Finish.Format(dateFormat), saved.finish.Format(dateFormat)))
		}
		if saved.hasFloat && saved.totalFloat != got.TotalFloat {
			diffs = append(diffs, fmt.Sprintf("total float %dm, saved %dm", got.TotalFloat, saved.totalFloat))
		}
		if len(diffs) == 0 {
			v.matched++
			continue
		}
		msg := fmt.Sprintf("task %s (%s):", t.ID, t.Name)
		for _, d := range diffs {
			msg += " " + d + ";"
		}
		v.mismatches = append(v.mismatches, msg[:len(msg)-1])
	}
	return nil
}

package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

func explainCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the explanation as JSON")
	profile := fs.String("profile", "", "schedule as `tool` does: msproject or p6 (default: the file's options)")
	var src source
	operands, err := src.parse(fs, args, 2, "a project file and a task ID")
	if err != nil {
		return err
	}
	pr, err := src.read(operands[0], stderr)
	if err != nil {
		return err
	}
	p := pr.Project
	if err := applyProfile(p, *profile); err != nil {
		return err
	}
	r, err := runProject(operands[0], p)
	if err != nil {
		return err
	}
	i, ok := r.Network().Index(operands[1])
	if !ok {
		return fmt.Errorf("%s: no task %q", operands[0], operands[1])
	}
	x := r.Explain(i)
	if *asJSON {
		return writeExplanationJSON(stdout, x)
	}
	day := r.Network().Settings().MinutesPerDay
	w := bufio.NewWriter(stdout)
	t := x.Task
	fmt.Fprintf(w, "%s  %s\n", t.ID, t.Name)
	fmt.Fprintf(w, "  early start   %s\n", t.EarlyStart.Format(dateFormat))
	for _, d := range x.Early {
		fmt.Fprintf(w, "    driven by %s%s\n", describeDriver(d), gap(d.At, t.EarlyStart))
	}
	fmt.Fprintf(w, "  late finish   %s\n", t.LateFinish.Format(dateFormat))
	for _, d := range x.Late {
		fmt.Fprintf(w, "    bound by %s\n", describeDriver(d))
	}
	state := []string{"total float " + days(t.TotalFloat, day), "free float " + days(t.FreeFloat, day)}
	if t.Critical {
		state = append(state, "critical")
	}
	fmt.Fprintf(w, "  %s\n\n", strings.Join(state, ", "))
	fmt.Fprintf(w, "back to the start:  %s\n", strings.Join(x.Back, " ← "))
	fmt.Fprintf(w, "on to the finish:   %s\n", strings.Join(x.Ahead, " → "))
	return w.Flush()
}

func describeDriver(d schedule.Driver) string {
	at := d.At.Format(dateFormat)
	switch d.Kind {
	case schedule.ByLink:
		s := fmt.Sprintf("link %s", d.Link)
		if d.Via != "" {
			s += fmt.Sprintf(" (through summary %q", d.Via)
			if d.Task != d.Link.Pred && d.Task != d.Link.Succ {
				s += fmt.Sprintf(", from its subtask %q", d.Task)
			}
			s += ")"
		}
		return s + ", at " + at
	case schedule.ByConstraint:
		return fmt.Sprintf("constraint %v %s", d.Constraint, at)
	}
	return fmt.Sprintf("the %v, %s", d.Kind, at)
}

// gap notes the calendar's part when a driver's moment is not the date.
func gap(at, date time.Time) string {
	if at.Equal(date) {
		return ""
	}
	return fmt.Sprintf("; non-working time until %s", date.Format(dateFormat))
}

type driverJSON struct {
	Kind       string `json:"kind"`
	From       string `json:"from,omitempty"`
	To         string `json:"to,omitempty"`
	Type       string `json:"type,omitempty"`
	Lag        string `json:"lag,omitempty"`
	Task       string `json:"task,omitempty"`
	Via        string `json:"via,omitempty"`
	Constraint string `json:"constraint,omitempty"`
	At         string `json:"at"`
}

func writeExplanationJSON(w io.Writer, x schedule.Explanation) error {
	conv := func(ds []schedule.Driver) []driverJSON {
		out := make([]driverJSON, 0, len(ds))
		for _, d := range ds {
			j := driverJSON{Kind: d.Kind.String(), Task: d.Task, Via: d.Via, At: d.At.Format(time.RFC3339)}
			if d.Link != nil {
				j.From, j.To, j.Type = d.Link.Pred, d.Link.Succ, d.Link.Type.String()
				if !d.Link.Lag.IsZero() {
					j.Lag = d.Link.Lag.String()
				}
			}
			if d.Kind == schedule.ByConstraint {
				j.Constraint = d.Constraint.String()
			}
			out = append(out, j)
		}
		return out
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		ID          string       `json:"id"`
		EarlyStart  string       `json:"early_start"`
		LateFinish  string       `json:"late_finish"`
		TotalFloat  int64        `json:"total_float"`
		EarlyDriver []driverJSON `json:"early_drivers"`
		LateDriver  []driverJSON `json:"late_drivers"`
		Back        []string     `json:"back"`
		Ahead       []string     `json:"ahead"`
	}{x.Task.ID, x.Task.EarlyStart.Format(time.RFC3339), x.Task.LateFinish.Format(time.RFC3339), x.Task.TotalFloat,
		conv(x.Early), conv(x.Late), x.Back, x.Ahead})
}

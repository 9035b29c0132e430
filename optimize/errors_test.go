package optimize_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/critpath/critpath/optimize"
	"github.com/critpath/critpath/schedule"
)

// TestErrorMessages walks the error paths of Compress, Within, Curve and
// CostSlope on bad inputs: each message starts with the name of the
// package that made it — "optimize: " for optimize's own, "schedule: "
// for a *schedule.InputError naming the task or link at fault or the
// scheduler's own error, passed on as it is — and wraps what the doc says.
func TestErrorMessages(t *testing.T) {
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	contradiction := func() *schedule.Project {
		p := project(task("A", 5, 4, 1), task("B", 1, 1, 0))
		p.Tasks[1].Constraint = schedule.Constraint{Type: schedule.SNLT, Date: days(2)}
		p.Links = []schedule.Link{{Pred: "A", Succ: "B"}}
		return p
	}
	summary := func(crash bool, l schedule.Link) *schedule.Project {
		p := project(schedule.Task{ID: "S"}, task("A", 4, 2, 3), task("B", 3, 1, 1))
		p.Tasks[1].Parent = "S"
		if crash {
			p.Tasks[0].Crash = &schedule.Crash{Duration: schedule.Days(1), Cost: 10}
		}
		p.Links = []schedule.Link{l}
		return p
	}
	compress := func(p *schedule.Project, by int, opts optimize.Options) func() error {
		return func() error { _, err := optimize.Compress(t.Context(), p, days(by), opts); return err }
	}
	within := func(ctx context.Context, p *schedule.Project, budget float64) func() error {
		return func() error { _, err := optimize.Within(ctx, p, budget, optimize.Options{}); return err }
	}
	curve := func(ctx context.Context, p *schedule.Project) func() error {
		return func() error { _, err := optimize.Curve(ctx, p, optimize.Options{}); return err }
	}
	slope := func(p *schedule.Project, id string) func() error {
		return func() error { _, err := optimize.CostSlope(p, id); return err }
	}
	notShorter := fiveTasks()
	notShorter.Tasks[0].Crash.Duration = schedule.Days(4)
	noRework := fastTrackProject()
	noRework.Links[0].ReworkCost = 0
	loop := project(task("A", 2, 1, 1), task("B", 2, 1, 1))
	loop.Links = []schedule.Link{{Pred: "A", Succ: "B"}, {Pred: "B", Succ: "A"}}
	cases := []struct {
		name   string
		call   func() error
		prefix string
		is     error // wrapped, when not nil
		input  bool  // a *schedule.InputError
	}{
		{"Compress too early", compress(fiveTasks(), 7, optimize.Options{}), "optimize: ", optimize.ErrTooEarly, false},
		{"Compress contradiction", compress(contradiction(), 20, optimize.Options{}), "optimize: ", nil, false},
		{"Compress cancelled", func() error {
			_, err := optimize.Compress(cancelled, fiveTasks(), days(9), optimize.Options{})
			return err
		}, "optimize: ", context.Canceled, false},
		{"Compress crash not shorter", compress(notShorter, 9, optimize.Options{}), "schedule: ", optimize.ErrNotCrashable, true},
		{"Compress summary crashed", compress(summary(true, schedule.Link{Pred: "A", Succ: "B"}), 5, optimize.Options{}), "schedule: ", optimize.ErrNotCrashable, true},
		{"Compress link from a summary's start", compress(summary(false, schedule.Link{Pred: "S", Succ: "B", Type: schedule.SS}), 5, optimize.Options{}), "schedule: ", optimize.ErrUnsupported, true},
		{"Compress overlap without rework", compress(noRework, 22, optimize.Options{FastTrack: true}), "schedule: ", schedule.ErrBadValue, true},
		{"Compress loop", compress(loop, 3, optimize.Options{}), "schedule: ", nil, false},
		{"Within negative budget", within(t.Context(), fiveTasks(), -1), "optimize: ", schedule.ErrBadValue, false},
		{"Within NaN budget", within(t.Context(), fiveTasks(), math.NaN()), "optimize: ", schedule.ErrBadValue, false},
		{"Within cancelled", within(cancelled, fiveTasks(), 6), "optimize: ", context.Canceled, false},
		{"Within contradiction", within(t.Context(), contradiction(), 6), "optimize: ", nil, false},
		{"Curve cancelled", curve(cancelled, fiveTasks()), "optimize: ", context.Canceled, false},
		{"Curve contradiction", curve(t.Context(), contradiction()), "optimize: ", nil, false},
		{"CostSlope no crash point", slope(fiveTasks(), "B"), "schedule: ", optimize.ErrNotCrashable, true},
		{"CostSlope unknown task", slope(fiveTasks(), "Z"), "schedule: ", schedule.ErrUnknownTask, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if err == nil {
				t.Fatal("got no error")
			}
			if !strings.HasPrefix(err.Error(), c.prefix) {
				t.Errorf("got %q, want it to start with %q", err, c.prefix)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("got %v, want it to wrap %v", err, c.is)
			}
			if _, ok := errors.AsType[*schedule.InputError](err); ok != c.input {
				t.Errorf("got %v, a *schedule.InputError %v, want %v", err, ok, c.input)
			}
		})
	}
}

package risk_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/critpath/critpath/risk"
	"github.com/critpath/critpath/schedule"
)

// TestErrorMessages walks the error paths of the distributions'
// constructors, ReadFile, Spread and Simulate on bad inputs: each message
// starts with the name of the package that made it — "risk: " for risk's
// own, "schedule: " for the scheduler's error on a project that does not
// schedule, passed on as it is — and wraps what the doc says.
func TestErrorMessages(t *testing.T) {
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	loop := chain(2)
	loop.Links = append(loop.Links, schedule.Link{Pred: "T2", Succ: "T1"})
	tri := must(risk.Triangle(1, 2, 3))
	read := func(doc string) func() error {
		return func() error { return second(risk.ReadFile(strings.NewReader(doc))) }
	}
	const project = `"project": {"start": "2027-01-04T08:00:00Z", "tasks": [{"id": "A", "duration": "5d"}]}`
	simulate := func(ctx context.Context, p *schedule.Project, m *risk.Model, opts risk.Options) func() error {
		return func() error { return second(risk.Simulate(ctx, p, m, opts)) }
	}
	var stopped *risk.StoppedError
	cases := []struct {
		name   string
		call   func() error
		prefix string
		is     error // wrapped, when not nil
	}{
		{"Triangle reversed", func() error { return second(risk.Triangle(3, 2, 1)) }, "risk: ", risk.ErrBadDistribution},
		{"PERT NaN", func() error { return second(risk.PERT(math.NaN(), 2, 3)) }, "risk: ", risk.ErrBadDistribution},
		{"PERTShape 0", func() error { return second(risk.PERTShape(1, 2, 3, 0)) }, "risk: ", risk.ErrBadDistribution},
		{"Trigen percentiles", func() error { return second(risk.Trigen(1, 2, 3, 0.9, 0.1)) }, "risk: ", risk.ErrBadDistribution},
		{"Trigen low at mode", func() error { return second(risk.Trigen(2, 2, 3, 0.1, 0.9)) }, "risk: ", risk.ErrBadDistribution},
		{"Uniform reversed", func() error { return second(risk.Uniform(3, 1)) }, "risk: ", risk.ErrBadDistribution},
		{"Normal negative mean", func() error { return second(risk.Normal(-1, 1)) }, "risk: ", risk.ErrBadDistribution},
		{"LogNormal negative sd", func() error { return second(risk.LogNormal(1, -1)) }, "risk: ", risk.ErrBadDistribution},
		{"LogNormal sd too large", func() error { return second(risk.LogNormal(1, 1e160)) }, "risk: ", risk.ErrBadDistribution},
		{"Discrete no values", func() error { return second(risk.Discrete(nil, nil)) }, "risk: ", risk.ErrBadDistribution},
		{"ReadFile read error", func() error { return second(risk.ReadFile(iotest.ErrReader(iotest.ErrTimeout))) }, "risk: ", iotest.ErrTimeout},
		{"ReadFile syntax", read(`{"project": `), "risk: ", nil},
		{"ReadFile unknown field", read(`{"colour": 1}`), "risk: ", nil},
		{"ReadFile no project", read(`{}`), "risk: ", risk.ErrBadModel},
		{"ReadFile empty path", read(`{"project": ""}`), "risk: ", risk.ErrBadModel},
		{"ReadFile bad project", read(`{"project": {"tasks": 1}}`), "risk: ", nil},
		{"ReadFile values", read(`{"project": "p.json", "durations": [{"task": "A", "triangle": [1, 2]}]}`), "risk: ", risk.ErrBadDistribution},
		{"ReadFile triangle", read(`{"project": "p.json", "durations": [{"task": "A", "triangle": [3, 2, 1]}]}`), "risk: ", risk.ErrBadDistribution},
		{"ReadFile trigen percentiles", read(`{"project": "p.json", "durations": [{"task": "A", "trigen": [1, 2, 3]}]}`), "risk: ", risk.ErrBadDistribution},
		{"ReadFile no distribution", read(`{"project": "p.json", "durations": [{"task": "A"}]}`), "risk: ", risk.ErrBadDistribution},
		{"ReadFile two distributions", read(`{"project": "p.json", "durations": [{"task": "A", "fixed": 1, "uniform": [1, 2]}]}`), "risk: ", risk.ErrBadDistribution},
		{"ReadFile shape without pert", read(`{"project": "p.json", "durations": [{"task": "A", "fixed": 1, "shape": 3}]}`), "risk: ", risk.ErrBadDistribution},
		{"ReadFile no impact", read(`{` + project + `, "risks": [{"probability": 0.5, "tasks": ["A"]}]}`), "risk: ", risk.ErrBadModel},
		{"ReadFile mitigated impact", read(`{` + project + `, "risks": [{"probability": 0.5, "impact": {"fixed": 1}, "tasks": ["A"], "mitigated": {"impact": {"discrete": []}}}]}`), "risk: ", risk.ErrBadDistribution},
		{"Spread shape", func() error { return second(risk.Spread(chain(2), "bell", -0.1, 0.3)) }, "risk: ", risk.ErrBadModel},
		{"Spread low", func() error { return second(risk.Spread(chain(2), risk.ShapePERT, 0.1, 0.3)) }, "risk: ", risk.ErrBadModel},
		{"Spread high", func() error { return second(risk.Spread(chain(2), risk.ShapePERT, -0.1, -0.3)) }, "risk: ", risk.ErrBadModel},
		{"Spread loop", func() error { return second(risk.Spread(loop, risk.ShapePERT, -0.1, 0.3)) }, "schedule: ", nil},
		{"Simulate iterations", simulate(t.Context(), chain(2), &risk.Model{}, risk.Options{Iterations: -1}), "risk: ", risk.ErrBadModel},
		{"Simulate percentile", simulate(t.Context(), chain(2), &risk.Model{}, risk.Options{Percentile: 100}), "risk: ", risk.ErrBadModel},
		{"Simulate workers", simulate(t.Context(), chain(2), &risk.Model{}, risk.Options{Workers: -1}), "risk: ", risk.ErrBadModel},
		{"Simulate unknown task", simulate(t.Context(), chain(2), &risk.Model{Durations: []risk.Uncertainty{{Task: "X", Dist: tri}}}, risk.Options{}), "risk: ", risk.ErrBadModel},
		{"Simulate correlation", simulate(t.Context(), chain(2), &risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: tri}}, Correlations: []risk.Correlation{{"T1", "T1", 0.5}}}, risk.Options{}), "risk: ", risk.ErrBadModel},
		{"Simulate event", simulate(t.Context(), chain(2), &risk.Model{Risks: []risk.Event{{Probability: 2, Impact: tri, Tasks: []string{"T1"}}}}, risk.Options{}), "risk: ", risk.ErrBadModel},
		{"Simulate panic", simulate(t.Context(), chain(2), &risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: panicky{}}}}, risk.Options{Iterations: 600}), "risk: ", nil},
		{"Simulate NaN", simulate(t.Context(), chain(2), &risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: nanny{}}}}, risk.Options{Iterations: 600}), "risk: ", nil},
		{"Simulate cancelled", simulate(cancelled, chain(2), &risk.Model{Durations: []risk.Uncertainty{{Task: "T1", Dist: tri}}}, risk.Options{}), "risk: ", context.Canceled},
		{"Simulate loop", simulate(t.Context(), loop, &risk.Model{}, risk.Options{}), "schedule: ", nil},
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
			if c.is == context.Canceled && !errors.As(err, &stopped) {
				t.Errorf("got %v, want a *risk.StoppedError", err)
			}
		})
	}
}

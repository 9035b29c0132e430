package kinds

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/critpath/critpath/internal/demo"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/risk"
	"github.com/critpath/critpath/store"
	"github.com/critpath/critpath/store/storetest"
)

// analysis is the part of risk.Analysis's JSON the tests read.
type analysis struct {
	Iterations int `json:"iterations"`
	Project    struct {
		Mean float64 `json:"mean_days"`
	} `json:"project"`
}

func riskDoc(t *testing.T) json.RawMessage {
	b, err := os.ReadFile(demo.Path(t, "dhaka-tower-risk.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRiskDhaka(t *testing.T) {
	f := newFixture(t, nil, "tower", dhaka(t))
	var (
		mu       sync.Mutex
		percents []float64
	)
	progress := func(pct float64, msg string) {
		mu.Lock()
		defer mu.Unlock()
		percents = append(percents, pct)
	}
	args := RiskArgs{Project: "tower", Model: riskDoc(t), Iterations: 2000, Seed: 7}
	if err := f.run(t, args, progress); err != nil {
		t.Fatal(err)
	}
	var res RiskResult
	if kind := f.ann.last(t, &res); kind != KindRisk || res.Revision != 1 {
		t.Fatalf("announced %q at revision %d", kind, res.Revision)
	}
	if len(percents) < 2 || percents[len(percents)-1] != 100 {
		t.Errorf("progress %v, want several reports ending at 100", percents)
	}
	for k := 1; k < len(percents); k++ {
		if percents[k] < percents[k-1] {
			t.Errorf("progress went back: %v", percents)
		}
	}

	// The same run straight from the engine gives the same analysis.
	doc, err := risk.ReadFile(mustOpen(t, demo.Path(t, "dhaka-tower-risk.json")))
	if err != nil {
		t.Fatal(err)
	}
	want, err := risk.Simulate(t.Context(), dhaka(t), doc.Model, risk.Options{Iterations: 2000, Seed: 7, Tasks: true})
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := want.MarshalJSON()
	if string(res.Analysis) != string(wantJSON) {
		t.Error("the job's analysis differs from the engine's with the same model and seed")
	}

	// Cached: announced again, not run again.
	percents = nil
	if err := f.run(t, args, progress); err != nil {
		t.Fatal(err)
	}
	if len(percents) != 0 || len(f.ann.all()) != 2 {
		t.Errorf("the second run reported progress %v, %d announcements; want the cached result", percents, len(f.ann.all()))
	}
}

func mustOpen(t *testing.T, name string) *os.File {
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestRiskCancel cancels a run from its first progress report: it stops
// with risk's StoppedError wrapping the context's error, to be tried
// again, and nothing is cached or announced.
func TestRiskCancel(t *testing.T) {
	f := newFixture(t, nil, "tower", dhaka(t))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	err := f.runCtx(ctx, t, RiskArgs{Project: "tower", Iterations: 100_000}, func(float64, string) { cancel() })
	serr, ok := errors.AsType[*risk.StoppedError](err)
	if !ok || !errors.Is(err, context.Canceled) || jobs.IsPermanent(err) || serr.Done >= 100_000 {
		t.Fatalf("got %v, want a StoppedError wrapping context.Canceled, not permanent", err)
	}
	if len(f.ann.all()) != 0 || f.cache.sets != 0 {
		t.Errorf("%d announcements, %d cache writes after a cancelled run", len(f.ann.all()), f.cache.sets)
	}
}

// TestRiskEvents: an event certain to happen, costing the first task of
// a chain ten days, moves the mean finish ten days later.
func TestRiskEvents(t *testing.T) {
	f := newFixture(t, nil, "p", storetest.Sample())
	mean := func(events []RiskEvent) float64 {
		t.Helper()
		if err := f.run(t, RiskArgs{Project: "p", Iterations: 1000, Events: events}, nil); err != nil {
			t.Fatal(err)
		}
		var res RiskResult
		f.ann.last(t, &res)
		var a analysis
		if err := json.Unmarshal(res.Analysis, &a); err != nil {
			t.Fatal(err)
		}
		return a.Project.Mean
	}
	without := mean(nil)
	with := mean([]RiskEvent{{ID: "flood", Name: "Flooded foundation", Probability: 1, Days: 10, Tasks: []string{"F"}}})
	if d := with - without; d < 9.99 || d > 10.01 {
		t.Errorf("mean finish %v days without the event, %v with it; want 10 days more", without, with)
	}
}

func TestRiskBadArgs(t *testing.T) {
	f := newFixture(t, nil, "p", storetest.Sample())
	for _, c := range []struct {
		name string
		args RiskArgs
	}{
		{"iterations", RiskArgs{Project: "p", Iterations: -1}},
		{"too many iterations", RiskArgs{Project: "p", Iterations: 2_000_000}},
		{"percentile", RiskArgs{Project: "p", Percentile: 150}},
		{"model", RiskArgs{Project: "p", Model: json.RawMessage(`{"durations": [{"task": "F", "pert": [1, 2]}]}`)}},
		{"model of another project", RiskArgs{Project: "p", Model: json.RawMessage(`{"durations": [{"task": "PIL3", "pert": [1, 2, 3]}]}`)}},
		{"model not an object", RiskArgs{Project: "p", Model: json.RawMessage(`[1]`)}},
		{"spread", RiskArgs{Project: "p", Spread: &Spread{Shape: "bell", Low: -0.1, High: 0.2}}},
		{"event on no task", RiskArgs{Project: "p", Events: []RiskEvent{{Probability: 0.5, Days: 2, Tasks: []string{"nowhere"}}}}},
		{"weather unknown", RiskArgs{Project: "p", Weather: "weather-none"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := f.run(t, c.args, nil); !jobs.IsPermanent(err) {
				t.Errorf("got %v, want a permanent failure", err)
			}
		})
	}
	if f.cache.sets != 0 {
		t.Errorf("%d results cached from bad runs", f.cache.sets)
	}
	var _ store.Cache = f.cache
}

package kinds

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/risk"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// RiskArgs asks for a Monte Carlo risk simulation of a project.
type RiskArgs struct {
	Project string `json:"project"`
	// Model is a risk document (see risk.File) whose project, if it names
	// one, is ignored: the store's is used. Empty: Spread.
	Model json.RawMessage `json:"model,omitempty"`
	// Spread gives every task with work to do one range on its duration
	// when there is no Model; nil means PERT from −10 % to +30 %.
	Spread *Spread `json:"spread,omitempty"`
	// Events join the model's risk events: those of a weather update, say.
	Events []RiskEvent `json:"events,omitempty"`
	// Weather names a weather proposal whose risk events join the model.
	Weather string `json:"weather,omitempty"`
	// Iterations (default 1,000; at most 1,000,000), Seed, Percentile
	// (default 80) and Mitigated are as risk.Options has them.
	Iterations int     `json:"iterations,omitempty"`
	Seed       uint64  `json:"seed,omitempty"`
	Percentile float64 `json:"percentile,omitempty"`
	Mitigated  bool    `json:"mitigated,omitempty"`
}

// Kind implements Args.
func (RiskArgs) Kind() string { return KindRisk }

func (a RiskArgs) project() string { return a.Project }

func (RiskArgs) options(*jobs.Job) {}

// Spread is a relative range on every task's duration (see risk.Spread):
// Shape "pert", "triangle" or "uniform", Low −0.1 and High 0.3 for −10 %
// and +30 %.
type Spread struct {
	Shape string  `json:"shape"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
}

// RiskEvent is a risk event in working days: with Probability it costs
// each task in Tasks Days more (fewer, below zero).
type RiskEvent struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Probability float64  `json:"probability"`
	Days        float64  `json:"days"`
	Tasks       []string `json:"tasks"`
}

// RiskResult is a simulation of a project at a revision: the analysis as
// risk.Analysis encodes it (finish percentiles, histogram, contingency,
// high-risk tasks, per-task statistics).
type RiskResult struct {
	Project  string          `json:"project"`
	Revision int64           `json:"revision"`
	Analysis json.RawMessage `json:"analysis"`
}

const maxIterations = 1_000_000

// riskRun simulates a project's schedule risk, reporting its progress
// after each block of iterations and stopping when its ctx ends (the
// error then is the *risk.StoppedError, which wraps the ctx's). The
// result is cached under (project, revision, "risk", a digest of the
// arguments) and announced; one cached is announced again without being
// run again. A model that does not fit the project fails permanently.
type riskRun struct{ *worker }

func (h *riskRun) Work(ctx context.Context, a RiskArgs, p jobs.Progress) error {
	if a.Iterations < 0 || a.Iterations > maxIterations {
		return jobs.Permanent(fmt.Errorf("kinds: risk: %d iterations: want 1 to %d", a.Iterations, maxIterations))
	}
	if a.Percentile != 0 && (a.Percentile < 1 || a.Percentile > 99) {
		return jobs.Permanent(fmt.Errorf("kinds: risk: percentile %v: want 1 to 99", a.Percentile))
	}
	proj, rev, err := h.project(ctx, KindRisk, a.Project)
	if err != nil {
		return err
	}
	events := a.Events
	if a.Weather != "" {
		if h.d.Proposals == nil {
			return jobs.Permanent(fmt.Errorf("kinds: risk: weather %q: no proposals are kept (Deps.Proposals)", a.Weather))
		}
		w, err := h.d.Proposals.Proposal(ctx, a.Weather)
		if errors.Is(err, ErrNoProposal) {
			return jobs.Permanent(fmt.Errorf("kinds: risk: %w", err))
		}
		if err != nil {
			return fmt.Errorf("kinds: risk: %w", err)
		}
		if w.Weather != nil {
			events = append(events, w.Weather.Risks...)
		}
	}
	key := store.Key{Project: a.Project, Revision: rev, Kind: KindRisk, Options: digest(struct {
		A      RiskArgs
		Events []RiskEvent
	}{a, events})}
	if b, ok := h.cached(ctx, key); ok {
		return h.announce(ctx, a.Project, KindRisk, b)
	}
	m, err := riskModel(proj, a, events)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("kinds: risk: project %q at revision %d: %w", a.Project, rev, err))
	}
	opts := risk.Options{Iterations: a.Iterations, Seed: a.Seed, Percentile: a.Percentile, Mitigated: a.Mitigated, Tasks: true}
	if p != nil {
		opts.Progress = func(done, total int) {
			p(100*float64(done)/float64(total), fmt.Sprintf("%d of %d iterations", done, total))
		}
	}
	an, err := risk.Simulate(ctx, proj, m, opts)
	if _, stopped := errors.AsType[*risk.StoppedError](err); stopped || ctx.Err() != nil {
		return err
	}
	if err != nil {
		return jobs.Permanent(fmt.Errorf("kinds: risk: project %q at revision %d: %w", a.Project, rev, err))
	}
	raw, err := an.MarshalJSON()
	if err != nil {
		return jobs.Permanent(fmt.Errorf("kinds: risk: encoding the analysis: %w", err))
	}
	b, err := encode(KindRisk, RiskResult{Project: a.Project, Revision: rev, Analysis: raw})
	if err != nil {
		return err
	}
	h.keep(ctx, key, b)
	return h.announce(ctx, a.Project, KindRisk, b)
}

// riskModel builds the model of a run: the document's, or a spread, with
// the extra events in its unit.
func riskModel(p *schedule.Project, a RiskArgs, events []RiskEvent) (*risk.Model, error) {
	var m *risk.Model
	if len(bytes.TrimSpace(a.Model)) > 0 {
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(a.Model, &doc); err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
		doc["project"] = json.RawMessage(`"(the store's)"`)
		raw, err := json.Marshal(doc)
		if err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
		f, err := risk.ReadFile(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		m = f.Model
	} else {
		s := Spread{Shape: risk.ShapePERT, Low: -0.1, High: 0.3}
		if a.Spread != nil {
			s = *a.Spread
		}
		var err error
		if m, err = risk.Spread(p, s.Shape, s.Low, s.High); err != nil {
			return nil, err
		}
	}
	if len(events) == 0 {
		return m, nil
	}
	n, err := schedule.Compile(p)
	if err != nil {
		return nil, err
	}
	day, err := n.Minutes(schedule.Days(1))
	if err != nil {
		return nil, err
	}
	unit := day
	if !m.Unit.IsZero() {
		if unit, err = n.Minutes(m.Unit); err != nil {
			return nil, fmt.Errorf("model unit %v: %w", m.Unit, err)
		}
	}
	if unit <= 0 {
		return nil, fmt.Errorf("model unit %v: not a length of time: %w", m.Unit, risk.ErrBadModel)
	}
	for k, e := range events {
		m.Risks = append(m.Risks, risk.Event{ID: cmp.Or(e.ID, fmt.Sprintf("event-%d", k+1)), Name: e.Name, Probability: e.Probability,
			Impact: risk.Fixed(e.Days * float64(day) / float64(unit)), Tasks: e.Tasks})
	}
	return m, nil
}

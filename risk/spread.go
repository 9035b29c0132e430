package risk

import (
	"fmt"

	"github.com/critpath/critpath/schedule"
)

// Shapes are the distributions Spread lays over each task's duration.
const (
	ShapePERT     = "pert"
	ShapeTriangle = "triangle"
	ShapeUniform  = "uniform"
)

// Spread returns a model that gives every task with work to do — not a
// summary, a milestone or a finished task — one relative uncertainty on
// its planned duration, for a first answer from a schedule nobody has
// estimated ranges for yet: from (1+low) to (1+high) times the planned
// duration, the planned duration the most likely (low −0.1 and high 0.3
// for −10 % and +30 %), shaped as shape (ShapePERT, ShapeTriangle, or
// ShapeUniform, which has no most likely). Its Unit is one minute, each
// task's own: working minutes, or elapsed ones for an elapsed task. It
// fails on a project that does not schedule, and, wrapping ErrBadModel,
// on another shape or on low outside −1 to 0 or high below 0.
func Spread(p *schedule.Project, shape string, low, high float64) (*Model, error) {
	var dist func(lo, mode, hi float64) (Distribution, error)
	switch shape {
	case ShapePERT:
		dist = PERT
	case ShapeTriangle:
		dist = Triangle
	case ShapeUniform:
		dist = func(lo, _, hi float64) (Distribution, error) { return Uniform(lo, hi) }
	default:
		return nil, fmt.Errorf("risk: shape %q: want %s, %s or %s: %w", shape, ShapePERT, ShapeTriangle, ShapeUniform, ErrBadModel)
	}
	switch {
	case !finite(low) || low < -1 || low > 0:
		return nil, fmt.Errorf("risk: low %v: want −1 to 0 (a share of the planned duration): %w", low, ErrBadModel)
	case !finite(high) || high < 0:
		return nil, fmt.Errorf("risk: high %v: want 0 or more (a share of the planned duration): %w", high, ErrBadModel)
	}
	r, err := schedule.Run(p)
	if err != nil {
		return nil, err
	}
	m := &Model{Unit: schedule.Minutes(1)}
	for i := range p.Tasks {
		t := r.Task(i)
		d := float64(r.Duration(i))
		if t.Summary || d == 0 || t.PercentComplete == 100 {
			continue
		}
		u, err := dist(d*(1+low), d, d*(1+high))
		if err != nil {
			return nil, fmt.Errorf("risk: task %q: %w", t.ID, err)
		}
		m.Durations = append(m.Durations, Uncertainty{Task: t.ID, Dist: u})
	}
	return m, nil
}

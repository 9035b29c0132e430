package risk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/critpath/critpath/schedule"
)

// File is a risk document: a model and the project it is for, given inline
// or as a path (read by the caller, relative to the document).
//
//	{"project": "tower.json", "unit": "1d",
//	 "durations": [{"task": "piling", "pert": [18, 20, 30]},
//	               {"task": "raft", "trigen": [8, 10, 15], "percentiles": [10, 90]}],
//	 "risks": [{"id": "R1", "name": "monsoon flooding", "probability": 0.3,
//	            "impact": {"triangle": [3, 5, 10]}, "tasks": ["piling"],
//	            "mitigated": {"probability": 0.1}}],
//	 "correlations": [{"a": "piling", "b": "raft", "rank": 0.5}]}
//
// A distribution is an object with one of: "fixed": v, "triangle": [min,
// most likely, max], "pert": [min, most likely, max] (with "shape", default
// 4), "trigen": [low, most likely, high] with "percentiles": [low %, high
// %], "uniform": [min, max], "normal": [mean, sd], "lognormal": [mean,
// sd], "discrete": [[value, weight], …]. An uncertainty carries the same
// keys beside "task".
type File struct {
	Model       *Model
	Project     *schedule.Project // nil when ProjectPath names it
	ProjectPath string
}

type fileJSON struct {
	Project      json.RawMessage    `json:"project"`
	Unit         *schedule.Duration `json:"unit,omitempty"`
	Durations    []uncertaintyJSON  `json:"durations"`
	Risks        []eventJSON        `json:"risks"`
	Correlations []correlationJSON  `json:"correlations"`
}

type distJSON struct {
	Fixed       *float64     `json:"fixed,omitempty"`
	Triangle    []float64    `json:"triangle,omitempty"`
	PERT        []float64    `json:"pert,omitempty"`
	Shape       *float64     `json:"shape,omitempty"`
	Trigen      []float64    `json:"trigen,omitempty"`
	Percentiles []float64    `json:"percentiles,omitempty"`
	Uniform     []float64    `json:"uniform,omitempty"`
	Normal      []float64    `json:"normal,omitempty"`
	LogNormal   []float64    `json:"lognormal,omitempty"`
	Discrete    [][2]float64 `json:"discrete,omitempty"`
}

type uncertaintyJSON struct {
	Task string `json:"task"`
	distJSON
}

type eventJSON struct {
	ID          string    `json:"id,omitempty"`
	Name        string    `json:"name,omitempty"`
	Probability float64   `json:"probability"`
	Impact      *distJSON `json:"impact"`
	Factor      bool      `json:"factor,omitempty"`
	Tasks       []string  `json:"tasks"`
	Mitigated   *struct {
		Probability *float64  `json:"probability,omitempty"`
		Impact      *distJSON `json:"impact,omitempty"`
	} `json:"mitigated,omitempty"`
}

type correlationJSON struct {
	A    string  `json:"a"`
	B    string  `json:"b"`
	Rank float64 `json:"rank"`
}

// maxFileBytes bounds a risk document.
const maxFileBytes = 64 << 20

// ReadFile reads a risk document. Errors name the entry and field at
// fault ("durations[2].pert: …"); unknown fields are errors.
func ReadFile(r io.Reader) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("risk: %w", err)
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("risk: the document is over %d bytes", maxFileBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc fileJSON
	if err := dec.Decode(&doc); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("risk: line %d: %w", lineOf(data, se.Offset), err)
		}
		return nil, fmt.Errorf("risk: %w", err)
	}
	f := &File{Model: &Model{}}
	switch p := bytes.TrimSpace(doc.Project); {
	case len(p) == 0 || bytes.Equal(p, []byte("null")):
		return nil, fmt.Errorf("risk: project: missing (a path or the project itself): %w", ErrBadModel)
	case p[0] == '"':
		if err := json.Unmarshal(p, &f.ProjectPath); err != nil || f.ProjectPath == "" {
			return nil, fmt.Errorf("risk: project: want a path or the project itself: %w", ErrBadModel)
		}
	default:
		proj, err := schedule.ReadJSON(bytes.NewReader(p))
		if err != nil {
			return nil, fmt.Errorf("risk: project: %w", err)
		}
		f.Project = proj
	}
	m := f.Model
	if doc.Unit != nil {
		m.Unit = *doc.Unit
	}
	for k, u := range doc.Durations {
		d, err := u.distJSON.dist()
		if err != nil {
			return nil, fmt.Errorf("risk: durations[%d] (%s): %w", k, u.Task, err)
		}
		m.Durations = append(m.Durations, Uncertainty{Task: u.Task, Dist: d})
	}
	for k, e := range doc.Risks {
		ev := Event{ID: e.ID, Name: e.Name, Probability: e.Probability, Factor: e.Factor, Tasks: e.Tasks}
		if e.Impact == nil {
			return nil, fmt.Errorf("risk: risks[%d].impact: missing: %w", k, ErrBadModel)
		}
		if ev.Impact, err = e.Impact.dist(); err != nil {
			return nil, fmt.Errorf("risk: risks[%d].impact: %w", k, err)
		}
		if e.Mitigated != nil {
			ev.Mitigated = &Mitigation{Probability: e.Mitigated.Probability}
			if e.Mitigated.Impact != nil {
				if ev.Mitigated.Impact, err = e.Mitigated.Impact.dist(); err != nil {
					return nil, fmt.Errorf("risk: risks[%d].mitigated.impact: %w", k, err)
				}
			}
		}
		m.Risks = append(m.Risks, ev)
	}
	for _, c := range doc.Correlations {
		m.Correlations = append(m.Correlations, Correlation(c))
	}
	return f, nil
}

func lineOf(data []byte, offset int64) int {
	return 1 + bytes.Count(data[:min(int(offset), len(data))], []byte("\n"))
}

// dist builds the one distribution d names.
func (d *distJSON) dist() (Distribution, error) {
	var out []Distribution
	var errs []error
	add := func(key string, v []float64, want int, make func() (Distribution, error)) {
		if v == nil {
			return
		}
		if len(v) != want {
			errs = append(errs, fmt.Errorf("%s: %d values, want %d: %w", key, len(v), want, ErrBadDistribution))
			out = append(out, nil)
			return
		}
		dist, err := make()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
		}
		out = append(out, dist)
	}
	if d.Fixed != nil {
		if !finite(*d.Fixed) {
			errs = append(errs, fmt.Errorf("fixed: %v: %w", *d.Fixed, ErrBadDistribution))
		}
		out = append(out, Fixed(*d.Fixed))
	}
	add("triangle", d.Triangle, 3, func() (Distribution, error) { return Triangle(d.Triangle[0], d.Triangle[1], d.Triangle[2]) })
	add("pert", d.PERT, 3, func() (Distribution, error) {
		shape := 4.0
		if d.Shape != nil {
			shape = *d.Shape
		}
		return PERTShape(d.PERT[0], d.PERT[1], d.PERT[2], shape)
	})
	add("trigen", d.Trigen, 3, func() (Distribution, error) {
		if len(d.Percentiles) != 2 {
			return nil, fmt.Errorf("percentiles: want [low %%, high %%]: %w", ErrBadDistribution)
		}
		return Trigen(d.Trigen[0], d.Trigen[1], d.Trigen[2], d.Percentiles[0]/100, d.Percentiles[1]/100)
	})
	add("uniform", d.Uniform, 2, func() (Distribution, error) { return Uniform(d.Uniform[0], d.Uniform[1]) })
	add("normal", d.Normal, 2, func() (Distribution, error) { return Normal(d.Normal[0], d.Normal[1]) })
	add("lognormal", d.LogNormal, 2, func() (Distribution, error) { return LogNormal(d.LogNormal[0], d.LogNormal[1]) })
	if d.Discrete != nil {
		var vs, ws []float64
		for _, p := range d.Discrete {
			vs, ws = append(vs, p[0]), append(ws, p[1])
		}
		dist, err := Discrete(vs, ws)
		if err != nil {
			errs = append(errs, fmt.Errorf("discrete: %w", err))
		}
		out = append(out, dist)
	}
	switch {
	case len(errs) > 0:
		return nil, errs[0]
	case len(out) == 0:
		return nil, fmt.Errorf("no distribution (fixed, triangle, pert, trigen, uniform, normal, lognormal or discrete): %w", ErrBadDistribution)
	case len(out) > 1:
		return nil, fmt.Errorf("%d distributions given, want one: %w", len(out), ErrBadDistribution)
	case d.Shape != nil && d.PERT == nil, d.Percentiles != nil && d.Trigen == nil:
		return nil, fmt.Errorf("shape belongs to pert and percentiles to trigen: %w", ErrBadDistribution)
	}
	return out[0], nil
}

// The JSON an Analysis is written as.
type analysisJSON struct {
	Iterations  int               `json:"iterations"`
	Score       float64           `json:"score"`
	Project     finishJSON        `json:"project"`
	Milestones  []finishJSON      `json:"milestones"`
	Contingency []contingencyJSON `json:"contingency"`
	HighRisk    []string          `json:"high_risk,omitempty"`
	Tasks       []taskJSON        `json:"tasks,omitempty"`
	Repair      *Repair           `json:"repair,omitempty"`
}

type finishJSON struct {
	Task              string         `json:"task,omitempty"`
	Deterministic     float64        `json:"deterministic_days"`
	DeterministicDate time.Time      `json:"deterministic_date"`
	Mean              float64        `json:"mean_days"`
	StdDev            float64        `json:"sd_days"`
	Percentiles       []estimateJSON `json:"percentiles"`
	Histogram         []binJSON      `json:"histogram"`
}

type estimateJSON struct {
	P    float64   `json:"p"`
	Days float64   `json:"days"`
	Low  float64   `json:"low"`
	High float64   `json:"high"`
	Date time.Time `json:"date"`
}

type binJSON struct {
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Count int     `json:"count"`
}

type contingencyJSON struct {
	Task       string    `json:"task,omitempty"`
	Percentile float64   `json:"percentile"`
	Date       time.Time `json:"date"`
	Days       float64   `json:"days"`
	Drivers    []Driver  `json:"drivers,omitempty"`
}

type taskJSON struct {
	Task         string   `json:"task"`
	Criticality  float64  `json:"criticality"`
	Sensitivity  float64  `json:"sensitivity"`
	Cruciality   float64  `json:"cruciality"`
	SSI          float64  `json:"ssi"`
	Score        float64  `json:"score"`
	MeanDuration float64  `json:"mean_days"`
	StdDev       float64  `json:"sd_days"`
	MergeBias    *float64 `json:"merge_bias_days,omitempty"`
}

// jsonPercentiles are the percentiles an Analysis's JSON lists for each
// finish (MarshalJSON's doc names them).
var jsonPercentiles = [...]float64{5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95}

// MarshalJSON writes the analysis: each finish with its percentiles 5,
// 10, 20, …, 90 and 95 (and their 95 % intervals) and a 20-bin histogram, the contingency plan, the
// high-risk tasks' IDs and the task statistics. Numbers are rounded to
// six significant digits so the text is stable.
func (a *Analysis) MarshalJSON() ([]byte, error) {
	out := analysisJSON{Iterations: a.Iterations, Score: round6(a.Score), Project: finishOf(a.Project), Milestones: []finishJSON{}, Repair: a.Repair}
	for _, f := range a.Milestones {
		out.Milestones = append(out.Milestones, finishOf(f))
	}
	for _, c := range a.Contingency {
		cj := contingencyJSON{Task: c.Task, Percentile: c.Percentile, Date: c.Date, Days: round6(c.Days)}
		for _, d := range c.Drivers {
			cj.Drivers = append(cj.Drivers, Driver{d.Task, round6(d.Sensitivity)})
		}
		out.Contingency = append(out.Contingency, cj)
	}
	for _, t := range a.HighRisk {
		out.HighRisk = append(out.HighRisk, t.Task)
	}
	for _, t := range a.Tasks {
		tj := taskJSON{Task: t.Task, Criticality: round6(t.Criticality), Sensitivity: round6(t.Sensitivity), Cruciality: round6(t.Cruciality),
			SSI: round6(t.SSI), Score: round6(t.Score), MeanDuration: round6(t.MeanDuration), StdDev: round6(t.StdDev)}
		if t.Merge {
			tj.MergeBias = new(round6(t.MergeBias))
		}
		out.Tasks = append(out.Tasks, tj)
	}
	return json.Marshal(out)
}

func finishOf(f *Finish) finishJSON {
	out := finishJSON{Task: f.Task, Deterministic: round6(f.Deterministic), DeterministicDate: f.DeterministicDate, Mean: round6(f.Mean), StdDev: round6(f.StdDev)}
	for _, p := range jsonPercentiles {
		e := f.Percentile(p)
		out.Percentiles = append(out.Percentiles, estimateJSON{p, round6(e.Days), round6(e.Low), round6(e.High), e.Date})
	}
	for _, b := range f.Histogram(20) {
		out.Histogram = append(out.Histogram, binJSON{round6(b.From), round6(b.To), b.Count})
	}
	return out
}

// round6 rounds x to six significant digits.
func round6(x float64) float64 {
	if x == 0 || !finite(x) {
		return x
	}
	scale := math.Pow(10, 5-math.Floor(math.Log10(math.Abs(x))))
	return math.Round(x*scale) / scale
}

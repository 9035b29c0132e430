package schedule

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"
)

// The wire form of a Result's JSON encoding (see the package doc).

type resultProjectJSON struct {
	Name            string `json:"name,omitempty"`
	Start           string `json:"start"`
	Finish          string `json:"finish"`
	PercentComplete struct {
		Duration float64 `json:"duration"`
		Work     float64 `json:"work"`
		Cost     float64 `json:"cost"`
	} `json:"percent_complete"`
}

type taskResultJSON struct {
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	Start       string        `json:"start"`
	Finish      string        `json:"finish"`
	EarlyStart  string        `json:"early_start"`
	EarlyFinish string        `json:"early_finish"`
	LateStart   string        `json:"late_start"`
	LateFinish  string        `json:"late_finish"`
	TotalFloat  int64         `json:"total_float"`
	FreeFloat   int64         `json:"free_float"`
	Critical    bool          `json:"critical"`
	LongestPath bool          `json:"longest_path"`
	Summary     bool          `json:"summary,omitempty"`
	Milestone   bool          `json:"milestone,omitempty"`
	Percent     float64       `json:"percent_complete"`
	Work        float64       `json:"work_hours,omitempty"`
	Cost        float64       `json:"cost,omitempty"`
	Segments    []segmentJSON `json:"segments,omitempty"`
}

type segmentJSON struct {
	Start  string `json:"start"`
	Finish string `json:"finish"`
	Done   bool   `json:"done,omitempty"`
}

// EncodeJSON writes the Result in its JSON encoding to w, indented, a task
// at a time: the document is never held whole, nor (unless Tasks or Task
// have filled it) a TaskResult per task. A value JSON cannot write (a
// cost that is not finite) is an error naming the task.
func (r *Result) EncodeJSON(w io.Writer) error {
	out := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// value writes v indented as the element of a document nested two
	// levels deep, without the encoder's newline.
	value := func(v any) error {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		out.Write(bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}))
		return nil
	}
	date := func(t time.Time) string { return t.Format(time.RFC3339) }

	var pj resultProjectJSON
	pj.Name, pj.Start, pj.Finish = r.net.name, date(r.Start()), date(r.Finish())
	pp := r.ProjectProgress()
	pc := &pj.PercentComplete
	pc.Duration, pc.Work, pc.Cost = round2(pp.ByDuration), round2(pp.ByWork), round2(pp.ByCost)
	out.WriteString("{\n  \"project\": ")
	enc.SetIndent("  ", "  ")
	if err := value(&pj); err != nil {
		return fmt.Errorf("schedule: writing json: the project's progress: %w", err)
	}
	out.WriteString(",\n  \"tasks\": [")
	enc.SetIndent("    ", "  ")
	onPath := r.onLongestPath()
	var tj taskResultJSON
	n := 0
	for i, t := range r.eachTask {
		n++
		tj = taskResultJSON{
			ID: t.ID, Name: t.Name, Start: date(t.Start), Finish: date(t.Finish),
			EarlyStart: date(t.EarlyStart), EarlyFinish: date(t.EarlyFinish),
			LateStart: date(t.LateStart), LateFinish: date(t.LateFinish),
			TotalFloat: t.TotalFloat, FreeFloat: t.FreeFloat,
			Critical: t.Critical, LongestPath: onPath[i],
			Summary: t.Summary, Milestone: t.Milestone, Percent: round2(t.PercentComplete),
			Work: round2(float64(t.Work) / 60), Cost: round2(t.Cost), Segments: tj.Segments[:0],
		}
		if !t.Summary && r.segmented(i) {
			for _, s := range r.Segments(i) {
				tj.Segments = append(tj.Segments, segmentJSON{date(s.Start), date(s.Finish), s.Done})
			}
		}
		if i > 0 {
			out.WriteByte(',')
		}
		out.WriteString("\n    ")
		if err := value(&tj); err != nil {
			return fmt.Errorf("schedule: writing json: task %q: %w", t.ID, err)
		}
	}
	if n > 0 {
		out.WriteString("\n  ")
	}
	out.WriteString("]\n}\n")
	return out.Flush()
}

// MarshalJSON implements json.Marshaler with the encoding EncodeJSON
// writes. It holds the whole document: for a large project, EncodeJSON
// writes the same to a stream.
func (r *Result) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := r.EncodeJSON(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// round2 rounds x to hundredths; a number too large to have any keeps its
// value (x*100 would overflow).
func round2(x float64) float64 {
	if math.Abs(x) >= 1<<53 {
		return x
	}
	return math.Round(x*100) / 100
}

package schedule

import (
	"encoding/json"
	"math"
	"time"
)

// The JSON encoding of a Result, as `critpath schedule --json` prints it:
//
//	{"project": {"name": "…", "start": "…", "finish": "…"},
//	 "tasks": [{"id": "A", "name": "…", "start": "…", "finish": "…",
//	            "early_start": "…", "early_finish": "…",
//	            "late_start": "…", "late_finish": "…", "total_float": 0,
//	            "free_float": 0, "critical": true, "longest_path": true,
//	            "summary": false, "milestone": false, "percent_complete": 40,
//	            "work_hours": 80, "cost": 28000,
//	            "segments": [{"start": "…", "finish": "…", "done": true}, …]}]}
//
// The project's "percent_complete" is {"duration": …, "work": …, "cost": …},
// rounded to hundredths.
//
// Tasks come in the project's order; "start" and "finish" are the dates a
// task is scheduled on (its late dates when placed as late as possible);
// dates are RFC 3339 in the project's zone; floats are working minutes on
// the task's calendar. "segments" (Result.Segments) is there only for a
// task whose work is cut in pieces: split, or in progress.

type resultJSON struct {
	Project struct {
		Name            string `json:"name,omitempty"`
		Start           string `json:"start"`
		Finish          string `json:"finish"`
		PercentComplete struct {
			Duration float64 `json:"duration"`
			Work     float64 `json:"work"`
			Cost     float64 `json:"cost"`
		} `json:"percent_complete"`
	} `json:"project"`
	Tasks []taskResultJSON `json:"tasks"`
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

// MarshalJSON implements json.Marshaler with the encoding above.
func (r *Result) MarshalJSON() ([]byte, error) {
	var w resultJSON
	f := func(t time.Time) string { return t.Format(time.RFC3339) }
	w.Project.Name = r.net.name
	w.Project.Start, w.Project.Finish = f(r.Start()), f(r.Finish())
	pp := r.ProjectProgress()
	w.Project.PercentComplete.Duration, w.Project.PercentComplete.Work, w.Project.PercentComplete.Cost = round2(pp.ByDuration), round2(pp.ByWork), round2(pp.ByCost)
	onPath := r.onLongestPath()
	w.Tasks = make([]taskResultJSON, 0, len(r.net.tasks))
	for i, t := range r.Tasks() {
		var segs []segmentJSON
		if !t.Summary && r.segmented(i) {
			for _, s := range r.Segments(i) {
				segs = append(segs, segmentJSON{f(s.Start), f(s.Finish), s.Done})
			}
		}
		w.Tasks = append(w.Tasks, taskResultJSON{
			ID: t.ID, Name: t.Name, Start: f(t.Start), Finish: f(t.Finish),
			EarlyStart: f(t.EarlyStart), EarlyFinish: f(t.EarlyFinish),
			LateStart: f(t.LateStart), LateFinish: f(t.LateFinish),
			TotalFloat: t.TotalFloat, FreeFloat: t.FreeFloat,
			Critical: t.Critical, LongestPath: onPath[i],
			Summary: t.Summary, Milestone: t.Milestone, Percent: round2(t.PercentComplete),
			Work: round2(float64(t.Work) / 60), Cost: round2(t.Cost), Segments: segs,
		})
	}
	return json.Marshal(w)
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

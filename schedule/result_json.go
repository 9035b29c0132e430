package schedule

import (
	"encoding/json"
	"time"
)

// The JSON encoding of a Result, as `critpath schedule --json` prints it:
//
//	{"project": {"name": "…", "start": "…", "finish": "…"},
//	 "tasks": [{"id": "A", "name": "…", "start": "…", "finish": "…",
//	            "early_start": "…", "early_finish": "…",
//	            "late_start": "…", "late_finish": "…", "total_float": 0,
//	            "free_float": 0, "critical": true, "longest_path": true,
//	            "summary": false, "milestone": false}]}
//
// Tasks come in the project's order; "start" and "finish" are the dates a
// task is scheduled on (its late dates when placed as late as possible);
// dates are RFC 3339 in the project's zone; floats are working minutes on
// the task's calendar.

type resultJSON struct {
	Project struct {
		Name   string `json:"name,omitempty"`
		Start  string `json:"start"`
		Finish string `json:"finish"`
	} `json:"project"`
	Tasks []taskResultJSON `json:"tasks"`
}

type taskResultJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Start       string `json:"start"`
	Finish      string `json:"finish"`
	EarlyStart  string `json:"early_start"`
	EarlyFinish string `json:"early_finish"`
	LateStart   string `json:"late_start"`
	LateFinish  string `json:"late_finish"`
	TotalFloat  int64  `json:"total_float"`
	FreeFloat   int64  `json:"free_float"`
	Critical    bool   `json:"critical"`
	LongestPath bool   `json:"longest_path"`
	Summary     bool   `json:"summary,omitempty"`
	Milestone   bool   `json:"milestone,omitempty"`
}

// MarshalJSON implements json.Marshaler with the encoding above.
func (r *Result) MarshalJSON() ([]byte, error) {
	var w resultJSON
	f := func(t time.Time) string { return t.Format(time.RFC3339) }
	w.Project.Name = r.net.name
	w.Project.Start, w.Project.Finish = f(r.Start()), f(r.Finish())
	onPath := r.onLongestPath()
	w.Tasks = make([]taskResultJSON, 0, len(r.net.tasks))
	for i, t := range r.Tasks() {
		w.Tasks = append(w.Tasks, taskResultJSON{
			ID: t.ID, Name: t.Name, Start: f(t.Start), Finish: f(t.Finish),
			EarlyStart: f(t.EarlyStart), EarlyFinish: f(t.EarlyFinish),
			LateStart: f(t.LateStart), LateFinish: f(t.LateFinish),
			TotalFloat: t.TotalFloat, FreeFloat: t.FreeFloat,
			Critical: t.Critical, LongestPath: onPath[i],
			Summary: t.Summary, Milestone: t.Milestone,
		})
	}
	return json.Marshal(w)
}

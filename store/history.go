package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// FieldChange is one change of a task's field in the log.
type FieldChange struct {
	Seq   int64           `json:"seq"`
	Time  time.Time       `json:"time"`
	Actor string          `json:"actor"`
	Value json.RawMessage `json:"value"`
}

// History reads a project's log and returns every change of a task's
// field, oldest first: who set it, when, to what — for audit. It reads the
// whole log; an event it cannot decode is an error naming it.
func (s *Store) History(ctx context.Context, project, task, field string) ([]FieldChange, error) {
	var out []FieldChange
	err := s.eachEvent(ctx, project, 0, func(ev Event) error {
		if ev.Kind != KindChange {
			return nil
		}
		var body eventBody
		if err := json.Unmarshal(ev.Body, &body); err != nil {
			return fmt.Errorf("store: project %q: event %d: %w", project, ev.Seq, err)
		}
		for _, op := range body.Ops {
			if op.Op == OpSet && op.Task == task && op.Field == field {
				out = append(out, FieldChange{Seq: ev.Seq, Time: ev.Time, Actor: ev.Actor, Value: op.Value})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

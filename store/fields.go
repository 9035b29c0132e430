package store

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

// A field's class decides what a stale write of it does.
type class uint8

const (
	// descriptive fields (name, notes, custom fields): the last writer
	// wins, in the store's order, and is told what it overwrote.
	descriptive class = iota
	// scheduling fields (duration, constraint, calendar, work, progress
	// …): a stale write is refused as a conflict.
	scheduling
)

// fieldOn is one settable field of an O (a task, a resource): its class,
// how to read it and how to set it from JSON.
type fieldOn[O any] struct {
	class class
	get   func(o *O) any
	set   func(o *O, raw json.RawMessage) error
}

type (
	field         = fieldOn[schedule.Task]
	resourceField = fieldOn[schedule.Resource]
)

// derived are the values the scheduler computes.
var derived = []string{
	"start", "finish", "early_start", "early_finish", "late_start", "late_finish",
	"total_float", "free_float", "critical", "milestone", "summary", "cost", "id",
}

// fieldOf returns the field of that name: one of fields, or "fields.NAME"
// for a custom field.
func fieldOf(name string) (field, error) {
	if f, ok := fields[name]; ok {
		return f, nil
	}
	if custom, ok := strings.CutPrefix(name, "fields."); ok && custom != "" {
		return customField(custom), nil
	}
	if slices.Contains(derived, name) {
		return field{}, ErrDerived
	}
	return field{}, ErrUnknownField
}

// Fields lists the task fields an op may set, by class.
func Fields() (descriptiveFields, schedulingFields []string) {
	d, sch := byClass(fields)
	return append(d, "fields.NAME"), sch
}

// byClass lists the names of a field table, by class, sorted.
func byClass[O any](table map[string]fieldOn[O]) (descriptiveFields, schedulingFields []string) {
	for name, f := range table {
		if f.class == descriptive {
			descriptiveFields = append(descriptiveFields, name)
		} else {
			schedulingFields = append(schedulingFields, name)
		}
	}
	slices.Sort(descriptiveFields)
	slices.Sort(schedulingFields)
	return descriptiveFields, schedulingFields
}

var fields = map[string]field{
	"name":  text(descriptive, func(t *schedule.Task) *string { return &t.Name }),
	"notes": text(descriptive, func(t *schedule.Task) *string { return &t.Notes }),
	"wbs":   customField("WBS"),
	"color": customField("Color"),

	"calendar":   text(scheduling, func(t *schedule.Task) *string { return &t.Calendar }),
	"duration":   duration(func(t *schedule.Task) *schedule.Duration { return &t.Duration }),
	"work":       duration(func(t *schedule.Task) *schedule.Duration { return &t.Work }),
	"constraint": value(scheduling, func(t *schedule.Task) *schedule.Constraint { return &t.Constraint }, checkConstraint),
	"percent_complete": value(scheduling, func(t *schedule.Task) *float64 { return &t.PercentComplete }, func(v float64) error {
		return check(v >= 0 && v <= 100, "%v is not a percentage (0–100)", v)
	}),
	"actual_start":  date(func(t *schedule.Task) *time.Time { return &t.ActualStart }),
	"actual_finish": date(func(t *schedule.Task) *time.Time { return &t.ActualFinish }),
	"deadline":      date(func(t *schedule.Task) *time.Time { return &t.Deadline }),
	"manual_start":  date(func(t *schedule.Task) *time.Time { return &t.Start }),
	"remaining": {scheduling,
		func(t *schedule.Task) any { return t.Remaining },
		func(t *schedule.Task, raw json.RawMessage) error {
			var d *schedule.Duration
			if err := decode(raw, &d); err != nil {
				return err
			}
			if d != nil {
				if err := checkDuration(*d); err != nil {
					return err
				}
			}
			t.Remaining = d
			return nil
		}},
	"splits": value(scheduling, func(t *schedule.Task) *[]schedule.Split { return &t.Splits }, func(s []schedule.Split) error {
		for _, sp := range s {
			if err := checkDuration(sp.At); err != nil {
				return err
			}
			if err := checkDuration(sp.Gap); err != nil {
				return err
			}
		}
		return nil
	}),
	"priority": value(scheduling, func(t *schedule.Task) *int { return &t.Priority }, func(v int) error {
		return check(v >= schedule.LowestPriority && v <= 1000, "priority %d is not within 0–1000", v)
	}),
	"manual":        value(scheduling, func(t *schedule.Task) *bool { return &t.Manual }, nil),
	"effort_driven": value(scheduling, func(t *schedule.Task) *bool { return &t.EffortDriven }, nil),
	"type":          value(scheduling, func(t *schedule.Task) *schedule.TaskType { return &t.Type }, nil),
	"fixed_cost": value(scheduling, func(t *schedule.Task) *float64 { return &t.FixedCost }, func(v float64) error {
		return check(v >= 0, "a cost of %v", v)
	}),
}

// value is a field of class c and type T at the place p gives, checked by
// ok (when not nil) before it is set.
func value[O, T any](c class, p func(*O) *T, ok func(T) error) fieldOn[O] {
	return fieldOn[O]{c,
		func(o *O) any { return *p(o) },
		func(o *O, raw json.RawMessage) error {
			var v T
			if err := decode(raw, &v); err != nil {
				return err
			}
			if ok != nil {
				if err := ok(v); err != nil {
					return err
				}
			}
			*p(o) = v
			return nil
		}}
}

func text(c class, p func(*schedule.Task) *string) field {
	return value(c, p, func(s string) error { return check(len(s) <= 1<<16, "a text of %d bytes (at most 65,536)", len(s)) })
}

// customField is a custom field (Task.Fields) of that name; an empty
// value removes it.
func customField(name string) field {
	return field{descriptive,
		func(t *schedule.Task) any { return t.Fields[name] },
		func(t *schedule.Task, raw json.RawMessage) error {
			var s string
			if err := decode(raw, &s); err != nil {
				return err
			}
			if err := check(len(s) <= 1<<16, "a text of %d bytes (at most 65,536)", len(s)); err != nil {
				return err
			}
			if t.Fields == nil {
				t.Fields = map[string]string{}
			}
			if s == "" {
				delete(t.Fields, name)
			} else {
				t.Fields[name] = s
			}
			return nil
		}}
}

func duration(p func(*schedule.Task) *schedule.Duration) field {
	return value(scheduling, p, checkDuration)
}

func date(p func(*schedule.Task) *time.Time) field {
	return value(scheduling, p, func(d time.Time) error {
		return check(d.IsZero() || d.Year() >= 1900 && d.Year() <= 2200, "the date %v is out of range (1900–2200)", d)
	})
}

func checkDuration(d schedule.Duration) error {
	if math.IsNaN(d.Amount) || math.IsInf(d.Amount, 0) {
		return fmt.Errorf("%v: %w", d.Amount, ErrBadValue)
	}
	if d.Amount < 0 {
		return fmt.Errorf("a negative duration, %v: %w", d, ErrBadValue)
	}
	return check(d.Unit != schedule.Percent, "%v: a percentage is not a duration", d)
}

func checkConstraint(c schedule.Constraint) error {
	return check(c.Date.IsZero() || c.Date.Year() >= 1900 && c.Date.Year() <= 2200, "the constraint date %v is out of range (1900–2200)", c.Date)
}

func check(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, ErrBadValue)...)
}

// decode reads a value strictly: a missing value, a value of another
// type or trailing data is ErrBadValue.
func decode(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return fmt.Errorf("no value: %w", ErrBadValue)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%v: %w", err, ErrBadValue)
	}
	if dec.More() {
		return fmt.Errorf("more than one value: %w", ErrBadValue)
	}
	return nil
}

func nonNegative(v float64) error {
	return check(!math.IsNaN(v) && !math.IsInf(v, 0) && v >= 0, "%v is not a finite amount of zero or more", v)
}

var resourceFields = map[string]resourceField{
	"name":          value(descriptive, func(r *schedule.Resource) *string { return &r.Name }, nil),
	"group":         value(descriptive, func(r *schedule.Resource) *string { return &r.Group }, nil),
	"calendar":      value(scheduling, func(r *schedule.Resource) *string { return &r.Calendar }, nil),
	"max_units":     value(scheduling, func(r *schedule.Resource) *float64 { return &r.MaxUnits }, nonNegative),
	"standard_rate": value(scheduling, func(r *schedule.Resource) *float64 { return &r.StandardRate }, nonNegative),
	"overtime_rate": value(scheduling, func(r *schedule.Resource) *float64 { return &r.OvertimeRate }, nonNegative),
	"cost_per_use":  value(scheduling, func(r *schedule.Resource) *float64 { return &r.CostPerUse }, nonNegative),
}

// ResourceFields lists the resource fields an op may set, by class.
func ResourceFields() (descriptiveFields, schedulingFields []string) {
	return byClass(resourceFields)
}

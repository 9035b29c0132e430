package mspdi

import (
	"encoding/xml"

	"github.com/critpath/critpath/interchange/internal/xmlstream"
)

// Read walks the document token by token and decodes one list item (a
// task, a resource…) at a time, so that the XML of all tasks never exists
// at once. Tasks, resources and assignments are read field by field, by
// name, without reflection: they are most of a file. Every list, and
// every list within an item, is bounded before it grows.

// limits are the bounds Read keeps to (tests make them small).
type limits struct {
	items    int // the elements of one list: the tasks of Tasks, the links of a task, the elements of a calendar
	warnings int // the warnings listed; the rest are counted
	laidOut  int // the days all the calendars' exceptions lay out over
}

// defaults are Read's limits: a file of more tasks than a million is not
// a schedule anyone wrote.
var defaults = limits{items: 1 << 20, warnings: 100_000, laidOut: 5_000_000}

// decoder reads the elements of a document, bounded.
type decoder struct{ *xmlstream.Decoder }

// task reads a Task element whose start was just read.
func (d *decoder) task(t *taskXML) error {
	return d.Fields(t.Field, func(start xml.StartElement) (bool, error) {
		var err error
		switch start.Name.Local {
		case "PredecessorLink":
			t.PredecessorLink, err = xmlstream.Append(d.Decoder, t.PredecessorLink, "PredecessorLink")
		case "ExtendedAttribute":
			t.ExtendedAttribute, err = xmlstream.Append(d.Decoder, t.ExtendedAttribute, "ExtendedAttribute")
		case "Baseline":
			t.Baseline, err = xmlstream.Append(d.Decoder, t.Baseline, "Baseline")
		default:
			return false, nil
		}
		return true, err
	})
}

// resource reads a Resource element whose start was just read.
func (d *decoder) resource(r *resourceXML) error {
	return d.Fields(r.Field, func(start xml.StartElement) (bool, error) {
		if start.Name.Local != "ExtendedAttribute" {
			return false, nil
		}
		var err error
		r.ExtendedAttribute, err = xmlstream.Append(d.Decoder, r.ExtendedAttribute, "ExtendedAttribute")
		return true, err
	})
}

// assignment reads an Assignment element whose start was just read.
func (d *decoder) assignment(a *assignmentXML) error {
	return d.Fields(a.Field, func(start xml.StartElement) (bool, error) {
		if start.Name.Local != "TimephasedData" {
			return false, nil
		}
		var err error
		a.Timephased, err = xmlstream.Append(d.Decoder, a.Timephased, "TimephasedData")
		return true, err
	})
}

// calendar reads a Calendar element whose start was just read, by
// reflection (calendars are few, and nest deeper), refusing one of more
// elements than the bound.
func (d *decoder) calendar(c *calendarXML, start xml.StartElement) error { return d.Decode(c, start) }

// The fields of each element read by name: Field returns the string an
// element of that name goes to, nil for one not read. TestFieldNames
// checks them against the struct tags the writer writes by.

func (p *projectXML) Field(name string) *string {
	switch name {
	case "SaveVersion":
		return &p.SaveVersion
	case "Name":
		return &p.Name
	case "Title":
		return &p.Title
	case "ScheduleFromStart":
		return &p.ScheduleFromStart
	case "StartDate":
		return &p.StartDate
	case "FinishDate":
		return &p.FinishDate
	case "CurrencyCode":
		return &p.CurrencyCode
	case "CalendarUID":
		return &p.CalendarUID
	case "MinutesPerDay":
		return &p.MinutesPerDay
	case "MinutesPerWeek":
		return &p.MinutesPerWeek
	case "DaysPerMonth":
		return &p.DaysPerMonth
	case "DurationFormat":
		return &p.DurationFormat
	case "HonorConstraints":
		return &p.HonorConstraints
	case "MultipleCriticalPaths":
		return &p.MultipleCritical
	case "StatusDate":
		return &p.StatusDate
	}
	return nil
}

func (t *taskXML) Field(name string) *string {
	switch name {
	case "UID":
		return &t.UID
	case "ID":
		return &t.ID
	case "Name":
		return &t.Name
	case "Type":
		return &t.Type
	case "IsNull":
		return &t.IsNull
	case "OutlineLevel":
		return &t.OutlineLevel
	case "Priority":
		return &t.Priority
	case "Start":
		return &t.Start
	case "Finish":
		return &t.Finish
	case "Duration":
		return &t.Duration
	case "DurationFormat":
		return &t.DurationFormat
	case "Work":
		return &t.Work
	case "EffortDriven":
		return &t.EffortDriven
	case "Milestone":
		return &t.Milestone
	case "Summary":
		return &t.Summary
	case "EarlyStart":
		return &t.EarlyStart
	case "EarlyFinish":
		return &t.EarlyFinish
	case "LateStart":
		return &t.LateStart
	case "LateFinish":
		return &t.LateFinish
	case "TotalSlack":
		return &t.TotalSlack
	case "FixedCost":
		return &t.FixedCost
	case "PercentComplete":
		return &t.PercentComplete
	case "ActualStart":
		return &t.ActualStart
	case "ActualFinish":
		return &t.ActualFinish
	case "ActualCost":
		return &t.ActualCost
	case "RemainingDuration":
		return &t.RemainingDuration
	case "ConstraintType":
		return &t.ConstraintType
	case "CalendarUID":
		return &t.CalendarUID
	case "ConstraintDate":
		return &t.ConstraintDate
	case "Deadline":
		return &t.Deadline
	case "LevelingCanSplit":
		return &t.LevelingCanSplit
	case "IgnoreResourceCalendar":
		return &t.IgnoreResourceCalendar
	case "Notes":
		return &t.Notes
	case "Active":
		return &t.Active
	case "Manual":
		return &t.Manual
	case "ManualStart":
		return &t.ManualStart
	case "ManualFinish":
		return &t.ManualFinish
	case "ManualDuration":
		return &t.ManualDuration
	}
	return nil
}

func (l *linkXML) Field(name string) *string {
	switch name {
	case "PredecessorUID":
		return &l.PredecessorUID
	case "Type":
		return &l.Type
	case "LinkLag":
		return &l.LinkLag
	case "LagFormat":
		return &l.LagFormat
	}
	return nil
}

func (b *baselineXML) Field(name string) *string {
	switch name {
	case "Number":
		return &b.Number
	case "Start":
		return &b.Start
	case "Finish":
		return &b.Finish
	case "Duration":
		return &b.Duration
	case "DurationFormat":
		return &b.DurationFormat
	case "Work":
		return &b.Work
	case "Cost":
		return &b.Cost
	}
	return nil
}

func (r *resourceXML) Field(name string) *string {
	switch name {
	case "UID":
		return &r.UID
	case "ID":
		return &r.ID
	case "Name":
		return &r.Name
	case "Type":
		return &r.Type
	case "IsNull":
		return &r.IsNull
	case "Group":
		return &r.Group
	case "MaxUnits":
		return &r.MaxUnits
	case "StandardRate":
		return &r.StandardRate
	case "StandardRateFormat":
		return &r.StandardRateFormat
	case "OvertimeRate":
		return &r.OvertimeRate
	case "OvertimeRateFormat":
		return &r.OvertimeRateFormat
	case "CostPerUse":
		return &r.CostPerUse
	case "CalendarUID":
		return &r.CalendarUID
	case "IsCostResource":
		return &r.IsCostResource
	}
	return nil
}

func (f *fieldXML) Field(name string) *string {
	switch name {
	case "FieldID":
		return &f.FieldID
	case "FieldName":
		return &f.FieldName
	case "Alias":
		return &f.Alias
	}
	return nil
}

func (v *valueXML) Field(name string) *string {
	switch name {
	case "FieldID":
		return &v.FieldID
	case "Value":
		return &v.Value
	}
	return nil
}

func (a *assignmentXML) Field(name string) *string {
	switch name {
	case "UID":
		return &a.UID
	case "TaskUID":
		return &a.TaskUID
	case "ResourceUID":
		return &a.ResourceUID
	case "Units":
		return &a.Units
	case "Work":
		return &a.Work
	case "WorkContour":
		return &a.WorkContour
	}
	return nil
}

func (t *timephasedXML) Field(name string) *string {
	switch name {
	case "Type":
		return &t.Type
	case "UID":
		return &t.UID
	case "Start":
		return &t.Start
	case "Finish":
		return &t.Finish
	case "Unit":
		return &t.Unit
	case "Value":
		return &t.Value
	}
	return nil
}

package mspdi

import "encoding/xml"

// The MSPDI elements critpath reads and writes, in the order of the
// schema's sequences (encoding/xml writes fields in struct order). Scalars
// are strings so that the reader can be lenient: each is parsed on its own
// and a bad value becomes a warning.

const namespace = "http://schemas.microsoft.com/project"

type projectXML struct {
	XMLName            xml.Name `xml:"Project"`
	Xmlns              string   `xml:"xmlns,attr,omitempty"`
	SaveVersion        string   `xml:"SaveVersion"`
	Name               string   `xml:"Name,omitempty"`
	Title              string   `xml:"Title,omitempty"`
	ScheduleFromStart  string   `xml:"ScheduleFromStart,omitempty"`
	StartDate          string   `xml:"StartDate,omitempty"`
	FinishDate         string   `xml:"FinishDate,omitempty"`
	CurrencyCode       string   `xml:"CurrencyCode"`
	CalendarUID        string   `xml:"CalendarUID,omitempty"`
	MinutesPerDay      string   `xml:"MinutesPerDay,omitempty"`
	MinutesPerWeek     string   `xml:"MinutesPerWeek,omitempty"`
	DaysPerMonth       string   `xml:"DaysPerMonth,omitempty"`
	DurationFormat     string   `xml:"DurationFormat,omitempty"`
	HonorConstraints   string   `xml:"HonorConstraints,omitempty"`
	MultipleCritical   string   `xml:"MultipleCriticalPaths,omitempty"`
	StatusDate         string   `xml:"StatusDate,omitempty"`
	ExtendedAttributes *struct {
		Fields []fieldXML `xml:"ExtendedAttribute"`
	} `xml:"ExtendedAttributes,omitempty"`
	Calendars   *items[calendarXML]   `xml:"Calendars,omitempty"`
	Tasks       *items[taskXML]       `xml:"Tasks,omitempty"`
	Resources   *items[resourceXML]   `xml:"Resources,omitempty"`
	Assignments *items[assignmentXML] `xml:"Assignments,omitempty"`
}

type calendarXML struct {
	UID             string `xml:"UID"`
	Name            string `xml:"Name,omitempty"`
	IsBaseCalendar  string `xml:"IsBaseCalendar,omitempty"`
	BaseCalendarUID string `xml:"BaseCalendarUID,omitempty"`
	WeekDays        *struct {
		WeekDay []weekDayXML `xml:"WeekDay"`
	} `xml:"WeekDays,omitempty"`
	Exceptions *struct {
		Exception []exceptionXML `xml:"Exception"`
	} `xml:"Exceptions,omitempty"`
	WorkWeeks *struct {
		WorkWeek []workWeekXML `xml:"WorkWeek"`
	} `xml:"WorkWeeks,omitempty"`
}

type weekDayXML struct {
	DayType      string           `xml:"DayType"`
	DayWorking   string           `xml:"DayWorking,omitempty"`
	TimePeriod   *timePeriodXML   `xml:"TimePeriod,omitempty"`
	WorkingTimes *workingTimesXML `xml:"WorkingTimes,omitempty"`
}

type timePeriodXML struct {
	FromDate string `xml:"FromDate,omitempty"`
	ToDate   string `xml:"ToDate,omitempty"`
}

type workingTimesXML struct {
	WorkingTime []workingTimeXML `xml:"WorkingTime"`
}

type workingTimeXML struct {
	FromTime string `xml:"FromTime,omitempty"`
	ToTime   string `xml:"ToTime,omitempty"`
}

type exceptionXML struct {
	EnteredByOccurrences string           `xml:"EnteredByOccurrences,omitempty"`
	TimePeriod           *timePeriodXML   `xml:"TimePeriod,omitempty"`
	Occurrences          string           `xml:"Occurrences,omitempty"`
	Name                 string           `xml:"Name,omitempty"`
	Type                 string           `xml:"Type,omitempty"`
	Period               string           `xml:"Period,omitempty"`
	DaysOfWeek           string           `xml:"DaysOfWeek,omitempty"`
	MonthItem            string           `xml:"MonthItem,omitempty"`
	MonthPosition        string           `xml:"MonthPosition,omitempty"`
	Month                string           `xml:"Month,omitempty"`
	MonthDay             string           `xml:"MonthDay,omitempty"`
	DayWorking           string           `xml:"DayWorking,omitempty"`
	WorkingTimes         *workingTimesXML `xml:"WorkingTimes,omitempty"`
}

type workWeekXML struct {
	TimePeriod *timePeriodXML `xml:"TimePeriod,omitempty"`
	Name       string         `xml:"Name,omitempty"`
	WeekDays   *struct {
		WeekDay []weekDayXML `xml:"WeekDay"`
	} `xml:"WeekDays,omitempty"`
}

type taskXML struct {
	UID                    string        `xml:"UID"`
	ID                     string        `xml:"ID,omitempty"`
	Name                   string        `xml:"Name,omitempty"`
	Type                   string        `xml:"Type,omitempty"`
	IsNull                 string        `xml:"IsNull,omitempty"`
	OutlineLevel           string        `xml:"OutlineLevel,omitempty"`
	Priority               string        `xml:"Priority,omitempty"`
	Start                  string        `xml:"Start,omitempty"`
	Finish                 string        `xml:"Finish,omitempty"`
	Duration               string        `xml:"Duration,omitempty"`
	DurationFormat         string        `xml:"DurationFormat,omitempty"`
	Work                   string        `xml:"Work,omitempty"`
	EffortDriven           string        `xml:"EffortDriven,omitempty"`
	Milestone              string        `xml:"Milestone,omitempty"`
	Summary                string        `xml:"Summary,omitempty"`
	EarlyStart             string        `xml:"EarlyStart,omitempty"`
	EarlyFinish            string        `xml:"EarlyFinish,omitempty"`
	LateStart              string        `xml:"LateStart,omitempty"`
	LateFinish             string        `xml:"LateFinish,omitempty"`
	TotalSlack             string        `xml:"TotalSlack,omitempty"`
	FixedCost              string        `xml:"FixedCost,omitempty"`
	PercentComplete        string        `xml:"PercentComplete,omitempty"`
	ActualStart            string        `xml:"ActualStart,omitempty"`
	ActualFinish           string        `xml:"ActualFinish,omitempty"`
	ActualCost             string        `xml:"ActualCost,omitempty"`
	RemainingDuration      string        `xml:"RemainingDuration,omitempty"`
	ConstraintType         string        `xml:"ConstraintType,omitempty"`
	CalendarUID            string        `xml:"CalendarUID,omitempty"`
	ConstraintDate         string        `xml:"ConstraintDate,omitempty"`
	Deadline               string        `xml:"Deadline,omitempty"`
	LevelingCanSplit       string        `xml:"LevelingCanSplit,omitempty"`
	IgnoreResourceCalendar string        `xml:"IgnoreResourceCalendar,omitempty"`
	Notes                  string        `xml:"Notes,omitempty"`
	PredecessorLink        []linkXML     `xml:"PredecessorLink"`
	ExtendedAttribute      []valueXML    `xml:"ExtendedAttribute"`
	Baseline               []baselineXML `xml:"Baseline"`
	Active                 string        `xml:"Active,omitempty"`
	Manual                 string        `xml:"Manual,omitempty"`
	ManualStart            string        `xml:"ManualStart,omitempty"`
	ManualFinish           string        `xml:"ManualFinish,omitempty"`
	ManualDuration         string        `xml:"ManualDuration,omitempty"`
}

type linkXML struct {
	PredecessorUID string `xml:"PredecessorUID,omitempty"`
	Type           string `xml:"Type,omitempty"`
	LinkLag        string `xml:"LinkLag,omitempty"`
	LagFormat      string `xml:"LagFormat,omitempty"`
}

type baselineXML struct {
	Number         string `xml:"Number,omitempty"`
	Start          string `xml:"Start,omitempty"`
	Finish         string `xml:"Finish,omitempty"`
	Duration       string `xml:"Duration,omitempty"`
	DurationFormat string `xml:"DurationFormat,omitempty"`
	Work           string `xml:"Work,omitempty"`
	Cost           string `xml:"Cost,omitempty"`
}

type resourceXML struct {
	UID                string     `xml:"UID"`
	ID                 string     `xml:"ID,omitempty"`
	Name               string     `xml:"Name,omitempty"`
	Type               string     `xml:"Type,omitempty"`
	IsNull             string     `xml:"IsNull,omitempty"`
	Group              string     `xml:"Group,omitempty"`
	MaxUnits           string     `xml:"MaxUnits,omitempty"`
	StandardRate       string     `xml:"StandardRate,omitempty"`
	StandardRateFormat string     `xml:"StandardRateFormat,omitempty"`
	OvertimeRate       string     `xml:"OvertimeRate,omitempty"`
	OvertimeRateFormat string     `xml:"OvertimeRateFormat,omitempty"`
	CostPerUse         string     `xml:"CostPerUse,omitempty"`
	CalendarUID        string     `xml:"CalendarUID,omitempty"`
	ExtendedAttribute  []valueXML `xml:"ExtendedAttribute"`
	IsCostResource     string     `xml:"IsCostResource,omitempty"`
}

// fieldXML defines a custom field (an extended attribute); valueXML is a
// task's or resource's value of one.
type fieldXML struct {
	FieldID   string `xml:"FieldID"`
	FieldName string `xml:"FieldName,omitempty"`
	Alias     string `xml:"Alias,omitempty"`
}

type valueXML struct {
	FieldID string `xml:"FieldID"`
	Value   string `xml:"Value"`
}

type assignmentXML struct {
	UID         string `xml:"UID"`
	TaskUID     string `xml:"TaskUID,omitempty"`
	ResourceUID string `xml:"ResourceUID,omitempty"`
	Units       string `xml:"Units,omitempty"`
	Work        string `xml:"Work,omitempty"`
	WorkContour string `xml:"WorkContour,omitempty"`
	// Timephased is the assignment's work period by period: MS Project
	// keeps a task's splits there, as periods of no work.
	Timephased []timephasedXML `xml:"TimephasedData"`
}

type timephasedXML struct {
	Type   string `xml:"Type,omitempty"`
	UID    string `xml:"UID"`
	Start  string `xml:"Start,omitempty"`
	Finish string `xml:"Finish,omitempty"`
	Unit   string `xml:"Unit,omitempty"`
	Value  string `xml:"Value,omitempty"`
}

// element is an item of a list element: Calendars holds Calendar
// elements, and so on.
type element interface {
	calendarXML | taskXML | resourceXML | assignmentXML
}

// items is a list element's children of one kind, as the writer writes
// them (the reader reads them one by one: see decode.go).
type items[T element] struct {
	Items []T
}

func elementName[T element]() string {
	var t T
	switch any(t).(type) {
	case calendarXML:
		return "Calendar"
	case taskXML:
		return "Task"
	case resourceXML:
		return "Resource"
	}
	return "Assignment"
}

// MarshalXML writes the list's children.
func (l *items[T]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	child := xml.StartElement{Name: xml.Name{Local: elementName[T]()}}
	for _, it := range l.Items {
		if err := e.EncodeElement(it, child); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

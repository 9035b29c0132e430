package schedule

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The wire form of the JSON encoding (see the package doc): the schema's
// one statement. The reader reads it by these types' json tags (see plan),
// encoding/json writes it, and a codec converts it to and from a Project:
// a field with the name and type of the model's is copied as it is (see
// plain), the others are converted one by one. Each type's fields come in
// the order they are written.

type projectJSON struct {
	Name        string           `json:"name,omitempty"`
	Start       string           `json:"start"`
	FinishBy    string           `json:"finish_by,omitempty"`
	FromFinish  bool             `json:"from_finish,omitempty"`
	Finish      string           `json:"finish,omitempty"`
	StatusDate  string           `json:"status_date,omitempty"`
	TimeZone    string           `json:"time_zone,omitempty"`
	Calendar    string           `json:"calendar,omitempty"`
	Settings    *settingsJSON    `json:"settings,omitempty"`
	Options     *optionsJSON     `json:"options,omitempty"`
	Calendars   []calendarJSON   `json:"calendars,omitempty"`
	Tasks       []taskJSON       `json:"tasks"`
	Links       []linkJSON       `json:"links,omitempty"`
	Resources   []resourceJSON   `json:"resources,omitempty"`
	Assignments []assignmentJSON `json:"assignments,omitempty"`
	Baselines   []baselineJSON   `json:"baselines,omitempty"`
	Fields      []fieldJSON      `json:"custom_fields,omitempty"`
}

type fieldJSON struct {
	Name     string `json:"name"`
	Alias    string `json:"alias,omitempty"`
	ID       string `json:"id,omitempty"`
	Resource bool   `json:"resource,omitempty"`
}

type baselineJSON struct {
	Name  string             `json:"name"`
	Tasks []baselineTaskJSON `json:"tasks"`
}

type baselineTaskJSON struct {
	ID       string  `json:"id"`
	Start    string  `json:"start"`
	Finish   string  `json:"finish"`
	Duration string  `json:"duration,omitempty"`
	Work     string  `json:"work,omitempty"`
	Cost     float64 `json:"cost,omitempty"`
}

type settingsJSON struct {
	MinutesPerDay  int `json:"minutes_per_day,omitempty"`
	MinutesPerWeek int `json:"minutes_per_week,omitempty"`
	DaysPerMonth   int `json:"days_per_month,omitempty"`
}

type optionsJSON struct {
	Profile       string             `json:"profile,omitempty"`
	TotalFloat    *FloatKind         `json:"total_float,omitempty"`
	LagCalendar   *LagCalendar       `json:"lag_calendar,omitempty"`
	CriticalFloat string             `json:"critical_float,omitempty"`
	Constraints   *ConstraintMode    `json:"constraints,omitempty"`
	SummaryFloat  *SummaryFloatKind  `json:"summary_float,omitempty"`
	Progress      *ProgressMode      `json:"progress,omitempty"`
	ALAP          *ALAPMode          `json:"alap,omitempty"`
	LateDates     *LateDatesMode     `json:"late_dates,omitempty"`
	CrossCalendar *CrossCalendarMode `json:"cross_calendar,omitempty"`
	FloatCalendar *FloatCalendarMode `json:"float_calendar,omitempty"`
}

type calendarJSON struct {
	Name       string                `json:"name"`
	Base       string                `json:"base,omitempty"`
	Week       map[string][]Interval `json:"week,omitempty"`
	Exceptions []exceptionJSON       `json:"exceptions,omitempty"`
}

type exceptionJSON struct {
	Name    string     `json:"name,omitempty"`
	From    Date       `json:"from"`
	To      *Date      `json:"to,omitempty"`
	Working []Interval `json:"working,omitempty"`
	Yearly  bool       `json:"yearly,omitempty"`
}

type taskJSON struct {
	ID             string            `json:"id"`
	Name           string            `json:"name,omitempty"`
	Parent         string            `json:"parent,omitempty"`
	Duration       string            `json:"duration,omitempty"`
	Constraint     *constraintJSON   `json:"constraint,omitempty"`
	Deadline       string            `json:"deadline,omitempty"`
	Priority       *int              `json:"priority,omitempty"`
	Calendar       string            `json:"calendar,omitempty"`
	Manual         bool              `json:"manual,omitempty"`
	Start          string            `json:"start,omitempty"`
	Notes          string            `json:"notes,omitempty"`
	Fields         map[string]string `json:"fields,omitempty"`
	StartMilestone bool              `json:"start_milestone,omitempty"`
	// Progress.
	ActualStart     string  `json:"actual_start,omitempty"`
	ActualFinish    string  `json:"actual_finish,omitempty"`
	PercentComplete float64 `json:"percent_complete,omitempty"`
	Remaining       string  `json:"remaining,omitempty"`
	// Work.
	Type                    TaskType    `json:"type,omitempty"`
	EffortDriven            bool        `json:"effort_driven,omitempty"`
	Work                    string      `json:"work,omitempty"`
	IgnoreResourceCalendars bool        `json:"ignore_resource_calendars,omitempty"`
	FixedCost               float64     `json:"fixed_cost,omitempty"`
	ActualCost              *float64    `json:"actual_cost,omitempty"`
	Splits                  []splitJSON `json:"splits,omitempty"`
	NoSplit                 bool        `json:"no_split,omitempty"`
	Crash                   *crashJSON  `json:"crash,omitempty"`
}

type crashJSON struct {
	Duration   string  `json:"duration"`
	Cost       float64 `json:"cost,omitempty"`
	CostPerDay float64 `json:"cost_per_day,omitempty"`
}

type splitJSON struct {
	At  string `json:"at"`
	Gap string `json:"gap"`
}

type constraintJSON struct {
	Type ConstraintType `json:"type"`
	Date string         `json:"date,omitempty"`
}

type linkJSON struct {
	Pred       string    `json:"from"`
	Succ       string    `json:"to"`
	Type       *LinkType `json:"type,omitempty"`
	Lag        string    `json:"lag,omitempty"`
	Overlap    string    `json:"overlap,omitempty"`
	ReworkCost float64   `json:"rework_cost,omitempty"`
}

type resourceJSON struct {
	ID           string            `json:"id"`
	Name         string            `json:"name,omitempty"`
	Type         ResourceType      `json:"type"`
	MaxUnits     float64           `json:"max_units,omitempty"`
	Calendar     string            `json:"calendar,omitempty"`
	StandardRate float64           `json:"standard_rate,omitempty"`
	OvertimeRate float64           `json:"overtime_rate,omitempty"`
	CostPerUse   float64           `json:"cost_per_use,omitempty"`
	Group        string            `json:"group,omitempty"`
	Fields       map[string]string `json:"fields,omitempty"`
}

type assignmentJSON struct {
	Task     string  `json:"task"`
	Resource string  `json:"resource"`
	Units    float64 `json:"units"`
	Work     string  `json:"work,omitempty"`
}

// ParseError reports JSON that cannot be read: where (line and column,
// counted from 1, of the byte where reading stopped, or the field), and why.
type ParseError struct {
	Line, Column int
	Field        string // e.g. `tasks[3].duration`
	Err          error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("schedule: json")
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d column %d", e.Line, e.Column)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " %s", e.Field)
	}
	fmt.Fprintf(&b, ": %s", strings.TrimPrefix(e.Err.Error(), "schedule: "))
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// DefaultMaxJSONBytes is the size of the largest document ReadJSON takes.
const DefaultMaxJSONBytes = 256 << 20

// DefaultMaxJSONMemory is the most memory the project ReadJSON reads may
// take.
const DefaultMaxJSONMemory = 1 << 30

// ErrTooLarge is a JSON document over JSONOptions.MaxBytes, or one whose
// project would take more than JSONOptions.MaxMemory; the *ParseError
// wrapping it says the limit.
var ErrTooLarge = errors.New("schedule: json document too large")

// JSONOptions are the limits of reading a project in the JSON encoding.
// The zero value means the defaults.
type JSONOptions struct {
	// MaxBytes bounds the document's size (default DefaultMaxJSONBytes): a
	// larger one is refused with ErrTooLarge as soon as the reader passes
	// the bound.
	MaxBytes int64
	// MaxMemory bounds the memory of the project read, counted as it is
	// read: the room of its lists, and its strings (default
	// DefaultMaxJSONMemory). A document whose project would take more —
	// a JSON task of 30 bytes is a Task of 360 — is refused with
	// ErrTooLarge before the list that would pass the bound grows.
	MaxMemory int64
}

// Read reads a project in the JSON encoding from r, a buffer at a time:
// the document is never held whole, and each task and link is converted
// as soon as it is read. It fails with a *ParseError naming the line and
// column or the field. A UTF-8 byte-order mark before the document is
// skipped. The project is not checked beyond its encoding and the range
// of its durations; Compile checks it.
func (o JSONOptions) Read(r io.Reader) (*Project, error) {
	jr := newJSONReader(r, cmp.Or(o.MaxBytes, DefaultMaxJSONBytes), cmp.Or(o.MaxMemory, DefaultMaxJSONMemory), readBuffer)
	return jr.project()
}

// ReadJSON reads a project in the JSON encoding with the default
// JSONOptions: see JSONOptions.Read.
func ReadJSON(r io.Reader) (*Project, error) { return JSONOptions{}.Read(r) }

// UnmarshalJSON implements json.Unmarshaler with the encoding, without
// the limits of JSONOptions: read a document from an untrusted source with
// ReadJSON.
func (p *Project) UnmarshalJSON(data []byte) error {
	q, err := newJSONBytes(data).project()
	if err != nil {
		return err
	}
	*p = *q
	return nil
}

// project reads a whole document: the lists element by element, each
// converted as it is read, then the rest, then the lists settled.
func (r *jsonReader) project() (*Project, error) {
	var w projectJSON
	p := &Project{Tasks: []Task{}, Links: []Link{}}
	c := newDecoding()
	c.lists(&w, p)
	r.sinks = c.sinks
	if err := r.document(&w); err != nil {
		return nil, err
	}
	c.head(&w, p)
	if c.unsettled > 0 {
		c.mode = settling
		c.lists(&w, p)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// document reads a document into w; the lists r has sinks for go to them.
func (r *jsonReader) document(w *projectJSON) error {
	r.bom()
	err := r.decode(w)
	if err == nil {
		err = r.end()
	}
	if r.err != nil { // the source failed or the document is too large
		return r.err
	}
	return err
}

// WriteJSON writes p in the JSON encoding, indented. A value JSON cannot
// spell is an error naming the task and field, and nothing is written.
func WriteJSON(w io.Writer, p *Project) error {
	data, err := p.MarshalJSON()
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		return err
	}
	b.WriteByte('\n')
	_, err = b.WriteTo(w)
	return err
}

// MarshalJSON implements json.Marshaler with the encoding.
func (p Project) MarshalJSON() ([]byte, error) {
	var w projectJSON
	c := &codec{mode: writing}
	c.head(&w, &p)
	c.lists(&w, &p)
	if err := c.err(); err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

package schedule

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonReader reads the project encoding straight from bytes: a strict
// reader that knows the schema, so that an unknown field, a value of the
// wrong type or a syntax error is reported with its line, column and field
// path, and so that a large project reads several times faster than
// through reflection. It never recurses deeper than the schema.
type jsonReader struct {
	data   []byte
	pos    int
	keyPos int       // where the last field name began
	path   []segment // where the reader is, for errors
}

// segment is one step of the path to a value: a field name, or an index
// when key is nil.
type segment struct {
	key   []byte
	index int
}

// errAt returns a *ParseError at pos, naming the field being read.
func (r *jsonReader) errAt(pos int, format string, args ...any) error {
	pos = min(max(pos, 0), len(r.data))
	line, col := 1, 1
	for _, c := range r.data[:pos] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	var field strings.Builder
	for _, s := range r.path {
		switch {
		case s.key == nil:
			fmt.Fprintf(&field, "[%d]", s.index)
		case field.Len() > 0:
			field.WriteByte('.')
			fallthrough
		default:
			field.Write(s.key)
		}
	}
	return &ParseError{Line: line, Column: col, Field: field.String(), Err: fmt.Errorf(format, args...)}
}

func (r *jsonReader) space() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (r *jsonReader) peek() byte {
	r.space()
	if r.pos >= len(r.data) {
		return 0
	}
	return r.data[r.pos]
}

func describe(c byte) string {
	switch {
	case c == 0:
		return "the end of the document"
	case c == '"':
		return "a string"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	}
	return fmt.Sprintf("%q", c)
}

func (r *jsonReader) want(what string) error {
	return r.errAt(r.pos, "want %s, found %s", what, describe(r.peek()))
}

// null consumes a null if one comes next.
func (r *jsonReader) null() bool {
	if r.peek() == 'n' && r.pos+4 <= len(r.data) && string(r.data[r.pos:r.pos+4]) == "null" {
		r.pos += 4
		return true
	}
	return false
}

// enter begins reading an object (open is '{') or an array ('['). It
// returns false, and no error, for a null, which stands for an empty one.
func (r *jsonReader) enter(open byte) (bool, error) {
	if r.null() {
		return false, nil
	}
	if r.peek() != open {
		if open == '{' {
			return false, r.want("an object")
		}
		return false, r.want("an array")
	}
	r.pos++
	r.path = append(r.path, segment{index: -1})
	return true, nil
}

// field moves to the next field of the object being read, returning its
// name with the reader at its value, or false at the object's end.
func (r *jsonReader) field() ([]byte, bool, error) {
	top := &r.path[len(r.path)-1]
	switch c := r.peek(); {
	case c == '}':
		r.pos++
		r.path = r.path[:len(r.path)-1]
		return nil, false, nil
	case top.index >= 0 && c != ',':
		return nil, false, r.want(`"," or "}"`)
	case top.index >= 0:
		r.pos++
	}
	top.index++
	if r.peek() != '"' {
		return nil, false, r.want("a field name")
	}
	r.keyPos = r.pos
	key, err := r.rawBytes()
	if err != nil {
		return nil, false, err
	}
	if r.peek() != ':' {
		return nil, false, r.want(`":"`)
	}
	r.pos++
	top.key = key
	return key, true, nil
}

// unknown reports the field just read as not part of the encoding.
func (r *jsonReader) unknown(key []byte) error {
	r.path[len(r.path)-1].key = nil
	r.path = r.path[:len(r.path)-1]
	return r.errAt(r.keyPos, "unknown field %q", key)
}

// elem moves to the next element of the array being read, or returns false
// at the array's end.
func (r *jsonReader) elem() (bool, error) {
	top := &r.path[len(r.path)-1]
	switch c := r.peek(); {
	case c == ']':
		r.pos++
		r.path = r.path[:len(r.path)-1]
		return false, nil
	case top.index >= 0 && c != ',':
		return false, r.want(`"," or "]"`)
	case top.index >= 0:
		r.pos++
	}
	top.index++
	return true, nil
}

// list reads an array into *dst, each element with read; null leaves nil,
// [] an empty list, and a repeated field replaces the earlier one.
func list[T any](r *jsonReader, dst *[]T, read func(*T) error) error {
	ok, err := r.enter('[')
	*dst = nil
	if !ok || err != nil {
		return err
	}
	*dst = []T{}
	for {
		more, err := r.elem()
		if !more || err != nil {
			return err
		}
		var zero T
		*dst = append(*dst, zero)
		if err := read(&(*dst)[len(*dst)-1]); err != nil {
			return err
		}
	}
}

// fields reads an object, handing each field to read; read returns
// errUnknownField for a name the encoding does not have.
func (r *jsonReader) fields(read func(key []byte) error) error {
	ok, err := r.enter('{')
	if !ok || err != nil {
		return err
	}
	for {
		key, more, err := r.field()
		if !more || err != nil {
			return err
		}
		if err := read(key); err != nil {
			if err == errUnknownField {
				return r.unknown(key)
			}
			return err
		}
	}
}

var errUnknownField = errors.New("unknown field")

// str reads a string into *dst (a null leaves it alone).
func (r *jsonReader) str(dst *string) error {
	if r.null() {
		return nil
	}
	if r.peek() != '"' {
		return r.want("a string")
	}
	s, err := r.rawString()
	*dst = s
	return err
}

// text reads a string and hands it to an encoding.TextUnmarshaler.
func (r *jsonReader) text(dst interface{ UnmarshalText([]byte) error }) error {
	if r.null() {
		return nil
	}
	at := r.pos
	var s string
	if err := r.str(&s); err != nil {
		return err
	}
	if err := dst.UnmarshalText([]byte(s)); err != nil {
		return r.errAt(at, "%s", strings.TrimPrefix(err.Error(), "schedule: "))
	}
	return nil
}

// optText reads a string into a new value behind *dst with the value's
// UnmarshalText, or leaves *dst nil for a null.
func optText[T any, P interface {
	*T
	UnmarshalText([]byte) error
}](r *jsonReader, dst **T) error {
	if r.null() {
		*dst = nil
		return nil
	}
	v := P(new(T))
	*dst = (*T)(v)
	return r.text(v)
}

// validUTF8 replaces each byte of b that is not part of valid UTF-8 with
// U+FFFD, as encoding/json does (bytes.ToValidUTF8 replaces a run of them
// with one).
func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		c, n := utf8.DecodeRune(b)
		out = utf8.AppendRune(out, c) // RuneError, U+FFFD, for a bad byte (n = 1)
		b = b[n:]
	}
	return out
}

// rawString reads a string literal at the reader's position.
func (r *jsonReader) rawString() (string, error) {
	b, err := r.rawBytes()
	return string(b), err
}

// rawBytes reads a string literal at the reader's position: a view of the
// document when it has no escapes and is valid UTF-8, a copy otherwise.
func (r *jsonReader) rawBytes() ([]byte, error) {
	start := r.pos
	r.pos++ // the opening quote
	i := r.pos
	for i < len(r.data) {
		c := r.data[i]
		if c == '"' {
			b := r.data[r.pos:i]
			r.pos = i + 1
			if !utf8.Valid(b) {
				b = validUTF8(b)
			}
			return b, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		i++
	}
	// Slow path: escapes.
	var b strings.Builder
	b.Write(r.data[r.pos:i])
	for i < len(r.data) {
		c := r.data[i]
		switch {
		case c == '"':
			r.pos = i + 1
			return validUTF8([]byte(b.String())), nil
		case c < 0x20:
			return nil, r.errAt(i, "control character %q in a string", c)
		case c != '\\':
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(r.data) {
			break
		}
		switch e := r.data[i+1]; e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			ch, n, ok := unicodeEscape(r.data[i:])
			if !ok {
				return nil, r.errAt(i, "bad \\u escape")
			}
			b.WriteRune(ch)
			i += n
			continue
		default:
			return nil, r.errAt(i, "bad escape \\%c", e)
		}
		i += 2
	}
	return nil, r.errAt(start, "unterminated string")
}

// unicodeEscape decodes \uXXXX, or a surrogate pair of them, at the start
// of b, returning the rune and the bytes consumed.
func unicodeEscape(b []byte) (rune, int, bool) {
	hex := func(b []byte) (rune, bool) {
		if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(b[2:6]), 16, 32)
		return rune(v), err == nil
	}
	r1, ok := hex(b)
	if !ok {
		return 0, 0, false
	}
	if utf16.IsSurrogate(r1) {
		if r2, ok := hex(b[6:]); ok {
			if ch := utf16.DecodeRune(r1, r2); ch != utf8.RuneError {
				return ch, 12, true
			}
		}
		return utf8.RuneError, 6, true
	}
	return r1, 6, true
}

// number reads a JSON number.
func (r *jsonReader) number() (float64, error) {
	r.space()
	start := r.pos
	i := r.pos
	for i < len(r.data) {
		c := r.data[i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			i++
			continue
		}
		break
	}
	if i == start {
		return 0, r.want("a number")
	}
	tok := string(r.data[start:i])
	v, err := strconv.ParseFloat(tok, 64)
	if err != nil || !validNumber(tok) {
		return 0, r.errAt(start, "%q is not a number", tok)
	}
	r.pos = i
	return v, nil
}

// validNumber checks the JSON number grammar, which ParseFloat is looser
// than (it takes "+1", ".5", "1.", "Inf", hex and underscores).
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

func (r *jsonReader) float(dst *float64) error {
	if r.null() {
		return nil
	}
	v, err := r.number()
	*dst = v
	return err
}

func (r *jsonReader) int(dst *int) error {
	if r.null() {
		return nil
	}
	r.space()
	at := r.pos
	v, err := r.number()
	if err != nil {
		return err
	}
	if tok := string(r.data[at:r.pos]); strings.ContainsAny(tok, ".eE") || math.Abs(v) > 1<<31 {
		return r.errAt(at, "%s is not a whole number in range", tok)
	}
	*dst = int(v)
	return nil
}

func (r *jsonReader) bool(dst *bool) error {
	if r.null() {
		return nil
	}
	r.space()
	switch {
	case strings.HasPrefix(string(r.data[r.pos:min(r.pos+5, len(r.data))]), "true"):
		*dst, r.pos = true, r.pos+4
	case strings.HasPrefix(string(r.data[r.pos:min(r.pos+5, len(r.data))]), "false"):
		*dst, r.pos = false, r.pos+5
	default:
		return r.want("true or false")
	}
	return nil
}

// readProjectJSON reads the wire form of a project.
func readProjectJSON(data []byte) (*projectJSON, error) {
	r := &jsonReader{data: data}
	w := &projectJSON{}
	err := r.fields(func(key []byte) error {
		switch string(key) {
		case "name":
			return r.str(&w.Name)
		case "start":
			return r.str(&w.Start)
		case "finish_by":
			return r.str(&w.FinishBy)
		case "from_finish":
			return r.bool(&w.FromFinish)
		case "status_date":
			return r.str(&w.StatusDate)
		case "finish":
			return r.str(&w.Finish)
		case "time_zone":
			return r.str(&w.TimeZone)
		case "calendar":
			return r.str(&w.Calendar)
		case "settings":
			if r.null() {
				w.Settings = nil
				return nil
			}
			w.Settings = &settingsJSON{}
			return r.settings(w.Settings)
		case "options":
			if r.null() {
				w.Options = nil
				return nil
			}
			w.Options = &optionsJSON{}
			return r.options(w.Options)
		case "calendars":
			return list(r, &w.Calendars, r.calendar)
		case "tasks":
			return list(r, &w.Tasks, r.task)
		case "links":
			return list(r, &w.Links, r.link)
		case "resources":
			return list(r, &w.Resources, r.resource)
		case "assignments":
			return list(r, &w.Assignments, r.assignment)
		case "baselines":
			return list(r, &w.Baselines, r.baseline)
		case "custom_fields":
			return list(r, &w.Fields, r.customField)
		}
		return errUnknownField
	})
	if err != nil {
		return nil, err
	}
	if r.space(); r.pos < len(r.data) {
		return nil, r.errAt(r.pos, "data after the project")
	}
	return w, nil
}

func (r *jsonReader) settings(s *settingsJSON) error {
	return r.fields(func(key []byte) error {
		switch string(key) {
		case "minutes_per_day":
			return r.int(&s.MinutesPerDay)
		case "minutes_per_week":
			return r.int(&s.MinutesPerWeek)
		case "days_per_month":
			return r.int(&s.DaysPerMonth)
		}
		return errUnknownField
	})
}

func (r *jsonReader) options(o *optionsJSON) error {
	return r.fields(func(key []byte) error {
		switch string(key) {
		case "total_float":
			return optText(r, &o.TotalFloat)
		case "lag_calendar":
			return optText(r, &o.LagCalendar)
		case "critical_float":
			return r.str(&o.CriticalFloat)
		case "profile":
			return r.str(&o.Profile)
		case "constraints":
			return optText(r, &o.Constraints)
		case "summary_float":
			return optText(r, &o.SummaryFloat)
		case "progress":
			return optText(r, &o.Progress)
		case "alap":
			return optText(r, &o.ALAP)
		case "late_dates":
			return optText(r, &o.LateDates)
		case "cross_calendar":
			return optText(r, &o.CrossCalendar)
		case "float_calendar":
			return optText(r, &o.FloatCalendar)
		}
		return errUnknownField
	})
}

func (r *jsonReader) intervals(dst *[]Interval) error {
	return list(r, dst, func(iv *Interval) error { return r.text(iv) })
}

func (r *jsonReader) calendar(c *calendarJSON) error {
	return r.fields(func(key []byte) error {
		switch string(key) {
		case "name":
			return r.str(&c.Name)
		case "base":
			return r.str(&c.Base)
		case "week":
			if r.null() {
				c.Week = nil
				return nil
			}
			c.Week = map[string][]Interval{}
			return r.fields(func(day []byte) error {
				var ivs []Interval
				err := r.intervals(&ivs)
				c.Week[string(day)] = ivs
				return err
			})
		case "exceptions":
			return list(r, &c.Exceptions, r.exception)
		}
		return errUnknownField
	})
}

func (r *jsonReader) exception(e *exceptionJSON) error {
	return r.fields(func(key []byte) error {
		switch string(key) {
		case "name":
			return r.str(&e.Name)
		case "from":
			return r.text(&e.From)
		case "to":
			return optText(r, &e.To)
		case "working":
			return r.intervals(&e.Working)
		case "yearly":
			return r.bool(&e.Yearly)
		}
		return errUnknownField
	})
}

// task and link, read once per task and link, loop without closures.
func (r *jsonReader) task(t *taskJSON) error {
	ok, err := r.enter('{')
	for ok && err == nil {
		var key []byte
		if key, ok, err = r.field(); !ok || err != nil {
			break
		}
		switch string(key) {
		case "id":
			err = r.str(&t.ID)
		case "name":
			err = r.str(&t.Name)
		case "parent":
			err = r.str(&t.Parent)
		case "duration":
			err = r.str(&t.Duration)
		case "constraint":
			err = optional(r, &t.Constraint, r.constraint)
		case "deadline":
			err = r.str(&t.Deadline)
		case "priority":
			if r.null() {
				t.Priority = nil
				break
			}
			t.Priority = new(int)
			err = r.int(t.Priority)
		case "calendar":
			err = r.str(&t.Calendar)
		case "notes":
			err = r.str(&t.Notes)
		case "fields":
			err = r.strings(&t.Fields)
		case "start_milestone":
			err = r.bool(&t.StartMS)
		case "manual":
			err = r.bool(&t.Manual)
		case "start":
			err = r.str(&t.Start)
		case "actual_start":
			err = r.str(&t.ActualStart)
		case "actual_finish":
			err = r.str(&t.ActualFinish)
		case "percent_complete":
			err = r.float(&t.PercentComplete)
		case "remaining":
			err = r.str(&t.Remaining)
		case "type":
			err = r.text(&t.Type)
		case "effort_driven":
			err = r.bool(&t.EffortDriven)
		case "work":
			err = r.str(&t.Work)
		case "ignore_resource_calendars":
			err = r.bool(&t.IgnoreResourceCalendars)
		case "fixed_cost":
			err = r.float(&t.FixedCost)
		case "actual_cost":
			if r.null() {
				t.ActualCost = nil
				break
			}
			t.ActualCost = new(float64)
			err = r.float(t.ActualCost)
		case "splits":
			err = list(r, &t.Splits, r.split)
		case "no_split":
			err = r.bool(&t.NoSplit)
		case "crash":
			err = optional(r, &t.Crash, r.crash)
		default:
			err = r.unknown(key)
		}
	}
	return err
}

// optional reads an object that may be null into *dst, nil for null.
func optional[T any](r *jsonReader, dst **T, read func(*T) error) error {
	if r.null() {
		*dst = nil
		return nil
	}
	*dst = new(T)
	return read(*dst)
}

func (r *jsonReader) constraint(c *constraintJSON) error {
	return r.fields(func(key []byte) error {
		switch string(key) {
		case "type":
			return r.text(&c.Type)
		case "date":
			return r.str(&c.Date)
		}
		return errUnknownField
	})
}

func (r *jsonReader) crash(c *crashJSON) error {
	return r.fields(func(key []byte) error {
		switch string(key) {
		case "duration":
			return r.str(&c.Duration)
		case "cost":
			return r.float(&c.Cost)
		}
		return errUnknownField
	})
}

func (r *jsonReader) split(s *splitJSON) error {
	return r.fields(func(key []byte) error {
		switch string(key) {
		case "at":
			return r.str(&s.At)
		case "gap":
			return r.str(&s.Gap)
		}
		return errUnknownField
	})
}

func (r *jsonReader) link(l *linkJSON) error {
	ok, err := r.enter('{')
	for ok && err == nil {
		var key []byte
		if key, ok, err = r.field(); !ok || err != nil {
			break
		}
		switch string(key) {
		case "from":
			err = r.str(&l.From)
		case "to":
			err = r.str(&l.To)
		case "type":
			err = optText(r, &l.Type)
		case "lag":
			err = r.str(&l.Lag)
		case "overlap":
			err = r.str(&l.Overlap)
		case "rework_cost":
			err = r.float(&l.ReworkCost)
		default:
			err = r.unknown(key)
		}
	}
	return err
}

func (r *jsonReader) resource(s *resourceJSON) error {
	return r.fields(func(key []byte) error {
		switch string(key) {
		case "id":
			return r.str(&s.ID)
		case "name":
			return r.str(&s.Name)
		case "type":
			return r.text(&s.Type)
		case "max_units":
			return r.float(&s.MaxUnits)
		case "calendar":
			return r.str(&s.Calendar)
		case "standard_rate":
			return r.float(&s.StandardRate)
		case "overtime_rate":
			return r.float(&s.OvertimeRate)
		case "cost_per_use":
			return r.float(&s.CostPerUse)
		case "group":
			return r.str(&s.Group)
		case "fields":
			return r.strings(&s.Fields)
		}
		return errUnknownField
	})
}

func (r *jsonReader) assignment(a *assignmentJSON) error {
	return r.fields(func(key []byte) error {
		switch string(key) {
		case "task":
			return r.str(&a.Task)
		case "resource":
			return r.str(&a.Resource)
		case "units":
			return r.float(&a.Units)
		case "work":
			return r.str(&a.Work)
		}
		return errUnknownField
	})
}

// strings reads an object of strings (custom field values).
func (r *jsonReader) strings(dst *map[string]string) error {
	if r.null() {
		*dst = nil
		return nil
	}
	*dst = map[string]string{}
	return r.fields(func(key []byte) error {
		var v string
		err := r.str(&v)
		(*dst)[string(key)] = v
		return err
	})
}

func (r *jsonReader) customField(f *fieldJSON) error {
	return r.fields(func(key []byte) error {
		switch string(key) {
		case "name":
			return r.str(&f.Name)
		case "alias":
			return r.str(&f.Alias)
		case "id":
			return r.str(&f.ID)
		case "resource":
			return r.bool(&f.Resource)
		}
		return errUnknownField
	})
}

func (r *jsonReader) baseline(b *baselineJSON) error {
	return r.fields(func(key []byte) error {
		switch string(key) {
		case "name":
			return r.str(&b.Name)
		case "tasks":
			return list(r, &b.Tasks, r.baselineTask)
		}
		return errUnknownField
	})
}

func (r *jsonReader) baselineTask(t *baselineTaskJSON) error {
	return r.fields(func(key []byte) error {
		switch string(key) {
		case "id":
			return r.str(&t.ID)
		case "start":
			return r.str(&t.Start)
		case "finish":
			return r.str(&t.Finish)
		case "duration":
			return r.str(&t.Duration)
		case "work":
			return r.str(&t.Work)
		case "cost":
			return r.float(&t.Cost)
		}
		return errUnknownField
	})
}

package schedule

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// readStd reads the wire form with encoding/json, the reference the
// schema-aware reader is checked against.
func readStd(data []byte) (*projectJSON, error) {
	var w projectJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, json.Unmarshal([]byte("x"), &w)
	}
	return &w, nil
}

func TestReaderMatchesEncodingJSON(t *testing.T) {
	for _, doc := range []string{
		`{"start": "2027-01-03", "tasks": []}`,
		`{"name": "ঢাকা টাওয়ার \u00e9 \ud83d\ude00 \n\t\"q\" \/", "start": "x", "tasks": [{"id": "a", "priority": 100, "constraint": null, "notes": "line\r\nbreak"}]}`,
		`{"start": "s", "tasks": null, "links": [{"from": "a", "to": "b", "type": "ss", "lag": "-2d"}, {"from": "b", "to": "c", "type": null}]}`,
		`{"start": "s", "tasks": [], "calendars": [{"name": "c", "week": {"monday": ["08:00-12:00"], "friday": []}, "exceptions": [{"from": "2027-01-01", "to": null, "working": null, "yearly": true}]}]}`,
		`{"start": "s", "tasks": [], "resources": [{"id": "r", "type": "material", "max_units": 2.5, "standard_rate": 0.125}], "assignments": [{"task": "a", "resource": "r", "units": 3}]}`,
		`{"start": "s", "tasks": [{"id": "a"}], "tasks": [{"id": "b"}], "settings": {"minutes_per_day": 450}, "options": {"total_float": "finish", "lag_calendar": "24h", "critical_float": "1d"}}`,
	} {
		ours, err := readProjectJSON([]byte(doc))
		if err != nil {
			t.Errorf("%s: %v", doc, err)
			continue
		}
		std, err := readStd([]byte(doc))
		if err != nil {
			t.Fatalf("%s: encoding/json: %v", doc, err)
		}
		if !reflect.DeepEqual(ours, std) {
			t.Errorf("%s:\nours %+v\nstd  %+v", doc, ours, std)
		}
	}
}

func TestReaderRejects(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{`{"start": "s", "tasks": [{"priority": 01}]}`, `"01" is not a number`},
		{`{"start": "s", "tasks": [{"priority": +1}]}`, `"+1" is not a number`},
		{`{"start": "s", "tasks": [{"priority": 1e2}]}`, "1e2 is not a whole number"},
		{`{"start": "s", "tasks": [{"priority": 1.5}]}`, "not a whole number"},
		{`{"start": "s", "tasks": [{"priority": .5}]}`, `".5" is not a number`},
		{`{"start": "s`, "unterminated string"},
		{"{\"start\": \"a\tb\"}", "control character"},
		{`{"start": "\x"}`, `bad escape \x`},
		{`{"start": "\u12"}`, `bad \u escape`},
		{`{"start": "s", "tasks": [}`, "found '}'"},
		{`{"start": "s" "tasks": []}`, `want "," or "}"`},
		{`{"start": "s", "tasks": [{"id": "a"} {"id": "b"}]}`, `want "," or "]"`},
		{`{"calendars": [{"exceptions": [{"yearly": "yes"}]}]}`, "calendars[0].exceptions[0].yearly: want true or false"},
		{`["not", "an", "object"]`, "want an object"},
		{``, "found the end of the document"},
		{`{"start": "s"} x`, "data after the project"},
		{`{"Start": "s"}`, `unknown field "Start"`},
	} {
		_, err := readProjectJSON([]byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.doc, err, c.want)
		}
	}
}

// FuzzReader checks the schema-aware reader against encoding/json: what it
// accepts, encoding/json accepts too, with the same meaning.
func FuzzReader(f *testing.F) {
	f.Add([]byte(`{"name": "x\u00e9", "start": "2027-01-03", "tasks": [{"id": "a", "priority": 7, "constraint": {"type": "SNET", "date": "2027-01-05"}}], "links": [{"from": "a", "to": "b", "lag": "2ed"}]}`))
	f.Add([]byte(`{"start": "s", "tasks": [], "calendars": [{"name": "c", "week": {"monday": ["08:00-12:00"]}, "exceptions": [{"from": "2027-01-01", "yearly": true}]}], "resources": [{"id": "r", "type": "cost", "max_units": 1e1}]}`))
	f.Add([]byte(`{"start": "s", "tasks": [{"id": "a", "type": "fixed_work", "effort_driven": true, "work": "8h", "actual_cost": null, "fixed_cost": 2}], "assignments": [{"task": "a", "resource": "r", "units": 1, "work": "4h"}], "baselines": [{"name": "B", "tasks": [{"id": "a", "start": "2027-01-03", "finish": "2027-01-04", "cost": 5}]}]}`))
	f.Add([]byte(`{"start": "2027-01-03", "tasks": [{"id": "a", "duration": "3d", "splits": [{"at": "1d", "gap": "4h"}], "no_split": true, "crash": {"duration": "2d", "cost": 9}}, {"id": "b", "crash": null}], "links": [{"from": "a", "to": "b", "overlap": "1d", "rework_cost": 3}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ours, err := readProjectJSON(data)
		if err != nil {
			return
		}
		std, err := readStd(data)
		if err != nil {
			t.Fatalf("we read what encoding/json rejects (%v): %q", err, data)
		}
		if !reflect.DeepEqual(ours, std) {
			t.Fatalf("readings differ for %q:\nours %+v\nstd  %+v", data, ours, std)
		}
	})
}

// TestReaderStreams reads documents through buffers of every small size,
// from a source that gives one byte at a time: the wire form, and each
// error with its line, column and field, are those of reading the
// document whole.
func TestReaderStreams(t *testing.T) {
	docs := []string{
		"{\n  \"name\": \"ঢাকা \\u00e9 \\ud83d\\ude00 \\n\\t\\\"q\\\" \\/\",\n  \"start\": \"2027-01-03\",\n  \"tasks\": [\n    {\"id\": \"a\", \"priority\": 100, \"duration\": \"2d\"},\n    {\"id\": \"b\", \"fields\": {\"k\": \"v\", \"\": null}}\n  ],\n  \"calendars\": [{\"name\": \"c\", \"week\": {\"monday\": [\"08:00-12:00\"]}, \"exceptions\": [{\"from\": \"2027-01-01\", \"to\": null}]}]\n}\n",
		"{\n  \"start\": \"2027-01-03\",\n  \"tasks\": [\n    {\"id\": \"A\",}\n  ]\n}",
		"{\n\n\n  \"start\": \"2027-01-03\", \"tasks\": [], \"links\": [\n {\"from\": \"a\", \"to\": \"b\", \"type\": \"XX\"}]}",
		"{\"start\": \"s\",\n \"tasks\": [{\"id\": \"x\", \"priority\": 1e2}]}",
		"{\"start\": \"s\",\n\n \"colour\": 1}",
		"{\"start\": \"s\", \"tasks\": [{\"notes\": \"" + strings.Repeat("long \\\" text ", 50) + "\"}]}",
		"{\"start\": \"s\", \"tasks\": [{\"notes\": \"" + strings.Repeat("x", 100) + "\\q\"}]}",
		"{\"start\": \"s\", \"tasks\": [{\"notes\": \"unterminated " + strings.Repeat("y", 40),
		"{\"start\": \"s\", \"tasks\": [{\"percent_complete\": 12345678901234567890.5e-3}]} ",
		"{\"start\": \"s\", \"tasks\": [{\"manual\": true}]}  \n  x",
		"\ufeff{\"start\": \"s\", \"tasks\": null}",
	}
	docs = append(docs, docExample, `{"start": "s", "tasks": [{"priority": 01}]}`, `{"start": "\u12"}`)
	for k, doc := range docs {
		whole, wantErr := readProjectJSON([]byte(doc))
		for _, size := range []int{1, 2, 3, 5, 8, 13, 64} {
			r := newJSONReader(iotest.OneByteReader(strings.NewReader(doc)), int64(len(doc)), math.MaxInt64, size)
			var got projectJSON
			err := r.document(&got)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Fatalf("doc %d, buffer %d: error %v, want %v", k, size, err, wantErr)
			}
			if err == nil && !reflect.DeepEqual(&got, whole) {
				t.Fatalf("doc %d, buffer %d: read %+v, want %+v", k, size, got, whole)
			}
		}
	}
}

// docExample is the example of the package doc.
const docExample = `{
  "name": "Dhaka Tower",
  "start": "2027-01-03T08:00:00+06:00",
  "finish_by": "2028-12-31T17:00:00+06:00",
  "status_date": "2027-03-04T17:00:00+06:00",
  "time_zone": "Asia/Dhaka",
  "calendar": "Dhaka",
  "settings": {"minutes_per_day": 480, "minutes_per_week": 2400, "days_per_month": 20},
  "options": {"profile": "p6", "total_float": "smallest", "lag_calendar": "successor",
              "critical_float": "0d", "constraints": "honor", "summary_float": "rolled-up",
              "progress": "actual-dates"},
  "calendars": [{
    "name": "Dhaka", "base": "Sunday-Thursday",
    "week": {"saturday": ["09:00-13:00"]},
    "exceptions": [{"name": "Victory Day", "from": "2027-12-16", "yearly": true},
                   {"name": "Eid", "from": "2027-03-08", "to": "2027-03-12"}]
  }],
  "tasks": [
    {"id": "P", "name": "Piling"},
    {"id": "P1", "name": "Bored piles", "parent": "P", "duration": "20d",
     "constraint": {"type": "SNET", "date": "2027-02-01"},
     "deadline": "2027-04-30", "priority": 700, "calendar": "Night Shift", "notes": "…"},
    {"id": "P2", "name": "Pile caps", "parent": "P", "duration": "8d",
     "manual": true, "start": "2027-03-01T08:00:00+06:00",
     "actual_start": "2027-03-01T08:00:00+06:00", "percent_complete": 40, "remaining": "5d",
     "actual_cost": 52000},
    {"id": "P3", "name": "Pile tests", "parent": "P", "type": "fixed_work",
     "effort_driven": true, "work": "96h", "ignore_resource_calendars": false,
     "fixed_cost": 45000}
  ],
  "links": [{"from": "P1", "to": "P2", "type": "SS", "lag": "50%"}],
  "resources": [{"id": "crew", "name": "Piling crew", "type": "work", "max_units": 2,
                 "calendar": "Dhaka", "standard_rate": 1200, "group": "piling"}],
  "assignments": [{"task": "P1", "resource": "crew", "units": 1},
                  {"task": "P3", "resource": "crew", "units": 0.5, "work": "96h"}],
  "baselines": [{"name": "Baseline", "tasks": [
    {"id": "P1", "start": "2027-02-01T08:00:00+06:00", "finish": "2027-02-28T17:00:00+06:00",
     "duration": "20d", "work": "160h", "cost": 192000}]}]
}`

// TestShortForms checks the forms the reader keeps most tasks and links
// in until their list is whole: an element with any field but those the
// form keeps set (to anything but its zero value, bit for bit: a
// negative zero, a zero time in a zone, an empty map) has none, so that
// a field added to Task or Link and not to them is never lost; and one
// with only those fields comes back the same.
func TestShortForms(t *testing.T) {
	check := func(typ reflect.Type, kept []string, short func(v reflect.Value) (reflect.Value, bool)) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			if slices.Contains(kept, f.Name) {
				continue
			}
			v := reflect.New(typ).Elem()
			v.Field(i).Set(nonZero(f.Type))
			if _, ok := short(v); ok {
				t.Errorf("%v with %s set has a short form", typ, f.Name)
			}
		}
		v := reflect.New(typ).Elem()
		for _, name := range kept {
			v.FieldByName(name).Set(nonZero(v.FieldByName(name).Type()))
		}
		back, ok := short(v)
		if !ok || !reflect.DeepEqual(back.Interface(), v.Interface()) {
			t.Errorf("%v with only %v set: short form %v, back as %+v, want %+v", typ, kept, ok, back, v)
		}
	}
	check(reflect.TypeFor[Task](), []string{"ID", "Name", "Parent", "Duration"}, func(v reflect.Value) (reflect.Value, bool) {
		s, ok := shortTask(v.Addr().Interface().(*Task))
		return reflect.ValueOf(s.task()), ok
	})
	check(reflect.TypeFor[Link](), []string{"Pred", "Succ", "Type", "Lag"}, func(v reflect.Value) (reflect.Value, bool) {
		s, ok := shortLink(v.Addr().Interface().(*Link))
		return reflect.ValueOf(s.link()), ok
	})
}

// nonZero returns a value of type t that is not its zero value, and only
// just: a negative zero, a zero instant in a zone, an empty map or list.
func nonZero(t reflect.Type) reflect.Value {
	v := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float64:
		v.SetFloat(math.Copysign(0, -1))
	case reflect.Pointer:
		v.Set(reflect.New(t.Elem()))
	case reflect.Map:
		v.Set(reflect.MakeMap(t))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(t, 0, 0))
	case reflect.Struct:
		if t == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Time{}.In(time.FixedZone("z", 0))))
			break
		}
		v.Field(0).Set(nonZero(t.Field(0).Type))
	default:
		panic(fmt.Sprintf("nonZero: %v", t))
	}
	return v
}

package schedule

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
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

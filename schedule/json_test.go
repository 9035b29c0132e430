package schedule_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

func encode(t testing.TB, p *schedule.Project) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := schedule.WriteJSON(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestJSONRoundTrip(t *testing.T) {
	for seed := range uint64(200) {
		p := randnet.Project(randnet.Config{Tasks: 1 + int(seed%40), Mixed: true, Seed: seed})
		first := encode(t, p)
		q, err := schedule.ReadJSON(bytes.NewReader(first))
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, first)
		}
		if second := encode(t, q); !bytes.Equal(first, second) {
			t.Fatalf("seed %d: encode(decode(x)) differs:\n%s\n---\n%s", seed, first, second)
		}
		if a, b := canonical(t, mustRun(t, p)), canonical(t, mustRun(t, q)); !bytes.Equal(a, b) {
			t.Fatalf("seed %d: the decoded project schedules differently", seed)
		}
	}
}

// TestJSONLargeLists reads lists long enough to be gathered in several
// chunks, across a chunk's end: they come back whole and in order, each
// in a list of just its length (but for one of four elements or fewer,
// read in one chunk of four).
func TestJSONLargeLists(t *testing.T) {
	for _, n := range []int{5, 2912, 2913, 9000} {
		p := randnet.Project(randnet.Config{Tasks: n, Mixed: true, Seed: uint64(n)})
		first := encode(t, p)
		q, err := schedule.ReadJSON(bytes.NewReader(first))
		if err != nil {
			t.Fatalf("%d tasks: %v", n, err)
		}
		if second := encode(t, q); !bytes.Equal(first, second) {
			t.Fatalf("%d tasks: encode(decode(x)) differs", n)
		}
		if len(q.Tasks) != n || cap(q.Tasks) != n || cap(q.Links) != len(q.Links) && len(q.Links) > 4 {
			t.Errorf("%d tasks: read %d tasks in room for %d, %d links in room for %d", n, len(q.Tasks), cap(q.Tasks), len(q.Links), cap(q.Links))
		}
	}
}

func TestJSONDates(t *testing.T) {
	p, err := schedule.ReadJSON(strings.NewReader(`{
		"start": "2027-01-03", "time_zone": "Asia/Dhaka", "finish_by": "2027-06-30",
		"tasks": [{"id": "A", "duration": "2d", "deadline": "2027-02-01",
		           "constraint": {"type": "fnlt", "date": "2027-01-20T12:00"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	dhaka, _ := time.LoadLocation("Asia/Dhaka")
	for _, c := range []struct {
		name      string
		got, want time.Time
	}{
		{"start", p.Start, time.Date(2027, 1, 3, 0, 0, 0, 0, dhaka)},
		{"finish_by (end of day)", p.FinishBy, time.Date(2027, 7, 1, 0, 0, 0, 0, dhaka)},
		{"deadline (end of day)", p.Tasks[0].Deadline, time.Date(2027, 2, 2, 0, 0, 0, 0, dhaka)},
		{"constraint without offset", p.Tasks[0].Constraint.Date, time.Date(2027, 1, 20, 12, 0, 0, 0, dhaka)},
	} {
		if !c.got.Equal(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if p.Tasks[0].LevelingPriority() != 500 || p.Tasks[0].Constraint.Type != schedule.FNLT {
		t.Errorf("defaults: priority %d, constraint %v", p.Tasks[0].LevelingPriority(), p.Tasks[0].Constraint.Type)
	}
}

func TestJSONErrors(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		want      []string // substrings of the error
	}{
		{"syntax", "{\n  \"start\": \"2027-01-03\",\n  \"tasks\": [\n    {\"id\": \"A\",}\n  ]\n}", []string{"line 4", "column 16"}},
		{"unknown field", `{"start": "2027-01-03", "tasks": [], "colour": "red"}`, []string{`unknown field "colour"`, "line 1"}},
		{"wrong type", `{"start": "2027-01-03", "tasks": [{"id": 7}]}`, []string{"tasks[0].id", "want a string, found a number", "line 1"}},
		{"duration", `{"start": "2027-01-03", "tasks": [{"id": "B", "duration": "5x"}]}`, []string{`task "B" duration`, `"5x"`, "not a duration"}},
		{"date", `{"start": "2027-01-03", "tasks": [{"id": "C", "deadline": "soon"}]}`, []string{`task "C" deadline`, `"soon" is not a date`}},
		{"no start", `{"tasks": []}`, []string{"start", "no start date"}},
		{"weekday", `{"start": "2027-01-03", "tasks": [], "calendars": [{"name": "X", "week": {"funday": []}}]}`, []string{"calendars[0].week", `"funday"`}},
		{"interval", `{"start": "2027-01-03", "tasks": [], "calendars": [{"name": "X", "week": {"monday": ["8-12"]}}]}`, []string{"interval", `"8-12"`}},
		{"link type", `{"start": "2027-01-03", "tasks": [], "links": [{"from": "A", "to": "B", "type": "XX"}]}`, []string{"link type", `"XX"`}},
		{"lag", `{"start": "2027-01-03", "tasks": [], "links": [{"from": "A", "to": "B", "lag": "2 fortnights"}]}`, []string{"links[0].lag", "unknown unit"}},
		{"zone", `{"start": "2027-01-03", "time_zone": "Mars/Olympus", "tasks": []}`, []string{"time_zone", "Mars/Olympus"}},
		{"trailing", `{"start": "2027-01-03", "tasks": []} {}`, []string{"data after the project"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := schedule.ReadJSON(strings.NewReader(c.doc))
			if err == nil {
				t.Fatal("no error")
			}
			if _, ok := errors.AsType[*schedule.ParseError](err); !ok {
				t.Errorf("%v is not a *ParseError", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// FuzzJSON decodes arbitrary documents: no panic, and whatever decodes
// encodes to a document that decodes to the same project.
func FuzzJSON(f *testing.F) {
	for seed := range uint64(8) {
		f.Add(encode(f, randnet.Project(randnet.Config{Tasks: 6, Mixed: true, Seed: seed})))
	}
	f.Add([]byte(`{"start":"2027-01-03","tasks":[{"id":"A","duration":"1.5ed"}],"links":[{"from":"A","to":"A","lag":"-50%"}]}`))
	f.Add([]byte("\ufeff" + `{"tasks":[{"id":"A","deadline":"2027-02-01","constraint":{"type":"MFO","date":"2027-01-09 10:00"}}],"time_zone":"Asia/Dhaka","start":"2027-01-03"}`))
	f.Add([]byte(`{"start":"2027-01-03T08:00:00+06:00","tasks":[{"id":"A","duration":"900000d","splits":[{"at":"1d","gap":"2eh"}]}],"settings":{"minutes_per_day":60}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := schedule.ReadJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		first, err := json.Marshal(p)
		if err != nil {
			return // a value the encoding cannot spell, e.g. a NaN amount
		}
		q, err := schedule.ReadJSON(bytes.NewReader(first))
		if err != nil {
			t.Fatalf("re-reading %s: %v", first, err)
		}
		second, err := json.Marshal(q)
		if err != nil || !bytes.Equal(first, second) {
			t.Fatalf("round trip changed the project:\n%s\n%s", first, second)
		}
	})
}

func TestJSONByteOrderMark(t *testing.T) {
	p, err := schedule.ReadJSON(strings.NewReader("\ufeff" + `{"start": "2027-01-03T08:00:00Z", "tasks": [{"id": "A"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tasks) != 1 || p.Tasks[0].ID != "A" {
		t.Errorf("tasks %+v", p.Tasks)
	}
}

// endless is a valid project document that never ends: its tasks go on.
type endless struct {
	head, task string
	n          int // bytes given
}

func (e *endless) Read(b []byte) (int, error) {
	k := 0
	for k < len(b) {
		s := e.task
		if e.n < len(e.head) {
			s = e.head[e.n:]
		} else {
			s = s[(e.n-len(e.head))%len(s):]
		}
		c := copy(b[k:], s)
		k += c
		e.n += c
	}
	return k, nil
}

func TestJSONMaxBytes(t *testing.T) {
	doc := `{"start": "2027-01-03T08:00:00Z", "tasks": [{"id": "A", "notes": "` + strings.Repeat("n", 5000) + `"}]}`
	if _, err := (schedule.JSONOptions{MaxBytes: int64(len(doc))}).Read(strings.NewReader(doc)); err != nil {
		t.Fatalf("a document of MaxBytes: %v", err)
	}
	for _, c := range []struct {
		name string
		max  int64
		src  io.Reader
	}{
		{"one byte over", int64(len(doc)) - 1, strings.NewReader(doc)},
		{"endless", 1 << 20, &endless{head: `{"start": "2027-01-03T08:00:00Z", "tasks": [{"id": "x"}`, task: `, {"id": "t", "duration": "1d"}`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			counted := &countingReader{r: c.src}
			_, err := schedule.JSONOptions{MaxBytes: c.max}.Read(counted)
			if !errors.Is(err, schedule.ErrTooLarge) {
				t.Fatalf("error %v, want ErrTooLarge", err)
			}
			if _, ok := errors.AsType[*schedule.ParseError](err); !ok || !strings.Contains(err.Error(), strconv.FormatInt(c.max, 10)) {
				t.Errorf("error %q: want a *ParseError saying the limit", err)
			}
			if counted.n > c.max+1<<17 {
				t.Errorf("read %d bytes past a limit of %d", counted.n, c.max)
			}
		})
	}
}

// TestJSONMaxMemory refuses a document within MaxBytes whose project
// would take more memory than MaxMemory: 30 bytes of JSON make a Task of
// 360.
func TestJSONMaxMemory(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"start": "2027-01-03T08:00:00Z", "tasks": [{"id": "x"}`)
	for i := range 20000 {
		fmt.Fprintf(&b, `, {"id": "t%d"}`, i)
	}
	b.WriteString("]}")
	doc := b.String()
	if _, err := (schedule.JSONOptions{MaxMemory: 20 << 20}).Read(strings.NewReader(doc)); err != nil {
		t.Fatalf("within 20 MiB: %v", err)
	}
	_, err := schedule.JSONOptions{MaxMemory: 4 << 20}.Read(strings.NewReader(doc))
	if !errors.Is(err, schedule.ErrTooLarge) || !strings.Contains(err.Error(), "MaxMemory") || !strings.Contains(err.Error(), "tasks[") {
		t.Errorf("error %v: want ErrTooLarge naming MaxMemory and the task", err)
	}
}

func TestJSONNulBytes(t *testing.T) {
	_, err := schedule.ReadJSON(strings.NewReader("\x00\x00\x00\x00"))
	if err == nil || !strings.Contains(err.Error(), `found '\x00'`) {
		t.Errorf("error %v, want one naming the byte", err)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// TestJSONZoneAnywhere reads dates without an offset in the project's
// zone whether the zone comes before or after them.
func TestJSONZoneAnywhere(t *testing.T) {
	body := `"tasks": [{"id": "A", "duration": "2d", "deadline": "2027-02-01", "start": "2027-01-05T10:00", "manual": true,
		"actual_start": "2027-01-04", "actual_finish": "2027-01-06 15:30", "constraint": {"type": "FNLT", "date": "2027-01-20"}},
		{"id": "B", "constraint": {"type": "SNET", "date": "2027-01-21"}}],
		"baselines": [{"name": "b", "tasks": [{"id": "A", "start": "2027-01-04", "finish": "2027-01-05"}]}]`
	head := `"start": "2027-01-03", "time_zone": "Asia/Dhaka", "status_date": "2027-01-10"`
	before, err := schedule.ReadJSON(strings.NewReader("{" + head + ", " + body + "}"))
	if err != nil {
		t.Fatal(err)
	}
	after, err := schedule.ReadJSON(strings.NewReader("{" + body + ", " + head + "}"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("the zone after the tasks reads them otherwise:\n%+v\n%+v", before.Tasks, after.Tasks)
	}
	dhaka, _ := time.LoadLocation("Asia/Dhaka")
	for _, c := range []struct {
		name      string
		got, want time.Time
	}{
		{"deadline (a day's end)", after.Tasks[0].Deadline, time.Date(2027, 2, 2, 0, 0, 0, 0, dhaka)},
		{"start", after.Tasks[0].Start, time.Date(2027, 1, 5, 10, 0, 0, 0, dhaka)},
		{"actual start (a day's start)", after.Tasks[0].ActualStart, time.Date(2027, 1, 4, 0, 0, 0, 0, dhaka)},
		{"actual finish", after.Tasks[0].ActualFinish, time.Date(2027, 1, 6, 15, 30, 0, 0, dhaka)},
		{"finish constraint", after.Tasks[0].Constraint.Date, time.Date(2027, 1, 21, 0, 0, 0, 0, dhaka)},
		{"start constraint", after.Tasks[1].Constraint.Date, time.Date(2027, 1, 21, 0, 0, 0, 0, dhaka)},
		{"baseline finish", after.Baselines[0].Tasks[0].Finish, time.Date(2027, 1, 6, 0, 0, 0, 0, dhaka)},
	} {
		if !c.got.Equal(c.want) || c.got.Location().String() != "Asia/Dhaka" {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestJSONDurationRange refuses durations and lags JSON can spell but the
// engine cannot hold, naming the task or list and the field.
func TestJSONDurationRange(t *testing.T) {
	for _, v := range []string{"1e308d", "2000000000m", "3e9d", "1e300mo", "-1e20h", "NaNd", "Infd", "1e400d"} {
		for _, c := range []struct{ doc, field string }{
			{`"tasks": [{"id": "A", "duration": "%s"}]`, `task "A" duration`},
			{`"tasks": [{"id": "A", "duration": "1d", "work": "%s"}]`, `task "A" work`},
			{`"tasks": [{"id": "A", "duration": "1d", "remaining": "%s"}]`, `task "A" remaining`},
			{`"tasks": [{"duration": "3d", "splits": [{"at": "1d", "gap": "%s"}]}]`, `tasks[0].splits[0].gap`},
			{`"tasks": [{"id": "A", "crash": {"duration": "%s", "cost": 1}}]`, `task "A" crash.duration`},
			{`"tasks": [], "links": [{"from": "A", "to": "B", "lag": "%s"}]`, `links[0].lag`},
			{`"tasks": [], "links": [{"from": "A", "to": "B", "overlap": "%s"}]`, `links[0].overlap`},
			{`"tasks": [], "assignments": [{"task": "A", "resource": "R", "units": 1, "work": "%s"}]`, `assignments[0].work`},
			{`"tasks": [], "baselines": [{"name": "b", "tasks": [{"id": "A", "start": "2027-01-04", "finish": "2027-01-05", "duration": "%s"}]}]`, `baselines[0].tasks[0].duration`},
			{`"tasks": [], "options": {"critical_float": "%s"}`, `options.critical_float`},
		} {
			doc := `{"start": "2027-01-04T08:00:00Z", ` + fmt.Sprintf(c.doc, v) + `}`
			_, err := schedule.ReadJSON(strings.NewReader(doc))
			if err == nil || !strings.Contains(err.Error(), c.field) {
				t.Errorf("%s: error %v, want one naming %s", fmt.Sprintf(c.doc, v), err, c.field)
			}
		}
	}
	// A duration is in range with the project's own settings, given after
	// it: 800,000 days of 8 hours are 384,000,000 minutes.
	if _, err := schedule.ReadJSON(strings.NewReader(`{"start": "2027-01-04T08:00:00Z", "tasks": [{"id": "A", "duration": "800000d"}], "settings": {"minutes_per_day": 480}}`)); err != nil {
		t.Errorf("800000d of 480 minutes: %v", err)
	}
	if _, err := schedule.ReadJSON(strings.NewReader(`{"start": "2027-01-04T08:00:00Z", "tasks": [{"id": "A", "duration": "800000d"}], "settings": {"minutes_per_day": 1440}}`)); err == nil {
		t.Errorf("800000d of 1440 minutes: no error")
	}
}

// TestJSONWriteRefuses refuses values JSON cannot spell, naming the task
// and the field.
func TestJSONWriteRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(p *schedule.Project)
		want string
	}{
		{"duration", func(p *schedule.Project) { p.Tasks[0].Duration = schedule.Days(math.NaN()) }, `task "A" duration`},
		{"lag", func(p *schedule.Project) { p.Links[0].Lag = schedule.Days(math.Inf(-1)) }, `links[0].lag`},
		{"cost", func(p *schedule.Project) { p.Tasks[1].FixedCost = math.Inf(1) }, `task "B" fixed_cost`},
		{"actual cost", func(p *schedule.Project) { p.Tasks[1].ActualCost = new(math.NaN()) }, `task "B" actual_cost`},
		{"year", func(p *schedule.Project) { p.Tasks[0].Deadline = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, `task "A" deadline`},
		{"units", func(p *schedule.Project) { p.Assignments[0].Units = math.NaN() }, `assignments[0].units`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &schedule.Project{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC),
				Tasks:       []schedule.Task{{ID: "A", Duration: schedule.Days(1)}, {ID: "B"}},
				Links:       []schedule.Link{{Pred: "A", Succ: "B"}},
				Resources:   []schedule.Resource{{ID: "R"}},
				Assignments: []schedule.Assignment{{Task: "A", Resource: "R", Units: 1}}}
			c.set(p)
			err := schedule.WriteJSON(io.Discard, p)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one naming %s", err, c.want)
			}
		})
	}
}

// TestJSONCrashCostPerDay: a crash point gives its cost in all ("cost")
// or per day saved ("cost_per_day"); each reads into its own field and is
// written back as it came, the other left out.
func TestJSONCrashCostPerDay(t *testing.T) {
	cases := []struct {
		crash string
		want  schedule.Crash
	}{
		{`{"duration": "2d", "cost": 900}`, schedule.Crash{Duration: schedule.Days(2), Cost: 900}},
		{`{"duration": "2d", "cost_per_day": 250}`, schedule.Crash{Duration: schedule.Days(2), CostPerDay: 250}},
	}
	for _, c := range cases {
		doc := `{"start": "2027-01-04T08:00:00Z", "tasks": [{"id": "A", "duration": "3d", "crash": ` + c.crash + `}]}`
		p, err := schedule.ReadJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatalf("%s: %v", c.crash, err)
		}
		if got := *p.Tasks[0].Crash; got != c.want {
			t.Errorf("%s: read %+v, want %+v", c.crash, got, c.want)
		}
		var crash map[string]any
		var out struct {
			Tasks []struct{ Crash json.RawMessage }
		}
		if err := json.Unmarshal(encode(t, p), &out); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out.Tasks[0].Crash, &crash); err != nil {
			t.Fatal(err)
		}
		var in map[string]any
		json.Unmarshal([]byte(c.crash), &in)
		if !reflect.DeepEqual(crash, in) {
			t.Errorf("%s: written as %s", c.crash, out.Tasks[0].Crash)
		}
	}
}

package mspdi_test

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/schedule"
)

func march(day, hour int) time.Time { return time.Date(2024, 3, day, hour, 0, 0, 0, time.UTC) }

// span is a task's scheduled start and finish.
type span struct{ start, finish time.Time }

func spans(t *testing.T, p *schedule.Project) map[string]span {
	t.Helper()
	out := map[string]span{}
	for _, tr := range mustRun(t, p).Tasks() {
		out[tr.ID] = span{tr.Start, tr.Finish}
	}
	return out
}

// A manually scheduled task as GanttProject writes it — a day from
// Monday 00:00 to Tuesday 00:00 whose duration is PT24H, on the 8-hour
// Standard calendar — lasts from its ManualStart to its ManualFinish, as
// Microsoft Project shows it: Monday's working day (08:00–17:00, the same
// working time as 00:00–00:00), its successor from Tuesday. Its duration
// read as three working days would push the successor to Thursday. A
// manual task whose duration agrees with its dates is left as it is.
// Written back, ManualStart, ManualFinish and ManualDuration agree,
// validate against the schema, and read back to the same schedule without
// a warning.
func TestManualGanttProject(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "ganttproject-manual.xml"))
	if err != nil {
		t.Fatal(err)
	}
	f := read(t, data, "ganttproject-manual.xml")
	if len(f.Warnings) != 1 || f.Warnings[0].Where != "ManualFinish" || !strings.Contains(f.Warnings[0].Message, "task 1: its duration, 3d, is not the PT8H0M0S of working time") ||
		strings.Contains(f.Warnings[0].Message, "other manually scheduled") {
		t.Errorf("warnings %v, want one about task 1's ManualFinish", f.Warnings)
	}
	p := f.Project
	survey, permit := &p.Tasks[0], &p.Tasks[2]
	if !survey.Manual || !survey.Start.Equal(march(4, 0)) || survey.Duration != schedule.Days(1) {
		t.Errorf("task 1: manual %v from %v for %v, want manual from %v for 1d", survey.Manual, survey.Start, survey.Duration, march(4, 0))
	}
	if permit.Duration != schedule.Days(3) {
		t.Errorf("task 3: %v, want its 3d kept", permit.Duration)
	}
	want := map[string]span{
		"1": {march(4, 8), march(4, 17)},
		"2": {march(5, 8), march(6, 17)},
		"3": {march(4, 8), march(6, 17)},
	}
	got := spans(t, p)
	for id, w := range want {
		if got[id] != w {
			t.Errorf("task %s: %v–%v, want %v–%v", id, got[id].start, got[id].finish, w.start, w.finish)
		}
	}

	var out bytes.Buffer
	if _, err := mspdi.Write(&out, p, nil); err != nil {
		t.Fatal(err)
	}
	for _, xsd := range []string{"mspdi_pj15_mpxj-correct-2018.xsd", "mspdi_pj15_mpxj-correct-2023.xsd"} {
		if path := testutil.Schema(xsd); path != "" {
			testutil.Validate(t, path, out.Bytes())
		}
	}
	for _, el := range []string{
		"<ManualStart>2024-03-04T00:00:00</ManualStart>", "<ManualFinish>2024-03-04T17:00:00</ManualFinish>", "<ManualDuration>PT8H0M0S</ManualDuration>",
		"<ManualStart>2024-03-04T08:00:00</ManualStart>", "<ManualFinish>2024-03-06T17:00:00</ManualFinish>", "<ManualDuration>PT24H0M0S</ManualDuration>",
	} {
		if !bytes.Contains(out.Bytes(), []byte(el)) {
			t.Errorf("written without %s", el)
		}
	}
	back := read(t, out.Bytes(), "export")
	if len(back.Warnings) > 0 {
		t.Errorf("reading our own export warns: %v", back.Warnings)
	}
	if again := spans(t, back.Project); !maps.Equal(again, got) {
		t.Errorf("read back, scheduled %v, want %v", again, got)
	}
}

// Manual tasks whose dates and duration disagree in other ways: an
// elapsed duration counts the elapsed time between the dates; a task
// whose work is given (other than its duration × units, which the reader
// keeps) keeps it as fixed duration, over the dates; a
// finish before the start is a warning, the duration kept; a task started
// keeps its duration; a task with no ManualFinish takes its Finish.
func TestManualDates(t *testing.T) {
	task := func(uid, extra string) string {
		return fmt.Sprintf(`<Task><UID>%s</UID><Name>T%s</Name>%s</Task>`, uid, uid, extra)
	}
	manual := func(dur, format, start, finish string) string {
		return fmt.Sprintf(`<Duration>%s</Duration><DurationFormat>%s</DurationFormat><Manual>1</Manual><ManualStart>%s</ManualStart><ManualFinish>%s</ManualFinish>`, dur, format, start, finish)
	}
	for _, c := range []struct {
		name, tasks, more string
		dur               schedule.Duration
		typ               schedule.TaskType
		finish            time.Time
		warn              string
	}{
		{"elapsed", task("1", manual("PT48H0M0S", "8", "2024-03-04T00:00:00", "2024-03-05T00:00:00")), "",
			schedule.ElapsedDays(1), schedule.FixedUnits, march(5, 0), "its duration, 2ed"},
		{"work given", task("1", manual("PT24H0M0S", "7", "2024-03-04T00:00:00", "2024-03-05T00:00:00")),
			`<Resources><Resource><UID>1</UID><Name>Surveyor</Name><Type>1</Type></Resource></Resources>
<Assignments><Assignment><UID>1</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID><Units>1</Units><Work>PT40H0M0S</Work></Assignment></Assignments>`,
			schedule.Days(1), schedule.FixedDuration, march(4, 17), "its duration, 3d"},
		{"finish before start", task("1", manual("PT8H0M0S", "7", "2024-03-05T08:00:00", "2024-03-04T17:00:00")), "",
			schedule.Days(1), schedule.FixedUnits, march(5, 17), "task 1: 2024-03-04T17:00:00 is before its ManualStart"},
		{"started", task("1", manual("PT24H0M0S", "7", "2024-03-04T08:00:00", "2024-03-04T17:00:00")+"<ActualStart>2024-03-04T08:00:00</ActualStart>"), "",
			schedule.Days(3), schedule.FixedUnits, march(6, 17), ""},
		{"Finish for ManualFinish", task("1", `<Finish>2024-03-05T17:00:00</Finish><Duration>PT24H0M0S</Duration><DurationFormat>7</DurationFormat><Manual>1</Manual><ManualStart>2024-03-04T08:00:00</ManualStart>`), "",
			schedule.Days(2), schedule.FixedUnits, march(5, 17), "its duration, 3d"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := `<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2024-03-04T08:00:00</StartDate><StatusDate>2024-03-04T12:00:00</StatusDate><Tasks>` +
				c.tasks + `</Tasks>` + c.more + `</Project>`
			f := read(t, []byte(doc), c.name)
			warned := slices.ContainsFunc(f.Warnings, func(w mspdi.Warning) bool { return c.warn != "" && strings.Contains(w.Message, c.warn) })
			if warned != (c.warn != "") || c.warn == "" && len(f.Warnings) > 0 {
				t.Errorf("warnings %v, want one saying %q", f.Warnings, c.warn)
			}
			task := f.Project.Tasks[0]
			if task.Duration != c.dur || task.Type != c.typ {
				t.Errorf("read as %v, %v; want %v, %v", task.Duration, task.Type, c.dur, c.typ)
			}
			if got := spans(t, f.Project)["1"].finish; !got.Equal(c.finish) {
				t.Errorf("finishes %v, want %v", got, c.finish)
			}
		})
	}
}

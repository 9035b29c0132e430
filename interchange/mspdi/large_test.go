package mspdi_test

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/schedule"
)

// writeLarge writes a valid MSPDI file of n tasks, seeded, streamed (it
// holds no more than one task at a time), one task a line with what a
// lean writer writes of a plain task: UID, ID, name, outline level,
// start, duration and its format, a finish-to-start link to a task
// shortly before (two for one task in eight). Every hundredth task is a
// summary of the 99 after it. A task takes about 290 bytes: 696,000 tasks
// make the 200 MB file of issue 17. In form msproject, each task is
// written as Microsoft Project 2019 writes one, every element it writes
// for a plain task (about 3 kB, indented with tabs): 70,000 tasks make
// 219 MB. In form bare, a task is its UID alone (26 bytes), the most
// tasks a byte can hold: the worst a hostile file can do within the
// bound of a million elements in a list.
func writeLarge(w io.Writer, n int, seed uint64, form form) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	rng := rand.New(rand.NewPCG(seed, 17))
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Project xmlns="http://schemas.microsoft.com/project">
<SaveVersion>14</SaveVersion><Name>large %d</Name><ScheduleFromStart>1</ScheduleFromStart><StartDate>2027-01-04T08:00:00</StartDate><FinishDate>2027-01-04T08:00:00</FinishDate><CalendarUID>1</CalendarUID><MinutesPerDay>480</MinutesPerDay><MinutesPerWeek>2400</MinutesPerWeek><DaysPerMonth>20</DaysPerMonth>
<Calendars><Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar><BaseCalendarUID>-1</BaseCalendarUID><WeekDays>`, n)
	for d := 1; d <= 7; d++ {
		if d == 1 || d == 7 {
			fmt.Fprintf(bw, "<WeekDay><DayType>%d</DayType><DayWorking>0</DayWorking></WeekDay>", d)
			continue
		}
		fmt.Fprintf(bw, "<WeekDay><DayType>%d</DayType><DayWorking>1</DayWorking><WorkingTimes>"+
			"<WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime></WorkingTime>"+
			"<WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime></WorkingTime></WorkingTimes></WeekDay>", d)
	}
	bw.WriteString("</WeekDays></Calendar></Calendars>\n<Tasks>\n")
	start := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		if form == bare {
			fmt.Fprintf(bw, "<Task><UID>%d</UID></Task>\n", i)
			continue
		}
		level := 2
		if i%100 == 1 {
			level = 1
		}
		hours := 8 * (1 + rng.IntN(10))
		from := start.AddDate(0, 0, rng.IntN(400))
		var preds []int
		if level == 2 && i%100 > 2 {
			first := i - 1 - rng.IntN(i%100-2)
			preds = append(preds, first)
			if second := i - 1 - rng.IntN(i%100-2); second != first && rng.IntN(8) == 0 {
				preds = append(preds, second)
			}
		}
		if form == msproject {
			fullTask(bw, i, level, from, hours, preds)
			continue
		}
		fmt.Fprintf(bw, "<Task><UID>%d</UID><ID>%d</ID><Name>Task %d</Name><OutlineLevel>%d</OutlineLevel><Start>%s</Start><Duration>PT%dH0M0S</Duration><DurationFormat>7</DurationFormat>",
			i, i, i, level, from.Format("2006-01-02T15:04:05"), hours)
		for _, p := range preds {
			fmt.Fprintf(bw, "<PredecessorLink><PredecessorUID>%d</PredecessorUID><Type>1</Type></PredecessorLink>", p)
		}
		bw.WriteString("</Task>\n")
	}
	bw.WriteString("</Tasks>\n</Project>\n")
	return bw.Flush()
}

// form is how writeLarge writes a task.
type form int

const (
	lean form = iota
	msproject
	bare
)

func (f form) String() string { return [...]string{"tasks", "msproject-tasks", "bare-tasks"}[f] }

// fullTask writes a task as Microsoft Project 2019 does.
func fullTask(w io.Writer, uid, level int, from time.Time, hours int, preds []int) {
	const layout = "2006-01-02T15:04:05"
	start, finish := from.Format(layout), from.Add(time.Duration(hours)*time.Hour).Format(layout)
	fmt.Fprintf(w, "\t\t<Task>\n\t\t\t<UID>%d</UID>\n\t\t\t<GUID>39172537-DBD2-E811-AC3F-%012X</GUID>\n\t\t\t<ID>%d</ID>\n\t\t\t<Name>Task %d</Name>\n", uid, uid, uid, uid)
	for _, e := range [][2]string{
		{"Active", "1"}, {"Manual", "0"}, {"Type", "0"}, {"IsNull", "0"}, {"CreateDate", "2018-10-18T14:39:00"}, {"WBS", fmt.Sprint(uid)},
		{"OutlineNumber", fmt.Sprint(uid)}, {"OutlineLevel", fmt.Sprint(level)}, {"Priority", "500"}, {"Start", start}, {"Finish", finish},
		{"Duration", fmt.Sprintf("PT%dH0M0S", hours)}, {"ManualStart", start}, {"ManualFinish", finish}, {"ManualDuration", fmt.Sprintf("PT%dH0M0S", hours)},
		{"DurationFormat", "7"}, {"FreeformDurationFormat", "7"}, {"Work", "PT0H0M0S"}, {"ResumeValid", "0"}, {"EffortDriven", "0"}, {"Recurring", "0"},
		{"OverAllocated", "0"}, {"Estimated", "0"}, {"Milestone", "0"}, {"Summary", "0"}, {"DisplayAsSummary", "0"}, {"Critical", "0"},
		{"IsSubproject", "0"}, {"IsSubprojectReadOnly", "0"}, {"ExternalTask", "0"}, {"EarlyStart", start}, {"EarlyFinish", finish},
		{"LateStart", start}, {"LateFinish", finish}, {"StartVariance", "0"}, {"FinishVariance", "0"}, {"WorkVariance", "0.00"},
		{"FreeSlack", "0"}, {"TotalSlack", "0"}, {"StartSlack", "0"}, {"FinishSlack", "0"}, {"FixedCost", "0"}, {"FixedCostAccrual", "3"},
		{"PercentComplete", "0"}, {"PercentWorkComplete", "0"}, {"Cost", "0"}, {"OvertimeCost", "0"}, {"OvertimeWork", "PT0H0M0S"},
		{"ActualDuration", "PT0H0M0S"}, {"ActualCost", "0"}, {"ActualOvertimeCost", "0"}, {"ActualWork", "PT0H0M0S"}, {"ActualOvertimeWork", "PT0H0M0S"},
		{"RegularWork", "PT0H0M0S"}, {"RemainingDuration", fmt.Sprintf("PT%dH0M0S", hours)}, {"RemainingCost", "0"}, {"RemainingWork", "PT0H0M0S"},
		{"RemainingOvertimeCost", "0"}, {"RemainingOvertimeWork", "PT0H0M0S"}, {"ACWP", "0.00"}, {"CV", "0.00"}, {"ConstraintType", "0"},
		{"CalendarUID", "-1"}, {"LevelAssignments", "1"}, {"LevelingCanSplit", "1"}, {"LevelingDelay", "0"}, {"LevelingDelayFormat", "8"},
		{"IgnoreResourceCalendar", "0"}, {"HideBar", "0"}, {"Rollup", "0"}, {"BCWS", "0.00"}, {"BCWP", "0.00"}, {"PhysicalPercentComplete", "0"},
		{"EarnedValueMethod", "0"},
	} {
		fmt.Fprintf(w, "\t\t\t<%s>%s</%[1]s>\n", e[0], e[1])
	}
	for _, p := range preds {
		fmt.Fprintf(w, "\t\t\t<PredecessorLink>\n\t\t\t\t<PredecessorUID>%d</PredecessorUID>\n\t\t\t\t<Type>1</Type>\n\t\t\t\t<CrossProject>0</CrossProject>\n"+
			"\t\t\t\t<LinkLag>0</LinkLag>\n\t\t\t\t<LagFormat>7</LagFormat>\n\t\t\t</PredecessorLink>\n", p)
	}
	fmt.Fprint(w, "\t\t\t<IsPublished>1</IsPublished>\n\t\t\t<CommitmentType>0</CommitmentType>\n\t\t</Task>\n")
}

// largeFile writes writeLarge's file of n tasks into dir and returns its
// path and size.
func largeFile(tb testing.TB, dir string, n int, form form) (string, int64) {
	tb.Helper()
	path := filepath.Join(dir, fmt.Sprintf("large-%d.xml", n))
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := writeLarge(f, n, 1, form); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return path, st.Size()
}

// The generated files, lean and full, read to the same tasks (outline,
// names, durations) and links without a warning, and schedule.
func TestLargeFileIsValid(t *testing.T) {
	var tasks string
	for _, form := range []form{lean, msproject} {
		path, _ := largeFile(t, t.TempDir(), 1000, form)
		in, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		f, err := mspdi.Read(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := f.Project
		if len(f.Warnings) > 0 || len(p.Tasks) != 1000 || len(p.Links) < 900 {
			t.Fatalf("%v: %d tasks, %d links, warnings %v", form, len(p.Tasks), len(p.Links), f.Warnings)
		}
		if _, err := schedule.Run(p); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, task := range p.Tasks {
			fmt.Fprintln(&b, task.ID, task.Parent, task.Name, task.Duration)
		}
		for _, l := range p.Links {
			fmt.Fprintln(&b, l.Pred, l.Succ, l.Type)
		}
		if got := b.String(); tasks == "" {
			tasks = got
		} else if got != tasks {
			t.Errorf("the full file reads to other tasks or links")
		}
	}
}

// BenchmarkReadLarge reads a generated file from disk (Read), and reads
// and schedules it (Schedule), reporting the process's peak resident
// memory over the file's size where the system tells it (peak-RSS/B: run
// one size at a time, as the peak is the process's, and -benchtime 1x).
// tasks=696000 is the 200 MB file of issue 17; msproject-tasks=70000 a
// 219 MB file as Microsoft Project writes one; bare-tasks=1048576 the
// most tasks a file may hold, each its UID alone.
func BenchmarkReadLarge(b *testing.B) {
	for _, size := range []struct {
		n    int
		form form
	}{{10_000, lean}, {696_000, lean}, {70_000, msproject}, {1 << 20, bare}} {
		for _, schedule := range []bool{false, true} {
			what := fmt.Sprintf("%v=%d", size.form, size.n)
			name := "Read/" + what
			if schedule {
				name = "Schedule/" + what
			}
			b.Run(name, func(b *testing.B) {
				path, size := largeFile(b, b.TempDir(), size.n, size.form)
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					readLarge(b, path, schedule)
				}
				if rss := peakRSS(); rss > 0 {
					b.ReportMetric(float64(rss)/float64(size), "peak-RSS/B")
				}
			})
		}
	}
}

func readLarge(b *testing.B, path string, sched bool) {
	in, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	f, err := mspdi.Read(in, nil)
	if err != nil {
		b.Fatal(err)
	}
	if sched {
		if _, err := schedule.Run(f.Project); err != nil {
			b.Fatal(err)
		}
	}
}

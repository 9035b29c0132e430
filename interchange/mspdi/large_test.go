package mspdi_test

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/schedule"
)

// writeLarge writes a valid MSPDI file of n tasks, seeded, streamed (it
// holds no more than one task at a time), one task a line with what
// Microsoft Project writes of a plain task: UID, ID, name, outline level,
// start, duration and its format, a finish-to-start link to a task
// shortly before (two for one task in eight). Every hundredth task is a
// summary of the 99 after it. A task takes about 290 bytes: 696,000 tasks
// make the 200 MB file of issue 17.
func writeLarge(w io.Writer, n int, seed uint64) error {
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
		level := 2
		if i%100 == 1 {
			level = 1
		}
		hours := 8 * (1 + rng.IntN(10))
		from := start.AddDate(0, 0, rng.IntN(400))
		fmt.Fprintf(bw, "<Task><UID>%d</UID><ID>%d</ID><Name>Task %d</Name><OutlineLevel>%d</OutlineLevel><Start>%s</Start><Duration>PT%dH0M0S</Duration><DurationFormat>7</DurationFormat>",
			i, i, i, level, from.Format("2006-01-02T15:04:05"), hours)
		if level == 2 && i%100 > 2 {
			first := i - 1 - rng.IntN(i%100-2)
			fmt.Fprintf(bw, "<PredecessorLink><PredecessorUID>%d</PredecessorUID><Type>1</Type></PredecessorLink>", first)
			if second := i - 1 - rng.IntN(i%100-2); second != first && rng.IntN(8) == 0 {
				fmt.Fprintf(bw, "<PredecessorLink><PredecessorUID>%d</PredecessorUID><Type>1</Type></PredecessorLink>", second)
			}
		}
		bw.WriteString("</Task>\n")
	}
	bw.WriteString("</Tasks>\n</Project>\n")
	return bw.Flush()
}

// largeFile writes writeLarge's file of n tasks into dir and returns its
// path and size.
func largeFile(tb testing.TB, dir string, n int) (string, int64) {
	tb.Helper()
	path := filepath.Join(dir, fmt.Sprintf("large-%d.xml", n))
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := writeLarge(f, n, 1); err != nil {
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

// The generated file reads without a warning and schedules.
func TestLargeFileIsValid(t *testing.T) {
	path, _ := largeFile(t, t.TempDir(), 1000)
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	f, err := mspdi.Read(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings) > 0 || len(f.Project.Tasks) != 1000 || len(f.Project.Links) < 900 {
		t.Fatalf("%d tasks, %d links, warnings %v", len(f.Project.Tasks), len(f.Project.Links), f.Warnings)
	}
	if _, err := schedule.Run(f.Project); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkReadLarge reads a generated file from disk (Read), and reads
// and schedules it (Schedule), reporting the process's peak resident
// memory over the file's size where the system tells it (peak-RSS/B: run
// one size at a time, as the peak is the process's, and -benchtime 1x).
// tasks=696000 is the 200 MB file of issue 17.
func BenchmarkReadLarge(b *testing.B) {
	for _, n := range []int{10_000, 696_000} {
		for _, schedule := range []bool{false, true} {
			name := fmt.Sprintf("Read/tasks=%d", n)
			if schedule {
				name = fmt.Sprintf("Schedule/tasks=%d", n)
			}
			b.Run(name, func(b *testing.B) {
				path, size := largeFile(b, b.TempDir(), n)
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

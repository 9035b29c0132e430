package pmxml_test

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/pmxml"
	"github.com/critpath/critpath/schedule"
)

// writeLarge writes a valid PMXML document of one project of n
// activities, seeded, streamed: a calendar, then one activity a line with
// what P6 writes of a plain one (ObjectId, Id, name, type, status, planned
// duration, start and finish), then its relationships, one a line, a
// finish-to-start one to an activity shortly before each (two for one in
// eight). An activity and its relationship take about 520 bytes: 400,000
// activities make a 200 MB file.
func writeLarge(w io.Writer, n int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	rng := rand.New(rand.NewPCG(seed, 17))
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>
<APIBusinessObjects xmlns="http://xmlns.oracle.com/Primavera/P6/V22.12/API/BusinessObjects">
<Calendar><ObjectId>1</ObjectId><Name>Standard</Name><HoursPerDay>8</HoursPerDay><StandardWorkWeek>`)
	for _, day := range []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"} {
		if day == "Sunday" || day == "Saturday" {
			fmt.Fprintf(bw, "<StandardWorkHours><DayOfWeek>%s</DayOfWeek><WorkTime/></StandardWorkHours>", day)
			continue
		}
		fmt.Fprintf(bw, "<StandardWorkHours><DayOfWeek>%s</DayOfWeek><WorkTime><Start>08:00:00</Start><Finish>11:59:00</Finish></WorkTime>"+
			"<WorkTime><Start>13:00:00</Start><Finish>16:59:00</Finish></WorkTime></StandardWorkHours>", day)
	}
	fmt.Fprintf(bw, "</StandardWorkWeek></Calendar>\n<Project><ObjectId>1</ObjectId><Id>LARGE</Id><Name>large %d</Name><PlannedStartDate>2027-01-04T08:00:00</PlannedStartDate>"+
		"<DataDate>2027-01-04T08:00:00</DataDate><ActivityDefaultCalendarObjectId>1</ActivityDefaultCalendarObjectId>\n", n)
	start := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		hours := 8 * (1 + rng.IntN(10))
		from := start.AddDate(0, 0, rng.IntN(400))
		fmt.Fprintf(bw, "<Activity><ObjectId>%d</ObjectId><Id>A%d</Id><Name>Activity %d</Name><Type>Task Dependent</Type><Status>Not Started</Status>"+
			"<PlannedDuration>%d</PlannedDuration><StartDate>%s</StartDate><FinishDate>%s</FinishDate></Activity>\n",
			i, i, i, hours, from.Format("2006-01-02T15:04:05"), from.Add(time.Duration(hours)*time.Hour).Format("2006-01-02T15:04:05"))
	}
	link := func(pred, succ int) {
		fmt.Fprintf(bw, "<Relationship><PredecessorActivityObjectId>%d</PredecessorActivityObjectId><SuccessorActivityObjectId>%d</SuccessorActivityObjectId>"+
			"<Type>Finish to Start</Type><Lag>0</Lag></Relationship>\n", pred, succ)
	}
	for i := 2; i <= n; i++ {
		first := i - 1 - rng.IntN(min(i-1, 50))
		link(first, i)
		if second := i - 1 - rng.IntN(min(i-1, 50)); second != first && rng.IntN(8) == 0 {
			link(second, i)
		}
	}
	bw.WriteString("</Project>\n</APIBusinessObjects>\n")
	return bw.Flush()
}

// largeFile writes writeLarge's document of n activities into dir and
// returns its path and size.
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

// The generated document reads without a warning and schedules.
func TestLargeFileIsValid(t *testing.T) {
	path, _ := largeFile(t, t.TempDir(), 1000)
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	f, err := pmxml.Read(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := f.Projects[0].Project
	if len(f.Warnings) > 0 || len(p.Tasks) != 1000 || len(p.Links) < 999 {
		t.Fatalf("%d tasks, %d links, warnings %v", len(p.Tasks), len(p.Links), f.Warnings)
	}
	if _, err := schedule.Run(p); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkReadLarge reads a generated document from disk (Read), and
// reads and schedules it (Schedule), reporting the process's peak
// resident memory over the file's size where the system tells it
// (peak-RSS/B: run one size at a time, with -benchtime 1x).
// activities=400000 is a 200 MB document.
func BenchmarkReadLarge(b *testing.B) {
	for _, n := range []int{10_000, 400_000} {
		for _, sched := range []bool{false, true} {
			name := fmt.Sprintf("Read/activities=%d", n)
			if sched {
				name = fmt.Sprintf("Schedule/activities=%d", n)
			}
			b.Run(name, func(b *testing.B) {
				path, size := largeFile(b, b.TempDir(), n)
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					readLarge(b, path, sched)
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
	f, err := pmxml.Read(in, nil)
	if err != nil {
		b.Fatal(err)
	}
	if sched {
		if _, err := schedule.Run(f.Projects[0].Project); err != nil {
			b.Fatal(err)
		}
	}
}

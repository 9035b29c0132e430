package xer_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/schedule"
)

func readFile(t *testing.T, path string, opts *xer.ReadOptions) *xer.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := xer.Read(bytes.NewReader(data), opts)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return f
}

// Names written in Windows-1251 come out in Cyrillic; the same bytes read
// as Windows-1252 do not.
func TestCyrillic(t *testing.T) {
	path := filepath.Join("testdata", "aspose-net__encoding1251.xer")
	p := readFile(t, path, nil).Projects[0].Project
	var names []string
	for _, task := range p.Tasks {
		names = append(names, task.Name)
	}
	if !slices.Contains(names, "Задача 1") {
		t.Errorf("task names %q, want Задача 1 among them", names)
	}
	p = readFile(t, path, &xer.ReadOptions{Charset: xer.Windows1252}).Projects[0].Project
	for _, task := range p.Tasks {
		if strings.ContainsAny(task.Name, "Зад") {
			t.Errorf("read as Windows-1252, %q has Cyrillic in it", task.Name)
		}
	}
}

// A P6 calendar's week and holidays (clndr_data, day numbers from
// 1899-12-30) come out as P6 shows them.
func TestCalendarData(t *testing.T) {
	p := readFile(t, filepath.Join("testdata", "mpxj__PredecessorCalendar.xer"), nil).Projects[0].Project
	if p.Calendar != "5 Day" || len(p.Calendars) != 1 {
		t.Fatalf("calendar %q of %d", p.Calendar, len(p.Calendars))
	}
	c := p.Calendars[0]
	day := []schedule.Interval{schedule.Span(8, 0, 12, 0), schedule.Span(13, 0, 17, 0)}
	if len(c.Week[time.Sunday]) != 0 || !slices.Equal(c.Week[time.Monday], day) || !slices.Equal(c.Week[time.Friday], day) {
		t.Errorf("week %v", c.Week)
	}
	// 43650 days after 1899-12-30 is 2019-07-04.
	if len(c.Exceptions) == 0 || c.Exceptions[0].From != (schedule.Date{Year: 2019, Month: time.July, Day: 4}) || len(c.Exceptions[0].Working) != 0 {
		t.Errorf("first exception %+v", c.Exceptions[:min(1, len(c.Exceptions))])
	}
	if p.Settings.MinutesPerDay != 480 || p.Options.LagCalendar != schedule.LagPredecessor {
		t.Errorf("settings %+v, lag calendar %v", p.Settings, p.Options.LagCalendar)
	}
}

// The takt sample P6 scheduled: every activity is where P6 put it.
func TestSampleDates(t *testing.T) {
	f := readFile(t, filepath.Join("testdata", "xernative__sample.xer"), nil)
	pr := f.Projects[0]
	r, err := schedule.Run(pr.Project)
	if err != nil {
		t.Fatal(err)
	}
	n := r.Network()
	checked := 0
	for i, task := range pr.Project.Tasks {
		saved, ok := pr.Saved[task.ID]
		if !ok {
			continue
		}
		got := r.Task(i)
		ds, _ := n.WorkBetween(n.Calendar(i), got.Start, saved.Start)
		df, _ := n.WorkBetween(n.Calendar(i), got.Finish, saved.Finish)
		if ds != 0 || df != 0 || (saved.HasFloat && saved.TotalFloat != got.TotalFloat) {
			t.Errorf("%s: %v–%v float %d, P6 saved %v–%v float %d", task.ID, got.Start, got.Finish, got.TotalFloat, saved.Start, saved.Finish, saved.TotalFloat)
		}
		checked++
	}
	if checked != 25 {
		t.Errorf("%d activities checked, want 25", checked)
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"not XER", "hello\tworld\n", "line 1: not an XER file"},
		{"no project", "ERMHDR\t8.2\n%T\tTASK\n%F\ttask_id\n%R\t1\n%E\n", "table PROJECT: the file holds no project"},
		{"rows before fields", "ERMHDR\t8.2\n%T\tTASK\n%R\t1\n", "line 3: %R before its table's %F"},
		{"binary", "\x00\x01\x02\xff", "not an XER file"},
	} {
		_, err := xer.Read(strings.NewReader(c.doc), nil)
		var pe *xer.ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want a ParseError naming %q", c.name, err, c.want)
		}
	}
	if _, err := xer.Read(strings.NewReader("ERMHDR\t8.2\n"+strings.Repeat("x", 2<<10)), &xer.ReadOptions{MaxBytes: 1 << 10}); !errors.Is(err, xer.ErrTooLarge) || !strings.Contains(err.Error(), "over 1024 bytes") {
		t.Errorf("an oversized file: %v", err)
	}
}

// Every XER file of the corpus imports, none said to be cut short, and
// every project in it schedules.
func TestCorpus(t *testing.T) {
	dir := os.Getenv("CRITPATH_CORPUS")
	if dir == "" {
		t.Skip("CRITPATH_CORPUS is not set")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "interchange", "xer", "*.xer"))
	if len(files) == 0 {
		t.Fatal("no XER files in the corpus")
	}
	tasks := 0
	for _, path := range files {
		f := readFile(t, path, nil)
		for _, w := range f.Warnings {
			if strings.Contains(w.Message, "%E") {
				t.Errorf("%s: %v; every file of the corpus ends with %%E", filepath.Base(path), w)
			}
		}
		for _, pr := range f.Projects {
			if _, err := schedule.Run(pr.Project); err != nil {
				t.Errorf("%s: project %q does not schedule: %v", filepath.Base(path), pr.Project.Name, err)
			}
			tasks += len(pr.Project.Tasks)
		}
	}
	if tasks < 6000 {
		t.Errorf("%d tasks read from the corpus, want over 6,000", tasks)
	}
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"mpxj__PredecessorCalendar.xer", "xernative__sample.xer"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, c := range damaged {
		f.Add([]byte(c.doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := xer.Read(bytes.NewReader(data), nil)
		if err != nil {
			return
		}
		// A file without %E is read with a warning saying so, and every
		// warning names a line.
		var unended bool
		for _, w := range file.Warnings {
			if w.Line < 1 {
				t.Fatalf("warning %q names no line", w)
			}
			unended = unended || strings.Contains(w.Message, "without %E")
		}
		if !bytes.Contains(data, []byte("%E")) && !unended {
			t.Fatalf("read without %%E and without a warning: %v", file.Warnings)
		}
		for _, pr := range file.Projects {
			_, _ = schedule.Compile(pr.Project) // errors are fine; panics and hangs are not
			// What is read writes; written again after a read, it is the same.
			var one, two bytes.Buffer
			if _, err := xer.Write(&one, pr.Project, nil); err != nil {
				continue // an ID used twice, say
			}
			back, err := xer.Read(bytes.NewReader(one.Bytes()), nil)
			if err != nil {
				t.Fatalf("reading our own export: %v", err)
			}
			if _, err := xer.Write(&two, back.Projects[0].Project, nil); err != nil {
				t.Fatalf("writing it again: %v", err)
			}
			again, err := xer.Read(bytes.NewReader(two.Bytes()), nil)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := testutil.Model(t, back.Projects[0].Project), testutil.Model(t, again.Projects[0].Project); a != b {
				t.Fatalf("a second round trip changed the model:\n%s", testutil.FirstDiff(a, b))
			}
		}
	})
}

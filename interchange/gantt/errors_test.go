package gantt_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/gantt"
	"github.com/critpath/critpath/schedule"
)

// TestErrorMessages walks the error paths of SVG and PDF: a broken
// outline, a task not in the schedule, a window backwards, a paper not
// known, too many pages and a writer that fails. Each message starts with
// "gantt: "; a writer's error is wrapped.
func TestErrorMessages(t *testing.T) {
	start := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	tasks := func(n int) *schedule.Project {
		p := &schedule.Project{Start: start}
		for i := range n {
			p.Tasks = append(p.Tasks, schedule.Task{ID: fmt.Sprint("T", i+1), Duration: schedule.Days(2)})
		}
		return p
	}
	run := func(p *schedule.Project) *schedule.Result {
		r, err := schedule.Run(p)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	good := tasks(2)
	r := run(good)
	// The outline loops once the result is made: the scheduler refuses
	// such a project, so the chart sees it only this way.
	loop := tasks(2)
	rLoop := run(loop)
	loop.Tasks[0].Parent, loop.Tasks[1].Parent = "T2", "T1"
	// 1,200 rows over 130,000 days take some 34 × 159 A4 pages.
	long := tasks(1200)
	long.Tasks[0].Duration = schedule.Days(130_000)
	long.Tasks[0].Duration.Elapsed = true
	rLong := run(long)
	backwards := &gantt.Options{From: start.AddDate(0, 0, 5), To: start}
	cases := []struct {
		name string
		call func(w io.Writer) error
		is   error // wrapped, when not nil
	}{
		{"SVG outline loop", func(w io.Writer) error { return gantt.SVG(w, loop, rLoop, nil) }, nil},
		{"SVG task not scheduled", func(w io.Writer) error { return gantt.SVG(w, tasks(3), r, nil) }, nil},
		{"SVG window backwards", func(w io.Writer) error { return gantt.SVG(w, good, r, backwards) }, nil},
		{"SVG writer fails", func(io.Writer) error { return gantt.SVG(errWriter{}, good, r, nil) }, errWrite},
		{"PDF outline loop", func(w io.Writer) error { return gantt.PDF(w, loop, rLoop, nil) }, nil},
		{"PDF task not scheduled", func(w io.Writer) error { return gantt.PDF(w, tasks(3), r, nil) }, nil},
		{"PDF window backwards", func(w io.Writer) error {
			return gantt.PDF(w, good, r, &gantt.PDFOptions{From: backwards.From, To: backwards.To})
		}, nil},
		{"PDF paper", func(w io.Writer) error { return gantt.PDF(w, good, r, &gantt.PDFOptions{Paper: "Letter"}) }, nil},
		{"PDF pages", func(w io.Writer) error { return gantt.PDF(w, long, rLong, &gantt.PDFOptions{Paper: "A4"}) }, nil},
		{"PDF writer fails", func(io.Writer) error { return gantt.PDF(errWriter{}, good, r, nil) }, errWrite},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			err := c.call(&b)
			if err == nil {
				t.Fatal("got no error")
			}
			if !strings.HasPrefix(err.Error(), "gantt: ") {
				t.Errorf("got %q, want it to start with %q", err, "gantt: ")
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("got %v, want it to wrap %v", err, c.is)
			}
		})
	}
}

var errWrite = errors.New("disk full")

// errWriter fails every write.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errWrite }

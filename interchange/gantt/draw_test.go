package gantt

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// recorder is a canvas that keeps what is drawn.
type recorder struct {
	texts []struct {
		x, y float64
		s    string
	}
}

func (c *recorder) rect(x, y, w, h float64, fill string)                     {}
func (c *recorder) line(x1, y1, x2, y2 float64, s string, w float64, d bool) {}
func (c *recorder) shape(pts []point, fill string)                           {}
func (c *recorder) arrow(pts []point, stroke string)                         {}
func (c *recorder) text(x, y float64, s string, t txt) {
	c.texts = append(c.texts, struct {
		x, y float64
		s    string
	}{x, y, s})
}

func mustRun(t *testing.T, p *schedule.Project) *schedule.Result {
	t.Helper()
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func pdfOf(t *testing.T, p *schedule.Project, opts *PDFOptions) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	err := PDF(&buf, p, mustRun(t, p), opts)
	return buf.Bytes(), err
}

func twoDayTasks(names ...string) *schedule.Project {
	p := &schedule.Project{Name: "tasks", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}
	for k, n := range names {
		p.Tasks = append(p.Tasks, schedule.Task{ID: fmt.Sprint(k + 1), Name: n, Duration: schedule.Days(2)})
	}
	return p
}

// A task name in a script the embedded fonts lack (CJK, emoji, a tab)
// prints without failing the PDF.
func TestPDFNamesOutsideTheFonts(t *testing.T) {
	for _, name := range []string{"基础工程", "Crane 🏗", "Pour\tslab"} {
		if _, err := pdfOf(t, twoDayTasks(name), nil); err != nil {
			t.Errorf("name %q: %v", name, err)
		}
	}
}

// However deep the outline, a task's name stays in the name column: its
// indent is bounded (14 units a level would run into the chart below 23
// levels and off the page below 100).
func TestDeepOutlineNamesStayInTheirColumn(t *testing.T) {
	p := &schedule.Project{Name: "deep", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}
	const depth = 120
	for k := range depth {
		task := schedule.Task{ID: fmt.Sprint("T", k), Name: fmt.Sprint("level ", k), Duration: schedule.Days(1)}
		if k > 0 {
			task.Parent = fmt.Sprint("T", k-1)
		}
		p.Tasks = append(p.Tasks, task)
	}
	r := mustRun(t, p)
	rows, err := rowsOf(p, r)
	if err != nil {
		t.Fatal(err)
	}
	m := pdfMetrics
	m.labelW = 170 // A4
	from, to, err := axis(p, r, rows, nil, window{}, m, func(n float64) float64 { return (841.89 - 16 - m.labelW) / n })
	if err != nil {
		t.Fatal(err)
	}
	for k := range rows {
		rows[k].y = m.headH + 2*m.rowH + float64(k)*m.rowH
	}
	f := &frame{m: m, rows: rows, from: from, to: to, left: m.labelW, right: 841.89 - 16, width: 841.89, height: 10000}
	c := &recorder{}
	draw(c, f, p, r, nil, p.Links)
	into, off := "", ""
	for _, tx := range c.texts {
		if strings.HasPrefix(tx.s, "level ") && tx.x >= m.labelW && into == "" {
			into = fmt.Sprintf("%q at x=%.0f", tx.s, tx.x)
		}
		if strings.HasPrefix(tx.s, "level ") && tx.x >= f.width && off == "" {
			off = fmt.Sprintf("%q at x=%.0f", tx.s, tx.x)
		}
	}
	if into != "" || off != "" {
		t.Fatalf("label column ends at %.0f, page at %.0f: first name in the chart %s; first off the page %s", m.labelW, f.width, into, off)
	}
}

// The same project prints the same bytes, Bangla included.
func TestPDFSameBytes(t *testing.T) {
	p := twoDayTasks("Dig", "Pour", "ভিত্তি ঢালাই")
	p.Links = []schedule.Link{{Pred: "1", Succ: "2"}}
	a, err := pdfOf(t, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		b, err := pdfOf(t, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("two PDFs of the same project differ (%d vs %d bytes)", len(a), len(b))
		}
	}
}

// Dates are placed right on timescales longer than the 292 years a
// time.Duration holds (the scheduler takes 1900–2400): a date past the
// 292nd year is not pinned to the right edge.
func TestTimescaleBeyond292Years(t *testing.T) {
	from := time.Date(1901, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2301, 1, 1, 0, 0, 0, 0, time.UTC)
	f := &frame{from: from, to: to, left: 0, right: 400}
	mid := time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC)
	late := time.Date(2250, 1, 1, 0, 0, 0, 0, time.UTC)
	if x := f.x(mid); x < 190 || x > 210 {
		t.Errorf("x(2101) = %.1f, want about 200", x)
	}
	if x := f.x(late); x > 360 {
		t.Errorf("x(2250) = %.1f, want about 349", x)
	}
	// A project the scheduler accepts: 1901 to 2256.
	d, err := schedule.ParseDuration("130000ed")
	if err != nil {
		t.Fatal(err)
	}
	p := &schedule.Project{Name: "long", Start: time.Date(1901, 1, 7, 8, 0, 0, 0, time.UTC),
		Tasks: []schedule.Task{{ID: "A", Name: "ages", Duration: d}, {ID: "B", Name: "end"}},
		Links: []schedule.Link{{Pred: "A", Succ: "B"}}}
	r := mustRun(t, p)
	rows, err := rowsOf(p, r)
	if err != nil {
		t.Fatal(err)
	}
	from, to, err = axis(p, r, rows, nil, window{}, svgMetrics, func(n float64) float64 { return 1000 / n })
	if err != nil {
		t.Fatal(err)
	}
	f = &frame{from: from, to: to, left: 0, right: 1000}
	if x := f.x(r.Finish()); x < 960 || x > 1000 {
		// The finish milestone (2256) must sit at the right end, not
		// past a timescale cut short in 2193.
		t.Errorf("the finish %v is drawn at %.1f of 1000", r.Finish(), x)
	}
	var out bytes.Buffer
	if err := PDF(&out, p, r, nil); err != nil {
		t.Fatal(err)
	}
}

// Projects of milestones only, and projects without tasks, draw as SVG
// and PDF.
func TestDegenerateProjects(t *testing.T) {
	ms := twoDayTasks("m1", "m2")
	for k := range ms.Tasks {
		ms.Tasks[k].Duration = schedule.Days(0)
	}
	for name, p := range map[string]*schedule.Project{"milestones": ms, "empty": twoDayTasks()} {
		if _, err := pdfOf(t, p, nil); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		var buf bytes.Buffer
		if err := SVG(&buf, p, mustRun(t, p), nil); err != nil {
			t.Errorf("%s SVG: %v", name, err)
		}
	}
}

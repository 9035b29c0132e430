package gantt_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/gantt"
	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/schedule"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// The Dhaka Tower example draws as its golden SVG: a well-formed document
// with a bar, bracket or diamond per task, the critical tasks in red, an
// arrow per link, and the same bytes each time.
func TestDhakaTower(t *testing.T) {
	p := testutil.Example(t, "dhaka-tower.json")
	out, r := draw(t, p)
	if again, _ := draw(t, p); !bytes.Equal(out.Bytes(), again.Bytes()) {
		t.Fatal("a second drawing differs")
	}
	// Well-formed, and one mark per task and link.
	var doc struct {
		Rects []struct {
			Fill string `xml:"fill,attr"`
		} `xml:"rect"`
		Paths []struct {
			Marker string `xml:"marker-end,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not well-formed: %v", err)
	}
	arrows := 0
	for _, p := range doc.Paths {
		if p.Marker != "" {
			arrows++
		}
	}
	if arrows != len(p.Links) {
		t.Errorf("%d arrows for %d links", arrows, len(p.Links))
	}
	critical := 0
	for _, tr := range r.Tasks() {
		if tr.Critical && !tr.Summary && !tr.Milestone {
			critical++
		}
	}
	red := strings.Count(out.String(), `fill="#e76f51"/>`) - 1 // less the legend's
	if red != critical {
		t.Errorf("%d red bars for %d critical tasks", red, critical)
	}
	golden := filepath.Join("testdata", "dhaka-tower.golden.svg")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("the drawing differs from %s; run go test -update after checking it", golden)
	}
}

// Bangla and Latin names are written as text (escaped where XML needs
// it), in a font list that covers both.
func TestText(t *testing.T) {
	p := &schedule.Project{Name: "ঢাকা টাওয়ার & Co", Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC),
		Tasks: []schedule.Task{{ID: "A", Name: "ছাদ ঢালাই <৩য় তলা>", Duration: schedule.Days(3)}}}
	out, _ := draw(t, p)
	for _, want := range []string{"ঢাকা টাওয়ার &amp; Co", "ছাদ ঢালাই &lt;৩য় তলা&gt;", "Noto Sans Bengali"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in the drawing", want)
		}
	}
	if err := xml.Unmarshal(out.Bytes(), new(struct{})); err != nil {
		t.Errorf("not well-formed: %v", err)
	}
}

// draw schedules p and draws it.
func draw(t *testing.T, p *schedule.Project) (*bytes.Buffer, *schedule.Result) {
	t.Helper()
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := gantt.SVG(&out, p, r, nil); err != nil {
		t.Fatal(err)
	}
	return &out, r
}

// A chart fixed to September–November 2019 of a project running from
// March 2019 into 2020 starts its timescale in September, lists every
// task, ends each bar crossing an edge in a dark arrowhead and shows
// each task wholly outside as a grey arrowhead on the edge it lies
// beyond; printed, it takes one A4 page across for each band of rows.
// A window that ends before it starts is an error.
func TestWindow(t *testing.T) {
	p := gantt.LateProject(t)
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2019, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	if err := gantt.SVG(&out, p, r, &gantt.Options{From: from, To: to}); err != nil {
		t.Fatal(err)
	}
	svg := out.String()
	cut, beyond, inside := 0, 0, 0
	for _, tr := range r.Tasks() {
		if !strings.Contains(svg, ">"+tr.Name+"<") {
			t.Errorf("task %s is not listed", tr.Name)
		}
		a, b := tr.Start, tr.Finish
		switch {
		case b.Before(from) || a.After(to):
			beyond++
			continue
		case a.Before(from) && b.After(to):
			cut += 2
		case a.Before(from) || b.After(to):
			cut++
		}
		inside++
	}
	if cut == 0 || beyond == 0 || inside == 0 {
		t.Fatalf("the window cuts %d bar ends, has %d tasks outside and %d inside: not a test of it", cut, beyond, inside)
	}
	if got := strings.Count(svg, `fill="#333333"/>`); got != cut {
		t.Errorf("%d dark arrowheads, want %d (bar ends cut by the window)", got, cut)
	}
	if got := strings.Count(svg, `fill="#b0b8c0"/>`); got != beyond {
		t.Errorf("%d grey arrowheads, want %d (tasks outside the window)", got, beyond)
	}
	if before, _, ok := strings.Cut(svg, `font-weight="bold">Sep 2019<`); !ok || strings.Contains(before, " 2019<") {
		t.Errorf("the timescale does not start with Sep 2019")
	}
	if err := gantt.SVG(&out, p, r, &gantt.Options{From: to, To: from}); err == nil || !strings.Contains(err.Error(), "not before") {
		t.Errorf("a window ending before it starts: got %v", err)
	}
}

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

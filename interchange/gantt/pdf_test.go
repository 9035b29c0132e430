package gantt_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/gantt"
	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

func printPDF(t *testing.T, p *schedule.Project, opts *gantt.PDFOptions) []byte {
	t.Helper()
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := gantt.PDF(&out, p, r, opts); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// render rasterizes every page with pdftoppm (Debian poppler-utils) in
// grey and returns the pages' PGM images.
func render(t *testing.T, pdf []byte) [][]byte {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm (poppler-utils) is not installed")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "chart.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "24", "-gray", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page-*.pgm"))
	var imgs [][]byte
	for _, path := range pages {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, b)
	}
	return imgs
}

// pixels returns a PGM image's width, height and grey pixels.
func pixels(t *testing.T, pgm []byte) (w, h int, px []byte) {
	t.Helper()
	// P5\n<w> <h>\n255\n<pixels>
	f := strings.Fields(string(pgm[:min(len(pgm), 40)]))
	if len(f) < 4 || f[0] != "P5" {
		t.Fatalf("not a PGM image: %q", pgm[:min(len(pgm), 20)])
	}
	w, _ = strconv.Atoi(f[1])
	h, _ = strconv.Atoi(f[2])
	return w, h, pgm[len(pgm)-w*h:]
}

// inked is the share of a PGM image's pixels that are not white.
func inked(t *testing.T, pgm []byte) float64 {
	t.Helper()
	_, _, px := pixels(t, pgm)
	dark := 0
	for _, v := range px {
		if v < 200 {
			dark++
		}
	}
	return float64(dark) / float64(len(px))
}

// charted is the share of the chart's pixels that are dark: the part of
// a page right of the task names (labelW points) and below the header
// and timescale (74 points), above the footer, where only bars, links
// and the status line are darker than grey 170 (grid lines, stripes and
// the arrowheads pointing to tasks off the page are lighter).
func charted(t *testing.T, pgm []byte, pageW, labelW float64) float64 {
	t.Helper()
	w, h, px := pixels(t, pgm)
	pt := float64(w) / pageW // pixels a point
	x0, x1 := int((labelW+2)*pt), w-int(16*pt)
	y0, y1 := int(76*pt), h-int(28*pt)
	dark, all := 0, 0
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			all++
			if px[y*w+x] < 170 {
				dark++
			}
		}
	}
	return float64(dark) / float64(max(1, all))
}

// The Dhaka Tower prints on A3 as four pages of rows, each of which
// renders, the first with a chart on it; the same project prints the
// same bytes twice.
func TestPDFDhakaTower(t *testing.T) {
	p := testutil.Example(t, "dhaka-tower.json")
	pdf := printPDF(t, p, nil)
	if again := printPDF(t, p, nil); !bytes.Equal(pdf, again) {
		t.Error("a second print differs")
	}
	pages := render(t, pdf)
	if len(pages) != 4 {
		t.Fatalf("%d pages, want 4 (167 rows, about 52 to an A3 page)", len(pages))
	}
	for k, pg := range pages {
		if ink := inked(t, pg); ink < 0.005 {
			t.Errorf("page %d is blank (%.3f inked)", k+1, ink)
		}
	}
}

// A long, large project is cut into pages down and across, on A4 too;
// a wrong paper is an error.
func TestPDFPages(t *testing.T) {
	p := randnet.Project(randnet.Config{Tasks: 300, Seed: 3, Calendar: schedule.Standard})
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	days := r.Finish().Sub(r.Start()).Hours() / 24
	pages := render(t, printPDF(t, p, &gantt.PDFOptions{Paper: "A4"}))
	// A4 holds 36 rows; a day is at least 0.8 pt of 656 pt.
	down, across := (300+35)/36, int(days*0.8/656)+1
	if len(pages) < down*across || len(pages) > down*(across+1) {
		t.Errorf("%d pages for %d rows over %.0f days, want about %d×%d", len(pages), 300, days, down, across)
	}
	if ink := inked(t, pages[0]); ink < 0.02 {
		t.Errorf("the first page is blank (%.3f inked)", ink)
	}
	for k, pg := range pages {
		if charted(t, pg, 841.89, 170) == 0 {
			t.Errorf("page %d has no chart", k+1)
		}
	}
	var out bytes.Buffer
	if err := gantt.PDF(&out, p, r, &gantt.PDFOptions{Paper: "Letter"}); err == nil || !strings.Contains(err.Error(), "A3 or A4") {
		t.Errorf("paper Letter: got %v", err)
	}
}

// Bangla is set in the embedded Bengali font with its pre-base vowel
// signs moved before their consonants; Latin in Noto Sans.
func TestPDFBangla(t *testing.T) {
	p := &schedule.Project{Name: "ঢাকা টাওয়ার", Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC),
		Tasks: []schedule.Task{{ID: "A", Name: "পাইলিং ও কিউরিং (৩য় তলা) piling", Duration: schedule.Days(3)}}}
	pdf := printPDF(t, p, nil)
	for _, font := range []string{"NotoSansBengali", "NotoSans"} {
		if !bytes.Contains(pdf, []byte(font)) {
			t.Errorf("no %s font in the PDF", font)
		}
	}
	if ink := inked(t, render(t, pdf)[0]); ink < 0.001 {
		t.Errorf("the page is blank (%.3f inked)", ink)
	}
}

// A P6-like project planned to start in 2015 whose work runs from March
// 2019 into 2020 prints on as many pages as its 62 rows need, each with
// bars on it: the timescale starts with the work, not the planned start
// (drawn from 2015 it took six A4 pages, four of them without a bar).
func TestPDFFitsTheWork(t *testing.T) {
	p := gantt.LateProject(t)
	for _, c := range []struct {
		paper         string
		pages         int
		pageW, labelW float64
	}{
		{"A4", 2, 841.89, 170}, // 35 rows a page, 2019–2020 within one page's width
		{"A3", 2, 1190.55, 210},
	} {
		pages := render(t, printPDF(t, p, &gantt.PDFOptions{Paper: c.paper}))
		if len(pages) != c.pages {
			t.Errorf("%s: %d pages, want %d", c.paper, len(pages), c.pages)
		}
		for k, pg := range pages {
			if ink := charted(t, pg, c.pageW, c.labelW); ink < 0.001 {
				t.Errorf("%s: page %d has no chart (%.4f of it inked)", c.paper, k+1, ink)
			}
		}
	}
}

// A project whose first 35 tasks run in 2019 and the next 35 in 2022
// is too long for one A4 page's width, but each band of rows (35 to an
// A4 page) has work in one of its two columns only: it prints on two
// pages, not four of which two had no bar.
func TestPDFLeavesOutEmptyPages(t *testing.T) {
	p := &schedule.Project{Name: "two campaigns", Start: time.Date(2019, 1, 7, 8, 0, 0, 0, time.UTC)}
	for k := range 70 {
		task := schedule.Task{ID: strconv.Itoa(k), Name: "work " + strconv.Itoa(k), Duration: schedule.Days(5)}
		switch {
		case k == 35:
			task.Constraint = schedule.Constraint{Type: schedule.SNET, Date: time.Date(2022, 6, 6, 8, 0, 0, 0, time.UTC)}
		case k > 0:
			p.Links = append(p.Links, schedule.Link{Pred: strconv.Itoa(k - 1), Succ: strconv.Itoa(k)})
		}
		p.Tasks = append(p.Tasks, task)
	}
	pages := render(t, printPDF(t, p, &gantt.PDFOptions{Paper: "A4"}))
	if len(pages) != 2 {
		t.Errorf("%d pages, want 2 (two bands of 35 rows, each with work in one column of two)", len(pages))
	}
	for k, pg := range pages {
		if ink := charted(t, pg, 841.89, 170); ink < 0.001 {
			t.Errorf("page %d has no chart (%.4f of it inked)", k+1, ink)
		}
	}
}

// No page of a corpus XER printed on A3 is without a chart: the
// 3,994-activity one took 230 pages, 70 of them without a bar, before the
// timescale was fitted and empty pages left out.
func TestPDFCorpusXER(t *testing.T) {
	for _, path := range testutil.Corpus(t, "xer", "*.xer") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := xer.Read(bytes.NewReader(data), nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, pr := range f.Projects {
				if len(pr.Project.Tasks) == 0 {
					continue
				}
				r, err := schedule.Run(pr.Project)
				if err != nil {
					continue // what does not schedule is the xer tests' business
				}
				var out bytes.Buffer
				if err := gantt.PDF(&out, pr.Project, r, nil); err != nil {
					t.Fatal(err)
				}
				for k, pg := range render(t, out.Bytes()) {
					if ink := charted(t, pg, 1190.55, 210); ink == 0 {
						t.Errorf("%s: page %d has no chart", pr.Project.Name, k+1)
					}
				}
			}
		})
	}
}

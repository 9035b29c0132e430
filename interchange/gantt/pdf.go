package gantt

import (
	"cmp"
	_ "embed"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/critpath/critpath/schedule"
	"github.com/signintech/gopdf"
)

// The fonts embedded in every PDF (subset to the characters used): Noto
// Sans for Latin text, Noto Sans Bengali for Bangla (fonts/OFL.txt).
var (
	//go:embed fonts/NotoSans-Regular.ttf
	fontSans []byte
	//go:embed fonts/NotoSans-Bold.ttf
	fontSansBold []byte
	//go:embed fonts/NotoSansBengali-Regular.ttf
	fontBengali []byte
)

// PDFOptions steer PDF; the zero value prints on A3 landscape.
type PDFOptions struct {
	// Paper is "A3" (default) or "A4"; pages are landscape.
	Paper string
	// Baseline names the baseline drawn under the bars, as in Options.
	Baseline string
	// From and To fix the time printed, as in Options; the pages across
	// cover that time alone.
	From, To time.Time
}

// Paper sizes, landscape, in points.
var papers = map[string]struct{ w, h float64 }{
	"A3": {1190.55, 841.89},
	"A4": {841.89, 595.28},
}

// pdfMetrics are a page's sizes, in points.
var pdfMetrics = metrics{rowH: 14, labelW: 210, headH: 46, font: 7.5}

// minPerDay is the narrowest a day is drawn on paper, in points: a page
// holds about three years on A3, two on A4; a longer project is cut into
// pages side by side.
const minPerDay = 0.8

// maxPages bounds a PDF's pages.
const maxPages = 5000

// PDF prints the schedule r of project p as a PDF: the chart of SVG cut
// into pages — as many rows as a page holds, and when the project is too
// long for one page's width, into pages side by side — each with the
// header, the timescale and the task names, "page k of n" and the rows
// and dates it shows. A page whose rows draw nothing in its dates (or
// only ends of bars narrower than a letter) is left out. A link whose ends are on different pages is not drawn. Text is set in the embedded Noto fonts; see the package doc for
// what happens to Bangla. It fails as SVG does, and when the project would take
// more than 5,000 pages.
func PDF(w io.Writer, p *schedule.Project, r *schedule.Result, opts *PDFOptions) error {
	var o PDFOptions
	if opts != nil {
		o = *opts
	}
	paper, ok := papers[o.Paper]
	if o.Paper == "" {
		paper, ok = papers["A3"], true
	}
	if !ok {
		return fmt.Errorf("gantt: paper %q: want A3 or A4", o.Paper)
	}
	rows, err := rowsOf(p, r)
	if err != nil {
		return err
	}
	m := pdfMetrics
	if paper.w < 1000 {
		m.labelW = 170
	}
	base := baseline(p, o.Baseline)
	chartW := paper.w - m.labelW - 16
	acrossFor := func(days float64) int { return max(1, int(math.Ceil(days*minPerDay/chartW))) }
	from, to, err := axis(p, r, rows, base, window{o.From, o.To}, m, func(n float64) float64 { return chartW * float64(acrossFor(n)) / n })
	if err != nil {
		return err
	}
	days := float64(to.Unix()-from.Unix()) / 86400
	across := acrossFor(days)
	top := m.headH + 2*m.rowH
	perPage := max(1, int((paper.h-top-2*m.rowH)/m.rowH))
	down := max(1, (len(rows)+perPage-1)/perPage)
	if down*across > maxPages {
		return fmt.Errorf("gantt: %d tasks over %.0f days take %d pages, over %d", len(rows), days, down*across, maxPages)
	}

	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: paper.w, H: paper.h}})
	pdf.SetInfo(gopdf.PdfInfo{Title: p.Name, Producer: "critpath"})
	for _, f := range []struct {
		family string
		data   []byte
	}{{"NotoSans", fontSans}, {"NotoSans-Bold", fontSansBold}, {"NotoSansBengali", fontBengali}} {
		if err := pdf.AddTTFFontData(f.family, f.data); err != nil {
			return fmt.Errorf("gantt: font %s: %w", f.family, err)
		}
	}
	// Each band of rows draws the links between its own rows only.
	band := make(map[string]int, len(rows))
	for k, rw := range rows {
		band[rw.tr.ID] = k / perPage
	}
	links := make([][]schedule.Link, down)
	for _, l := range p.Links {
		bp, ok1 := band[l.Pred]
		bs, ok2 := band[l.Succ]
		if ok1 && ok2 && bp == bs {
			links[bp] = append(links[bp], l)
		}
	}
	// The pages: for each band of rows, the columns of time in which its
	// rows draw something at least a font size wide (a band whose tasks
	// all lie beyond a window keeps its first, to list them).
	step := (to.Unix() - from.Unix()) / int64(across) // seconds: a Duration saturates
	least := int64(float64(step) * m.font / chartW)
	column := func(a int) (time.Time, time.Time) {
		return time.Unix(from.Unix()+step*int64(a), 0).In(from.Location()), time.Unix(from.Unix()+step*int64(a+1), 0).In(from.Location())
	}
	type page struct{ band, column int }
	var pages []page
	for d := range down {
		rowsOn := rows[d*perPage : min(len(rows), (d+1)*perPage)]
		kept := len(pages)
		for a := range across {
			if cf, ct := column(a); drawsIn(rowsOn, base, cf, ct, least) {
				pages = append(pages, page{d, a})
			}
		}
		if len(pages) == kept {
			pages = append(pages, page{d, 0})
		}
	}
	for n, pg := range pages {
		d := pg.band
		rowsOn := rows[d*perPage : min(len(rows), (d+1)*perPage)]
		for k := range rowsOn {
			rowsOn[k].y = top + float64(k)*m.rowH
		}
		f := &frame{m: m, rows: rowsOn, left: m.labelW, right: m.labelW + chartW, width: paper.w, height: paper.h}
		f.from, f.to = column(pg.column)
		f.page = "page " + strconv.Itoa(n+1) + " of " + strconv.Itoa(len(pages))
		pdf.AddPage()
		c := &pdfCanvas{pdf: pdf}
		draw(c, f, p, r, base, links[d])
		c.text(m.u(10), paper.h-m.u(10), fmt.Sprintf("tasks %d–%d of %d · %s – %s", d*perPage+1, d*perPage+len(rowsOn), len(rows),
			f.from.Format("2006-01-02"), f.to.Format("2006-01-02")), txt{size: m.font, color: colorMuted})
		if c.err != nil {
			return fmt.Errorf("gantt: page %d: %w", n+1, c.err)
		}
	}
	// gopdf does not return its writer's errors: keep the first.
	ew := &errWriter{w: w}
	if _, err := pdf.WriteTo(ew); err != nil {
		return fmt.Errorf("gantt: %w", err)
	}
	if ew.err != nil {
		return fmt.Errorf("gantt: %w", ew.err)
	}
	return nil
}

// errWriter writes to w until a write fails, and keeps that error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

// pdfCanvas draws on the current page of a PDF; the first error stays.
type pdfCanvas struct {
	pdf *gopdf.GoPdf
	err error
}

func rgb(color string) (uint8, uint8, uint8) {
	v, _ := strconv.ParseUint(color[1:], 16, 32)
	return uint8(v >> 16), uint8(v >> 8), uint8(v)
}

func (c *pdfCanvas) rect(x, y, w, h float64, fill string) {
	c.pdf.SetFillColor(rgb(fill))
	c.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "F")
}

func (c *pdfCanvas) line(x1, y1, x2, y2 float64, stroke string, width float64, dashed bool) {
	c.pdf.SetStrokeColor(rgb(stroke))
	c.pdf.SetLineWidth(width * 0.6)
	if dashed {
		c.pdf.SetLineType("dashed")
	}
	c.pdf.Line(x1, y1, x2, y2)
	if dashed {
		c.pdf.SetLineType("")
	}
}

func (c *pdfCanvas) shape(pts []point, fill string) {
	c.pdf.SetFillColor(rgb(fill))
	ps := make([]gopdf.Point, len(pts))
	for k, pt := range pts {
		ps[k] = gopdf.Point{X: pt.x, Y: pt.y}
	}
	c.pdf.Polygon(ps, "F")
}

func (c *pdfCanvas) arrow(pts []point, stroke string) {
	for k := 1; k < len(pts); k++ {
		c.line(pts[k-1].x, pts[k-1].y, pts[k].x, pts[k].y, stroke, 0.8, false)
	}
	if len(pts) < 2 {
		return
	}
	a, b := pts[len(pts)-2], pts[len(pts)-1]
	dx, dy := b.x-a.x, b.y-a.y
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	dx, dy = dx/l*3, dy/l*3
	c.shape([]point{b, {b.x - dx - dy*0.6, b.y - dy + dx*0.6}, {b.x - dx + dy*0.6, b.y - dy - dx*0.6}}, stroke)
}

// text sets s in runs of one script each: Bangla in Noto Sans Bengali,
// reordered for display (see visualBangla), the rest in Noto Sans.
func (c *pdfCanvas) text(x, y float64, s string, t txt) {
	if c.err != nil {
		return
	}
	c.pdf.SetTextColor(rgb(cmp.Or(t.color, "#000000")))
	for _, run := range scriptRuns(s) {
		family, text := "NotoSans", run.text
		if t.bold {
			family = "NotoSans-Bold"
		}
		if run.bangla {
			family, text = "NotoSansBengali", visualBangla(text)
		}
		if err := c.pdf.SetFont(family, "", t.size); err != nil {
			c.err = err
			return
		}
		c.pdf.SetXY(x, y)
		if err := c.pdf.Text(text); err != nil {
			c.err = err
			return
		}
		wd, err := c.pdf.MeasureTextWidth(text)
		if err != nil {
			c.err = err
			return
		}
		x += wd
	}
}

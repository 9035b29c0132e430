// Package gantt draws a schedule as a Gantt chart.
//
// SVG writes one drawing with the standard library only: a row per task
// in outline order (names indented by their level), a timescale fitted to
// the project (days, weeks or months), bars with their percent complete,
// the critical path in red, summary bars, milestones as diamonds, the
// links as arrows, baseline bars under the tasks, the status date as a
// line, and a header with the project's name and a legend. Text is set in
// a font list that covers Latin and Bangla (Noto Sans Bengali, then the
// viewer's sans-serif); SVG leaves shaping to the viewer, so Bangla
// conjuncts render as well as the viewer's font engine does.
//
// Not yet: PDF, pages for large projects.
package gantt

import (
	"bufio"
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Options steer the drawing; the zero value draws everything, the
// baseline named "Baseline" when the project has it.
type Options struct {
	// Baseline names the baseline drawn under the bars ("" means
	// "Baseline"; "-" draws none).
	Baseline string
	// Width is the timescale's width in pixels (0 means 1200).
	Width int
}

const (
	rowHeight  = 22
	labelWidth = 300
	headHeight = 70
	scaleRows  = 2
	fontFamily = "'Noto Sans Bengali', 'Noto Sans', 'DejaVu Sans', sans-serif"
)

// row is one task as drawn.
type row struct {
	i     int // index in the result
	depth int
	tr    schedule.TaskResult
	y     int
}

// SVG draws the schedule r of project p as an SVG document.
func SVG(w io.Writer, p *schedule.Project, r *schedule.Result, opts *Options) error {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Width <= 0 {
		o.Width = 1200
	}
	rows, err := outline(p, r)
	if err != nil {
		return err
	}
	from, to := span(p, r, rows)
	days := to.Sub(from).Hours() / 24
	scale := float64(o.Width) / days
	x := func(t time.Time) float64 { return labelWidth + t.Sub(from).Hours()/24*scale }
	top := headHeight + scaleRows*rowHeight
	height := top + len(rows)*rowHeight + 2*rowHeight
	width := labelWidth + o.Width + 20

	b := bufio.NewWriter(w)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s" font-size="12">`+"\n",
		width, height, width, height, fontFamily)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="#555"/></marker></defs>` + "\n")
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="#fff"/>`+"\n", width, height)
	// Header: the name, the dates, a legend.
	fmt.Fprintf(b, `<text x="10" y="24" font-size="18" font-weight="bold">%s</text>`+"\n", esc(cmp.Or(p.Name, "Project")))
	fmt.Fprintf(b, `<text x="10" y="44">%s – %s</text>`+"\n", r.Start().Format("Mon 2006-01-02"), r.Finish().Format("Mon 2006-01-02"))
	legend(b, labelWidth, 44)

	scaleTicks(b, from, to, x, headHeight, top+len(rows)*rowHeight)
	for k := range rows {
		rows[k].y = top + k*rowHeight
	}
	base := baseline(p, o.Baseline)
	for k, rw := range rows {
		if k%2 == 1 {
			fmt.Fprintf(b, `<rect x="0" y="%d" width="%d" height="%d" fill="#f4f6f8"/>`+"\n", rw.y, width, rowHeight)
		}
		weight := ""
		if rw.tr.Summary {
			weight = ` font-weight="bold"`
		}
		fmt.Fprintf(b, `<text x="%d" y="%d"%s>%s</text>`+"\n", 8+14*rw.depth, rw.y+15, weight, esc(clip(rw.tr.Name, rw.tr.ID, 40-2*rw.depth)))
		if bt, ok := base[rw.tr.ID]; ok && !bt.Start.IsZero() && !bt.Finish.IsZero() {
			fmt.Fprintf(b, `<rect x="%.1f" y="%d" width="%.1f" height="4" fill="#9aa5b1"/>`+"\n", x(bt.Start), rw.y+16, math.Max(1, x(bt.Finish)-x(bt.Start)))
		}
		bar(b, rw, x)
	}
	arrows(b, p, rows, x)
	if !p.StatusDate.IsZero() && !p.StatusDate.Before(from) && !p.StatusDate.After(to) {
		sx := x(p.StatusDate)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#2a9d8f" stroke-width="1.5" stroke-dasharray="4 3"/>`+"\n", sx, headHeight, sx, top+len(rows)*rowHeight)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" fill="#2a9d8f">status %s</text>`+"\n", sx+3, top+len(rows)*rowHeight+14, p.StatusDate.Format("2006-01-02"))
	}
	b.WriteString("</svg>\n")
	return b.Flush()
}

// outline orders the tasks, each summary before its subtasks, with their
// levels.
func outline(p *schedule.Project, r *schedule.Result) ([]row, error) {
	n := r.Network()
	kids := map[string][]int{}
	var roots []int
	for k, t := range p.Tasks {
		if t.Parent == "" {
			roots = append(roots, k)
		} else {
			kids[t.Parent] = append(kids[t.Parent], k)
		}
	}
	var rows []row
	var walk func(k, depth int) error
	walk = func(k, depth int) error {
		if depth > len(p.Tasks) {
			return fmt.Errorf("gantt: task %q: its outline loops", p.Tasks[k].ID)
		}
		i, ok := n.Index(p.Tasks[k].ID)
		if !ok {
			return fmt.Errorf("gantt: task %q is not in the schedule", p.Tasks[k].ID)
		}
		rows = append(rows, row{i: i, depth: depth, tr: r.Task(i)})
		for _, c := range kids[p.Tasks[k].ID] {
			if err := walk(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	for _, k := range roots {
		if err := walk(k, 0); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// span returns the drawn time range: the schedule's, with its baseline's
// and the status date, widened to whole days and a margin.
func span(p *schedule.Project, r *schedule.Result, rows []row) (from, to time.Time) {
	from, to = r.Start(), r.Finish()
	for _, rw := range rows {
		if rw.tr.Start.Before(from) {
			from = rw.tr.Start
		}
		if rw.tr.Finish.After(to) {
			to = rw.tr.Finish
		}
	}
	if !p.StatusDate.IsZero() {
		if p.StatusDate.Before(from) {
			from = p.StatusDate
		}
		if p.StatusDate.After(to) {
			to = p.StatusDate
		}
	}
	y, m, d := from.Date()
	from = time.Date(y, m, d, 0, 0, 0, 0, from.Location()).AddDate(0, 0, -1)
	y, m, d = to.Date()
	to = time.Date(y, m, d, 0, 0, 0, 0, to.Location()).AddDate(0, 0, 2)
	return from, to
}

// scaleTicks draws the timescale: months above, then days, weeks or
// months as the scale allows, with a line down the chart at each.
func scaleTicks(b *bufio.Writer, from, to time.Time, x func(time.Time) float64, y0, bottom int) {
	perDay := x(from.AddDate(0, 0, 1)) - x(from)
	// Upper row: months, every k-th named when they are narrow (a name
	// takes about 60 pixels).
	k := max(1, int(math.Ceil(60/(perDay*30))))
	for t := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, from.Location()); t.Before(to); t = t.AddDate(0, 1, 0) {
		xs := math.Max(x(t), labelWidth)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#c8cdd2"/>`+"\n", xs, y0, xs, bottom)
		if (int(t.Month())-1)%k == 0 {
			fmt.Fprintf(b, `<text x="%.1f" y="%d" font-weight="bold">%s</text>`+"\n", xs+3, y0+15, t.Format("Jan 2006"))
		}
	}
	// Lower row: days, Mondays or nothing.
	step, layout := 0, ""
	switch {
	case perDay >= 18:
		step, layout = 1, "2"
	case perDay*7 >= 34:
		step, layout = 7, "02"
	}
	if step == 0 {
		return
	}
	t := from
	for step == 7 && t.Weekday() != time.Monday {
		t = t.AddDate(0, 0, 1)
	}
	for ; t.Before(to); t = t.AddDate(0, 0, step) {
		xs := x(t)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#eceff1"/>`+"\n", xs, y0+rowHeight, xs, bottom)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" font-size="10" fill="#555">%s</text>`+"\n", xs+2, y0+rowHeight+15, t.Format(layout))
	}
}

// bar draws a task's bar: a summary's bracket, a milestone's diamond, or
// a bar with its percent complete, red when critical.
func bar(b *bufio.Writer, rw row, x func(time.Time) float64) {
	tr := rw.tr
	xs, xf := x(tr.Start), x(tr.Finish)
	y := rw.y
	switch {
	case tr.Summary:
		fmt.Fprintf(b, `<path d="M%.1f,%d H%.1f V%d L%.1f,%d H%.1f L%.1f,%d z" fill="#222"/>`+"\n",
			xs, y+6, xf, y+14, xf-4, y+10, xs+4, xs, y+14)
	case tr.Milestone:
		color := "#222"
		if tr.Critical {
			color = "#d62828"
		}
		fmt.Fprintf(b, `<path d="M%.1f,%d L%.1f,%d L%.1f,%d L%.1f,%d z" fill="%s"/>`+"\n", xf, y+4, xf+7, y+11, xf, y+18, xf-7, y+11, color)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" font-size="10" fill="#555">%s</text>`+"\n", xf+10, y+15, tr.Finish.Format("Jan 02"))
	default:
		fill, done := "#5b8fd9", "#2f5fa8"
		if tr.Critical {
			fill, done = "#e76f51", "#b5321c"
		}
		wd := math.Max(1, xf-xs)
		fmt.Fprintf(b, `<rect x="%.1f" y="%d" width="%.1f" height="12" rx="2" fill="%s"/>`+"\n", xs, y+4, wd, fill)
		if tr.PercentComplete > 0 {
			fmt.Fprintf(b, `<rect x="%.1f" y="%d" width="%.1f" height="4" fill="%s"/>`+"\n", xs, y+8, wd*tr.PercentComplete/100, done)
		}
	}
}

// arrows draws each link from its predecessor's end to its successor's,
// with a bend between the rows.
func arrows(b *bufio.Writer, p *schedule.Project, rows []row, x func(time.Time) float64) {
	at := map[string]row{}
	for _, rw := range rows {
		at[rw.tr.ID] = rw
	}
	for _, l := range p.Links {
		pr, ok1 := at[l.Pred]
		sr, ok2 := at[l.Succ]
		if !ok1 || !ok2 {
			continue
		}
		from, to := pr.tr.Finish, sr.tr.Start
		if l.Type == schedule.SS || l.Type == schedule.SF {
			from = pr.tr.Start
		}
		if l.Type == schedule.FF || l.Type == schedule.SF {
			to = sr.tr.Finish
		}
		x1, y1 := x(from), pr.y+10
		x2, y2 := x(to), sr.y+10
		mid := y1 + (y2-y1)/2
		if y2 > y1 {
			mid = y2 - rowHeight/2
		}
		fmt.Fprintf(b, `<path d="M%.1f,%d H%.1f V%d H%.1f V%d H%.1f" fill="none" stroke="#555" stroke-width="1" marker-end="url(#arrow)"/>`+"\n",
			x1, y1, x1+4, mid, x2-6, y2, x2)
	}
}

// legend draws the key to the bars.
func legend(b *bufio.Writer, x0, y int) {
	items := []struct{ draw, label string }{
		{`<rect x="%d" y="%d" width="18" height="10" fill="#5b8fd9"/>`, "task"},
		{`<rect x="%d" y="%d" width="18" height="10" fill="#e76f51"/>`, "critical"},
		{`<rect x="%d" y="%d" width="18" height="4" fill="#9aa5b1"/>`, "baseline"},
		{`<rect x="%d" y="%d" width="18" height="10" fill="#222"/>`, "summary"},
	}
	for k, it := range items {
		xk := x0 + k*110
		fmt.Fprintf(b, it.draw+"\n", xk, y-10)
		fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`+"\n", xk+24, y, it.label)
	}
	xm := x0 + len(items)*110
	fmt.Fprintf(b, `<path d="M%d,%d L%d,%d L%d,%d L%d,%d z" fill="#222"/>`+"\n", xm+9, y-12, xm+16, y-5, xm+9, y+2, xm+2, y-5)
	fmt.Fprintf(b, `<text x="%d" y="%d">milestone</text>`+"\n", xm+24, y)
}

// baseline returns the named baseline's tasks by ID.
func baseline(p *schedule.Project, name string) map[string]schedule.BaselineTask {
	if name == "-" {
		return nil
	}
	bl, ok := p.Baseline(cmp.Or(name, "Baseline"))
	if !ok {
		return nil
	}
	out := map[string]schedule.BaselineTask{}
	for _, t := range bl.Tasks {
		out[t.ID] = t
	}
	return out
}

// clip shortens a label to n characters (the ID when it has no name).
func clip(name, id string, n int) string {
	s := cmp.Or(name, id)
	if r := []rune(s); len(r) > max(n, 8) {
		return string(r[:max(n, 8)-1]) + "…"
	}
	return s
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

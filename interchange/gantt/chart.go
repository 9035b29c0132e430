package gantt

import (
	"cmp"
	"fmt"
	"math"
	"time"

	"github.com/critpath/critpath/internal/outline"
	"github.com/critpath/critpath/schedule"
)

// canvas is what a chart is drawn on: an SVG document or a PDF page.
// Coordinates grow right and down; colors are "#rrggbb".
type canvas interface {
	rect(x, y, w, h float64, fill string)
	line(x1, y1, x2, y2 float64, stroke string, width float64, dashed bool)
	shape(pts []point, fill string)     // a filled polygon
	arrow(pts []point, stroke string)   // a polyline with a head at its end
	text(x, y float64, s string, t txt) // y is the baseline
}

type point struct{ x, y float64 }

// txt is how a text is set.
type txt struct {
	size  float64
	bold  bool
	color string // "" is black
}

// metrics are a chart's sizes: a row's height and the rest in
// proportion, the task column's width, the header's height.
type metrics struct {
	rowH, labelW, headH, font float64
}

// u scales the 22-unit row design to m's row height.
func (m metrics) u(v float64) float64 { return v * m.rowH / 22 }

// row is one task as drawn.
type row struct {
	depth int
	tr    schedule.TaskResult
	y     float64
}

// rowsOf returns the tasks in outline order with their results.
func rowsOf(p *schedule.Project, r *schedule.Result) ([]row, error) {
	order, err := outline.Order(p)
	if err != nil {
		return nil, fmt.Errorf("gantt: %w", err)
	}
	rows := make([]row, len(order))
	for k, o := range order {
		tr, ok := r.Lookup(p.Tasks[o.Task].ID)
		if !ok {
			return nil, fmt.Errorf("gantt: task %q is not in the schedule", p.Tasks[o.Task].ID)
		}
		rows[k] = row{depth: o.Depth, tr: tr}
	}
	return rows, nil
}

// frame is one drawing: a page, or the whole SVG. Its rows have their y
// set; from–to is the time it shows between left and right.
type frame struct {
	m             metrics
	rows          []row
	from, to      time.Time
	left, right   float64
	width, height float64
	page          string // "page 2 of 6", or ""
}

// x is t's place on the timescale (counted in seconds: a time.Duration
// saturates past 292 years).
func (f *frame) x(t time.Time) float64 {
	return f.left + float64(t.Unix()-f.from.Unix())/float64(f.to.Unix()-f.from.Unix())*(f.right-f.left)
}

func (f *frame) top() float64    { return f.m.headH + 2*f.m.rowH }
func (f *frame) bottom() float64 { return f.top() + float64(len(f.rows))*f.m.rowH }

// visible clips [a, b] to the frame's time, false when nothing shows.
func (f *frame) visible(a, b time.Time) (float64, float64, bool) {
	if b.Before(f.from) || a.After(f.to) {
		return 0, 0, false
	}
	return math.Max(f.x(a), f.left), math.Min(f.x(b), f.right), true
}

// Colors of the chart.
const (
	colorBar      = "#5b8fd9"
	colorBarDone  = "#2f5fa8"
	colorCritical = "#e76f51"
	colorCritDone = "#b5321c"
	colorMilesC   = "#d62828"
	colorSummary  = "#222222"
	colorBaseline = "#9aa5b1"
	colorStatus   = "#2a9d8f"
	colorStripe   = "#f4f6f8"
	colorMonth    = "#c8cdd2"
	colorDay      = "#eceff1"
	colorMuted    = "#555555"
	colorCut      = "#333333" // a bar going on past the frame's edge
	colorOut      = "#b0b8c0" // a task wholly beyond the frame's edge
)

// draw draws frame f of project p's schedule r on c, with the links
// between its rows.
func draw(c canvas, f *frame, p *schedule.Project, r *schedule.Result, base map[string]schedule.BaselineTask, links []schedule.Link) {
	m := f.m
	c.rect(0, 0, f.width, f.height, "#ffffff")
	c.text(m.u(10), m.u(24), cmp.Or(p.Name, "Project"), txt{size: m.u(18), bold: true})
	c.text(m.u(10), m.u(44), r.Start().Format("Mon 2006-01-02")+" – "+r.Finish().Format("Mon 2006-01-02"), txt{size: m.font})
	if f.page != "" {
		c.text(f.width-m.u(110), m.u(24), f.page, txt{size: m.font, color: colorMuted})
	}
	legend(c, m, m.labelW, m.u(44))
	scaleTicks(c, f)
	for k, rw := range f.rows {
		if k%2 == 1 {
			c.rect(0, rw.y, f.width, m.rowH, colorStripe)
		}
		indent := math.Min(m.u(8+14*float64(rw.depth)), 0.4*m.labelW) // deep outlines stop indenting
		name := clip(rw.tr.Name, rw.tr.ID, int((m.labelW-indent)/(m.font*0.62)))
		c.text(indent, rw.y+m.u(15), name, txt{size: m.font, bold: rw.tr.Summary})
		if bt, ok := base[rw.tr.ID]; ok && !bt.Start.IsZero() && !bt.Finish.IsZero() {
			if xs, xf, ok := f.visible(bt.Start, bt.Finish); ok {
				c.rect(xs, rw.y+m.u(16), math.Max(1, xf-xs), m.u(4), colorBaseline)
			}
		}
		bar(c, f, rw)
	}
	arrows(c, f, links)
	if s := p.StatusDate; !s.IsZero() && !s.Before(f.from) && !s.After(f.to) {
		sx := f.x(s)
		c.line(sx, m.headH, sx, f.bottom(), colorStatus, 1.5, true)
		c.text(sx+3, f.bottom()+m.u(14), "status "+s.Format("2006-01-02"), txt{size: m.font, color: colorStatus})
	}
}

// scaleTicks draws the timescale: months above, then days, weeks or
// nothing as the scale allows, with a line down the chart at each.
func scaleTicks(c canvas, f *frame) {
	m := f.m
	y0, bottom := m.headH, f.bottom()
	perDay := f.x(f.from.AddDate(0, 0, 1)) - f.x(f.from)
	// Upper row: months, every k-th named when they are narrow (a name
	// takes about 5 font sizes).
	k := max(1, int(math.Ceil(5*m.font/(perDay*30))))
	for t := time.Date(f.from.Year(), f.from.Month(), 1, 0, 0, 0, 0, f.from.Location()); t.Before(f.to); t = t.AddDate(0, 1, 0) {
		xs := math.Max(f.x(t), f.left)
		c.line(xs, y0, xs, bottom, colorMonth, 1, false)
		if (int(t.Month())-1)%k == 0 && xs+3*m.font < f.right {
			c.text(xs+3, y0+m.u(15), t.Format("Jan 2006"), txt{size: m.font, bold: true})
		}
	}
	// Lower row: days, Mondays or nothing, from the first that starts
	// on the frame (a page of a wide chart starts mid-day).
	u := unitFor(m, perDay)
	step, layout := 1, "2"
	switch u {
	case weeks:
		step, layout = 7, "02"
	case months:
		return
	}
	for t := u.ceil(f.from); t.Before(f.to); t = t.AddDate(0, 0, step) {
		xs := f.x(t)
		c.line(xs, y0+m.rowH, xs, bottom, colorDay, 1, false)
		c.text(xs+2, y0+m.rowH+m.u(15), t.Format(layout), txt{size: m.u(10), color: colorMuted})
	}
}

// bar draws a task's bar: a summary's bracket, a milestone's diamond, or
// a bar with its percent complete, red when critical. A bar the frame's
// edge cuts ends there in a dark arrowhead; a task wholly beyond an edge
// is a grey arrowhead on that edge.
func bar(c canvas, f *frame, rw row) {
	m, tr, y := f.m, rw.tr, rw.y
	a, b := rw.span()
	switch {
	case b.Before(f.from):
		edge(c, f, y, false, colorOut)
		return
	case a.After(f.to):
		edge(c, f, y, true, colorOut)
		return
	}
	cutL, cutR := a.Before(f.from), b.After(f.to)
	switch {
	case tr.Summary:
		xs, xf, _ := f.visible(a, b)
		// A cut end is square: its hook would mark a start or finish.
		pts := []point{{xs, y + m.u(6)}, {xf, y + m.u(6)}}
		if cutR {
			pts = append(pts, point{xf, y + m.u(10)})
		} else {
			pts = append(pts, point{xf, y + m.u(14)}, point{xf - m.u(4), y + m.u(10)})
		}
		if cutL {
			pts = append(pts, point{xs, y + m.u(10)})
		} else {
			pts = append(pts, point{xs + m.u(4), y + m.u(10)}, point{xs, y + m.u(14)})
		}
		c.shape(pts, colorSummary)
	case tr.Milestone:
		xf, color := f.x(tr.Finish), colorSummary
		if tr.Critical {
			color = colorMilesC
		}
		c.shape(diamond(xf, y+m.u(11), m.u(7)), color)
		c.text(xf+m.u(10), y+m.u(15), tr.Finish.Format("Jan 02"), txt{size: m.u(10), color: colorMuted})
	default:
		xs, xf, _ := f.visible(a, b)
		fill, done := colorBar, colorBarDone
		if tr.Critical {
			fill, done = colorCritical, colorCritDone
		}
		wd := math.Max(1, xf-xs)
		c.rect(xs, y+m.u(4), wd, m.u(12), fill)
		if tr.PercentComplete > 0 {
			doneTo := f.x(tr.Start) + (f.x(tr.Finish)-f.x(tr.Start))*tr.PercentComplete/100
			if dw := math.Min(doneTo, xf) - xs; dw > 0 {
				c.rect(xs, y+m.u(8), dw, m.u(4), done)
			}
		}
	}
	if cutL {
		edge(c, f, y, false, colorCut)
	}
	if cutR {
		edge(c, f, y, true, colorCut)
	}
}

// edge draws an arrowhead on the frame's left or right edge in row y,
// pointing out of the frame, a little taller than a bar.
func edge(c canvas, f *frame, y float64, right bool, color string) {
	m := f.m
	x, d := f.left, m.u(7)
	if right {
		x, d = f.right, -d
	}
	c.shape([]point{{x, y + m.u(10)}, {x + d, y + m.u(2)}, {x + d, y + m.u(18)}}, color)
}

func diamond(x, y, r float64) []point {
	return []point{{x, y - r}, {x + r, y}, {x, y + r}, {x - r, y}}
}

// arrows draws each link between two tasks of the frame from its
// predecessor's end to its successor's, with a bend between the rows.
func arrows(c canvas, f *frame, links []schedule.Link) {
	m := f.m
	at := make(map[string]row, len(f.rows))
	for _, rw := range f.rows {
		at[rw.tr.ID] = rw
	}
	for _, l := range links {
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
		if from.Before(f.from) || from.After(f.to) || to.Before(f.from) || to.After(f.to) {
			continue
		}
		x1, y1 := f.x(from), pr.y+m.u(10)
		x2, y2 := f.x(to), sr.y+m.u(10)
		mid := y1 + (y2-y1)/2
		if y2 > y1 {
			mid = y2 - m.rowH/2
		}
		c.arrow([]point{{x1, y1}, {x1 + m.u(4), y1}, {x1 + m.u(4), mid}, {x2 - m.u(6), mid}, {x2 - m.u(6), y2}, {x2, y2}}, colorMuted)
	}
}

// legend draws the key to the bars.
func legend(c canvas, m metrics, x0, y float64) {
	items := []struct {
		fill, label string
		h           float64
	}{{colorBar, "task", 10}, {colorCritical, "critical", 10}, {colorBaseline, "baseline", 4}, {colorSummary, "summary", 10}}
	for k, it := range items {
		xk := x0 + m.u(110*float64(k))
		c.rect(xk, y-m.u(10), m.u(18), m.u(it.h), it.fill)
		c.text(xk+m.u(24), y, it.label, txt{size: m.font})
	}
	xm := x0 + m.u(110*float64(len(items)))
	c.shape(diamond(xm+m.u(9), y-m.u(5), m.u(7)), colorSummary)
	c.text(xm+m.u(24), y, "milestone", txt{size: m.font})
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

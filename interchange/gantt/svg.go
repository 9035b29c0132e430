package gantt

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
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
	// From and To fix the time the timescale shows; a zero one is fitted
	// to the dates drawn (see the package doc). Every task keeps its row:
	// a bar cut by an edge ends in a dark arrowhead, a task wholly outside
	// shows as a grey one on the edge it lies beyond.
	From, To time.Time
}

const fontFamily = "'Noto Sans Bengali', 'Noto Sans', 'DejaVu Sans', sans-serif"

// svgMetrics are the SVG's sizes, in pixels.
var svgMetrics = metrics{rowH: 22, labelW: 300, headH: 70, font: 12}

// SVG draws the schedule r of project p as an SVG document. It fails when
// the project's outline is broken, a task is not in r, the window's From
// is not before its To, or writing to w fails; the error starts with
// "gantt: " and wraps w's.
func SVG(w io.Writer, p *schedule.Project, r *schedule.Result, opts *Options) error {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Width <= 0 {
		o.Width = 1200
	}
	rows, err := rowsOf(p, r)
	if err != nil {
		return err
	}
	m := svgMetrics
	base := baseline(p, o.Baseline)
	f := &frame{m: m, rows: rows, left: m.labelW, right: m.labelW + float64(o.Width)}
	f.from, f.to, err = axis(p, r, rows, base, window{o.From, o.To}, m, func(n float64) float64 { return float64(o.Width) / n })
	if err != nil {
		return err
	}
	for k := range f.rows {
		f.rows[k].y = f.top() + float64(k)*m.rowH
	}
	f.width, f.height = f.right+20, f.bottom()+2*m.rowH
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" font-family="%s" font-size="%g">`+"\n",
		f.width, f.height, f.width, f.height, fontFamily, m.font)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="#555"/></marker></defs>` + "\n")
	draw(svgCanvas{b, m.font}, f, p, r, base, p.Links)
	b.WriteString("</svg>\n")
	if err := b.Flush(); err != nil {
		return fmt.Errorf("gantt: %w", err)
	}
	return nil
}

// svgCanvas writes SVG elements.
type svgCanvas struct {
	b    *bufio.Writer
	font float64
}

func (c svgCanvas) rect(x, y, w, h float64, fill string) {
	fmt.Fprintf(c.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", x, y, w, h, fill)
}

func (c svgCanvas) line(x1, y1, x2, y2 float64, stroke string, width float64, dashed bool) {
	dash := ""
	if dashed {
		dash = ` stroke-dasharray="4 3"`
	}
	fmt.Fprintf(c.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%g"%s/>`+"\n", x1, y1, x2, y2, stroke, width, dash)
}

func (c svgCanvas) path(pts []point) string {
	var d strings.Builder
	for k, pt := range pts {
		if k == 0 {
			fmt.Fprintf(&d, "M%.1f,%.1f", pt.x, pt.y)
		} else {
			fmt.Fprintf(&d, " L%.1f,%.1f", pt.x, pt.y)
		}
	}
	return d.String()
}

func (c svgCanvas) shape(pts []point, fill string) {
	fmt.Fprintf(c.b, `<path d="%s z" fill="%s"/>`+"\n", c.path(pts), fill)
}

func (c svgCanvas) arrow(pts []point, stroke string) {
	fmt.Fprintf(c.b, `<path d="%s" fill="none" stroke="%s" stroke-width="1" marker-end="url(#arrow)"/>`+"\n", c.path(pts), stroke)
}

func (c svgCanvas) text(x, y float64, s string, t txt) {
	var attrs strings.Builder
	if t.size != c.font {
		fmt.Fprintf(&attrs, ` font-size="%g"`, t.size)
	}
	if t.bold {
		attrs.WriteString(` font-weight="bold"`)
	}
	if t.color != "" {
		fmt.Fprintf(&attrs, ` fill="%s"`, t.color)
	}
	fmt.Fprintf(c.b, `<text x="%.1f" y="%.1f"%s>%s</text>`+"\n", x, y, attrs.String(), esc(s))
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

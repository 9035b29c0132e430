package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/critpath/critpath/optimize"
	"github.com/critpath/critpath/schedule"
)

// crashCommand answers the time–cost questions: `critpath crash --to DATE
// FILE` (the cheapest plan to finish by DATE), `--budget AMOUNT` (the
// earliest finish AMOUNT buys) or `--curve` (every breakpoint), by
// crashing tasks and, with --fast-track, overlapping links too. A task's
// crash point gives the cost there in all ("cost") or the cost of each
// working day saved ("cost_per_day").
func crashCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("crash", flag.ContinueOnError)
	to := fs.String("to", "", "finish by `date`: RFC 3339, a time without an offset (the project's zone), or a day (the end of its working time)")
	budget := fs.Float64("budget", math.NaN(), "spend at most `amount` on shortening; the plan ends at the end of a working day (see --minutes)")
	minutes := fs.Bool("minutes", false, "with --budget, let the plan end at any minute the budget reaches, not only at the end of a working day")
	curve := fs.Bool("curve", false, "print the whole time–cost curve: each breakpoint's finish, cost and tasks shortened")
	fastTrack := fs.Bool("fast-track", false, "also overlap finish-to-start links that allow it, at their rework cost")
	asJSON := fs.Bool("json", false, "print JSON")
	var src source
	files, err := src.parse(fs, args, 1, "one project file")
	if err != nil {
		return err
	}
	asked := 0
	for _, set := range []bool{*to != "", !math.IsNaN(*budget), *curve} {
		if set {
			asked++
		}
	}
	if asked != 1 {
		return fmt.Errorf("%w: want one of --to, --budget and --curve", errUsage)
	}
	if *minutes && math.IsNaN(*budget) {
		return fmt.Errorf("%w: --minutes goes with --budget", errUsage)
	}
	pr, err := src.read(files[0], stderr)
	if err != nil {
		return err
	}
	p := pr.Project
	r, err := runProject(files[0], p)
	if err != nil {
		return err
	}
	ctx := context.Background()
	opts := optimize.Options{FastTrack: *fastTrack}
	out := printer{w: stdout, r: r, asJSON: *asJSON}
	if *curve {
		pts, err := optimize.Curve(ctx, p, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", files[0], err)
		}
		return out.curve(pts)
	}
	if *to != "" {
		date, how, err := crashDate(p, r, *to)
		if err != nil {
			return err
		}
		pl, err := optimize.Compress(ctx, p, date, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", files[0], err)
		}
		out.by, out.how = date, how
		return out.plan(pl)
	}
	if *budget < 0 {
		return fmt.Errorf("%w: --budget %v: want 0 or more", errUsage, *budget)
	}
	pl, err := optimize.Within(ctx, p, *budget, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", files[0], err)
	}
	out.budget, out.minutes = budget, *minutes
	if !*minutes {
		// The earliest end of a working day within the budget: the end of
		// the day the budget runs out in.
		if end := endOfWorkday(r, pl.Finish); end.After(pl.Finish) {
			day, err := optimize.Compress(ctx, p, end, opts)
			if err != nil {
				return fmt.Errorf("%s: %w", files[0], err)
			}
			out.precise, pl = pl, day
		}
	}
	return out.plan(pl)
}

// crashDate reads --to: a day means the end of its working time on the
// project calendar (of the working day before, for a day off). It returns
// the date and, for a day, how it was read.
func crashDate(p *schedule.Project, r *schedule.Result, s string) (time.Time, string, error) {
	loc := r.Start().Location()
	day, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		date, err := parseDate(p, "--to", s)
		return date.In(loc), "", err
	}
	end := dayEnd(r, day)
	if end.After(day) {
		return end, "the end of that working day", nil
	}
	return end, fmt.Sprintf("the end of the working day before %s, a day off", day.Format("Mon 2006-01-02")), nil
}

// dayEnd returns the end of the working time on the project calendar by
// the end of the day that begins at midnight: the end of that day's work,
// or of the last working day before it.
func dayEnd(r *schedule.Result, midnight time.Time) time.Time {
	n := r.Network()
	y, m, d := midnight.Date()
	w, err := n.WorkBetween("", r.Start(), time.Date(y, m, d+1, 0, 0, 0, 0, midnight.Location()))
	if err != nil {
		return midnight
	}
	end, err := n.AddWork("", r.Start(), w)
	if err != nil {
		return midnight
	}
	return end
}

// endOfWorkday returns the end of the working day that t falls in, or
// ends (a finish at midnight ends the day before).
func endOfWorkday(r *schedule.Result, t time.Time) time.Time {
	t = t.In(r.Start().Location())
	y, m, d := t.Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	if t.Equal(midnight) {
		midnight = midnight.AddDate(0, 0, -1)
	}
	return dayEnd(r, midnight)
}

// printer prints a plan or a curve, as text or JSON.
type printer struct {
	w       io.Writer
	r       *schedule.Result
	asJSON  bool
	by      time.Time      // --to's date
	how     string         // how a bare --to day was read
	budget  *float64       // --budget's amount
	minutes bool           // --minutes
	precise *optimize.Plan // with --budget and not --minutes: the plan to the minute, when it ends sooner
}

type planJSON struct {
	Finish       time.Time        `json:"finish"`
	NormalFinish time.Time        `json:"normal_finish"`
	By           *time.Time       `json:"by,omitempty"`
	Budget       *float64         `json:"budget,omitempty"`
	SavedDays    float64          `json:"saved_days"`
	Cost         float64          `json:"cost"`
	Rework       float64          `json:"rework,omitempty"`
	Tasks        []shorteningJSON `json:"tasks"`
	Links        []overlapJSON    `json:"links,omitempty"`
}

type overlapJSON struct {
	From    string  `json:"from"`
	To      string  `json:"to"`
	Overlap string  `json:"overlap"`
	Lag     string  `json:"new_lag"`
	Rework  float64 `json:"rework"`
}

type shorteningJSON struct {
	Task string  `json:"task"`
	From string  `json:"from"`
	To   string  `json:"to"`
	Cost float64 `json:"cost"`
}

func (o *printer) planJSON(pl *optimize.Plan) planJSON {
	out := planJSON{Finish: pl.Finish, NormalFinish: o.r.Finish(), Cost: pl.Cost, Rework: pl.Rework, Tasks: []shorteningJSON{},
		SavedDays: float64(pl.Saved) / float64(o.r.Network().Settings().MinutesPerDay)}
	for _, s := range pl.Tasks {
		out.Tasks = append(out.Tasks, shorteningJSON{s.Task, s.From.String(), s.To.String(), s.Cost})
	}
	for _, l := range pl.Links {
		out.Links = append(out.Links, overlapJSON{l.Pred, l.Succ, l.Overlap.String(), l.NewLag.String(), l.Rework})
	}
	return out
}

func (o *printer) encode(v any) error {
	enc := json.NewEncoder(o.w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (o *printer) plan(pl *optimize.Plan) error {
	if o.asJSON {
		out := o.planJSON(pl)
		if !o.by.IsZero() {
			out.By = &o.by
		}
		out.Budget = o.budget
		return o.encode(out)
	}
	w, normal := o.w, o.r.Finish()
	switch {
	case !o.by.IsZero() && o.how != "":
		fmt.Fprintf(w, "to finish by %s (%s)\n", o.by.Format(dateFormat), o.how)
	case !o.by.IsZero():
		fmt.Fprintf(w, "to finish by %s\n", o.by.Format(dateFormat))
	case o.budget != nil && o.minutes:
		fmt.Fprintf(w, "within %.2f, to the minute\n", *o.budget)
	case o.budget != nil:
		fmt.Fprintf(w, "within %.2f, finishing at the end of a working day", *o.budget)
		if o.precise != nil {
			fmt.Fprintf(w, " (to the minute, with --minutes: %s for %.2f)", o.precise.Finish.Format(dateFormat), o.precise.Cost)
		}
		fmt.Fprintln(w)
	}
	day := float64(o.r.Network().Settings().MinutesPerDay)
	fmt.Fprintf(w, "finish %s (as planned %s, %.4g working days sooner), shortening costs %.2f\n",
		pl.Finish.Format(dateFormat), normal.Format(dateFormat), float64(pl.Saved)/day, pl.Cost)
	for _, s := range pl.Tasks {
		fmt.Fprintf(w, "  %s: %s → %s, %.2f\n", s.Task, s.From, s.To, s.Cost)
	}
	for _, l := range pl.Links {
		fmt.Fprintf(w, "  %s→%s: overlap %s (lag %s), rework exposure %.2f\n", l.Pred, l.Succ, l.Overlap, l.NewLag, l.Rework)
	}
	return nil
}

// curve prints the time–cost curve: as text, a line per breakpoint with
// its finish, its cost and what is shortened (and overlapped) there; as
// JSON, each breakpoint's plan with the normal finish.
func (o *printer) curve(pts []optimize.Point) error {
	if o.asJSON {
		out := []planJSON{}
		for _, pt := range pts {
			out = append(out, o.planJSON(pt.Plan))
		}
		return o.encode(out)
	}
	fmt.Fprintf(o.w, "%-20s %12s  %s\n", "finish", "cost", "tasks shortened")
	var b strings.Builder
	for _, pt := range pts {
		b.Reset()
		for k, s := range pt.Plan.Tasks {
			if k > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %s→%s", s.Task, s.From, s.To)
		}
		for k, l := range pt.Plan.Links {
			if k > 0 || len(pt.Plan.Tasks) > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s→%s overlapped %s", l.Pred, l.Succ, l.Overlap)
		}
		if b.Len() == 0 {
			b.WriteString("none: the normal finish")
		}
		fmt.Fprintf(o.w, "%-20s %12.2f  %s\n", pt.Finish.Format(dateFormat), pt.Cost, b.String())
	}
	return nil
}

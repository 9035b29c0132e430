package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/critpath/critpath/optimize"
	"github.com/critpath/critpath/schedule"
)

// crashCommand answers the time–cost questions: `critpath crash --to DATE
// FILE` (the cheapest plan to finish by DATE), `--budget AMOUNT` (the
// earliest finish AMOUNT buys) or `--curve` (every breakpoint), by
// crashing tasks and, with --fast-track, overlapping links too.
func crashCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("crash", flag.ContinueOnError)
	to := fs.String("to", "", "finish by `date` (RFC 3339, or a day: its end)")
	budget := fs.Float64("budget", math.NaN(), "spend at most `amount` on shortening")
	curve := fs.Bool("curve", false, "print the whole time–cost curve")
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
	if *curve {
		pts, err := optimize.Curve(ctx, p, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", files[0], err)
		}
		return printCurve(stdout, pts, r.Network().Settings().MinutesPerDay, *asJSON)
	}
	var pl *optimize.Plan
	if *to != "" {
		date, err := parseDate(p, "--to", *to)
		if err != nil {
			return err
		}
		pl, err = optimize.Compress(ctx, p, date, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", files[0], err)
		}
	} else {
		if *budget < 0 {
			return fmt.Errorf("%w: --budget %v: want 0 or more", errUsage, *budget)
		}
		pl, err = optimize.Within(ctx, p, *budget, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", files[0], err)
		}
	}
	return printPlan(stdout, r, pl, *asJSON)
}

type planJSON struct {
	Finish       time.Time        `json:"finish"`
	NormalFinish *time.Time       `json:"normal_finish,omitempty"`
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

func planOf(pl *optimize.Plan, minutesPerDay int) planJSON {
	out := planJSON{Finish: pl.Finish, Cost: pl.Cost, Rework: pl.Rework, Tasks: []shorteningJSON{},
		SavedDays: float64(pl.Saved) / float64(minutesPerDay)}
	for _, s := range pl.Tasks {
		out.Tasks = append(out.Tasks, shorteningJSON{s.Task, s.From.String(), s.To.String(), s.Cost})
	}
	for _, o := range pl.Links {
		out.Links = append(out.Links, overlapJSON{o.Pred, o.Succ, o.Overlap.String(), o.NewLag.String(), o.Rework})
	}
	return out
}

func printPlan(w io.Writer, r *schedule.Result, pl *optimize.Plan, asJSON bool) error {
	normal, day := r.Finish(), r.Network().Settings().MinutesPerDay
	if asJSON {
		out := planOf(pl, day)
		out.NormalFinish = &normal
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(w, "finish %s (as planned %s, %.4g working days sooner), shortening costs %.2f\n",
		pl.Finish.Format(dateFormat), normal.Format(dateFormat), float64(pl.Saved)/float64(day), pl.Cost)
	for _, s := range pl.Tasks {
		fmt.Fprintf(w, "  %s: %s → %s, %.2f\n", s.Task, s.From, s.To, s.Cost)
	}
	for _, o := range pl.Links {
		fmt.Fprintf(w, "  %s→%s: overlap %s (lag %s), rework exposure %.2f\n", o.Pred, o.Succ, o.Overlap, o.NewLag, o.Rework)
	}
	return nil
}

func printCurve(w io.Writer, pts []optimize.Point, minutesPerDay int, asJSON bool) error {
	if asJSON {
		out := []planJSON{}
		for _, pt := range pts {
			out = append(out, planOf(pt.Plan, minutesPerDay))
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(w, "%-20s %12s %s\n", "finish", "cost", "tasks shortened")
	for _, pt := range pts {
		fmt.Fprintf(w, "%-20s %12.2f %d\n", pt.Finish.Format(dateFormat), pt.Cost, len(pt.Plan.Tasks))
	}
	return nil
}

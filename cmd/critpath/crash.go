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
// earliest finish AMOUNT buys) or `--curve` (every breakpoint).
func crashCommand(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("crash", flag.ContinueOnError)
	to := fs.String("to", "", "finish by `date` (RFC 3339, or a day: its end)")
	budget := fs.Float64("budget", math.NaN(), "spend at most `amount` on shortening")
	curve := fs.Bool("curve", false, "print the whole time–cost curve")
	asJSON := fs.Bool("json", false, "print JSON")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%w: want one project file", errUsage)
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
	p, err := readProject(files[0])
	if err != nil {
		return err
	}
	r, err := schedule.Run(p)
	if err != nil {
		return fmt.Errorf("%s: %w", files[0], err)
	}
	ctx := context.Background()
	if *curve {
		pts, err := optimize.Curve(ctx, p)
		if err != nil {
			return fmt.Errorf("%s: %w", files[0], err)
		}
		return printCurve(stdout, pts, *asJSON)
	}
	var pl *optimize.Plan
	if *to != "" {
		date, err := parseDate(p, "--to", *to)
		if err != nil {
			return err
		}
		pl, err = optimize.CompressTo(ctx, p, date)
		if err != nil {
			return fmt.Errorf("%s: %w", files[0], err)
		}
	} else {
		if *budget < 0 {
			return fmt.Errorf("%w: --budget %v: want 0 or more", errUsage, *budget)
		}
		pl, err = optimize.CrashWithin(ctx, p, *budget)
		if err != nil {
			return fmt.Errorf("%s: %w", files[0], err)
		}
	}
	return printPlan(stdout, r.Finish(), pl, *asJSON)
}

type planJSON struct {
	Finish       time.Time        `json:"finish"`
	NormalFinish *time.Time       `json:"normal_finish,omitempty"`
	Cost         float64          `json:"cost"`
	Tasks        []shorteningJSON `json:"tasks"`
}

type shorteningJSON struct {
	Task string  `json:"task"`
	From string  `json:"from"`
	To   string  `json:"to"`
	Cost float64 `json:"cost"`
}

func planOf(pl *optimize.Plan) planJSON {
	out := planJSON{Finish: pl.Finish, Cost: pl.Cost, Tasks: []shorteningJSON{}}
	for _, s := range pl.Tasks {
		out.Tasks = append(out.Tasks, shorteningJSON{s.Task, s.From.String(), s.To.String(), s.Cost})
	}
	return out
}

func printPlan(w io.Writer, normal time.Time, pl *optimize.Plan, asJSON bool) error {
	if asJSON {
		out := planOf(pl)
		out.NormalFinish = &normal
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(w, "finish %s (as planned %s), shortening costs %.2f\n", pl.Finish.Format(dateFormat), normal.Format(dateFormat), pl.Cost)
	for _, s := range pl.Tasks {
		fmt.Fprintf(w, "  %s: %s → %s, %.2f\n", s.Task, s.From, s.To, s.Cost)
	}
	return nil
}

func printCurve(w io.Writer, pts []optimize.Point, asJSON bool) error {
	if asJSON {
		out := []planJSON{}
		for _, pt := range pts {
			out = append(out, planOf(pt.Plan))
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

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os/exec"
	"path/filepath"

	"github.com/critpath/critpath/optimize"
	"github.com/critpath/critpath/schedule"
)

// errNoOptimum is glpsol finding no feasible schedule.
var errNoOptimum = errors.New("glpsol: no feasible solution")

// solver runs glpsol on one project's program.
type solver struct {
	glpsol, dir string
	p           *schedule.Project
	prog        lp
	runs        int
}

// optimum returns glpsol's optimal cost for a finish within T working
// days, or errNoOptimum.
func (s *solver) optimum(T float64) (float64, error) {
	lpPath, solPath := filepath.Join(s.dir, "check.lp"), filepath.Join(s.dir, "check.sol")
	if err := writeFile(lpPath, func(w io.Writer) error { return s.prog.write(w, T) }); err != nil {
		return 0, err
	}
	s.runs++
	if out, err := exec.Command(s.glpsol, "--lp", lpPath, "-w", solPath).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("glpsol: %w\n%s", err, out)
	}
	return objective(solPath)
}

// crossCheck holds optimize to glpsol on n random instances: Compress at
// the normal finish, halfway to the shortest, at the shortest and a day
// before it (too early for both); Within at 40 % and 80 % of what the
// shortest costs, the plan optimal for its finish and a minute earlier
// over the budget; and every breakpoint of Curve.
func crossCheck(glpsol, dir string, n int, seed uint64) error {
	ctx := context.Background()
	fmt.Println(version(glpsol))
	var instances, targets, budgets, points, runs int
	for k := range n {
		cfg := config{tasks: 2 + k%39, seed: seed*100000 + uint64(k), hours: k%2 == 1, cross: true}
		if k%4 == 3 {
			cfg.window = 5
		}
		opts := []optimize.Options{{}, {FastTrack: true}, {FastTrack: true, NoCrash: true}}[k%3]
		p := instance(cfg)
		s := &solver{glpsol: glpsol, dir: dir, p: p, prog: lp{p: p, crash: !opts.NoCrash, fastTrack: opts.FastTrack}}
		r, err := schedule.Run(p)
		if err != nil {
			return err
		}
		day := float64(r.Network().Settings().MinutesPerDay)
		where := func(what string, args ...any) string {
			return fmt.Sprintf("instance %d (%d tasks, %+v, options %+v): %s", k, cfg.tasks, cfg, opts, fmt.Sprintf(what, args...))
		}
		agree := func(T, cost float64, what string) error {
			want, err := s.optimum(T)
			if err != nil {
				return fmt.Errorf("%s: %w", where("%s, %v working days: critpath %v", what, T, cost), err)
			}
			if math.Abs(cost-want) > 1e-6*max(1, math.Abs(want)) {
				return errors.New(where("%s, %v working days: critpath %v, glpsol %v", what, T, cost, want))
			}
			return nil
		}
		pts, err := optimize.Curve(ctx, p, opts)
		if err != nil {
			return errors.New(where("curve: %v", err))
		}
		for i, pt := range pts {
			if err := agree(workdays(r, pt.Finish), pt.Cost, fmt.Sprintf("breakpoint %d of %d", i, len(pts))); err != nil {
				return err
			}
			points++
		}
		normal, shortest := workdays(r, r.Finish()), workdays(r, pts[len(pts)-1].Finish)
		for _, T := range []float64{normal, math.Round((normal + shortest) / 2), shortest, shortest - 1} {
			date, err := r.Network().AddWork("", r.Start(), int64(T*day))
			if err != nil {
				return err
			}
			pl, err := optimize.Compress(ctx, p, date, opts)
			if T < shortest {
				if !errors.Is(err, optimize.ErrTooEarly) {
					return errors.New(where("by %v: %v, want too early", date, err))
				}
				if _, err := s.optimum(T); !errors.Is(err, errNoOptimum) {
					return errors.New(where("by %v working days, before the shortest: glpsol %v", T, err))
				}
				targets++
				continue
			}
			if err != nil {
				return errors.New(where("by %v: %v", date, err))
			}
			if err := agree(T, pl.Cost, "Compress"); err != nil {
				return err
			}
			targets++
		}
		for _, share := range []float64{0.4, 0.8} {
			budget := math.Round(share * pts[len(pts)-1].Cost)
			pl, err := optimize.Within(ctx, p, budget, opts)
			if err != nil {
				return errors.New(where("within %v: %v", budget, err))
			}
			T := workdays(r, pl.Finish)
			if pl.Cost > budget+1e-9*max(1, budget) {
				return errors.New(where("within %v: the plan costs %v", budget, pl.Cost))
			}
			if err := agree(T, pl.Cost, fmt.Sprintf("Within %v", budget)); err != nil {
				return err
			}
			if T > shortest { // a minute sooner costs more than the budget
				if earlier, err := s.optimum(T - 1/day); err == nil && earlier <= budget+1e-6*max(1, budget) {
					return errors.New(where("within %v: the plan finishes at %v working days, but a minute sooner costs %v", budget, T, earlier))
				}
			}
			budgets++
		}
		instances++
		runs += s.runs
	}
	fmt.Printf("optimize and glpsol agree within 1e-6 on %d instances: %d targets (a quarter of them too early for both), %d budgets, %d curve breakpoints (%d glpsol runs)\n",
		instances, targets, budgets, points, runs)
	return nil
}

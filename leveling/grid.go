package leveling

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/critpath/critpath/schedule"
)

// errInexact says that the fast default's search was not run: the
// project does not fit the grid exactly.
var errInexact = errors.New("leveling: the project does not fit the search's grid exactly")

// grid is a project mapped onto the solver's problem: time in periods of
// the project calendar's working time from the project start, one job per
// task leveling may move (job 0 starts them all, each at its release),
// the tasks that may not move as busy periods, units scaled to whole
// numbers. What the mapping could not hold exactly is in notes.
type grid struct {
	first   int   // the first job of a task: 1, or 0 when there is no job 0 (plain)
	period  int64 // working minutes of the project calendar per period
	scale   float64
	prob    *Problem
	task    []int   // each job's task (-1 for job 0)
	job     []int   // each task's job, or -1
	release []int   // each job's earliest start, by what may not move
	res     []int   // each grid resource's profile
	fixedAt [][]int // each grid resource's busy finishes, per fixed task: [finish, task]
	notes   []string
}

// Limits of the grid: how many periods times resources it may hold (what
// the solver allocates), and the periods tried, coarsest first after the
// exact one.
const maxGridCells = 1 << 23

// maxMeanPeriods is the most periods the mean task of the grid lasts.
const maxMeanPeriods = 48

// grid maps lv's project onto the solver's problem; with exact, it gives
// up (errInexact) as soon as something does not fit exactly.
func (lv *leveler) grid(exactOnly bool) (*grid, error) {
	r := lv.ed.Result()
	p := lv.ed.Project()
	n := lv.n
	nt := len(p.Tasks)
	g := &grid{job: make([]int, nt)}
	note := func(format string, args ...any) {
		if s := fmt.Sprintf(format, args...); !slices.Contains(g.notes, s) {
			g.notes = append(g.notes, s)
		}
	}
	start := r.Start()
	cum := func(t time.Time) int64 {
		w, _ := n.WorkBetween("", start, t)
		return w
	}
	// Which tasks move: leaves leveling may delay whole.
	movable := make([]bool, nt)
	kids := make([][]int, nt)
	for i, t := range p.Tasks {
		if t.Parent != "" {
			if j, ok := n.Index(t.Parent); ok {
				kids[j] = append(kids[j], i)
			}
		}
	}
	for i := range p.Tasks {
		t := &p.Tasks[i]
		tr := r.Task(i)
		if tr.Summary {
			continue
		}
		m := mobilityOf(t)
		switch {
		case m.whole:
			movable[i] = true
		case t.Constraint.Type == schedule.ALAP && len(lv.uses[i]) > 0:
			note("tasks placed as late as possible are kept where they are")
		case !t.ActualStart.IsZero() && lv.opts.Split && m.split && len(lv.uses[i]) > 0:
			note("the remaining work of started tasks is kept where it is (the search does not split tasks)")
		}
		if movable[i] {
			if t.Duration.Elapsed {
				note("elapsed durations are counted in the project calendar's working time where the tasks are")
			}
			if len(t.Splits) > 0 {
				note("a split task is taken whole, its pauses as work")
			}
			if n.Calendar(i) != "" && len(lv.uses[i]) > 0 {
				note("tasks on other calendars than the project's are counted in its working time where they are")
			}
		}
	}
	// The period: the largest that holds every moving task's work exactly,
	// coarser when the grid would be too large.
	spans := make([]int64, nt)
	var total int64
	for i := range p.Tasks {
		if movable[i] {
			tr := r.Task(i)
			spans[i] = max(0, cum(tr.Finish)-cum(tr.Start))
			total += spans[i]
		}
	}
	day := int64(n.Settings().MinutesPerDay)
	candidates := []int64{7 * day, day, day / 2, 60, 30, 15, 5, 1}
	exact := int64(1)
	for _, c := range candidates {
		if c > 0 && !slices.ContainsFunc(spans, func(w int64) bool { return w%c != 0 }) {
			exact = c
			break
		}
	}
	// The resources the moving tasks use.
	used := map[int]bool{}
	for i := range p.Tasks {
		if movable[i] {
			for _, u := range lv.uses[i] {
				used[u.prof] = true
			}
		}
	}
	g.res = slices.Sorted(func(yield func(int) bool) {
		for k := range used {
			if !yield(k) {
				return
			}
		}
	})
	if len(g.res) > maxResource {
		demand := map[int]float64{}
		for i := range p.Tasks {
			if movable[i] {
				for _, u := range lv.uses[i] {
					demand[u.prof] += u.units * float64(spans[i])
				}
			}
		}
		slices.SortStableFunc(g.res, func(a, b int) int { return cmp.Compare(demand[b], demand[a]) })
		g.res = g.res[:maxResource]
		slices.Sort(g.res)
		note("only the %d resources the moving tasks ask most of are in the search", maxResource)
	}
	resIdx := map[int]int{}
	for x, k := range g.res {
		resIdx[k] = x
		if pr := lv.profs[k]; pr.cal != "" && pr.cal != p.Calendar {
			note("resource calendars other than the project's are taken as the project's")
		}
	}
	if exactOnly && len(g.notes) > 0 {
		return nil, errInexact
	}
	// Bounds on the grid's extent, in minutes: the work, the latest
	// release and the busy periods.
	var last int64
	for i := range p.Tasks {
		tr := r.Task(i)
		if !tr.Summary && (!movable[i] && len(lv.uses[i]) > 0 || movable[i]) {
			last = max(last, cum(tr.Finish))
		}
	}
	g.period = exact
	cells := func(period int64) int64 {
		return (total+last)/period + int64(len(p.Tasks)) + 1
	}
	moving := int64(1)
	for i := range movable {
		if movable[i] {
			moving++
		}
	}
	// A schedule costs the periods its tasks last: the grid is made no
	// finer than a few dozen periods for the mean task.
	fine := func(period int64) bool { return total/period <= maxMeanPeriods*moving }
	if rows := int64(max(1, len(g.res))); cells(g.period)*rows > maxGridCells || !fine(g.period) {
		for _, c := range slices.Backward(candidates) {
			if c > exact && cells(c)*rows <= maxGridCells && fine(c) {
				g.period = c
				break
			}
		}
		if cells(g.period)*rows > maxGridCells {
			return nil, fmt.Errorf("%w: the project is too long for the search's grid", ErrLevel)
		}
		if g.period != exact {
			note("work is counted in whole periods of %d minutes, rounded up", g.period)
		}
	}
	per := g.period
	up := func(w int64) int { return int((w + per - 1) / per) } // a length, rounded up
	floorP := func(w int64) int { return int(math.Floor(float64(w) / float64(per))) }
	ceilP := func(w int64) int { return int(math.Ceil(float64(w) / float64(per))) }
	// Units in hundredths when any is fractional.
	g.scale = 1
	frac := func(x float64) bool { return math.Abs(x-math.Round(x)) > tolerance }
	for i := range p.Tasks {
		for _, u := range lv.uses[i] {
			if frac(u.units) {
				g.scale = 100
			}
		}
	}
	for _, k := range g.res {
		if frac(lv.profs[k].units) {
			g.scale = 100
		}
	}
	// Jobs.
	g.task = []int{-1}
	for i := range p.Tasks {
		g.job[i] = -1
		if movable[i] {
			g.job[i] = len(g.task)
			g.task = append(g.task, i)
		}
	}
	nj := len(g.task)
	prob := &Problem{Durations: make([]int, nj), Demands: make([][]int, nj), Capacities: make([]int, len(g.res)),
		Successors: make([][]int, nj), Lags: make([][]int, nj)}
	for x, k := range g.res {
		prob.Capacities[x] = int(math.Floor(lv.profs[k].units*g.scale + tolerance))
	}
	for j, i := range g.task {
		prob.Demands[j] = make([]int, len(g.res))
		if i < 0 {
			continue
		}
		prob.Durations[j] = up(spans[i])
		for _, u := range lv.uses[i] {
			x, ok := resIdx[u.prof]
			if !ok {
				continue
			}
			q := int(math.Ceil(u.units*g.scale - tolerance))
			if q+prob.Demands[j][x] > prob.Capacities[x] {
				// No delay lets it fit, as Level's passes leave it.
				note("a task asking more of a resource than it has is not leveled on it")
				prob.Demands[j][x] = 0
				continue
			}
			prob.Demands[j][x] += q
		}
	}
	// Releases: the project start, a task's own date, what drives a task
	// that no link drives, and links from tasks that may not move.
	g.release = make([]int, nj)
	gStart := func(i int) int { return floorP(cum(r.Task(i).Start)) }
	gFinish := func(i int) int { return ceilP(cum(r.Task(i).Finish)) }
	for j, i := range g.task {
		if i < 0 {
			continue
		}
		t := &p.Tasks[i]
		if t.Constraint.Type == schedule.SNET {
			g.release[j] = max(g.release[j], ceilP(cum(t.Constraint.Date)))
		}
		if !slices.ContainsFunc(r.Drivers(i), func(d schedule.Driver) bool { return d.Kind == schedule.ByLink }) {
			g.release[j] = max(g.release[j], gStart(i))
		}
		for a := i; a >= 0; { // a summary's own date holds its subtasks
			par := p.Tasks[a].Parent
			if par == "" {
				break
			}
			a, _ = n.Index(par)
			if c := p.Tasks[a].Constraint; c.Type == schedule.SNET {
				g.release[j] = max(g.release[j], ceilP(cum(c.Date)))
			}
		}
	}
	var leaves func(i int, out []int) []int
	leaves = func(i int, out []int) []int {
		if len(kids[i]) == 0 {
			return append(out, i)
		}
		for _, k := range kids[i] {
			out = leaves(k, out)
		}
		return out
	}
	for _, l := range p.Links {
		a, ok1 := n.Index(l.Pred)
		b, ok2 := n.Index(l.Succ)
		if !ok1 || !ok2 {
			continue
		}
		if len(kids[a]) > 0 && (l.Type == schedule.SS || l.Type == schedule.SF) {
			note("a link from a summary's start binds to every subtask's start")
		}
		for _, pl := range leaves(a, nil) {
			for _, sl := range leaves(b, nil) {
				sj := g.job[sl]
				if sj < 0 {
					continue // what may not move stays where it is
				}
				lag := g.lag(lv, l, pl, r, cum)
				fromFinish := l.Type == schedule.FS || l.Type == schedule.FF
				toFinish := l.Type == schedule.FF || l.Type == schedule.SF
				if pj := g.job[pl]; pj >= 0 {
					L := lag
					if fromFinish {
						L += prob.Durations[pj]
					}
					if toFinish {
						L -= prob.Durations[sj]
					}
					prob.Successors[pj] = append(prob.Successors[pj], sj)
					prob.Lags[pj] = append(prob.Lags[pj], L)
					continue
				}
				at := gStart(pl)
				if fromFinish {
					at = gFinish(pl)
				}
				at += lag
				if toFinish {
					at -= prob.Durations[sj]
				}
				g.release[sj] = max(g.release[sj], at)
			}
		}
	}
	for j := 1; j < nj; j++ {
		prob.Successors[0] = append(prob.Successors[0], j)
		prob.Lags[0] = append(prob.Lags[0], max(0, g.release[j]))
	}
	// Busy periods: the work of the tasks that may not move.
	g.fixedAt = make([][]int, len(g.res))
	for i := range p.Tasks {
		if movable[i] || len(lv.uses[i]) == 0 || r.Task(i).Summary {
			continue
		}
		for _, u := range lv.uses[i] {
			x, ok := resIdx[u.prof]
			if !ok {
				continue
			}
			q := int(math.Ceil(u.units*g.scale - tolerance))
			end := 0
			for _, s := range r.Segments(i) {
				from, to := max(0, floorP(cum(s.Start))), ceilP(cum(s.Finish))
				for t := from; t < to; t++ {
					for len(prob.Busy) <= t {
						prob.Busy = append(prob.Busy, make([]int, len(g.res)))
					}
					prob.Busy[t][x] += q
				}
				end = max(end, to)
			}
			g.fixedAt[x] = append(g.fixedAt[x], end, i)
		}
	}
	g.prob = prob
	g.first = 1
	g.simplify()
	return g, nil
}

// simplify drops job 0 and the lags when nothing is released late, nothing
// is busy and every link is finish-to-start without lag: the problem is
// then the literature's, which the solver runs as it runs PSPLIB's.
func (g *grid) simplify() {
	prob := g.prob
	if prob.Busy != nil || slices.ContainsFunc(g.release, func(r int) bool { return r > 0 }) {
		return
	}
	for j := 1; j < len(prob.Successors); j++ {
		for k := range prob.Successors[j] {
			if prob.Lags[j][k] != prob.Durations[j] {
				return
			}
		}
	}
	succ := prob.Successors[1:]
	for j := range succ {
		for k := range succ[j] {
			succ[j][k]--
		}
	}
	g.prob = &Problem{Durations: prob.Durations[1:], Demands: prob.Demands[1:], Capacities: prob.Capacities, Successors: succ}
	g.task, g.release, g.first = g.task[1:], g.release[1:], 0
	for i, j := range g.job {
		if j > 0 {
			g.job[i] = j - 1
		}
	}
}

// lag returns link l's lag in periods, counted where its predecessor pred
// (a subtask of the link's, for a summary) is: working time as the
// project calendar's, elapsed time and percentages converted there.
func (g *grid) lag(lv *leveler, l schedule.Link, pred int, r *schedule.Result, cum func(time.Time) int64) int {
	if l.Lag.IsZero() {
		return 0
	}
	n := lv.n
	m, err := n.Minutes(l.Lag)
	if err != nil {
		return 0
	}
	tr := r.Task(pred)
	at := tr.Start
	if l.Type == schedule.FS || l.Type == schedule.FF {
		at = tr.Finish
	}
	var w int64
	switch {
	case l.Lag.Unit == schedule.Percent:
		w = (cum(tr.Finish) - cum(tr.Start)) * m / 10000
	case l.Lag.Elapsed:
		w = cum(at.Add(time.Duration(m)*time.Minute)) - cum(at)
	default:
		w = m
	}
	return int(math.Ceil(float64(w) / float64(g.period)))
}

// search levels lv's project with the solver's search (budget schedules,
// 0 for its fast default): the project mapped onto its grid, the best
// schedule found brought back as start-no-earlier-than delays, each with
// the resource and the task it waited for. The grid's approximations are
// noted on the result; the conflicts they leave are for the pass that
// follows.
func (lv *leveler) search(budget int, seed uint64) error {
	g, err := lv.grid(budget == 0)
	if err != nil {
		return err
	}
	if budget == 0 && len(g.notes) > 0 {
		return errInexact
	}
	lv.out.Approximated = g.notes
	if len(g.task) == g.first {
		return nil // nothing moves
	}
	sol, err := Solve(lv.ctx, g.prob, SolveOptions{Schedules: budget, Seed: seed})
	if err != nil {
		return fmt.Errorf("leveling: the search: %w", err)
	}
	if err := lv.ctx.Err(); err != nil {
		return err
	}
	prob := g.prob
	r := lv.ed.Result()
	p := lv.ed.Project()
	start := r.Start()
	wall := func(t int) (time.Time, error) { return lv.n.AddWork("", start, int64(t)*g.period) }
	// The earliest each job could start by its links and release.
	es := slices.Clone(g.release)
	for j, succ := range prob.Successors {
		for k, x := range succ {
			lag := prob.Durations[j]
			if prob.Lags != nil {
				lag = prob.Lags[j][k]
			}
			es[x] = max(es[x], sol.Starts[j]+lag)
		}
	}
	rule := fmt.Sprintf("the search's shortest schedule (%d schedules)", sol.Schedules)
	if budget == 0 {
		rule = "the search's latest-finish-time schedule, justified"
	}
	var edits []schedule.Edit
	var delays []Delay
	ends := g.ends(sol)
	for j := g.first; j < len(g.task); j++ {
		s := sol.Starts[j]
		if s <= es[j] {
			continue // where its links put it: no delay
		}
		i := g.task[j]
		tr := r.Task(i)
		to, err := wall(s)
		if err != nil || !to.After(tr.Start) {
			continue
		}
		w, x := g.winner(sol, ends, j)
		if w < 0 {
			continue
		}
		from, _ := wall(es[j])
		if from.Before(tr.Start) {
			from = tr.Start
		}
		if !to.After(from) {
			continue
		}
		edits = append(edits, schedule.SetConstraint{Task: tr.ID, Constraint: schedule.Constraint{Type: schedule.SNET, Date: to}})
		why := rule
		if !lv.mobile(w) {
			why = "may not move"
		}
		delays = append(delays, Delay{Task: tr.ID, From: tr.Start, To: to, Resource: lv.profs[g.res[x]].id,
			ConflictFrom: from, ConflictTo: to, Winner: p.Tasks[w].ID, Rule: why})
	}
	if len(edits) == 0 {
		return nil
	}
	if _, err := lv.ed.Shift(edits...); err != nil {
		return fmt.Errorf("leveling: bringing the search's schedule back: %w", err)
	}
	lv.out.Delays = append(lv.out.Delays, delays...)
	return nil
}

// winner returns the task job j waited for in the solution, and on which
// grid resource: the last to finish, when j starts or before, on a
// resource they share — a job, or a task that may not move; on a tie, the
// first in the project's order. It returns -1 when j shares no resource
// with anything before it. ends holds, per grid resource, the finishes and
// tasks of what uses it, in order.
func (g *grid) winner(sol *Solution, ends [][][2]int, j int) (task, res int) {
	s := sol.Starts[j]
	task, res = -1, -1
	best := math.MinInt
	for x, q := range g.prob.Demands[j] {
		if q == 0 {
			continue
		}
		e := ends[x]
		k, _ := slices.BinarySearchFunc(e, s+1, func(a [2]int, t int) int { return cmp.Compare(a[0], t) })
		k-- // the last to finish by s
		for k >= 0 && e[k][1] == g.task[j] {
			k--
		}
		if k < 0 {
			continue
		}
		f := e[k][0]
		for k > 0 && e[k-1][0] == f { // the first in the project's order of those finishing then
			k--
		}
		if e[k][1] == g.task[j] {
			k++
		}
		if f > best || f == best && e[k][1] < task {
			best, task, res = f, e[k][1], x
		}
	}
	return task, res
}

// ends returns, per grid resource, the finish and task of every job and
// every task that may not move using it, in order of finish, then task.
func (g *grid) ends(sol *Solution) [][][2]int {
	out := make([][][2]int, len(g.prob.Capacities))
	for x := range out {
		for w := g.first; w < len(g.task); w++ {
			if g.prob.Demands[w][x] > 0 {
				out[x] = append(out[x], [2]int{sol.Starts[w] + g.prob.Durations[w], g.task[w]})
			}
		}
		for k := 0; k+1 < len(g.fixedAt[x]); k += 2 {
			out[x] = append(out[x], [2]int{g.fixedAt[x][k], g.fixedAt[x][k+1]})
		}
		slices.SortFunc(out[x], func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	}
	return out
}

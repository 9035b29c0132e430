package schedule_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// oracle is an independent CPM written from the textbook formulas
// (Hendrickson, Project Management for Construction, §10.7, with the
// constraint semantics of Microsoft Project and P6 documented in
// schedule's package doc), in whole minutes on round-the-clock time. It
// relaxes every link until nothing changes instead of ordering the
// network, and shares no code with the engine.
type oracle struct {
	mode           schedule.ConstraintMode
	byLinks        bool // late dates from the links alone (textbook), not capped at the finish
	dur            []int64
	links          []oracleLink
	ctype          []schedule.ConstraintType
	cdate, dead    []int64 // minutes from the start; dead < 0: none
	finishBy       int64   // < 0: none
	es, ef, ls, lf []int64
	asap           []int64 // the early starts of ALAP tasks before they are placed
	pf             int64
}

type oracleLink struct {
	p, s int
	typ  schedule.LinkType
	lag  int64 // minutes, or hundredths of a percent when pct
	pct  bool
}

func (o *oracle) lag(l oracleLink) int64 {
	if !l.pct {
		return l.lag
	}
	return int64(math.Round(float64(l.lag) * float64(o.dur[l.p]) / 10000))
}

func (o *oracle) run() {
	n := len(o.dur)
	o.es, o.ef, o.ls, o.lf = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	o.forward(nil)
	o.backward()
	alap := false
	for _, c := range o.ctype {
		alap = alap || c == schedule.ALAP
	}
	if alap { // place ALAP tasks at their late starts, then again
		o.asap = slices.Clone(o.es)
		o.forward(slices.Clone(o.ls))
		o.backward()
	}
}

// forward relaxes the early dates to a fixpoint; ALAP tasks start no
// earlier than lateStart when it is given.
func (o *oracle) forward(lateStart []int64) {
	n := len(o.dur)
	for changed := true; changed; {
		changed = false
		for v := range n {
			es := int64(0)
			for _, l := range o.links {
				if l.s != v {
					continue
				}
				lag := o.lag(l)
				switch l.typ {
				case schedule.FS:
					es = max(es, o.ef[l.p]+lag)
				case schedule.SS:
					es = max(es, o.es[l.p]+lag)
				case schedule.FF:
					es = max(es, o.ef[l.p]+lag-o.dur[v])
				case schedule.SF:
					es = max(es, o.es[l.p]+lag-o.dur[v])
				}
			}
			honor, links := o.mode == schedule.HonorConstraints, o.mode == schedule.LinksFirst
			switch c, d := o.cdate[v], o.dur[v]; o.ctype[v] {
			case schedule.SNET:
				es = max(es, c)
			case schedule.FNET:
				es = max(es, c-d)
			case schedule.SNLT:
				if honor {
					es = min(es, c)
				}
			case schedule.FNLT:
				if honor {
					es = min(es, c-d)
				}
			case schedule.MSO:
				if links {
					es = max(es, c)
				} else {
					es = c
				}
			case schedule.MFO:
				if links {
					es = max(es, c-d)
				} else {
					es = c - d
				}
			case schedule.ALAP:
				if lateStart != nil {
					es = max(es, lateStart[v])
				}
			}
			if es != o.es[v] || o.ef[v] != es+o.dur[v] {
				o.es[v], o.ef[v], changed = es, es+o.dur[v], true
			}
		}
	}
	o.pf = 0
	for v := range n {
		o.pf = max(o.pf, o.ef[v])
	}
}

func (o *oracle) backward() {
	n := len(o.dur)
	for v := range n {
		o.lf[v], o.ls[v] = math.MaxInt64/2, math.MaxInt64/2
	}
	for changed := true; changed; {
		changed = false
		for v := range n {
			lf, open := int64(math.MaxInt64/2), true
			for _, l := range o.links {
				if l.p != v {
					continue
				}
				open = false
				lag := o.lag(l)
				switch l.typ {
				case schedule.FS:
					lf = min(lf, o.ls[l.s]-lag)
				case schedule.SS:
					lf = min(lf, o.ls[l.s]-lag+o.dur[v])
				case schedule.FF:
					lf = min(lf, o.lf[l.s]-lag)
				case schedule.SF:
					lf = min(lf, o.lf[l.s]-lag+o.dur[v])
				}
			}
			bound := o.pf
			if o.finishBy >= 0 {
				bound = o.finishBy
			}
			if open {
				lf = bound
			}
			if !o.byLinks { // Microsoft Project's and P6's cap
				lf = min(lf, bound)
			}
			honor := o.mode == schedule.HonorConstraints
			switch c, d := o.cdate[v], o.dur[v]; o.ctype[v] {
			case schedule.SNLT:
				lf = min(lf, c+d)
			case schedule.FNLT:
				lf = min(lf, c)
			case schedule.MSO:
				if honor {
					lf = c + d
				} else {
					lf = min(lf, c+d)
				}
			case schedule.MFO:
				if honor {
					lf = c
				} else {
					lf = min(lf, c)
				}
			}
			if o.dead[v] >= 0 {
				lf = min(lf, o.dead[v])
			}
			if lf != o.lf[v] {
				o.lf[v], o.ls[v], changed = lf, lf-o.dur[v], true
			}
		}
	}
}

// freeFloat is the textbook free float: the least slack to a successor's
// early dates, or to the project finish for an open end, at least 0 and at
// most the total float.
func (o *oracle) freeFloat(v int) int64 {
	ff, open := int64(math.MaxInt64), true
	for _, l := range o.links {
		if l.p != v {
			continue
		}
		open = false
		lag := o.lag(l)
		switch l.typ {
		case schedule.FS:
			ff = min(ff, o.es[l.s]-lag-o.ef[v])
		case schedule.SS:
			ff = min(ff, o.es[l.s]-lag-o.es[v])
		case schedule.FF:
			ff = min(ff, o.ef[l.s]-lag-o.ef[v])
		case schedule.SF:
			ff = min(ff, o.ef[l.s]-lag-o.es[v])
		}
	}
	if open {
		ff = o.pf - o.ef[v]
	}
	return max(0, min(ff, o.totalFloat(v)))
}

// totalFloat is LF − EF, counted from an ALAP task's early dates before it
// is placed.
func (o *oracle) totalFloat(v int) int64 {
	if o.asap != nil && o.ctype[v] == schedule.ALAP {
		return o.lf[v] - (o.asap[v] + o.dur[v])
	}
	return o.lf[v] - o.ef[v]
}

func TestAgainstOracle(t *testing.T) {
	start := time.Date(2031, 3, 1, 0, 0, 0, 0, time.UTC)
	at := func(m int64) time.Time { return start.Add(time.Duration(m) * time.Minute) }
	for seed := range uint64(2000) {
		rng := rand.New(rand.NewPCG(seed, 99))
		n := 1 + rng.IntN(40)
		o := &oracle{finishBy: -1, mode: schedule.ConstraintMode(seed % 3), byLinks: seed%2 == 1}
		p := &schedule.Project{Start: start, Calendar: schedule.TwentyFourHours}
		p.Options.Constraints = o.mode
		if o.byLinks {
			p.Options.LateDates = schedule.LateByLinks
		}
		for i := range n {
			d := int64(rng.IntN(6)) * 1440
			if rng.IntN(5) == 0 {
				d = int64(rng.IntN(3000))
			}
			task := schedule.Task{ID: "a" + strconv.Itoa(i), Duration: schedule.Minutes(float64(d))}
			ct, cd, dl := schedule.ASAP, int64(0), int64(-1)
			if rng.IntN(6) == 0 {
				ct, cd = schedule.ConstraintType(2+rng.IntN(6)), int64(rng.IntN(20*1440))
				task.Constraint = schedule.Constraint{Type: ct, Date: at(cd)}
			} else if rng.IntN(8) == 0 {
				ct = schedule.ALAP
				task.Constraint = schedule.Constraint{Type: ct}
			}
			if rng.IntN(10) == 0 {
				dl = int64(rng.IntN(30 * 1440))
				task.Deadline = at(dl)
			}
			o.dur, o.ctype, o.cdate, o.dead = append(o.dur, d), append(o.ctype, ct), append(o.cdate, cd), append(o.dead, dl)
			p.Tasks = append(p.Tasks, task)
			for k := rng.IntN(4); k > 0 && i > 0; k-- {
				j := rng.IntN(i)
				dup := false
				for _, l := range o.links {
					dup = dup || (l.p == j && l.s == i)
				}
				if dup {
					continue
				}
				l := oracleLink{p: j, s: i, typ: schedule.LinkType(rng.IntN(4)), lag: int64(rng.IntN(7)-3) * 1440}
				lag := schedule.Minutes(float64(l.lag))
				switch rng.IntN(6) {
				case 0:
					l.lag, l.pct = int64(rng.IntN(300)-100)*100, true
					lag = schedule.PercentOf(float64(l.lag) / 100)
				case 1:
					lag = schedule.ElapsedDays(float64(l.lag) / 1440)
				}
				o.links = append(o.links, l)
				p.Links = append(p.Links, schedule.Link{Pred: "a" + strconv.Itoa(j), Succ: "a" + strconv.Itoa(i), Type: l.typ, Lag: lag})
			}
		}
		if rng.IntN(4) == 0 {
			o.finishBy = int64(rng.IntN(40 * 1440))
			p.FinishBy = at(o.finishBy)
		}
		p.Options.TotalFloat = schedule.FinishFloat
		o.run()
		r := mustRun(t, p)
		if !r.Finish().Equal(at(o.pf)) {
			t.Fatalf("seed %d: finish %v, oracle %v", seed, r.Finish(), at(o.pf))
		}
		for i := range n {
			tr := r.Task(i)
			es := o.es[i]
			if o.asap != nil && o.ctype[i] == schedule.ALAP {
				es = o.asap[i]
			}
			got := [6]time.Time{tr.Start, tr.Finish, tr.EarlyStart, tr.EarlyFinish, tr.LateStart, tr.LateFinish}
			want := [6]time.Time{at(o.es[i]), at(o.ef[i]), at(es), at(es + o.dur[i]), at(o.ls[i]), at(o.lf[i])}
			if got != want || tr.TotalFloat != o.totalFloat(i) || tr.FreeFloat != o.freeFloat(i) {
				t.Fatalf("seed %d, %s: got %v TF %d FF %d; oracle %v TF %d FF %d", seed, tr.ID,
					got, tr.TotalFloat, tr.FreeFloat, want, o.totalFloat(i), o.freeFloat(i))
			}
		}
	}
}

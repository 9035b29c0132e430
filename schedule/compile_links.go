package schedule

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// linksAndResources checks the links, resources and assignments and lays
// them out in the network.
func (c *compiler) linksAndResources() {
	p, n := c.p, c.n
	// Links in canonical order: by successor ID, predecessor ID and type,
	// compared by the tasks' ranks when both ends are known.
	ends := make([][2]int32, len(p.Links))
	order := make([]int32, len(p.Links))
	for i, l := range p.Links {
		pi, okp := n.byID[l.Pred]
		si, oks := n.byID[l.Succ]
		if !okp {
			pi = -1
		}
		if !oks {
			si = -1
		}
		ends[i], order[i] = [2]int32{pi, si}, int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		ea, eb, la, lb := ends[a], ends[b], &p.Links[a], &p.Links[b]
		if min(ea[0], ea[1], eb[0], eb[1]) >= 0 {
			return cmp.Or(cmp.Compare(c.rank[ea[1]], c.rank[eb[1]]), cmp.Compare(c.rank[ea[0]], c.rank[eb[0]]), cmp.Compare(la.Type, lb.Type))
		}
		return cmp.Or(cmp.Compare(la.Succ, lb.Succ), cmp.Compare(la.Pred, lb.Pred), cmp.Compare(la.Type, lb.Type))
	})
	c.ends = make([][2]int32, len(order))
	for i, k := range order {
		c.ends[i] = ends[k]
	}
	ends = nil
	c.order = order
	fail := func(l *Link, err error) {
		own := *l // the error's link is the network's copy, not the project's
		c.fail(&InputError{Link: &own, Err: err})
	}
	for i, k := range order {
		l := &p.Links[k]
		if i > 0 && c.ends[i-1] == c.ends[i] && p.Links[order[i-1]].Type == l.Type && min(c.ends[i][0], c.ends[i][1]) >= 0 {
			fail(l, ErrDuplicateLink)
		} else if err := c.checkLink(l, c.ends[i][0], c.ends[i][1]); err != nil {
			fail(l, err)
		}
	}
	rs := map[string]bool{}
	for i, r := range p.Resources {
		switch {
		case r.ID == "":
			c.fail(&InputError{Field: fmt.Sprintf("resources[%d].id", i), Err: errors.New("resource has no id")})
		case rs[r.ID]:
			c.fail(&InputError{Field: fmt.Sprintf("resources[%d].id", i), Err: fmt.Errorf("%q: duplicate resource id", r.ID)})
		case r.Type > CostResource || r.MaxUnits < 0 || math.IsNaN(r.MaxUnits) || r.StandardRate < 0 || r.OvertimeRate < 0 || r.CostPerUse < 0:
			c.fail(&InputError{Field: fmt.Sprintf("resources[%d]", i), Err: fmt.Errorf("resource %q: %w", r.ID, ErrBadValue)})
		}
		if _, ok := c.timelineOf(r.Calendar); !ok {
			c.fail(&InputError{Field: fmt.Sprintf("resources[%d].calendar", i), Err: fmt.Errorf("%q: %w", r.Calendar, ErrUnknownCalendar)})
		}
		rs[r.ID] = true
	}
	for i, a := range p.Assignments {
		if _, ok := n.byID[a.Task]; !ok {
			c.fail(&InputError{Field: fmt.Sprintf("assignments[%d].task", i), Err: fmt.Errorf("%q: %w", a.Task, ErrUnknownTask)})
		}
		if !rs[a.Resource] {
			c.fail(&InputError{Field: fmt.Sprintf("assignments[%d].resource", i), Err: fmt.Errorf("%q: %w", a.Resource, ErrUnknownResource)})
		}
		if a.Units < 0 || math.IsNaN(a.Units) || math.IsInf(a.Units, 0) {
			c.fail(&InputError{Field: fmt.Sprintf("assignments[%d].units", i), Err: fmt.Errorf("%v: %w", a.Units, ErrBadValue)})
		}
	}
	if len(c.errs) > 0 {
		return
	}
	n.resources = slices.Clone(p.Resources)
	ri := make(map[string]int32, len(p.Resources))
	for i, r := range p.Resources {
		ri[r.ID] = int32(i)
	}
	// Each task's assignments in the project's byTask, in one array.
	byTask := make([]int32, len(p.Assignments))
	for k := range byTask {
		byTask[k] = int32(k)
	}
	task := func(k int32) int32 { return n.byID[p.Assignments[k].Task] }
	slices.SortStableFunc(byTask, func(a, b int32) int { return cmp.Compare(task(a), task(b)) })
	all := make([]assigned, len(byTask))
	for lo := 0; lo < len(byTask); {
		i, hi := task(byTask[lo]), lo
		for ; hi < len(byTask) && task(byTask[hi]) == i; hi++ {
			a := &p.Assignments[byTask[hi]]
			all[hi] = assigned{resource: ri[a.Resource], index: byTask[hi], units: a.Units}
		}
		t := &n.tasks[i]
		m := t.extra()
		m.assign = all[lo:hi:hi]
		t.setExtra(m)
		lo = hi
	}
}

// linkVal is a link as the network keeps it until its links are asked
// for (linkList): its ends' tasks, its type and its lag, in 24 bytes
// where a Link takes 80 and the strings of its ends.
type linkVal struct {
	pred, succ int32
	lag        float64 // the lag's Amount
	unit       Unit
	elapsed    bool
	typ        LinkType
}

func (v *linkVal) lagDuration() Duration {
	return Duration{Amount: v.lag, Unit: v.unit, Elapsed: v.elapsed}
}

// linkMore is what only some links have.
type linkMore struct {
	overlap Duration
	rework  float64
}

// makeLinks keeps the network's links, in canonical order, from the
// project's (links), which linksAndResources has checked.
func (c *compiler) makeLinks(links []Link) {
	n := c.n
	n.linkVals = make([]linkVal, len(c.order))
	for i, k := range c.order {
		l := &links[k]
		n.linkVals[i] = linkVal{pred: c.ends[i][0], succ: c.ends[i][1], lag: l.Lag.Amount, unit: l.Lag.Unit, elapsed: l.Lag.Elapsed, typ: l.Type}
		if !zeroDuration(l.Overlap) || math.Float64bits(l.ReworkCost) != 0 {
			if n.linkMore == nil {
				n.linkMore = map[int32]linkMore{}
			}
			n.linkMore[int32(i)] = linkMore{l.Overlap, l.ReworkCost}
		}
	}
	c.order = nil
}

// linkList returns the network's links, in canonical order, making them
// the first time. Their ends name the tasks by the tasks' own IDs (the
// same text as the project's links), so that the network holds none of
// the project's strings.
func (n *Network) linkList() []Link {
	n.linksOnce.Do(func() {
		n.links = make([]Link, len(n.linkVals))
		for i := range n.linkVals {
			v := &n.linkVals[i]
			n.links[i] = Link{Pred: n.tasks[v.pred].id, Succ: n.tasks[v.succ].id, Type: v.typ, Lag: v.lagDuration()}
			if m, ok := n.linkMore[int32(i)]; ok {
				n.links[i].Overlap, n.links[i].ReworkCost = m.overlap, m.rework
			}
		}
		n.linkVals, n.linkMore = nil, nil
	})
	return n.links
}

// checkLink checks link l from task pi to task si (-1: unknown), all but
// for duplicates.
func (c *compiler) checkLink(l *Link, pi, si int32) error {
	n := c.n
	switch {
	case pi < 0:
		return fmt.Errorf("predecessor %q: %w", l.Pred, ErrUnknownTask)
	case si < 0:
		return fmt.Errorf("successor %q: %w", l.Succ, ErrUnknownTask)
	case pi == si:
		return ErrSelfLink
	case l.Type > SF:
		return fmt.Errorf("type %d: %w", l.Type, ErrBadValue)
	case c.ancestor(pi, si) || c.ancestor(si, pi):
		return ErrSummaryLink
	case n.tasks[si].summary && l.Type.toFinish():
		return fmt.Errorf("a %v link cannot end on a summary task, as in Microsoft Project: %w", l.Type, ErrBadValue)
	case l.Lag.Unit == Percent && n.tasks[pi].summary:
		return fmt.Errorf("a percent lag needs a predecessor with a duration, not a summary: %w", ErrBadUnit)
	}
	if _, err := l.Lag.minutes(n.settings); err != nil {
		return fmt.Errorf("lag: %v: %w", err, ErrBadValue)
	}
	return nil
}

// ancestor reports whether task a is an outline ancestor of task b.
func (c *compiler) ancestor(a, b int32) bool {
	for j := c.n.tasks[b].parent; j >= 0; j = c.n.tasks[j].parent {
		if j == a {
			return true
		}
	}
	return false
}

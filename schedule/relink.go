package schedule

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
)

// linkEdit is an edit that adds or removes a link in place: the editor
// inserts or deletes the edge in the compiled network (its topological
// order still holds) instead of compiling again.
type linkEdit interface {
	// relink makes the change to the network and the project in tx,
	// recording how to undo it there, and returns the tasks at the link's
	// ends.
	relink(tx *txn) (ends []string, err error)
}

// linkEnds returns the tasks at l's ends and the nodes its edge would
// join, with ok false when l is not a valid new link whose edge keeps the
// network's order (then it goes the full way, which also reports errors).
func (e *Editor) linkEnds(l *Link) (pi, si, from, to int32, ok bool) {
	c, n := e.c, e.c.n
	pi, okp := n.byID[l.Pred]
	si, oks := n.byID[l.Succ]
	if !okp || !oks || c.checkLink(l, pi, si) != nil {
		return 0, 0, 0, 0, false
	}
	from, to, _ = c.linkEdge(l.Type, l.Lag, pi, si, n.tl)
	return pi, si, from, to, from < to
}

// findLink returns the place in n.links of the link of type typ from
// task pi to task si, or where such a link goes (found false). Links are
// kept in order of successor, predecessor and type.
func (e *Editor) findLink(pi, si int32, typ LinkType) (int, bool) {
	c := e.c
	key := func(k int) int {
		end := c.ends[k]
		return cmp.Or(cmp.Compare(c.rank[end[1]], c.rank[si]), cmp.Compare(c.rank[end[0]], c.rank[pi]), cmp.Compare(e.c.n.links[k].Type, typ))
	}
	k := sort.Search(len(c.ends), func(k int) bool { return key(k) >= 0 })
	return k, k < len(c.ends) && key(k) == 0
}

// removedLink finds the link a RemoveLink names among the network's.
func (e *Editor) removedLink(rm RemoveLink) (k int, found bool) {
	n := e.c.n
	pi, okp := n.byID[rm.Pred]
	si, oks := n.byID[rm.Succ]
	if !okp || !oks {
		return 0, false
	}
	if rm.Type != nil {
		return e.findLink(pi, si, *rm.Type)
	}
	found = false
	for typ := FS; typ <= SF; typ++ {
		if j, ok := e.findLink(pi, si, typ); ok {
			if found {
				return 0, false // several: the project-level edit reports it
			}
			k, found = j, true
		}
	}
	return k, found
}

func (a AddLink) reshapes(e *Editor) bool {
	l := a.Link
	pi, si, _, _, ok := e.linkEnds(&l)
	if !ok {
		return true
	}
	_, dup := e.findLink(pi, si, l.Type)
	return dup
}

func (a AddLink) relink(tx *txn) ([]string, error) {
	e, l := tx.e, a.Link
	pi, si, from, to, ok := e.linkEnds(&l)
	k, dup := e.findLink(pi, si, l.Type)
	if !ok || dup { // an earlier edit of the same call made it so
		return nil, &InputError{Link: &l, Err: ErrDuplicateLink}
	}
	e.insertLink(k, l, pi, si)
	e.p.Links = append(e.p.Links, l)
	tx.onUndo(func() {
		e.deleteLink(k)
		e.p.Links = e.p.Links[:len(e.p.Links)-1]
		e.refresh(from, to)
	})
	return []string{l.Pred, l.Succ}, nil
}

func (rm RemoveLink) reshapes(e *Editor) bool {
	_, found := e.removedLink(rm)
	return !found
}

func (rm RemoveLink) relink(tx *txn) ([]string, error) {
	e, n := tx.e, tx.e.c.n
	pi, si := n.byID[rm.Pred], n.byID[rm.Succ]
	k, found := e.removedLink(rm)
	at, err := rm.in(e.p.Links)
	if err != nil {
		return nil, err
	}
	if !found { // an earlier edit of the same call removed it
		return nil, &InputError{Link: &Link{Pred: rm.Pred, Succ: rm.Succ}, Err: ErrNoSuchLink}
	}
	l := n.links[k]
	from, to, _ := e.c.linkEdge(l.Type, l.Lag, pi, si, n.tl)
	e.deleteLink(k)
	e.p.Links = slices.Delete(e.p.Links, at, at+1)
	tx.onUndo(func() {
		e.insertLink(k, l, pi, si)
		e.p.Links = slices.Insert(e.p.Links, at, l)
		e.refresh(from, to)
	})
	return []string{l.Pred, l.Succ}, nil
}

// insertLink puts link l from task pi to task si at place k of n.links
// and its edge into the network's in- and out-edges.
func (e *Editor) insertLink(k int, l Link, pi, si int32) {
	c, n := e.c, e.c.n
	// A new array: Explanations and Conflicts hold pointers into the old.
	n.links = slices.Insert(slices.Clip(n.links), k, l)
	c.ends = slices.Insert(c.ends, k, [2]int32{pi, si})
	for j, li := range n.inLink {
		if li >= int32(k) {
			n.inLink[j] = li + 1
		}
	}
	from, to, ed := c.linkEdge(l.Type, l.Lag, pi, si, n.tl)
	e.insertEdge(from, to, ed, int32(k))
}

// deleteLink takes link k out of n.links and its edge out of the network.
func (e *Editor) deleteLink(k int) {
	c, n := e.c, e.c.n
	from, to, ed := c.linkEdge(n.links[k].Type, n.links[k].Lag, c.ends[k][0], c.ends[k][1], n.tl)
	n.links = slices.Delete(slices.Clone(n.links), k, k+1)
	c.ends = slices.Delete(c.ends, k, k+1)
	e.deleteEdge(from, to, &ed)
	for j, li := range n.inLink {
		if li > int32(k) {
			n.inLink[j] = li - 1
		}
	}
}

// edgesBefore counts the edges, sorted by the node at their other end,
// whose other end comes before v.
func edgesBefore(es []edge, v int32) int {
	return sort.Search(len(es), func(i int) bool { return es[i].node >= v })
}

func shift(off []int32, by int32) {
	for i := range off {
		off[i] += by
	}
}

// assignEdit is an edit that adds or removes an assignment in place: the
// editor updates the task's resolved assignments and recomputes it as an
// edited task.
type assignEdit interface {
	// reassign makes the change to the project and to the task's
	// assignments in the network in tx, marking the task edited and
	// recording how to undo the change there.
	reassign(tx *txn) error
}

// saveAssignments keeps task i's assignments as they are and returns a
// function that puts them back into the project and the network.
func (e *Editor) saveAssignments(i int) func() {
	as := slices.Clone(e.c.n.tasks[i].extra().assign)
	vals := make([]Assignment, len(as))
	for k, a := range as {
		vals[k] = e.p.Assignments[a.index]
	}
	return func() {
		e.c.n.tasks[i].setAssign(as) // by index: an added task may have moved the array
		for k, a := range as {
			e.p.Assignments[a.index] = vals[k]
		}
	}
}

func (a Assign) reassign(tx *txn) error {
	e, n := tx.e, tx.e.c.n
	i, err := tx.at(a.Assignment.Task)
	if err != nil {
		return err
	}
	ri := slices.IndexFunc(n.resources, func(r Resource) bool { return r.ID == a.Assignment.Resource })
	switch u := a.Assignment.Units; {
	case ri < 0:
		return &InputError{Task: a.Assignment.Task, Field: "assignments", Err: fmt.Errorf("%q: %w", a.Assignment.Resource, ErrUnknownResource)}
	case u < 0 || math.IsNaN(u) || math.IsInf(u, 0):
		return &InputError{Task: a.Assignment.Task, Field: "assignments", Err: fmt.Errorf("units %v: %w", u, ErrBadValue)}
	}
	tx.onUndo(e.saveAssignments(i))
	if err := a.apply(e.p, tx.at, n.settings); err != nil {
		return err
	}
	tx.onUndo(func() { e.p.Assignments = e.p.Assignments[:len(e.p.Assignments)-1] })
	info := &n.tasks[i]
	info.setAssign(append(slices.Clip(info.extra().assign), assigned{resource: int32(ri), index: int32(len(e.p.Assignments) - 1), units: a.Assignment.Units}))
	return nil
}

func (u Unassign) reassign(tx *txn) error {
	e, n := tx.e, tx.e.c.n
	i, err := tx.at(u.Task)
	if err != nil {
		return err
	}
	info := &n.tasks[i]
	as := info.extra().assign
	x := slices.IndexFunc(as, func(a assigned) bool { return n.resources[a.resource].ID == u.Resource })
	if x < 0 {
		return &InputError{Task: u.Task, Field: "assignments", Err: fmt.Errorf("resource %q is not assigned", u.Resource)}
	}
	k := as[x].index
	gone := e.p.Assignments[k]
	tx.onUndo(e.saveAssignments(i))
	if err := u.apply(e.p, tx.at, n.settings); err != nil {
		return err
	}
	renumber(n, k, -1)
	info.setAssign(slices.Delete(slices.Clone(info.extra().assign), x, x+1))
	tx.onUndo(func() {
		e.p.Assignments = slices.Insert(e.p.Assignments, int(k), gone)
		renumber(n, k, +1)
	})
	return nil
}

// renumber moves the assignments' places in the project past k by one,
// after one is removed there (by −1) or put back (by +1).
func renumber(n *Network, k int32, by int32) {
	for t := range n.tasks {
		m := n.tasks[t].more
		if m == nil {
			continue
		}
		for j := range m.assign {
			if a := &m.assign[j]; a.index > k || by > 0 && a.index >= k {
				a.index += by
			}
		}
	}
}

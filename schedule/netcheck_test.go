package schedule

import (
	"fmt"
	"slices"
)

// NetworkDiff describes how the editor's compiled network differs from a
// fresh compile of its project, in terms that do not depend on node
// numbering: per task node, its edges (by the other end's task and node
// kind) with their kinds and lags, and its constraint state.
func NetworkDiff(e *Editor) string {
	fresh, err := Compile(e.p)
	if err != nil {
		return "fresh compile: " + err.Error()
	}
	describe := func(n *Network) []string {
		var out []string
		name := func(v int32) string { return fmt.Sprintf("%s/%d", n.tasks[n.owner[v]].id, n.kind[v]) }
		for v := range n.kind {
			var es []string
			for k := n.outOff[v]; k < n.outOff[v+1]; k++ {
				ed := n.out[k]
				es = append(es, fmt.Sprintf("→%s kind=%d lag=%d cal=%s", name(ed.node), ed.kind, ed.lag, n.calNames[ed.lagCal]))
			}
			for k := n.inOff[v]; k < n.inOff[v+1]; k++ {
				ed := n.in[k]
				li := n.inLink[k]
				ls := "outline"
				if li >= 0 {
					ls = n.linkList()[li].String()
				}
				es = append(es, fmt.Sprintf("←%s kind=%d lag=%d link=%s", name(ed.node), ed.kind, ed.lag, ls))
			}
			slices.Sort(es)
			out = append(out, fmt.Sprintf("%s tl=%s dur=%d gap=%d fop=%d bop=%d ctype=%d cdate=%d dead=%d plain=%d %v", name(int32(v)), n.calNames[n.tl[v]], n.dur[v], n.gap[v], n.fop[v], n.bop[v], n.ctype[v], n.cdate[v], n.dead[v], n.plain[v], es))
		}
		slices.Sort(out)
		return out
	}
	a, b := describe(e.c.n), describe(fresh)
	for k := range max(len(a), len(b)) {
		var x, y string
		if k < len(a) {
			x = a[k]
		}
		if k < len(b) {
			y = b[k]
		}
		if x != y {
			return fmt.Sprintf("editor: %s\nfresh:  %s", x, y)
		}
	}
	return ""
}

// ValuesDiff compares the editor's node values with a fresh schedule's.
func ValuesDiff(e *Editor) string {
	fresh, err := Compile(e.p)
	if err != nil {
		return err.Error()
	}
	fr := fresh.NewResult()
	fr.Run()
	fr.freeFloat()

	key := func(n *Network, v int) string { return fmt.Sprintf("%s/%d", n.tasks[n.owner[v]].id, n.kind[v]) }
	m := map[string]int{}
	for v := range fresh.kind {
		m[key(fresh, v)] = v
	}
	n := e.c.n
	for v := range n.kind {
		w := m[key(n, v)]
		if e.r.done != nil && n.fop[v] == fFinished && (e.r.done[v] != fr.done[w] || e.r.doneLate[v] != fr.doneLate[w]) {
			return fmt.Sprintf("%s: logic moment %v/%v, late %v/%v", key(n, v), e.r.done[v], fr.done[w], e.r.doneLate[v], fr.doneLate[w])
		}
		if e.r.early[v] != fr.early[w] || e.r.late[v] != fr.late[w] || e.r.free[v] != fr.free[w] || e.r.ff[v] != fr.ff[w] {
			return fmt.Sprintf("%s: early %v/%v late %v/%v free %v/%v ff %v/%v", key(n, v), e.r.early[v], fr.early[w], e.r.late[v], fr.late[w], e.r.free[v], fr.free[w], e.r.ff[v], fr.ff[w])
		}
	}
	return ""
}

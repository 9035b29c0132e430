package schedule

import "math"

// Run schedules the network with the Result's durations: a forward pass
// for the early dates, a backward pass for the late dates and the free
// float. It allocates nothing.
func (r *Result) Run() {
	r.forward()
	r.finishDate()
	r.backward()
	r.rolled = false
}

func (r *Result) forward() {
	n := r.net
	es, ef, dur := r.es, r.ef, r.dur
	for t := range r.maxEF {
		r.maxEF[t] = math.MinInt64
	}
	for v := range n.kind {
		d := dur[v]
		start := n.floor[v]
		for _, e := range n.in[n.inOff[v]:n.inOff[v+1]] {
			p := e.node
			var b int64
			switch e.kind {
			case edgeKind(FS):
				b = ef[p] + e.lag
			case edgeKind(SS):
				b = es[p] + e.lag
			case edgeKind(FF):
				b = ef[p] + e.lag - d
			case edgeKind(SF):
				b = es[p] + e.lag - d
			default:
				if e.kind&edgeMin != 0 {
					start = min(start, r.startClock(p))
					continue
				}
				b = r.boundIn(e, p, int32(v), d)
			}
			start = max(start, b)
		}
		switch n.ctype[v] {
		case SNET:
			start = max(start, n.cdate[v])
		case FNET:
			start = max(start, n.cdate[v]-d)
		case MSO:
			start = n.cdate[v]
		case MFO:
			start = n.cdate[v] - d
		}
		es[v], ef[v] = start, start+d
		if t := n.tl[v]; start+d > r.maxEF[t] {
			r.maxEF[t] = start + d
		}
	}
}

// finishDate finds the project finish, the latest early finish, and
// converts it (and its ceiling, the finish-by date when set) onto every
// timeline.
func (r *Result) finishDate() {
	n := r.net
	r.finish = math.MinInt64
	for t, m := range r.maxEF {
		if m != math.MinInt64 {
			r.finish = max(r.finish, n.tls[t].finishAt(m))
		}
	}
	if r.finish == math.MinInt64 { // no tasks
		r.finish = n.start
	}
	for t, tl := range n.tls {
		r.pf[t] = tl.cum(r.finish)
	}
}

func (r *Result) backward() {
	n := r.net
	es, ef, ls, lf, fs, dur := r.es, r.ef, r.ls, r.lf, r.fs, r.dur
	for v := len(n.kind) - 1; v >= 0; v-- {
		d := dur[v]
		late, free := int64(noDate), int64(noDate)
		out := n.out[n.outOff[v]:n.outOff[v+1]]
		if len(out) == 0 { // an open end: bound by the project's finish
			free, late = r.pf[n.tl[v]], n.finBy[v]
			if late == noDate {
				late = free
			}
		}
		for _, e := range out {
			s := e.node
			switch e.kind {
			case edgeKind(FS):
				late = min(late, ls[s]-e.lag)
				free = min(free, fs[s]-e.lag)
			case edgeKind(SS):
				late = min(late, ls[s]-e.lag+d)
				free = min(free, fs[s]-e.lag+d)
			case edgeKind(FF):
				late = min(late, lf[s]-e.lag)
				free = min(free, fs[s]+dur[s]-e.lag)
			case edgeKind(SF):
				late = min(late, lf[s]-e.lag+d)
				free = min(free, fs[s]+dur[s]-e.lag+d)
			default:
				a, b := r.boundOut(e, int32(v), s, d)
				late, free = min(late, a), min(free, b)
			}
		}
		switch n.ctype[v] {
		case SNLT:
			late = min(late, n.cdate[v]+d)
		case FNLT:
			late = min(late, n.cdate[v])
		case MSO:
			late = n.cdate[v] + d
		case MFO:
			late = n.cdate[v]
		}
		late = min(late, n.dead[v])
		lf[v], ls[v] = late, late-d
		if n.kind[v] == leafNode {
			r.ff[v] = free - ef[v]
			fs[v] = es[v]
		} else {
			fs[v] = free - d
		}
	}
}

// percentOf returns bp basis points of d, rounded half away from zero.
func percentOf(bp, d int64) int64 {
	x := bp * d
	if x < 0 {
		return -((-x + 5000) / 10000)
	}
	return (x + 5000) / 10000
}

// boundIn is the earliest start a link allows its successor v, computed
// through wall-clock time: the predecessor's end as a moment, shifted by
// the lag on the lag calendar, read back on v's timeline.
func (r *Result) boundIn(e edge, p, v int32, d int64) int64 {
	n := r.net
	typ := LinkType(e.kind & edgeType)
	lag := e.lag
	if e.kind&edgePercent != 0 {
		lag = percentOf(lag, r.dur[p])
	}
	if e.kind&edgeGeneral == 0 { // a percent lag between tasks on one timeline
		return fastBound(typ, r.es[p], r.ef[p], lag, d)
	}
	var t int64
	if typ.fromFinish() {
		t = r.finishClock(p)
	} else {
		t = r.startClock(p)
	}
	t = n.shift(t, lag, e)
	// Either end is bound in the successor's working time: a finish at t or
	// in the non-working time just before it is no earlier than t.
	b := n.tls[n.tl[v]].cum(t)
	if typ.toFinish() {
		return b - d
	}
	return b
}

func fastBound(typ LinkType, es, ef, lag, d int64) int64 {
	switch typ {
	case FS:
		return ef + lag
	case SS:
		return es + lag
	case FF:
		return ef + lag - d
	}
	return es + lag - d
}

// boundOut is the latest finish a link allows its predecessor v, against
// the successor's late dates and against its free (early) dates: the exact
// inverse of boundIn.
func (r *Result) boundOut(e edge, v, s int32, d int64) (late, free int64) {
	n := r.net
	tv := n.tls[n.tl[v]]
	if e.kind&edgeMin != 0 {
		if r.startClock(v) != r.es[s] || r.ls[s] == noDate { // v does not start its summary, or nothing bounds that start
			return noDate, noDate
		}
		return tv.cumStart(r.ls[s]) + d, tv.cumStart(r.fs[s]) + d
	}
	typ := LinkType(e.kind & edgeType)
	lag := e.lag
	if e.kind&edgePercent != 0 {
		lag = percentOf(lag, d)
	}
	if e.kind&edgeGeneral == 0 {
		late = fastBack(typ, r.ls[s], r.lf[s], lag, d)
		free = fastBack(typ, r.fs[s], r.fs[s]+r.dur[s], lag, d)
		return late, free
	}
	ts := n.tls[n.tl[s]]
	lt, ft := ts.startAt(r.ls[s]), ts.startAt(r.fs[s])
	if typ.toFinish() {
		lt, ft = ts.startAt(r.lf[s]), ts.startAt(r.fs[s]+r.dur[s])
	}
	lt, ft = n.unshift(lt, lag, e), n.unshift(ft, lag, e)
	if typ.fromFinish() {
		return tv.cum(lt), tv.cum(ft)
	}
	return tv.cumStart(lt) + d, tv.cumStart(ft) + d
}

func fastBack(typ LinkType, ls, lf, lag, d int64) int64 {
	switch typ {
	case FS:
		return ls - lag
	case SS:
		return ls - lag + d
	case FF:
		return lf - lag
	}
	return lf - lag + d
}

// shift moves moment t by a lag: elapsed minutes, or working minutes on the
// lag calendar counted from t.
func (n *Network) shift(t, lag int64, e edge) int64 {
	switch {
	case lag == 0:
		return t
	case e.kind&edgeElapsed != 0:
		return t + lag
	}
	lc := n.tls[e.lagCal]
	return lc.finishAt(lc.cum(t) + lag)
}

// unshift is shift's inverse: the latest moment that shift keeps at or
// before t.
func (n *Network) unshift(t, lag int64, e edge) int64 {
	switch {
	case lag == 0:
		return t
	case e.kind&edgeElapsed != 0:
		return t - lag
	}
	lc := n.tls[e.lagCal]
	return lc.startAt(lc.cum(t) - lag)
}

// startClock and finishClock return node v's early start and finish as
// wall minutes.
func (r *Result) startClock(v int32) int64 { return r.net.tls[r.net.tl[v]].startAt(r.es[v]) }

func (r *Result) finishClock(v int32) int64 { return r.net.tls[r.net.tl[v]].finishAt(r.ef[v]) }

package risk

import (
	"cmp"
	"math"
	"slices"
)

// pearson32 is the Pearson correlation of two rank vectors: Spearman's.
func pearson32(x, y []float32) float64 {
	var mx, my float64
	for k := range x {
		mx, my = mx+float64(x[k]), my+float64(y[k])
	}
	mx, my = mx/float64(len(x)), my/float64(len(y))
	return spearmanFrom(x, y, mx, my)
}

// spearmanFrom is pearson32 given the means of x and y.
func spearmanFrom(x, y []float32, mx, my float64) float64 {
	var sxy, sxx, syy float64
	for k := range x {
		dx, dy := float64(x[k])-mx, float64(y[k])-my
		sxy, sxx, syy = sxy+dx*dy, sxx+dx*dx, syy+dy*dy
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}

// rankMean is the mean of ranks as pearson32 sums them. Ranks 1…n, ties
// sharing their mean, sum to n(n+1)/2 whatever the ties; below 2²³ every
// rank is exact in a float32 and every partial sum in a float64, so the
// sum is that, exactly, and the pass over the ranks can be skipped.
func rankMean(ranks []float32) float64 {
	n := len(ranks)
	if n >= 1<<23 {
		var sum float64
		for _, r := range ranks {
			sum += float64(r)
		}
		return sum / float64(n)
	}
	return float64(n*(n+1)/2) / float64(n)
}

// rankScratch is the memory ranking reuses.
type rankScratch struct {
	count []int32
	table []float32
	keys  []uint64
	xs    []float64
	rk    []float32
}

// rankOf returns the ranks of xs, 1…n, ties sharing their mean rank.
func rankOf(xs []float64) []float32 {
	ranks := make([]float32, len(xs))
	var sc rankScratch
	sc.rank(ranks, xs)
	return ranks
}

// rank sets ranks to the ranks of xs, 1…n, ties sharing their mean rank.
// The values are whole minutes (durations and finishes are): when they
// span no more than a few times their number, the ranks come from
// counting each value (no sort); otherwise each is packed with its index
// into one integer key and the keys sorted as integers. Any other values
// are sorted as they are. All three give the same ranks.
func (sc *rankScratch) rank(ranks []float32, xs []float64) {
	n := len(xs)
	if n == 0 {
		return
	}
	lo, hi, whole := xs[0], xs[0], true
	for _, x := range xs {
		lo, hi = min(lo, x), max(hi, x)
		whole = whole && x == math.Trunc(x)
	}
	if !whole || !(hi-lo < 1<<31) || n >= 1<<31 {
		copy(ranks, rankSlow(xs))
		return
	}
	if span := int(hi-lo) + 1; span <= max(4*n, 1<<12) {
		sc.count = slices.Grow(sc.count[:0], span)[:span]
		count := sc.count
		clear(count)
		for _, x := range xs {
			count[int(x-lo)]++
		}
		sc.table = slices.Grow(sc.table[:0], span)[:span]
		table := sc.table
		a := 0
		for v, c := range count {
			if c > 0 {
				b := a + int(c)
				table[v] = float32(float64(a+b+1) / 2) // mean of ranks a+1 … b
				a = b
			}
		}
		for i, x := range xs {
			ranks[i] = table[int(x-lo)]
		}
		return
	}
	sc.keys = slices.Grow(sc.keys[:0], n)[:n]
	keys := sc.keys
	for i, x := range xs {
		keys[i] = uint64(x-lo)<<32 | uint64(i)
	}
	slices.Sort(keys)
	for a := 0; a < n; {
		b := a + 1
		for b < n && keys[b]>>32 == keys[a]>>32 {
			b++
		}
		r := float32(float64(a+b+1) / 2) // mean of ranks a+1 … b
		for _, k := range keys[a:b] {
			ranks[uint32(k)] = r
		}
		a = b
	}
}

// rankSlow is rankOf for any values.
func rankSlow(xs []float64) []float32 {
	n := len(xs)
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Or(cmp.Compare(xs[a], xs[b]), cmp.Compare(a, b)) })
	ranks := make([]float32, n)
	for a := 0; a < n; {
		b := a + 1
		for b < n && xs[order[b]] == xs[order[a]] {
			b++
		}
		r := float32(float64(a+b+1) / 2)
		for _, k := range order[a:b] {
			ranks[k] = r
		}
		a = b
	}
	return ranks
}

// target is what every task's durations are correlated with (the project
// length), with what the correlations need of it worked out once: its
// mean and sum of squared deviations, and those of its ranks.
type target struct {
	x              []float64
	mean, ss       float64
	ranks          []float32
	rankMean, rss  float64
	sd             float64
	wholeRankMeans bool    // rankMean is every rank vector's of this length
	ranks2         []int32 // twice each rank, below 2¹⁷ iterations (see column)
}

func newTarget(x []float64) *target {
	t := &target{x: x, ranks: make([]float32, len(x))}
	var sc rankScratch
	sc.rank(t.ranks, x)
	t.mean, t.sd = meanSD(x)
	t.rankMean = rankMean(t.ranks)
	t.wholeRankMeans = len(x) < 1<<23
	if len(x) < 1<<17 {
		t.ranks2 = make([]int32, len(x))
		for k, r := range t.ranks {
			t.ranks2[k] = int32(2 * r)
		}
	}
	for k := range x { // as pearsonFrom and spearmanFrom sum them
		dy := x[k] - t.mean
		t.ss += dy * dy
		ry := float64(t.ranks[k]) - t.rankMean
		t.rss += ry * ry
	}
	return t
}

// column works out the statistics of one task's durations (whole minutes,
// as float32, one per iteration): their mean and standard deviation as
// meanSD gives them and, when both standard deviations are above zero,
// their Pearson and Spearman correlations with the target as pearson and
// pearson32 of the ranks give them, to the bit: the same sums in the same
// order, or in integers where every partial sum of the float one is
// exact, in three passes over the durations rather than a dozen (the
// ranks counted, the target's own sums done once). The durations are
// whole minutes, 0 to maxSample. It writes the ranks to rk when rk is not
// nil.
func (sc *rankScratch) column(col []float32, t *target, rk []float32) (mean, sd, pearson, spearman float64) {
	n := len(col)
	if n == 0 {
		return math.NaN(), 0, 0, 0
	}
	// The durations are whole minutes from 0 to maxSample: summed as
	// integers, whose every partial sum a float64 holds exactly below
	// 2⁵³, they give the float sum meanSD's loop gives, without waiting
	// on each addition.
	ilo, ihi := int32(col[0]), int32(col[0])
	var isum int64
	for _, d := range col {
		x := int32(d)
		isum += int64(x)
		ilo, ihi = min(ilo, x), max(ihi, x)
	}
	lo := float64(ilo)
	span := int(ihi-ilo) + 1
	if !t.wholeRankMeans || span > max(4*n, 1<<12) || ilo < 0 || int64(n)*int64(ihi) >= 1<<53 {
		return sc.columnSlow(col, t, rk)
	}
	mean = float64(isum) / float64(n)
	sc.count = slices.Grow(sc.count[:0], span)[:span]
	count := sc.count
	clear(count)
	var ss float64
	for _, d := range col {
		x := float64(d)
		ss += (x - mean) * (x - mean)
		count[int(x-lo)]++
	}
	if n > 1 {
		sd = math.Sqrt(ss / float64(n-1))
	}
	correlate := sd > 0 && t.sd > 0
	if !correlate && rk == nil {
		return mean, sd, 0, 0
	}
	sc.table = slices.Grow(sc.table[:0], span)[:span]
	table := sc.table
	a := 0
	for v, c := range count {
		if c > 0 {
			b := a + int(c)
			table[v] = float32(float64(a+b+1) / 2) // mean of ranks a+1 … b
			count[v] = int32(a + b + 1)            // twice it
			a = b
		}
	}
	my, mr := t.mean, t.rankMean
	ys, yr := t.x[:n], t.ranks[:n]
	var sxy, rsxy, rsxx float64
	if t.ranks2 != nil {
		// The rank sums as integers: each term of pearson32's is a product
		// of two half-integers (a rank less the mean rank, (n+1)/2), and
		// below 2¹⁷ iterations every partial sum is a multiple of ¼ that a
		// float64 holds exactly; four times them are integers.
		y2 := t.ranks2[:n]
		n1 := int64(n + 1)
		var sxy4, sxx4 int64
		for i, d := range col {
			x := float64(d)
			v := int(x - lo)
			if rk != nil {
				rk[i] = table[v]
			}
			sxy += (x - mean) * (ys[i] - my)
			dr := int64(count[v]) - n1
			sxy4, sxx4 = sxy4+dr*(int64(y2[i])-n1), sxx4+dr*dr
		}
		rsxy, rsxx = float64(sxy4)/4, float64(sxx4)/4
	} else {
		for i, d := range col {
			x := float64(d)
			r := table[int(x-lo)]
			if rk != nil {
				rk[i] = r
			}
			sxy += (x - mean) * (ys[i] - my)
			dr := float64(r) - mr
			rsxy, rsxx = rsxy+dr*(float64(yr[i])-mr), rsxx+dr*dr
		}
	}
	if !correlate {
		return mean, sd, 0, 0
	}
	if ss != 0 && t.ss != 0 {
		pearson = sxy / math.Sqrt(ss*t.ss)
	}
	if rsxx != 0 && t.rss != 0 {
		spearman = rsxy / math.Sqrt(rsxx*t.rss)
	}
	return mean, sd, pearson, spearman
}

// columnSlow is column by the general functions, for durations spanning
// far more minutes than there are iterations, or 2²³ iterations or more.
func (sc *rankScratch) columnSlow(col []float32, t *target, rk []float32) (mean, sd, pearson, spearman float64) {
	n := len(col)
	sc.xs = slices.Grow(sc.xs[:0], n)[:n]
	xs := sc.xs
	for j, d := range col {
		xs[j] = float64(d)
	}
	mean, sd = meanSD(xs)
	if rk == nil {
		sc.rk = slices.Grow(sc.rk[:0], n)[:n]
		rk = sc.rk
	}
	sc.rank(rk, xs)
	if sd > 0 && t.sd > 0 {
		pearson = pearsonFrom(xs, t.x, mean, t.mean)
		spearman = spearmanFrom(rk, t.ranks, rankMean(rk), t.rankMean)
	}
	return mean, sd, pearson, spearman
}

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

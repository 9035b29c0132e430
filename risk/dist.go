package risk

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Distribution is the uncertainty of one quantity: a task's duration in
// the model's unit, or a risk event's impact. Sampling draws a uniform
// probability and maps it through Quantile, which is what lets Latin
// hypercube sampling stratify every distribution and rank correlation
// reorder them. Implementations must be safe for concurrent use; the ones
// made here are.
type Distribution interface {
	// Quantile returns the value below which a share p of the
	// distribution lies, for 0 < p < 1.
	Quantile(p float64) float64
	// CDF returns the share of the distribution at or below x.
	CDF(x float64) float64
	Mean() float64
	Variance() float64
}

// Fixed is a value without uncertainty.
type Fixed float64

func (f Fixed) Quantile(float64) float64 { return float64(f) }
func (f Fixed) Mean() float64            { return float64(f) }
func (Fixed) Variance() float64          { return 0 }
func (f Fixed) CDF(x float64) float64 {
	if x < float64(f) {
		return 0
	}
	return 1
}

// finite reports whether every value is a finite number.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// threePoint checks a minimum, most likely and maximum value.
func threePoint(kind string, lo, mode, hi float64) error {
	switch {
	case !finite(lo, mode, hi):
		return fmt.Errorf("risk: %s(%v, %v, %v): values must be finite: %w", kind, lo, mode, hi, ErrBadDistribution)
	case lo > mode || mode > hi:
		return fmt.Errorf("risk: %s(%v, %v, %v): want min ≤ most likely ≤ max: %w", kind, lo, mode, hi, ErrBadDistribution)
	case !finite(hi - lo):
		return fmt.Errorf("risk: %s(%v, %v, %v): the range overflows: %w", kind, lo, mode, hi, ErrBadDistribution)
	}
	return nil
}

// Triangle returns the triangular distribution from lo to hi peaking at
// mode. Equal values give Fixed; lo ≤ mode ≤ hi is required.
func Triangle(lo, mode, hi float64) (Distribution, error) {
	if err := threePoint("triangle", lo, mode, hi); err != nil {
		return nil, err
	}
	if lo == hi {
		return Fixed(lo), nil
	}
	return newTriangle(lo, hi, mode), nil
}

// triangle wraps gonum's, whose constructor panics on equal limits (ruled
// out by Triangle) and whose Quantile panics outside [0, 1] (never asked).
// Its Quantile is gonum's arithmetic, operation for operation, with the
// differences of its points worked out once rather than on every call.
type triangle struct {
	distuv.Triangle
	a, b, f, ba, ca, bc float64 // min, max, the CDF at the mode, b − a, mode − a, b − mode
}

func newTriangle(lo, hi, mode float64) triangle {
	return triangle{Triangle: distuv.NewTriangle(lo, hi, mode, nil), a: lo, b: hi, f: (mode - lo) / (hi - lo), ba: hi - lo, ca: mode - lo, bc: hi - mode}
}

func (t triangle) Quantile(p float64) float64 { return t.quantile(p) }

// quantile is gonum's Quantile without a branch on which side of the
// mode p falls (a coin toss the processor would guess wrong half the
// time): both sides' arguments are worked out and one taken, a + √x or
// b + (−√x), which is b − √x exactly.
func (t *triangle) quantile(p float64) float64 {
	if p < 0 || p > 1 {
		return t.outside(p)
	}
	below := math.Float64bits(p * t.ba * t.ca)
	above := math.Float64bits((1 - p) * t.ba * t.bc)
	x, base, sign := above, math.Float64bits(t.b), uint64(1)<<63
	if p < t.f { // a conditional move, not a branch
		x, base, sign = below, math.Float64bits(t.a), 0
	}
	r := math.Float64bits(math.Sqrt(math.Float64frombits(x)))
	return math.Float64frombits(base) + math.Float64frombits(r^sign)
}

// outside is gonum's answer to a p outside [0, 1]: a panic.
func (t triangle) outside(p float64) float64 { return t.Triangle.Quantile(p) }

// PERT returns the BetaPERT distribution with the usual shape 4: a beta
// distribution from lo to hi with mean (lo + 4·mode + hi)/6.
func PERT(lo, mode, hi float64) (Distribution, error) { return PERTShape(lo, mode, hi, 4) }

// maxShape bounds a BetaPERT's shape: beyond it the distribution is too
// narrow for the quantile table to follow.
const maxShape = 1000

// PERTShape returns the BetaPERT distribution with shape lambda (0 < λ ≤
// 1000):
// a beta from lo to hi with α = 1 + λ(mode − lo)/(hi − lo) and β = 1 +
// λ(hi − mode)/(hi − lo), mean (lo + λ·mode + hi)/(λ + 2) and variance
// (mean − lo)(hi − mean)/(λ + 3), the exact beta variance.
func PERTShape(lo, mode, hi, lambda float64) (Distribution, error) {
	if err := threePoint("PERT", lo, mode, hi); err != nil {
		return nil, err
	}
	if !finite(lambda) || lambda <= 0 || lambda > maxShape {
		return nil, fmt.Errorf("risk: PERT shape %v: want a number above 0 and at most %v: %w", lambda, maxShape, ErrBadDistribution)
	}
	if lo == hi {
		return Fixed(lo), nil
	}
	a := 1 + lambda*(mode-lo)/(hi-lo)
	b := 1 + lambda*(hi-mode)/(hi-lo)
	return scaledBeta{lo: lo, width: hi - lo, beta: distuv.Beta{Alpha: a, Beta: b}, table: betaTable(a, b)}, nil
}

// scaledBeta is a beta distribution on [lo, lo+width]. Its quantile comes
// from a table of the CDF (gonum's Beta.Quantile inverts the incomplete
// beta function on every call, far too slow for simulation); CDF, mean and
// variance are gonum's, exact.
type scaledBeta struct {
	lo, width float64
	beta      distuv.Beta
	table     *cdfTable
}

func (s scaledBeta) Quantile(p float64) float64 { return s.lo + s.width*s.table.quantile(p) }
func (s scaledBeta) CDF(x float64) float64 {
	switch u := (x - s.lo) / s.width; {
	case u <= 0:
		return 0
	case u >= 1:
		return 1
	default:
		return s.beta.CDF(u)
	}
}
func (s scaledBeta) Mean() float64     { return s.lo + s.width*s.beta.Mean() }
func (s scaledBeta) Variance() float64 { return s.width * s.width * s.beta.Variance() }

// betaCells is the number of equal cells of [0, 1] on which a beta CDF is
// tabulated. Within a cell the CDF is taken as linear; for the shapes
// BetaPERT makes (α, β ≥ 1, shape up to 1000) the quantile is then good
// to about 1e-4 of the range, far inside any three-point estimate's own
// precision.
const betaCells = 1024

// cdfTable is a CDF tabulated at k/cells, k = 0…cells, with a guide for
// inverting it in constant time: guide[j] is the first k with cdf[k] ≥
// j/cells.
type cdfTable struct {
	cdf   []float64
	guide []uint16
	// inv is the quantile at p = k/cells, for the middle of the
	// distribution: there a quantile is one interpolation, no search.
	inv []float64
}

// tail is the share at either end where the quantile is found by search
// in the CDF table (where the quantile bends too sharply to interpolate).
const tail = 1.0 / 32

var betaTables sync.Map // [2]float64{α, β} → *cdfTable, shared: tasks often have one shape

// betaTable returns the table of the regularized incomplete beta function
// I(x; a, b), from gonum's implementation.
func betaTable(a, b float64) *cdfTable {
	key := [2]float64{a, b}
	if t, ok := betaTables.Load(key); ok {
		return t.(*cdfTable)
	}
	cdf := make([]float64, betaCells+1)
	for k := 1; k < betaCells; k++ {
		cdf[k] = mathext.RegIncBeta(a, b, float64(k)/betaCells)
	}
	cdf[betaCells] = 1
	for k := 1; k <= betaCells; k++ { // monotone, whatever rounding did
		cdf[k] = max(cdf[k], cdf[k-1])
	}
	t := &cdfTable{cdf: cdf, guide: make([]uint16, betaCells+1)}
	k := 1
	for j := range t.guide {
		for k < betaCells && cdf[k] < float64(j)/betaCells {
			k++
		}
		t.guide[j] = uint16(k)
	}
	t.inv = make([]float64, betaCells+1)
	for j := range t.inv {
		t.inv[j] = t.search(float64(j) / betaCells)
	}
	betaTables.Store(key, t)
	return t
}

// quantile inverts the table for 0 < p < 1: in the middle by
// interpolating the quantiles tabulated at each cell's p, in the tails by
// search.
func (t *cdfTable) quantile(p float64) float64 {
	if p >= tail && p <= 1-tail {
		x := p * float64(len(t.inv)-1)
		j := int(x)
		return t.inv[j] + (t.inv[j+1]-t.inv[j])*(x-float64(j))
	}
	return t.search(p)
}

// search inverts the CDF table for 0 ≤ p ≤ 1, linearly within a cell.
func (t *cdfTable) search(p float64) float64 {
	cells := len(t.cdf) - 1
	j := min(cells, max(0, int(p*float64(cells))))
	k := max(1, int(t.guide[j])) // cdf[k] ≥ j/cells; p ≥ j/cells, so step up
	for k < cells && t.cdf[k] < p {
		k++
	}
	lo, hi := t.cdf[k-1], t.cdf[k]
	if hi <= lo {
		return float64(k) / float64(cells)
	}
	return (float64(k-1) + min(1, max(0, (p-lo)/(hi-lo)))) / float64(cells)
}

// Trigen returns the triangle whose pLow and pHigh quantiles are low and
// high (for example the 10th and 90th percentiles, 0.1 and 0.9), peaking at
// mode: the tails beyond low and high are worked out. low ≤ mode ≤ high
// and 0 ≤ pLow < pHigh ≤ 1 are required; pLow must be 0 when low = mode,
// and pHigh 1 when high = mode.
func Trigen(low, mode, high, pLow, pHigh float64) (Distribution, error) {
	if err := threePoint("trigen", low, mode, high); err != nil {
		return nil, err
	}
	if !finite(pLow, pHigh) || pLow < 0 || pHigh > 1 || pLow >= pHigh {
		return nil, fmt.Errorf("risk: trigen percentiles %v and %v: want 0 ≤ low < high ≤ 1: %w", pLow, pHigh, ErrBadDistribution)
	}
	if low == high {
		return Fixed(low), nil
	}
	if (low == mode && pLow > 0) || (high == mode && pHigh < 1) {
		return nil, fmt.Errorf("risk: trigen(%v, %v, %v, %v, %v): a value equal to the most likely must be the 0 or 1 percentile: %w", low, mode, high, pLow, pHigh, ErrBadDistribution)
	}
	// With a = min and b = max: (low − a)² = pLow·(b − a)(mode − a) and
	// (b − high)² = (1 − pHigh)·(b − a)(b − mode). Each side moves its
	// end by a contraction of the other's; iterate to the fixed point.
	a, b := low, high
	for range 10_000 {
		na := low - math.Sqrt(pLow*(b-a)*(mode-a))
		nb := high + math.Sqrt((1-pHigh)*(b-a)*(b-mode))
		done := math.Abs(na-a) <= 1e-13*(b-a) && math.Abs(nb-b) <= 1e-13*(b-a)
		a, b = na, nb
		if done {
			return newTriangle(a, b, mode), nil
		}
		if !finite(a, b) || b-a > 1e12*(high-low) {
			break
		}
	}
	return nil, fmt.Errorf("risk: trigen(%v, %v, %v, %v, %v): no triangle has these percentiles: %w", low, mode, high, pLow, pHigh, ErrBadDistribution)
}

// Uniform returns the uniform distribution from lo to hi; equal values
// give Fixed.
func Uniform(lo, hi float64) (Distribution, error) {
	if !finite(lo, hi, hi-lo) || lo > hi {
		return nil, fmt.Errorf("risk: uniform(%v, %v): want finite min ≤ max: %w", lo, hi, ErrBadDistribution)
	}
	if lo == hi {
		return Fixed(lo), nil
	}
	return distuv.Uniform{Min: lo, Max: hi}, nil
}

// Normal returns the normal distribution with this mean and standard
// deviation, truncated at zero (a duration is never negative): mean and sd
// are the normal's before truncation, so Mean is larger when much of it
// lies below zero (Normal(1, 3) has mean 2.8). The mean must be positive;
// sd zero gives Fixed.
func Normal(mean, sd float64) (Distribution, error) {
	if !finite(mean, sd) || mean <= 0 || sd < 0 {
		return nil, fmt.Errorf("risk: normal(%v, %v): want a mean above 0 and a standard deviation of 0 or more: %w", mean, sd, ErrBadDistribution)
	}
	if sd == 0 {
		return Fixed(mean), nil
	}
	n := distuv.Normal{Mu: mean, Sigma: sd}
	return truncNormal{n: n, p0: n.CDF(0)}, nil
}

// truncNormal is a normal distribution cut at zero: its CDF from zero on
// is (Φ(x) − Φ(0))/(1 − Φ(0)).
type truncNormal struct {
	n  distuv.Normal
	p0 float64 // the normal's mass below zero
}

func (t truncNormal) Quantile(p float64) float64 {
	return max(0, t.n.Quantile(t.p0+p*(1-t.p0)))
}
func (t truncNormal) CDF(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return (t.n.CDF(x) - t.p0) / (1 - t.p0)
}

// Mean and Variance are the truncated normal's: with α = −μ/σ and λ =
// φ(α)/(1 − Φ(α)), mean μ + σλ and variance σ²(1 + αλ − λ²).
func (t truncNormal) Mean() float64 {
	mu, s := t.n.Mu, t.n.Sigma
	return mu + s*t.lambda()
}
func (t truncNormal) Variance() float64 {
	mu, s := t.n.Mu, t.n.Sigma
	a, l := -mu/s, t.lambda()
	return s * s * (1 + a*l - l*l)
}
func (t truncNormal) lambda() float64 {
	a := -t.n.Mu / t.n.Sigma
	std := distuv.Normal{Mu: 0, Sigma: 1}
	return std.Prob(a) / (1 - t.p0)
}

// LogNormal returns the lognormal distribution with this mean and standard
// deviation (of the values, not of their logarithms). The mean must be
// positive; sd zero gives Fixed.
func LogNormal(mean, sd float64) (Distribution, error) {
	if !finite(mean, sd) || mean <= 0 || sd < 0 {
		return nil, fmt.Errorf("risk: lognormal(%v, %v): want a mean above 0 and a standard deviation of 0 or more: %w", mean, sd, ErrBadDistribution)
	}
	if sd == 0 {
		return Fixed(mean), nil
	}
	s2 := math.Log1p(sd * sd / (mean * mean))
	if !finite(s2) || s2 > 100 {
		return nil, fmt.Errorf("risk: lognormal(%v, %v): the standard deviation is too large for the mean: %w", mean, sd, ErrBadDistribution)
	}
	return distuv.LogNormal{Mu: math.Log(mean) - s2/2, Sigma: math.Sqrt(s2)}, nil
}

// Discrete returns the distribution taking each value with a probability
// proportional to its weight. Weights must be positive; the values need
// not be sorted and may repeat.
func Discrete(values, weights []float64) (Distribution, error) {
	if len(values) == 0 || len(values) != len(weights) {
		return nil, fmt.Errorf("risk: discrete: %d values and %d weights: want as many of each, at least one: %w", len(values), len(weights), ErrBadDistribution)
	}
	type vw struct{ v, w float64 }
	pts := make([]vw, len(values))
	var total float64
	for i, v := range values {
		w := weights[i]
		if !finite(v, w) || w <= 0 {
			return nil, fmt.Errorf("risk: discrete: value %d (%v, weight %v): want a finite value and a weight above 0: %w", i, v, w, ErrBadDistribution)
		}
		pts[i] = vw{v, w}
		total += w
	}
	slices.SortStableFunc(pts, func(a, b vw) int { return cmp.Compare(a.v, b.v) })
	d := discrete{}
	var cum float64
	for i, p := range pts {
		cum += p.w
		if i > 0 && p.v == d.values[len(d.values)-1] {
			d.cum[len(d.cum)-1] = cum / total
			continue
		}
		d.values, d.cum = append(d.values, p.v), append(d.cum, cum/total)
	}
	d.cum[len(d.cum)-1] = 1
	if len(d.values) == 1 {
		return Fixed(d.values[0]), nil
	}
	return d, nil
}

type discrete struct {
	values, cum []float64 // sorted values and the probability at or below each
}

func (d discrete) Quantile(p float64) float64 {
	k, _ := slices.BinarySearch(d.cum, p)
	return d.values[min(k, len(d.values)-1)]
}
func (d discrete) CDF(x float64) float64 {
	k, found := slices.BinarySearch(d.values, x)
	if found {
		return d.cum[k]
	}
	if k == 0 {
		return 0
	}
	return d.cum[k-1]
}
func (d discrete) Mean() float64 {
	var m, prev float64
	for i, v := range d.values {
		m += v * (d.cum[i] - prev)
		prev = d.cum[i]
	}
	return m
}
func (d discrete) Variance() float64 {
	mean := d.Mean()
	var s, prev float64
	for i, v := range d.values {
		s += (v - mean) * (v - mean) * (d.cum[i] - prev)
		prev = d.cum[i]
	}
	return s
}

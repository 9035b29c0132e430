package risk

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// maxCorrelated bounds the tasks in the correlation matrix: its repair
// and each block's reordering cost the cube of their number.
const maxCorrelated = 300

// Repair says how a correlation matrix that no set of durations could
// have (one that is not positive-definite) was changed: to the nearest
// valid one (Higham's alternating projections, then eigenvalues kept off
// zero), each pair's rank correlation as given and as used.
type Repair struct {
	Pairs []RepairedPair `json:"pairs"`
	// MaxChange is the largest change to any pair's rank correlation.
	MaxChange float64 `json:"max_change"`
}

// RepairedPair is one correlated pair of a repaired matrix.
type RepairedPair struct {
	A     string  `json:"a"`
	B     string  `json:"b"`
	Given float64 `json:"given"`
	Used  float64 `json:"used"`
}

// correlations checks the model's correlations and sets up the matrix
// the iterations' durations are reordered to.
func (s *sim) correlations(m *Model, uncOfTask map[int]int32) error {
	if len(m.Correlations) == 0 {
		return nil
	}
	pos := map[int32]int{} // uncertainty → row of the matrix
	type pair struct{ a, b int32 }
	given := map[pair]float64{}
	for k, c := range m.Correlations {
		field := fmt.Sprintf("correlations[%d]", k)
		var ends [2]int32
		for e, id := range [2]string{c.A, c.B} {
			i, ok := s.net.Index(id)
			if !ok {
				return fmt.Errorf("risk: %s: no task %q: %w", field, id, ErrBadModel)
			}
			u, ok := uncOfTask[i]
			if !ok {
				return fmt.Errorf("risk: %s: task %q has no duration distribution to correlate: %w", field, id, ErrBadModel)
			}
			ends[e] = u
		}
		switch {
		case ends[0] == ends[1]:
			return fmt.Errorf("risk: %s: task %q with itself: %w", field, c.A, ErrBadModel)
		case !finite(c.Rank) || c.Rank < -1 || c.Rank > 1:
			return fmt.Errorf("risk: %s.rank %v: want −1 to 1: %w", field, c.Rank, ErrBadModel)
		}
		if len(pos) >= maxCorrelated {
			return fmt.Errorf("risk: %s: more than %d correlated tasks: %w", field, maxCorrelated, ErrBadModel)
		}
		key := pair{min(ends[0], ends[1]), max(ends[0], ends[1])}
		if _, dup := given[key]; dup {
			return fmt.Errorf("risk: %s: tasks %q and %q are correlated twice: %w", field, c.A, c.B, ErrBadModel)
		}
		given[key] = c.Rank
		for _, u := range ends {
			if _, ok := pos[u]; !ok {
				pos[u] = 0
				s.corr = append(s.corr, u)
			}
		}
	}
	slices.Sort(s.corr)
	for r, u := range s.corr {
		pos[u] = r
	}
	k := len(s.corr)
	// Normal scores with Pearson correlation ρ have rank correlation
	// (6/π)·asin(ρ/2), and in a sample of n, on average, (6/(π(n+1)))·
	// (asin ρ + (n−2)·asin(ρ/2)) (Moran 1948): ask the scores of a block
	// for the ρ that gives the rank correlation wanted.
	c := make([]float64, k*k)
	for r := range k {
		c[r*k+r] = 1
	}
	for p, rank := range given {
		a, b := pos[p.a], pos[p.b]
		c[a*k+b] = scoreCorrelation(rank, blockSize)
		c[b*k+a] = c[a*k+b]
	}
	chol := cholesky(c, k)
	if chol == nil {
		fixed, err := nearestCorrelation(c, k)
		if err != nil {
			return fmt.Errorf("risk: correlations: %w", err)
		}
		s.repair = &Repair{}
		for p, rank := range given {
			used := rankCorrelation(fixed[pos[p.a]*k+pos[p.b]], blockSize)
			s.repair.Pairs = append(s.repair.Pairs, RepairedPair{A: s.net.ID(s.unc[p.a].task), B: s.net.ID(s.unc[p.b].task), Given: rank, Used: used})
			s.repair.MaxChange = max(s.repair.MaxChange, math.Abs(used-rank))
		}
		slices.SortFunc(s.repair.Pairs, func(x, y RepairedPair) int { return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B)) })
		if chol = cholesky(fixed, k); chol == nil {
			return fmt.Errorf("risk: correlations: the repaired matrix is still not positive-definite: %w", ErrBadModel)
		}
	}
	s.target = chol
	return nil
}

// rankCorrelation is the mean rank correlation of n normal pairs with
// Pearson correlation rho.
func rankCorrelation(rho float64, n int) float64 {
	f := float64(n)
	return 6 / (math.Pi * (f + 1)) * (math.Asin(rho) + (f-2)*math.Asin(rho/2))
}

// scoreCorrelation inverts rankCorrelation by bisection: it is increasing
// in rho, from −1 at −1 to 1 at 1.
func scoreCorrelation(rank float64, n int) float64 {
	lo, hi := -1.0, 1.0
	for range 100 {
		mid := (lo + hi) / 2
		if rankCorrelation(mid, n) < rank {
			lo = mid
		} else {
			hi = mid
		}
	}
	// ±1 would make the matrix singular: hold it just inside.
	return min(1-1e-9, max(-1+1e-9, (lo+hi)/2))
}

// nearestCorrelation returns the correlation matrix nearest c (k×k,
// row-major) in the Frobenius norm (Higham 2002: alternating projections
// onto the positive-semidefinite matrices, with Dykstra's correction, and
// onto the unit diagonal), with its eigenvalues then held at 1e-6 or more
// so that it is positive-definite.
func nearestCorrelation(c []float64, k int) ([]float64, error) {
	y := slices.Clone(c)
	ds := make([]float64, k*k)
	r := make([]float64, k*k)
	x := make([]float64, k*k)
	for range 1000 {
		for i := range r {
			r[i] = y[i] - ds[i]
		}
		if err := clipEigen(x, r, k, 0); err != nil {
			return nil, err
		}
		var change float64
		for i := range x {
			ds[i] = x[i] - r[i]
			v := x[i]
			if i%(k+1) == 0 {
				v = 1
			}
			change += (v - y[i]) * (v - y[i])
			y[i] = v
		}
		if math.Sqrt(change) <= 1e-12*float64(k) {
			break
		}
	}
	if err := clipEigen(x, y, k, 1e-6); err != nil {
		return nil, err
	}
	for i := range k { // back to a unit diagonal, keeping it positive-definite
		for j := range k {
			y[i*k+j] = x[i*k+j] / math.Sqrt(x[i*k+i]*x[j*k+j])
		}
	}
	return y, nil
}

// clipEigen sets dst to the symmetric src with its eigenvalues raised to
// at least floor.
func clipEigen(dst, src []float64, k int, floor float64) error {
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(k, slices.Clone(src)), true) {
		return fmt.Errorf("eigen-decomposition failed: %w", ErrBadModel)
	}
	vals := eig.Values(nil)
	var vecs, scaled, out mat.Dense
	eig.VectorsTo(&vecs)
	scaled.CloneFrom(&vecs)
	for l, v := range vals {
		for i := range k {
			scaled.Set(i, l, scaled.At(i, l)*max(v, floor))
		}
	}
	out.Mul(&scaled, vecs.T())
	for i := range k {
		for j := range k {
			dst[i*k+j] = out.At(i, j)
		}
	}
	return nil
}

// cholesky returns the lower-triangular L with a = L·Lᵀ for the k×k
// matrix a (row-major), or nil when a is not positive-definite.
func cholesky(a []float64, k int) []float64 {
	l := make([]float64, k*k)
	if !choleskyTo(l, a, k) {
		return nil
	}
	return l
}

// choleskyTo is cholesky into l, reporting whether a is positive-definite.
func choleskyTo(l, a []float64, k int) bool {
	clear(l)
	for i := range k {
		for j := 0; j <= i; j++ {
			sum := a[i*k+j]
			for p := range j {
				sum -= l[i*k+p] * l[j*k+p]
			}
			if i == j {
				if sum <= 1e-12 {
					return false
				}
				l[i*k+i] = math.Sqrt(sum)
			} else {
				l[i*k+j] = sum / l[j*k+j]
			}
		}
	}
	return true
}

// imanConover reorders, within one block of n iterations, the values of
// the correlated uncertainties (x holds them iteration by iteration, in
// the order of s.corr) so that their ranks follow normal scores correlated by
// s.target (Iman and Conover 1982). Each column is only permuted: its
// values as a multiset are unchanged. The scores' own sample correlation
// is corrected for first, so every block's score correlation is the
// target exactly.
func (w *worker) imanConover(x []float64, n int, rng *rand.Rand) {
	s := w.s
	k := len(s.corr)
	if k < 2 || n < 2 {
		return
	}
	sc := w.scores(n)
	st := w.icS[:n*k]
	for j := range k { // each column a random permutation of the scores
		for i := range n {
			st[i*k+j] = sc[i]
		}
		for i := n - 1; i > 0; i-- {
			r := rng.IntN(i + 1)
			st[i*k+j], st[r*k+j] = st[r*k+j], st[i*k+j]
		}
	}
	var ss float64
	for _, a := range sc {
		ss += a * a
	}
	e := w.icE[:k*k]
	for a := range k {
		for b := range k {
			var v float64
			for i := range n {
				v += st[i*k+a] * st[i*k+b]
			}
			e[a*k+b] = v / ss
		}
	}
	m := w.icM[:k*k] // P·F⁻¹, or P when the scores' correlation is singular
	f := w.icF[:k*k]
	if n > k && choleskyTo(f, e, k) {
		lowerInverse(w.icInv[:k*k], f, k)
		lowerProduct(m, s.target, w.icInv[:k*k], k)
	} else {
		copy(m, s.target)
	}
	out := w.icOut[:n*k]
	for i := range n {
		for a := range k {
			var v float64
			for b := 0; b <= a; b++ {
				v += m[a*k+b] * st[i*k+b]
			}
			out[i*k+a] = v
		}
	}
	order, vals := w.icOrder[:n], w.icVals[:n]
	for a := range k {
		for i := range n {
			order[i] = int32(i)
			vals[i] = x[i*k+a]
		}
		slices.SortFunc(order, func(p, q int32) int { return cmp.Compare(out[int(p)*k+a], out[int(q)*k+a]) })
		slices.Sort(vals)
		for r, i := range order {
			x[int(i)*k+a] = vals[r]
		}
	}
}

// lowerInverse sets inv to the inverse of the lower-triangular l.
func lowerInverse(inv, l []float64, k int) {
	clear(inv)
	for j := range k {
		inv[j*k+j] = 1 / l[j*k+j]
		for i := j + 1; i < k; i++ {
			var v float64
			for p := j; p < i; p++ {
				v += l[i*k+p] * inv[p*k+j]
			}
			inv[i*k+j] = -v / l[i*k+i]
		}
	}
}

// lowerProduct sets dst to a·b for lower-triangular a and b.
func lowerProduct(dst, a, b []float64, k int) {
	clear(dst)
	for i := range k {
		for j := 0; j <= i; j++ {
			var v float64
			for p := j; p <= i; p++ {
				v += a[i*k+p] * b[p*k+j]
			}
			dst[i*k+j] = v
		}
	}
}

package risk

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// The triangle's quantile is gonum's, bit for bit: the same seed must
// give the same samples as before it worked its differences out once.
func TestTriangleQuantileIsGonums(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 2))
	for range 2000 {
		lo := rng.Float64() * 100
		hi := lo + rng.Float64()*50 + 1e-3
		mode := lo + (hi-lo)*rng.Float64()
		if rng.IntN(10) == 0 {
			mode = []float64{lo, hi}[rng.IntN(2)]
		}
		ours, theirs := newTriangle(lo, hi, mode), distuv.NewTriangle(lo, hi, mode, nil)
		for _, p := range []float64{0, 1, rng.Float64(), rng.Float64(), ours.f, math.Nextafter(ours.f, 0)} {
			if a, b := ours.Quantile(p), theirs.Quantile(p); math.Float64bits(a) != math.Float64bits(b) {
				t.Fatalf("triangle(%v, %v, %v) at %v: %v, gonum's %v", lo, mode, hi, p, a, b)
			}
		}
	}
}

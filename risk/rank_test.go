package risk

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// Ranks by counting, by the integer-key sort and by any values' sort
// agree, on random whole minutes spanning a little to far more than their
// number, with ties; and rankMean is the mean pearson32 sums.
func TestRankMethodsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 1))
	var sc rankScratch
	for _, n := range []int{1, 2, 7, 500, 10_000} {
		for _, span := range []int{1, 3, n, 4 * n, 1 << 13, 1 << 30} {
			t.Run(fmt.Sprintf("n=%d span=%d", n, span), func(t *testing.T) {
				xs := make([]float64, n)
				lo := float64(rng.IntN(1000))
				for i := range xs {
					xs[i] = lo + float64(rng.IntN(span))
				}
				got := make([]float32, n)
				sc.rank(got, xs)
				if want := rankSlow(xs); !slices.Equal(got, want) {
					t.Fatalf("ranks %v, want %v", got[:min(n, 10)], want[:min(n, 10)])
				}
				var sum float64
				for _, r := range got {
					sum += float64(r)
				}
				if m := rankMean(got); m != sum/float64(n) {
					t.Errorf("rank mean %v, summed %v", m, sum/float64(n))
				}
			})
		}
	}
}

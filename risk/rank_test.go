package risk

import (
	"fmt"
	"math"
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

// A task's column statistics, fused into three passes, are the general
// functions' to the bit, with the ranks counted and with them sorted
// (durations spanning far more minutes than there are iterations), tied
// or not, constant or not.
func TestColumnStatsAreTheGeneralOnes(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 3))
	for _, n := range []int{1, 2, 9, 700, 5000, 1 << 17} { // (from 2¹⁷ the rank sums are summed as floats)
		for _, span := range []int{1, 5, n, 1 << 14, 1 << 28} {
			t.Run(fmt.Sprintf("n=%d span=%d", n, span), func(t *testing.T) {
				length := make([]float64, n)
				col := make([]float32, n)
				for i := range col {
					col[i] = float32(1000 + rng.IntN(span))
					length[i] = float64(int(col[i])*3 + rng.IntN(50_000))
				}
				tg := newTarget(length)
				var sc rankScratch
				rk := make([]float32, n)
				mean, sd, pr, sp := sc.column(col, tg, rk)
				xs := make([]float64, n)
				for i, d := range col {
					xs[i] = float64(d)
				}
				wantMean, wantSD := meanSD(xs)
				var wantP, wantS float64
				if wantSD > 0 && tg.sd > 0 {
					wantP, wantS = pearson(xs, length), pearson32(rankOf(xs), rankOf(length))
				}
				if !same(mean, wantMean) || !same(sd, wantSD) || !same(pr, wantP) || !same(sp, wantS) {
					t.Errorf("mean %v sd %v pearson %v spearman %v, want %v %v %v %v", mean, sd, pr, sp, wantMean, wantSD, wantP, wantS)
				}
				if !slices.Equal(rk, rankOf(xs)) {
					t.Error("the ranks written differ from rankOf's")
				}
			})
		}
	}
}

func same(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

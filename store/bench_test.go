package store_test

import (
	"testing"

	"github.com/critpath/critpath/store"
	"github.com/critpath/critpath/store/storetest"
)

// BenchmarkApply applies one duration edit at a time to a 10,000-task
// project in the in-process backend — the store's own cost, the baseline
// of the SQLite and PostgreSQL figures — and reports the latency
// percentiles.
func BenchmarkApply(b *testing.B) { storetest.BenchApply(b, store.NewMemory()) }

// BenchmarkLoad loads a 10,000-task project from its snapshot and the 50
// events after it into a store that does not hold it yet.
func BenchmarkLoad(b *testing.B) {
	be := store.NewMemory()
	rev := storetest.PrepareLoad(b, be, 150)
	b.ReportAllocs()
	for b.Loop() {
		storetest.Load(b, be, rev)
	}
}

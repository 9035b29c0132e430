package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/critpath/critpath/store"
	"github.com/critpath/critpath/store/storetest"
)

func openBench(b *testing.B, path string) *Backend {
	be, err := Open(path, Config{})
	if err != nil {
		b.Fatal(err)
	}
	return be
}

// BenchmarkApply applies one duration edit at a time, each with its
// command id, to a 10,000-task project, on SQLite and, as the baseline of
// the store's own work, in memory: the median and the 99th percentile of
// Apply, and of the backend's Append within it (the transaction of the
// event, the answer and the outbox entry, and its fsync).
func BenchmarkApply(b *testing.B) {
	b.Run("backend=sqlite/tasks=10000", func(b *testing.B) {
		storetest.BenchApply(b, openBench(b, filepath.Join(b.TempDir(), "bench.db")))
	})
	b.Run("backend=memory/tasks=10000", func(b *testing.B) { storetest.BenchApply(b, store.NewMemory()) })
}

// BenchmarkLoad loads a 10,000-task project, 150 changes past its
// creation (so from a snapshot and the 50 events after it), into a store
// that does not hold it yet: what a server does on the first request for
// a project after a start; open/ opens the file too.
func BenchmarkLoad(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.db")
	be := openBench(b, path)
	rev := storetest.PrepareLoad(b, be, 150)
	b.Run("backend=sqlite/tasks=10000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			storetest.Load(b, be, rev)
		}
	})
	be.Close()
	b.Run("backend=sqlite/open/tasks=10000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			be := openBench(b, path)
			storetest.Load(b, be, rev)
			be.Close()
		}
	})
}

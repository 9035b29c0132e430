package xer_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/xer"
)

// sp10 returns the corpus's 3,994-activity XER, skipping without the
// corpus.
func sp10(b *testing.B) []byte {
	b.Helper()
	dir := os.Getenv("CRITPATH_CORPUS")
	if dir == "" {
		b.Skip("CRITPATH_CORPUS is not set")
	}
	data, err := os.ReadFile(filepath.Join(dir, "interchange", "xer", "pyp6xer__SP10_-_COST_LOADED.xer"))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkRead reads the corpus's 3,994-activity XER; Split is the floor
// it is measured against: cutting the same text into lines and fields.
func BenchmarkRead(b *testing.B) {
	data := sp10(b)
	b.Run("Read", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := xer.Read(bytes.NewReader(data), nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Split", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			split(b, data)
		}
	})
	// The two interleaved, each iteration timed, so that the ratio holds
	// on a busy machine: Read's speed as a fraction of Split's.
	b.Run("Interleaved", func(b *testing.B) {
		var read, cut time.Duration
		for b.Loop() {
			start := time.Now()
			if _, err := xer.Read(bytes.NewReader(data), nil); err != nil {
				b.Fatal(err)
			}
			mid := time.Now()
			split(b, data)
			read, cut = read+mid.Sub(start), cut+time.Since(mid)
		}
		b.ReportMetric(float64(cut)/float64(read), "×split")
	})
}

// split cuts data into lines and fields, as a floor for reading it.
func split(b *testing.B, data []byte) {
	n := 0
	for line := range strings.SplitSeq(string(data), "\n") {
		n += len(strings.Split(line, "\t"))
	}
	if n == 0 {
		b.Fatal("no fields")
	}
}

// BenchmarkWrite writes the 3,994-activity project back as XER (the
// schedule computed for its dates); Join is the floor it is measured
// against: joining the same file's fields into lines again.
func BenchmarkWrite(b *testing.B) {
	data := sp10(b)
	f, err := xer.Read(bytes.NewReader(data), nil)
	if err != nil {
		b.Fatal(err)
	}
	p := f.Projects[0].Project
	var out bytes.Buffer
	if _, err := xer.Write(&out, p, nil); err != nil {
		b.Fatal(err)
	}
	b.Run("Write", func(b *testing.B) {
		b.SetBytes(int64(out.Len()))
		for b.Loop() {
			out.Reset()
			if _, err := xer.Write(&out, p, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	var rows [][]string
	for line := range strings.SplitSeq(out.String(), "\n") {
		rows = append(rows, strings.Split(line, "\t"))
	}
	b.Run("Join", func(b *testing.B) {
		b.SetBytes(int64(out.Len()))
		for b.Loop() {
			var w strings.Builder
			for _, r := range rows {
				w.WriteString(strings.Join(r, "\t"))
				w.WriteByte('\n')
			}
		}
	})
}

package xlsx_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// BenchmarkWrite writes the workbook of a scheduled random project;
// BenchmarkRead reads it back. benchmarks/excel compares the writer with
// exceljs.
func BenchmarkWrite(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		p := randnet.Project(randnet.Config{Tasks: n, Seed: 1, Calendar: schedule.Standard, Mixed: true})
		r, err := schedule.Run(p)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := xlsx.Write(io.Discard, p, &xlsx.WriteOptions{Result: r}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRead(b *testing.B) {
	p := randnet.Project(randnet.Config{Tasks: 10000, Seed: 1, Calendar: schedule.Standard, Mixed: true})
	var buf bytes.Buffer
	if _, err := xlsx.Write(&buf, p, nil); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := parts(xlsx.Read(bytes.NewReader(buf.Bytes()), nil)); err != nil {
			b.Fatal(err)
		}
	}
}

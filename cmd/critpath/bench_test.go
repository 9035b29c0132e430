package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// BenchmarkScheduleCommand runs `critpath schedule` in process on the
// 5,000-task network of the TaskJuggler comparison, phase by phase.
func BenchmarkScheduleCommand(b *testing.B) {
	p := randnet.Project(randnet.Config{Tasks: 5000, Seed: 1, Calendar: schedule.Standard})
	var buf bytes.Buffer
	if err := schedule.WriteJSON(&buf, p); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	path := filepath.Join(b.TempDir(), "net.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	n, err := schedule.Compile(p)
	if err != nil {
		b.Fatal(err)
	}
	r := n.NewResult()
	b.Run("phase=all", func(b *testing.B) {
		for b.Loop() {
			if code := run([]string{"schedule", path}, io.Discard, io.Discard); code != 0 {
				b.Fatal(code)
			}
		}
	})
	b.Run("phase=read", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := schedule.ReadJSON(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("phase=compile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := schedule.Compile(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("phase=run", func(b *testing.B) {
		for b.Loop() {
			r.Run()
		}
	})
	b.Run("phase=print", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.Run()
			if err := printTable(io.Discard, p, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

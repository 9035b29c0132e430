package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/critpath/critpath/interchange"
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

// BenchmarkReadJSON reads the 3,994-activity P6 project of the corpus
// (SP10 - COST LOADED.xer, converted to critpath's JSON in memory) with
// schedule.ReadJSON, against encoding/json validating the same bytes in
// the same run. It skips when CRITPATH_CORPUS is unset.
func BenchmarkReadJSON(b *testing.B) {
	root := os.Getenv("CRITPATH_CORPUS")
	if root == "" {
		b.Skip("CRITPATH_CORPUS is not set")
	}
	path := filepath.Join(root, "interchange", "xer", "pyp6xer__SP10_-_COST_LOADED.xer")
	in, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	f, err := interchange.Read(path, in, nil)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := schedule.WriteJSON(&buf, f.Projects[0].Project); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Run("reader=ReadJSON", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := schedule.ReadJSON(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reader=json.Valid", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if !json.Valid(data) {
				b.Fatal("invalid")
			}
		}
	})
}

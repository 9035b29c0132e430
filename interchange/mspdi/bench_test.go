package mspdi_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/critpath/critpath/interchange/mspdi"
)

// largest is the biggest MSPDI file of the corpus.
func largest(b *testing.B) []byte {
	dir := os.Getenv("CRITPATH_CORPUS")
	if dir == "" {
		b.Skip("CRITPATH_CORPUS is not set")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "interchange", "mspdi", "*.xml"))
	var best []byte
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil && len(data) > len(best) {
			best = data
		}
	}
	return best
}

// BenchmarkRead reads the largest corpus file; Tokens is the floor it is
// measured against: encoding/xml reading the same bytes token by token.
func BenchmarkRead(b *testing.B) {
	data := largest(b)
	b.Run("Read", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := mspdi.Read(bytes.NewReader(data), nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Tokens", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			d := xml.NewDecoder(bytes.NewReader(data))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkWrite writes the project read from the largest corpus file
// (bytes per second of the document written).
func BenchmarkWrite(b *testing.B) {
	f, err := mspdi.Read(bytes.NewReader(largest(b)), nil)
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := mspdi.Write(&out, f.Project, nil); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(out.Len()))
	for b.Loop() {
		out.Reset()
		if _, err := mspdi.Write(&out, f.Project, nil); err != nil {
			b.Fatal(err)
		}
	}
}

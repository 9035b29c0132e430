package main

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/critpath/critpath/interchange"
)

// xerSeeds are the XER files the hostile tests mutate: the xer package's
// test files, and the corpus's when CRITPATH_CORPUS is set.
func xerSeeds(tb testing.TB) map[string][]byte {
	tb.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "..", "interchange", "xer", "testdata", "*.xer"))
	if dir := os.Getenv("CRITPATH_CORPUS"); dir != "" {
		more, _ := filepath.Glob(filepath.Join(dir, "interchange", "xer", "*.xer"))
		paths = append(paths, more...)
	}
	if len(paths) == 0 {
		tb.Fatal("no XER files to start from")
	}
	seeds := map[string][]byte{}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		seeds[filepath.Base(path)] = data
	}
	return seeds
}

// XER files damaged in every way mutations has — cut anywhere, bytes
// changed, lines dropped, doubled or swapped, fields lost, line breaks
// changed — go through `critpath convert` and fail cleanly or convert,
// never panicking or writing half a file.
func TestConvertHostileXER(t *testing.T) {
	seeds := xerSeeds(t)
	o := outcomes{}
	for _, name := range slices.Sorted(maps.Keys(seeds)) {
		data := seeds[name]
		if len(data) == 0 {
			continue
		}
		// Fewer tries on the large files: each converts in tens of ms.
		tries := 40
		if len(data) > 200<<10 {
			tries = 6
		}
		// A file of several projects converts the first.
		var project string
		if f, err := interchange.Read(name, bytes.NewReader(data), nil); err == nil && len(f.Projects) > 1 {
			project = f.Projects[0].ID
		}
		mutateLines(t, name, ".xer", data, ".json", project, tries, uint64(len(data)), o)
	}
	// Some damage is read past with warnings, some is refused: both
	// paths are taken.
	o.check(t, "damaged XER")
}

// FuzzConvertXER runs convertHostile on what the fuzzer makes of the XER
// test files: go test ./cmd/critpath -fuzz FuzzConvertXER.
func FuzzConvertXER(f *testing.F) {
	for _, data := range xerSeeds(f) {
		if len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		convertHostile(t, "the fuzzer's file", ".xer", data, ".json", "")
	})
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
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

// mutations are the ways a file is damaged: each returns the file
// changed at places rng draws, and says how.
var mutations = []func(rng *rand.Rand, data []byte) ([]byte, string){
	func(rng *rand.Rand, data []byte) ([]byte, string) {
		n := rng.IntN(len(data))
		return data[:n], fmt.Sprintf("cut at byte %d", n)
	},
	func(rng *rand.Rand, data []byte) ([]byte, string) {
		lines := bytes.SplitAfter(data, []byte("\n"))
		n := rng.IntN(len(lines))
		return bytes.Join(lines[:n], nil), fmt.Sprintf("cut after line %d", n)
	},
	func(rng *rand.Rand, data []byte) ([]byte, string) {
		out := bytes.Clone(data)
		bytesOf := []byte("\t\n\r%\x00\xff\"(|)0-9ERTF")
		var at []int
		for range 1 + rng.IntN(8) {
			k := rng.IntN(len(out))
			out[k] = bytesOf[rng.IntN(len(bytesOf))]
			at = append(at, k)
		}
		return out, fmt.Sprintf("bytes changed at %v", at)
	},
	func(rng *rand.Rand, data []byte) ([]byte, string) {
		lines := bytes.SplitAfter(data, []byte("\n"))
		k := rng.IntN(len(lines))
		return bytes.Join(append(lines[:k:k], lines[k+1:]...), nil), fmt.Sprintf("line %d left out", k+1)
	},
	func(rng *rand.Rand, data []byte) ([]byte, string) {
		lines := bytes.SplitAfter(data, []byte("\n"))
		k := rng.IntN(len(lines))
		return bytes.Join(append(lines[:k+1:k+1], lines[k:]...), nil), fmt.Sprintf("line %d twice", k+1)
	},
	func(rng *rand.Rand, data []byte) ([]byte, string) {
		lines := bytes.SplitAfter(data, []byte("\n"))
		i, j := rng.IntN(len(lines)), rng.IntN(len(lines))
		lines[i], lines[j] = lines[j], lines[i]
		return bytes.Join(lines, nil), fmt.Sprintf("lines %d and %d swapped", i+1, j+1)
	},
	func(rng *rand.Rand, data []byte) ([]byte, string) {
		lines := bytes.SplitAfter(data, []byte("\n"))
		k := rng.IntN(len(lines))
		fields := bytes.Split(lines[k], []byte("\t"))
		f := rng.IntN(len(fields))
		fields = append(fields[:f:f], fields[f+1:]...)
		lines[k] = bytes.Join(fields, []byte("\t"))
		return bytes.Join(lines, nil), fmt.Sprintf("field %d of line %d left out", f+1, k+1)
	},
	func(rng *rand.Rand, data []byte) ([]byte, string) {
		return bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r")), "CR line breaks"
	},
	func(rng *rand.Rand, data []byte) ([]byte, string) {
		return append([]byte("\xEF\xBB\xBF"), data...), "a byte-order mark"
	},
}

// convertHostile runs `critpath convert [--project ID] IN OUT` on data as
// IN and checks what the command owes its user whatever the file holds:
// no panic; exit status 0, or 1 with a message naming the file and no OUT
// (nor a temporary file) left behind. The one case of status 2 is a
// choice of project the command line must make: the file holds several
// and project is "", or none has that ID.
func convertHostile(t *testing.T, what string, data []byte, project string) int {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.xer"), filepath.Join(dir, "out.json")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := func() (code int) {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("%s: convert panics: %v", what, p)
				code = -1
			}
		}()
		args := []string{"convert", in, out}
		if project != "" {
			args = append(args, "--project", project)
		}
		return run(args, &stdout, &stderr)
	}()
	written, err := os.ReadFile(out)
	entries, _ := os.ReadDir(dir)
	switch {
	case code == 0:
		if err != nil || !json.Valid(written) {
			t.Errorf("%s: exit 0 but OUT is not JSON: %v %.80q", what, err, written)
		}
	case code == 1:
		if !strings.Contains(stderr.String(), in) {
			t.Errorf("%s: exit 1 with a message that does not name the file: %s", what, stderr.String())
		}
		if err == nil {
			t.Errorf("%s: exit 1, and OUT is written (%d bytes)", what, len(written))
		}
	case code == 2 && strings.Contains(stderr.String(), "--project"):
		if err == nil {
			t.Errorf("%s: exit 2, and OUT is written", what)
		}
	default:
		t.Errorf("%s: exit %d: %s", what, code, stderr.String())
	}
	if code != 0 && len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%s: exit %d leaves %v beside IN", what, code, names)
	}
	return code
}

// XER files damaged in every way mutations has — cut anywhere, bytes
// changed, lines dropped, doubled or swapped, fields lost, line breaks
// changed — go through `critpath convert` and fail cleanly or convert,
// never panicking or writing half a file.
func TestConvertHostileXER(t *testing.T) {
	seeds := xerSeeds(t)
	var counts [3]int
	for name, data := range seeds {
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
		rng := rand.New(rand.NewPCG(uint64(len(data)), 17))
		for range tries {
			mutate := mutations[rng.IntN(len(mutations))]
			changed, how := mutate(rng, data)
			if code := convertHostile(t, fmt.Sprintf("%s, %s", name, how), changed, project); code >= 0 && code < 3 {
				counts[code]++
			}
		}
	}
	t.Logf("counts %v", counts)
	// Some damage is read past with warnings, some is refused: both
	// paths are taken.
	if counts[0] == 0 || counts[1] == 0 {
		t.Errorf("%d files converted and %d refused: want some of each", counts[0], counts[1])
	}
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
		convertHostile(t, "the fuzzer's file", data, "")
	})
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// convertHostile runs `critpath convert [--project ID] IN OUT` with data
// as IN, a file with the extension inExt, and OUT a file with the
// extension outExt, and checks what the command owes its user whatever
// the file holds: no panic; exit 0 with OUT written (JSON that parses,
// for .json); or exit 1 with a message naming IN and no OUT; exit 2 only
// for a choice of project the command line must make (the file holds
// several and project is "", or none has that ID), with no OUT; and
// nothing else left beside IN, nor in TMPDIR. It returns the exit status
// (-1 for a panic).
func convertHostile(t *testing.T, what, inExt string, data []byte, outExt, project string) int {
	t.Helper()
	dir, tmp := t.TempDir(), t.TempDir()
	t.Setenv("TMPDIR", tmp)
	in, out := filepath.Join(dir, "in"+inExt), filepath.Join(dir, "out"+outExt)
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"convert", in, out}
	if project != "" {
		args = append(args, "--project", project)
	}
	var stdout, stderr bytes.Buffer
	code := func() (code int) {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("%s: convert panics: %v", what, p)
				code = -1
			}
		}()
		return run(args, &stdout, &stderr)
	}()
	written, err := os.ReadFile(out)
	switch {
	case code == 0 && err != nil:
		t.Errorf("%s: exit 0 but no OUT: %v", what, err)
	case code == 0 && outExt == ".json" && !json.Valid(written):
		t.Errorf("%s: exit 0 but OUT is not JSON: %.80q", what, written)
	case code == 1 && !strings.Contains(stderr.String(), in):
		t.Errorf("%s: exit 1 with a message that does not name the file: %s", what, stderr.String())
	case code == 2 && !strings.Contains(stderr.String(), "--project"):
		t.Errorf("%s: exit 2: %s", what, stderr.String())
	case code == 1 || code == 2:
		if err == nil {
			t.Errorf("%s: exit %d, and OUT is written (%d bytes): %s", what, code, len(written), firstLine(stderr.String()))
		}
	case code != 0:
		t.Errorf("%s: exit %d: %s", what, code, stderr.String())
	}
	keep := []string{filepath.Base(in)}
	if code == 0 {
		keep = append(keep, filepath.Base(out))
	}
	if left := leftovers(t, dir, keep); len(left) > 0 {
		t.Errorf("%s: exit %d leaves %v beside IN", what, code, left)
	}
	if left := leftovers(t, tmp, nil); len(left) > 0 {
		t.Errorf("%s: exit %d leaves %v in TMPDIR", what, code, left)
	}
	return code
}

// leftovers lists a folder's files other than keep.
func leftovers(t *testing.T, dir string, keep []string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !slices.Contains(keep, e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// outcomes counts a hostile test's exit statuses, to check that its
// inputs reach both ends: files read and files refused.
type outcomes map[int]int

func (o outcomes) check(t *testing.T, inputs string) {
	t.Helper()
	t.Logf("%s: %d converted, %d refused, %d a usage error", inputs, o[0], o[1], o[2])
	if o[0] == 0 || o[1] == 0 {
		t.Errorf("%s: %d converted and %d refused: want some of each", inputs, o[0], o[1])
	}
}

// lineMutations are the ways a text file is damaged: each returns the
// file changed at places rng draws, and says how.
var lineMutations = []func(rng *rand.Rand, data []byte) ([]byte, string){
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
		bytesOf := []byte("\t\n\r%\x00\xff\"(|)0-9ERTF{}[],:")
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

// mutateLines damages data tries times with lineMutations, seeded by
// seed, and runs each through convertHostile.
func mutateLines(t *testing.T, name, ext string, data []byte, outExt, project string, tries int, seed uint64, o outcomes) {
	rng := rand.New(rand.NewPCG(seed, 17))
	for range tries {
		changed, how := lineMutations[rng.IntN(len(lineMutations))](rng, data)
		o[convertHostile(t, name+", "+how, ext, changed, outExt, project)]++
	}
}

// critpath's JSON, damaged as a text file is and in ways of its own —
// numbers huge or not numbers, deep nesting, a long string, a BOM — goes
// through `critpath convert` and fails cleanly or converts.
func TestConvertHostileJSON(t *testing.T) {
	seed, err := os.ReadFile("../../examples/projects/dhaka-tower.json")
	if err != nil {
		t.Fatal(err)
	}
	o := outcomes{}
	mutateLines(t, "dhaka-tower.json", ".json", seed, ".xml", "", 60, 1, o)
	small := `{"name": "Slab", "start": "2027-01-03T08:00:00+06:00", "tasks": [{"id": "F", "duration": "3d"}, {"id": "C", "duration": "1d"}], "links": [{"from": "F", "to": "C", "lag": "1d"}]}`
	for _, c := range []struct{ what, doc string }{
		{"a duration of 1e308 days", strings.Replace(small, `"3d"`, `"1e308d"`, 1)},
		{"a lag of -9223372036854775808 minutes", strings.Replace(small, `"lag": "1d"`, `"lag": "-9223372036854775808m"`, 1)},
		{"a duration NaN", strings.Replace(small, `"3d"`, `"NaNd"`, 1)},
		{"a number for a duration", strings.Replace(small, `"3d"`, `3`, 1)},
		{"nesting 100,000 deep", `{"tasks": ` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `}`},
		{"a name of 8 MB", strings.Replace(small, `"name": "Slab"`, `"name": "`+strings.Repeat("x", 8<<20)+`"`, 1)},
		{"a byte-order mark", "\xEF\xBB\xBF" + small},
		{"NUL bytes", "\x00\x00\x00\x00"},
		{"a cycle", strings.Replace(small, `"links": [`, `"links": [{"from": "C", "to": "F"}, `, 1)},
		{"unknown field", strings.Replace(small, `"name"`, `"nom"`, 1)},
	} {
		o[convertHostile(t, c.what, ".json", []byte(c.doc), ".xer", "")]++
	}
	o.check(t, "damaged JSON")
}

// PSPLIB instances, damaged as a text file is, go through `critpath
// convert` and fail cleanly or convert.
func TestConvertHostilePSPLIB(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("testdata", "j301_1.sm"))
	if err != nil {
		t.Fatal(err)
	}
	o := outcomes{}
	mutateLines(t, "j301_1.sm", ".sm", seed, ".json", "", 80, 2, o)
	o.check(t, "damaged PSPLIB")
}

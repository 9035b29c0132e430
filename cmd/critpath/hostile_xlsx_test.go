package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Workbooks and CSV files cut short, with bytes changed, inserted or
// copied — the whole file, or one XML part inside a workbook's zip —
// and bombs, fed through `critpath convert IN OUT`: no panic; exit 0 with
// OUT written, or exit 1 with a message naming IN and no OUT; and no
// temporary file left, in TMPDIR or beside OUT. The inputs are critpath's
// own workbook and CSV of the Dhaka Tower, and the corpus's workbook
// when CRITPATH_CORPUS is set.
func TestConvertHostileWorkbooks(t *testing.T) {
	dir := t.TempDir()
	seeds := map[string][]byte{}
	for _, ext := range []string{".xlsx", ".csv"} {
		out := filepath.Join(dir, "tower"+ext)
		if code, _, errOut := runCLI("convert", "../../examples/projects/dhaka-tower.json", out); code != 0 {
			t.Fatalf("writing %s: exit %d: %s", out, code, errOut)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		seeds["tower"+ext] = data
	}
	if corpus := os.Getenv("CRITPATH_CORPUS"); corpus != "" {
		data, err := os.ReadFile(filepath.Join(corpus, "interchange", "xlsx", "popov-msp2excel__Sample_output.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		seeds["msp2excel.xlsx"] = data
	}
	rng := rand.New(rand.NewPCG(17, 2027))
	o := outcomes{}
	n := 0
	try := func(what, ext string, data []byte) {
		t.Helper()
		n++
		o[convertHostile(t, what, ext, data, []string{".json", ".xlsx", ".csv"}[n%3], "")]++
	}
	for _, name := range slices.Sorted(maps.Keys(seeds)) {
		seed, ext := seeds[name], filepath.Ext(name)
		try(name, ext, seed)
		for k := range 40 {
			what, data := mutateBytes(rng, seed)
			try(fmt.Sprintf("%s %d: %s", name, k, what), ext, data)
		}
		if ext != ".xlsx" {
			continue
		}
		for k := range 40 {
			what, data := mutatePart(t, rng, seed)
			try(fmt.Sprintf("%s part %d: %s", name, k, what), ext, data)
		}
	}
	// Bombs: a sheet unpacking to 16 MB of one value, and a CSV line of
	// 4 MB.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	for _, f := range mustZip(t, seeds["tower.xlsx"]).File {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if f.Name == "xl/worksheets/sheet1.xml" {
			io.WriteString(w, `<worksheet><sheetData><row><c><v>`)
			for range 16 {
				w.Write(bytes.Repeat([]byte("7"), 1<<20))
			}
			io.WriteString(w, `</v></c></row></sheetData></worksheet>`)
			continue
		}
		r, _ := f.Open()
		io.Copy(w, r)
	}
	zw.Close()
	try("a zip bomb", ".xlsx", bomb.Bytes())
	try("a 4 MB line", ".csv", bytes.Repeat([]byte("x"), 4<<20))
	try("an open quote", ".csv", append(slices.Clone(seeds["tower.csv"]), "\n\"T99,Open quote,1d\n"...))
	o.check(t, "damaged workbooks and CSV")
}

// mutateBytes changes a file's bytes at random: cut it short, change, insert
// or copy a run of bytes.
func mutateBytes(rng *rand.Rand, data []byte) (string, []byte) {
	d := slices.Clone(data)
	at := rng.IntN(len(d))
	switch rng.IntN(4) {
	case 0:
		return fmt.Sprintf("cut at %d", at), d[:at]
	case 1:
		n := 1 + rng.IntN(8)
		for i := at; i < min(len(d), at+n); i++ {
			d[i] = byte(rng.IntN(256))
		}
		return fmt.Sprintf("%d bytes changed at %d", n, at), d
	case 2:
		ins := []byte([]string{"\"", "<", ">", "&", "\x00", "\xff", ",", "\n", "</c>", "<row>"}[rng.IntN(10)])
		return fmt.Sprintf("%q inserted at %d", ins, at), slices.Insert(d, at, ins...)
	default:
		from, n := rng.IntN(len(d)), 1+rng.IntN(64)
		run := slices.Clone(d[from:min(len(d), from+n)])
		return fmt.Sprintf("%d bytes from %d copied to %d", len(run), from, at), slices.Insert(d, at, run...)
	}
}

// mutatePart mutates one XML part of a workbook and zips it again, so
// that the XML, not the zip, is broken.
func mutatePart(t *testing.T, rng *rand.Rand, data []byte) (string, []byte) {
	zr := mustZip(t, data)
	var xmlParts []int
	for i, f := range zr.File {
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			xmlParts = append(xmlParts, i)
		}
	}
	target := xmlParts[rng.IntN(len(xmlParts))]
	var what string
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for i, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if i == target {
			what, body = mutateBytes(rng, body)
			what = f.Name + ": " + what
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return what, out.Bytes()
}

func mustZip(t *testing.T, data []byte) *zip.Reader {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

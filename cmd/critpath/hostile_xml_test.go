package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// Broken and hostile Microsoft Project and P6 XML through `critpath
// convert IN OUT`, as an upload endpoint would receive it: every corpus
// MSPDI and PMXML file cut short, with bytes changed, a span dropped or
// repeated, a number made huge, negative or not a number, and the whole
// file in UTF-16; and documents built to hurt (entities, external
// entities, deep nesting, an unknown encoding). Every run ends with exit
// code 0, or 1 and a message naming IN — never a panic, never 2 (the
// command line is right), and on failure OUT does not exist and no
// temporary file is left beside it (convertHostile).
func TestHostileXML(t *testing.T) {
	type input struct {
		name    string // what was done to it
		doc     []byte
		project string // the --project of a file of several
	}
	var inputs []input
	for _, path := range corpusFiles(t, "mspdi/*.xml", "pmxml/*.xml") {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// A file of several projects is converted one, the largest,
		// chosen on the command line.
		project, most := "", 0
		if f := readCorpusFile(t, path); len(f.Projects) > 1 {
			for _, pr := range f.Projects {
				if n := len(pr.Project.Tasks); n > most && !pr.Baseline {
					project, most = pr.ID, n
				}
			}
		}
		base := filepath.Base(filepath.Dir(path)) + "/" + filepath.Base(path)
		h := fnv.New64a()
		h.Write([]byte(base))
		rng := rand.New(rand.NewPCG(h.Sum64(), 17))
		for _, m := range mutateXML(rng, data) {
			inputs = append(inputs, input{base + ": " + m.name, m.doc, project})
		}
	}
	for _, h := range hostile() {
		inputs = append(inputs, input{name: h.name, doc: []byte(h.doc)})
	}
	o := outcomes{}
	for k, in := range inputs {
		o[convertHostile(t, in.name, ".xml", in.doc, []string{".json", ".xml"}[k%2], in.project)]++
	}
	o.check(t, "damaged and hostile XML")
}

type mutant struct {
	name string
	doc  []byte
}

var number = regexp.MustCompile(`>-?[0-9]+(\.[0-9]+)?<`)

// mutateXML makes the mutants of a file: cut short, bytes changed, a span
// dropped and one repeated, a number changed, and the file in UTF-16LE
// with a byte-order mark (which reads as the file does).
func mutateXML(rng *rand.Rand, data []byte) []mutant {
	n := len(data)
	at := func() int { return rng.IntN(n) }
	var out []mutant
	cut := at()
	out = append(out, mutant{fmt.Sprintf("cut at byte %d", cut), data[:cut]})
	changed := bytes.Clone(data)
	for range 4 {
		changed[at()] = "<>&/\"'=\x00\xff9-"[rng.IntN(11)]
	}
	out = append(out, mutant{"4 bytes changed", changed})
	a, b := at(), at()
	a, b = min(a, b), max(a, b)
	out = append(out, mutant{fmt.Sprintf("bytes %d–%d dropped", a, b), slices.Concat(data[:a], data[b:])})
	out = append(out, mutant{fmt.Sprintf("bytes %d–%d repeated", a, b), slices.Concat(data[:b], data[a:b], data[b:])})
	if nums := number.FindAllIndex(data, -1); len(nums) > 0 {
		loc := nums[rng.IntN(len(nums))]
		v := []string{"1e308", "-8", "NaN", "Inf", "99999999999999999999999", "-9223372036854775808", ""}[rng.IntN(7)]
		out = append(out, mutant{fmt.Sprintf("the number at byte %d made %q", loc[0], v), slices.Concat(data[:loc[0]+1], []byte(v), data[loc[1]-1:])})
	}
	doc := strings.Replace(string(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))), `encoding="UTF-8"`, `encoding="UTF-16"`, 1)
	units := append([]uint16{0xfeff}, utf16.Encode([]rune(doc))...)
	var le []byte
	for _, u := range units {
		le = binary.LittleEndian.AppendUint16(le, u)
	}
	return append(out, mutant{"in UTF-16LE", le})
}

// hostile are documents built to hurt a reader.
func hostile() []struct{ name, doc string } {
	const head = `<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2027-01-04T08:00:00</StartDate>`
	lol := `<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`
	return []struct{ name, doc string }{
		{"entity expansion", lol + head + "<Name>&c;</Name></Project>"},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + head + "<Name>&x;</Name></Project>"},
		{"deep nesting in a task", head + "<Tasks><Task><UID>1</UID><Notes>" + strings.Repeat("<a>", 100_000) + strings.Repeat("</a>", 100_000) + "</Notes></Task></Tasks></Project>"},
		{"deep nesting in a calendar", head + "<Calendars><Calendar><UID>1</UID>" + strings.Repeat("<x>", 20_000) + strings.Repeat("</x>", 20_000) + "</Calendar></Calendars></Project>"},
		{"deep nesting in a P6 activity", "<APIBusinessObjects><Project><ObjectId>1</ObjectId><Activity>" + strings.Repeat("<x>", 20_000) + strings.Repeat("</x>", 20_000) + "</Activity></Project></APIBusinessObjects>"},
		{"an encoding not read", `<?xml version="1.0" encoding="Shift_JIS"?>` + head + "</Project>"},
		{"an encoding not read, P6", `<?xml version="1.0" encoding="EUC-KR"?><APIBusinessObjects/>`},
		{"UTF-16 declared, bytes of UTF-8", `<?xml version="1.0" encoding="UTF-16"?>` + head + "<Tasks><Task><UID>1</UID><Name>é</Name></Task></Tasks></Project>"},
		{"no root", `<?xml version="1.0"?>`},
		{"empty", ""},
		{"binary", "\x00\x01\x02\xff\xfe\x00<\x00"},
		{"a task of 100,000 links to no task", head + "<Tasks><Task><UID>1</UID>" + strings.Repeat("<PredecessorLink/>", 100_000) + "</Task></Tasks></Project>"},
		{"a link to a task not in the file", head + "<Tasks><Task><UID>1</UID><PredecessorLink><PredecessorUID>7</PredecessorUID></PredecessorLink></Task></Tasks></Project>"},
	}
}

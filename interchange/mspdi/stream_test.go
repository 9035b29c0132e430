package mspdi_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/critpath/critpath/interchange/mspdi"
)

// small is a valid MSPDI document declaring encoding enc, whose task
// 2 is named name.
func small(enc, name string) string {
	decl := `<?xml version="1.0"?>`
	if enc != "" {
		decl = fmt.Sprintf(`<?xml version="1.0" encoding="%s"?>`, enc)
	}
	return decl + "\n" + `<Project xmlns="http://schemas.microsoft.com/project"><Name>Café</Name><StartDate>2027-01-04T08:00:00</StartDate>
<Tasks><Task><UID>1</UID><Name>Pour</Name><Duration>PT8H0M0S</Duration></Task>
<Task><UID>2</UID><Name>` + name + `</Name><Duration>PT16H0M0S</Duration><PredecessorLink><PredecessorUID>1</PredecessorUID></PredecessorLink></Task></Tasks></Project>`
}

// utf16Bytes writes s as UTF-16 in byte order order, after bom.
func utf16Bytes(s string, order binary.AppendByteOrder, bom bool) []byte {
	var out []byte
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xfeff}, units...)
	}
	for _, u := range units {
		out = order.AppendUint16(out, u)
	}
	return out
}

// singleBytes writes s one byte a character by table (nil: Latin-1, a
// character's code).
func singleBytes(t *testing.T, s string, table map[rune]byte) []byte {
	var out []byte
	for _, r := range s {
		switch b, ok := table[r]; {
		case ok:
			out = append(out, b)
		case r < 0x100:
			out = append(out, byte(r))
		default:
			t.Fatalf("%q has no single byte", r)
		}
	}
	return out
}

// Every encoding Read takes reads to the same project; another encoding
// is an error naming it.
func TestEncodings(t *testing.T) {
	const name = "Façade – 2½ m² €"
	cp1252 := map[rune]byte{'–': 0x96, '€': 0x80}
	for _, c := range []struct {
		name string
		doc  []byte
		want string // the task's name
	}{
		{"UTF-8", []byte(small("UTF-8", name)), name},
		{"UTF-8 with a byte-order mark", append([]byte("\xef\xbb\xbf"), small("UTF-8", name)...), name},
		{"UTF-8 undeclared", []byte(small("", name)), name},
		{"UTF-16LE with a byte-order mark", utf16Bytes(small("UTF-16", name), binary.LittleEndian, true), name},
		{"UTF-16LE without one", utf16Bytes(small("UTF-16", name), binary.LittleEndian, false), name},
		{"UTF-16BE with a byte-order mark", utf16Bytes(small("UTF-16", name), binary.BigEndian, true), name},
		{"UTF-16BE without one", utf16Bytes(small("UTF-16", name), binary.BigEndian, false), name},
		{"ISO-8859-1", singleBytes(t, small("ISO-8859-1", "Façade 2½ m²"), nil), "Façade 2½ m²"},
		{"windows-1252", singleBytes(t, small("windows-1252", name), cp1252), name},
		{"latin1, lower case", singleBytes(t, small("latin1", "Façade"), nil), "Façade"},
	} {
		f, err := mspdi.Read(bytes.NewReader(c.doc), nil)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		p := f.Project
		if p.Name != "Café" || len(p.Tasks) != 2 || p.Tasks[1].Name != c.want || len(p.Links) != 1 {
			t.Errorf("%s: project %q, tasks %+v, links %v; want task 2 named %q", c.name, p.Name, p.Tasks, p.Links, c.want)
		}
	}
	for _, enc := range []string{"Shift_JIS", "EBCDIC-US", "x-unknown"} {
		_, err := mspdi.Read(strings.NewReader(small(enc, "x")), nil)
		var pe *mspdi.ParseError
		if !errors.As(err, &pe) || pe.Line != 1 || !strings.Contains(err.Error(), fmt.Sprintf("encoding %q", enc)) {
			t.Errorf("%s: error %v, want a ParseError at line 1 naming the encoding", enc, err)
		}
	}
}

// A list out of the schema's order, or a duration setting after the
// lists, is read as far as it can be, with a warning naming its line.
func TestOutOfOrder(t *testing.T) {
	doc := `<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2027-01-04T08:00:00</StartDate>
<Tasks><Task><UID>1</UID><Duration>PT8H0M0S</Duration><CalendarUID>7</CalendarUID></Task></Tasks>
<Calendars><Calendar><UID>7</UID><Name>Night</Name></Calendar></Calendars>
<MinutesPerDay>600</MinutesPerDay>
<Name>Late name</Name>
</Project>`
	f, err := mspdi.Read(strings.NewReader(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := warnings(f)
	for _, want := range []string{"line 2: CalendarUID: task 1: calendar UID 7 is not in the file", "line 3: Calendars: the list comes after a list the schema puts after it",
		`line 4: MinutesPerDay: "600" comes after the project's lists`} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("no warning %q in %q", want, got)
		}
	}
	if p := f.Project; p.Name != "Late name" || p.Settings.MinutesPerDay != 0 || p.Tasks[0].Duration.Amount != 1 {
		t.Errorf("project %q, settings %+v, task duration %v", p.Name, p.Settings, p.Tasks[0].Duration)
	}
}

func warnings(f *mspdi.File) []string {
	var out []string
	for _, w := range f.Warnings {
		out = append(out, w.String())
	}
	return out
}

// What refers to what is not in the file is a warning naming the line,
// never dropped in silence: a link to a task not in the file (or before
// it: links may point forward), an assignment of a task or resource not
// in the file.
func TestMissingReferences(t *testing.T) {
	doc := `<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2027-01-04T08:00:00</StartDate><Tasks>
<Task><UID>1</UID><PredecessorLink><PredecessorUID>3</PredecessorUID></PredecessorLink><PredecessorLink><PredecessorUID>9</PredecessorUID></PredecessorLink></Task>
<Task><UID>2</UID><PredecessorLink><PredecessorUID>1</PredecessorUID></PredecessorLink><PredecessorLink><PredecessorUID>0</PredecessorUID></PredecessorLink></Task>
<Task><UID>3</UID></Task>
</Tasks><Resources><Resource><UID>1</UID><Name>Crew</Name></Resource></Resources><Assignments>
<Assignment><UID>1</UID><TaskUID>8</TaskUID><ResourceUID>1</ResourceUID></Assignment>
<Assignment><UID>2</UID><TaskUID>2</TaskUID><ResourceUID>5</ResourceUID></Assignment>
<Assignment><UID>3</UID><TaskUID>2</TaskUID><ResourceUID>1</ResourceUID></Assignment>
</Assignments></Project>`
	f, err := mspdi.Read(strings.NewReader(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := warnings(f)
	for _, want := range []string{
		`line 2: PredecessorLink: task 1: predecessor UID "9" is not a task here`,
		`line 3: PredecessorLink: task 2: predecessor UID "0" is not a task here`,
		`line 6: TaskUID: assignment 1: task UID "8" is not a task here`,
		`line 7: ResourceUID: assignment 2: resource UID "5" is not a resource here`,
	} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("no warning %q in %q", want, got)
		}
	}
	if l := f.Project.Links; len(l) != 2 || l[0].Pred != "3" || l[0].Succ != "1" || l[1].Pred != "1" || l[1].Succ != "2" {
		t.Errorf("links %v, want 3→1 (forward) then 1→2, in the file's order", l)
	}
	if len(f.Project.Assignments) != 1 || len(got) != 4 {
		t.Errorf("assignments %v, warnings %q", f.Project.Assignments, got)
	}
}

// A lag too large to be a schedule's is a warning naming its line (it
// was taken as an infinite lag, which no schedule holds), and a saved
// float too large is left out.
func TestOutOfRange(t *testing.T) {
	doc := `<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2027-01-04T08:00:00</StartDate><Tasks>
<Task><UID>1</UID><Duration>PT8H0M0S</Duration><TotalSlack>1e308</TotalSlack></Task>
<Task><UID>2</UID><Duration>PT8H0M0S</Duration><PredecessorLink><PredecessorUID>1</PredecessorUID><LinkLag>1e308</LinkLag></PredecessorLink></Task>
<Task><UID>3</UID><Duration>PT8H0M0S</Duration><PredecessorLink><PredecessorUID>2</PredecessorUID><LinkLag>-9223372036854775808</LinkLag></PredecessorLink></Task>
<Task><UID>4</UID><Duration>PT8H0M0S</Duration><PredecessorLink><PredecessorUID>3</PredecessorUID><LinkLag>4800</LinkLag></PredecessorLink></Task>
</Tasks></Project>`
	f, err := mspdi.Read(strings.NewReader(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`line 3: LinkLag: task 2: "1e308" is out of range; no lag`, `line 4: LinkLag: task 3: "-9223372036854775808" is out of range; no lag`}
	if got := warnings(f); !slices.Equal(got, want) {
		t.Errorf("warnings %q, want %q", got, want)
	}
	if l := f.Project.Links; len(l) != 3 || !l[0].Lag.IsZero() || !l[1].Lag.IsZero() || l[2].Lag.Amount != 1 {
		t.Errorf("links %v, want no lag, no lag, one day", l)
	}
	if s := f.Saved["1"]; s.HasFloat {
		t.Errorf("task 1: saved float %d", s.TotalFloat)
	}
}

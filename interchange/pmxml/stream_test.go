package pmxml_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/critpath/critpath/interchange/pmxml"
)

// small is a PMXML document declaring encoding enc, whose activity B is
// named name.
func small(enc, name string) string {
	decl := `<?xml version="1.0"?>`
	if enc != "" {
		decl = fmt.Sprintf(`<?xml version="1.0" encoding="%s"?>`, enc)
	}
	return decl + `
<APIBusinessObjects>
  <Project>
    <ObjectId>1</ObjectId><Id>P</Id><PlannedStartDate>2027-01-04T08:00:00</PlannedStartDate>
    <Activity><ObjectId>10</ObjectId><Id>A</Id><Name>Pour</Name><PlannedDuration>8</PlannedDuration></Activity>
    <Activity><ObjectId>11</ObjectId><Id>B</Id><Name>` + name + `</Name><PlannedDuration>8</PlannedDuration></Activity>
    <Relationship><PredecessorActivityObjectId>10</PredecessorActivityObjectId><SuccessorActivityObjectId>11</SuccessorActivityObjectId></Relationship>
  </Project>
</APIBusinessObjects>`
}

// utf16Bytes writes s as UTF-16 in byte order order, after a byte-order
// mark when bom.
func utf16Bytes(s string, order binary.AppendByteOrder, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xfeff}, units...)
	}
	var out []byte
	for _, u := range units {
		out = order.AppendUint16(out, u)
	}
	return out
}

// latin1 writes s one byte a character, its code (windows-1252's for the
// characters in table).
func latin1(s string, table map[rune]byte) []byte {
	var out []byte
	for _, r := range s {
		if b, ok := table[r]; ok {
			out = append(out, b)
			continue
		}
		out = append(out, byte(r))
	}
	return out
}

// Every encoding Read takes reads to the same project; another encoding
// is an error naming it.
func TestEncodings(t *testing.T) {
	const name = "Façade – 2½ m² €"
	for _, c := range []struct {
		name string
		doc  []byte
		want string
	}{
		{"UTF-8 with a byte-order mark", append([]byte("\xef\xbb\xbf"), small("UTF-8", name)...), name},
		{"UTF-16LE with a byte-order mark", utf16Bytes(small("UTF-16", name), binary.LittleEndian, true), name},
		{"UTF-16LE without one", utf16Bytes(small("UTF-16", name), binary.LittleEndian, false), name},
		{"UTF-16BE with a byte-order mark", utf16Bytes(small("UTF-16", name), binary.BigEndian, true), name},
		{"UTF-16BE without one", utf16Bytes(small("UTF-16", name), binary.BigEndian, false), name},
		{"ISO-8859-1", latin1(small("ISO-8859-1", "Façade 2½ m²"), nil), "Façade 2½ m²"},
		{"windows-1252", latin1(small("windows-1252", name), map[rune]byte{'–': 0x96, '€': 0x80}), name},
	} {
		f, err := pmxml.Read(bytes.NewReader(c.doc), nil)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		p := f.Projects[0].Project
		if len(p.Tasks) != 2 || p.Tasks[1].Name != c.want || len(p.Links) != 1 {
			t.Errorf("%s: tasks %+v, links %v; want B named %q", c.name, p.Tasks, p.Links, c.want)
		}
	}
	_, err := pmxml.Read(strings.NewReader(small("Shift_JIS", "x")), nil)
	var pe *pmxml.ParseError
	if !errors.As(err, &pe) || pe.Line != 1 || !strings.Contains(err.Error(), `encoding "Shift_JIS"`) {
		t.Errorf("Shift_JIS: error %v, want a ParseError at line 1 naming the encoding", err)
	}
}

// A relationship whose successor, or an assignment whose activity, is not
// in its project is a warning naming its line, never dropped in silence,
// as are the conversion's own: a predecessor outside the project, a
// resource not in the file.
func TestMissingReferences(t *testing.T) {
	doc := `<?xml version="1.0"?>
<APIBusinessObjects>
  <Resource><ObjectId>7</ObjectId><Id>R</Id><Name>Crew</Name></Resource>
  <Relationship><PredecessorActivityObjectId>10</PredecessorActivityObjectId><SuccessorActivityObjectId>95</SuccessorActivityObjectId></Relationship>
  <Project>
    <ObjectId>1</ObjectId><Id>P</Id><PlannedStartDate>2027-01-04T08:00:00</PlannedStartDate>
    <Activity><ObjectId>10</ObjectId><Id>A</Id><PlannedDuration>8</PlannedDuration></Activity>
    <Activity><ObjectId>11</ObjectId><Id>B</Id><PlannedDuration>8</PlannedDuration></Activity>
    <Relationship><PredecessorActivityObjectId>10</PredecessorActivityObjectId><SuccessorActivityObjectId>99</SuccessorActivityObjectId></Relationship>
    <Relationship><PredecessorActivityObjectId>98</PredecessorActivityObjectId><SuccessorActivityObjectId>11</SuccessorActivityObjectId></Relationship>
    <Relationship><PredecessorActivityObjectId>10</PredecessorActivityObjectId><SuccessorActivityObjectId>20</SuccessorActivityObjectId></Relationship>
    <ResourceAssignment><ActivityObjectId>97</ActivityObjectId><ResourceObjectId>7</ResourceObjectId></ResourceAssignment>
    <ResourceAssignment><ActivityObjectId>10</ActivityObjectId><ResourceObjectId>96</ResourceObjectId></ResourceAssignment>
    <ResourceAssignment><ActivityObjectId>11</ActivityObjectId><ResourceObjectId>7</ResourceObjectId></ResourceAssignment>
  </Project>
  <Project>
    <ObjectId>2</ObjectId><Id>Q</Id><PlannedStartDate>2027-01-04T08:00:00</PlannedStartDate>
    <Activity><ObjectId>20</ObjectId><Id>C</Id><PlannedDuration>8</PlannedDuration></Activity>
  </Project>
</APIBusinessObjects>`
	f, err := pmxml.Read(strings.NewReader(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.String())
	}
	for _, want := range []string{
		"line 4: Relationship: its successor, activity 95, is not in the file",
		"line 9: Relationship: its successor, activity 99, is not in the file",
		"line 10: Relationship: activity B: predecessor 98 is outside the project",
		"line 11: Relationship: its successor, activity 20, is in project Q, not this one",
		"line 12: ResourceAssignment: its activity 97 is not in the file",
		"line 13: ResourceAssignment: activity A: resource 96 is not in the file",
	} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("no warning %q in %q", want, got)
		}
	}
	if p := f.Projects[0].Project; len(got) != 6 || len(p.Links) != 0 || len(p.Assignments) != 1 {
		t.Errorf("warnings %q, links %v, assignments %v", got, p.Links, p.Assignments)
	}
}

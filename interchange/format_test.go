package interchange

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf16"
)

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

// An XML document is told by its root element in every encoding the
// readers take, UTF-16 included; Read reads it.
func TestDetectEncodings(t *testing.T) {
	mspdiDoc := `<?xml version="1.0" encoding="UTF-16"?>` + "\n" + `<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2027-01-04T08:00:00</StartDate><Tasks><Task><UID>1</UID><Name>Fundação</Name></Task></Tasks></Project>`
	pmxmlDoc := `<?xml version="1.0" encoding="UTF-16"?>` + "\n" + `<APIBusinessObjects><Project><ObjectId>1</ObjectId><Id>P</Id><PlannedStartDate>2027-01-04T08:00:00</PlannedStartDate>` +
		`<Activity><ObjectId>10</ObjectId><Id>A</Id><Name>Fundação</Name><PlannedDuration>8</PlannedDuration></Activity></Project></APIBusinessObjects>`
	for _, c := range []struct {
		name string
		doc  []byte
		want Format
	}{
		{"MSPDI, UTF-16LE with a byte-order mark", utf16Bytes(mspdiDoc, binary.LittleEndian, true), MSPDI},
		{"MSPDI, UTF-16LE without", utf16Bytes(mspdiDoc, binary.LittleEndian, false), MSPDI},
		{"MSPDI, UTF-16BE with a byte-order mark", utf16Bytes(mspdiDoc, binary.BigEndian, true), MSPDI},
		{"MSPDI, UTF-16BE without", utf16Bytes(mspdiDoc, binary.BigEndian, false), MSPDI},
		{"MSPDI, UTF-8 with a byte-order mark", append([]byte("\xef\xbb\xbf"), strings.Replace(mspdiDoc, "UTF-16", "UTF-8", 1)...), MSPDI},
		{"MSPDI, ISO-8859-1", []byte(strings.NewReplacer("UTF-16", "ISO-8859-1", "çã", "\xe7\xe3").Replace(mspdiDoc)), MSPDI},
		{"PMXML, UTF-16LE with a byte-order mark", utf16Bytes(pmxmlDoc, binary.LittleEndian, true), PMXML},
		{"PMXML, UTF-16BE without", utf16Bytes(pmxmlDoc, binary.BigEndian, false), PMXML},
		{"PMXML, windows-1252", []byte(strings.NewReplacer("UTF-16", "windows-1252", "çã", "\xe7\xe3").Replace(pmxmlDoc)), PMXML},
	} {
		for _, name := range []string{"upload", "plan.xml"} {
			if got, err := detect(name, c.doc); got != c.want || err != nil {
				t.Errorf("%s named %s: %q, %v; want %s", c.name, name, got, err, c.want)
			}
			f, err := Read(name, bytes.NewReader(c.doc), nil)
			if err != nil {
				t.Errorf("%s named %s: %v", c.name, name, err)
				continue
			}
			if tasks := f.Projects[0].Project.Tasks; len(tasks) != 1 || tasks[0].Name != "Fundação" {
				t.Errorf("%s named %s: tasks %+v", c.name, name, tasks)
			}
		}
	}
}

package xlsx_test

import (
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
)

// A custom field named like a built-in column's synonym ("Remarks", a
// name the reader takes for Notes) is written under a marked header and
// read back as the custom field; the task's notes stay empty.
func TestCustomFieldNamedLikeAColumn(t *testing.T) {
	p := smallProject(time.UTC)
	p.CustomFields = []schedule.CustomField{{Name: "Remarks"}}
	p.Tasks[0].Fields = map[string]string{"Remarks": "check soil"}
	q, _ := roundTrip(t, p)
	a := taskByID(t, q, "A")
	if a.Fields["Remarks"] != "check soil" || a.Notes != "" {
		t.Fatalf("got Fields %v Notes %q, want Fields[Remarks]=%q and no notes", a.Fields, a.Notes, "check soil")
	}
}

// A custom field named "Level", a synonym of the outline level column,
// is read back as the custom field: its values give no task a parent.
func TestCustomFieldNamedLevel(t *testing.T) {
	p := smallProject(time.UTC)
	p.CustomFields = []schedule.CustomField{{Name: "Level"}}
	p.Tasks[0].Fields = map[string]string{"Level": "high"}
	p.Tasks[1].Fields = map[string]string{"Level": "2"}
	q, _ := roundTrip(t, p)
	if b := taskByID(t, q, "B"); b.Parent != "" || b.Fields["Level"] != "2" {
		t.Fatalf("task B: parent %q, fields %v; want no parent and Fields[Level]=2", b.Parent, b.Fields)
	}
}

// A ReadOptions.Columns override naming no field (a typo, or the header
// "Duration" instead of the key "duration") is not dropped silently: the
// read reports it.
func TestColumnOverrideToNoField(t *testing.T) {
	in := "ID,Name,Dauer\nA,x,3d\n"
	p, warns, err := parts(xlsx.ReadCSV(strings.NewReader(in), &xlsx.ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC),
		Columns: map[string]string{"Dauer": "Duration"}}))
	if err == nil && len(warns) == 0 {
		t.Fatalf("override to unknown field %q accepted silently; duration read %v", "Duration", p.Tasks[0].Duration)
	}
}

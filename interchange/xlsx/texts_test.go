package xlsx_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/xlsx"
)

// A text longer than Excel's 32,767 characters comes back whole or is
// warned of when written.
func TestLongTextWarned(t *testing.T) {
	p := smallProject(time.UTC)
	p.Tasks[0].Notes = strings.Repeat("n", 40000)
	q, warns, err := writeRead(p)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(taskByID(t, q, "A").Notes); n != 40000 && len(warns) == 0 {
		t.Fatalf("notes read back with %d characters, no warning", n)
	}
}

// A control character a workbook cannot hold (Microsoft Project's notes
// use \v for line breaks) is warned of in its own cell, the warning
// naming the character.
func TestControlCharactersWarned(t *testing.T) {
	p := smallProject(time.UTC)
	p.Tasks[0].Notes = "line1\vline2"
	p.Tasks[1].Name = "Pour\x01"
	var buf bytes.Buffer
	warns, err := xlsx.Write(&buf, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"U+000B", "U+0001"} {
		if !slices.ContainsFunc(warns, func(w xlsx.Warning) bool {
			return strings.HasPrefix(w.Where, "Tasks") && strings.Contains(w.Message, want)
		}) {
			t.Errorf("no Tasks warning names %s: %v", want, warns)
		}
	}
}

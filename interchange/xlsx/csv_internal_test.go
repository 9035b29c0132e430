package xlsx

import (
	"errors"
	"strings"
	"testing"
)

// A CSV's project start is its earliest task start; when the scheduler
// refuses it, the problem is in the cell that holds that date (CSV!D3),
// not on a Project sheet a CSV does not have.
func TestReadCSVStartProblemInItsCell(t *testing.T) {
	in := "ID,Name,Duration,Start\nA,x,1d,2027-01-04 08:00\nB,y,1d,1850-01-01\n"
	_, err := ReadCSV(strings.NewReader(in), nil)
	ie, ok := errors.AsType[*ImportError](err)
	if !ok {
		t.Fatalf("got %v, want an *ImportError", err)
	}
	for _, pr := range ie.Problems {
		if pr.Sheet != sheetCSV || pr.Cell != "D3" {
			t.Errorf("problem %s, want it at CSV!D3", pr)
		}
	}
}

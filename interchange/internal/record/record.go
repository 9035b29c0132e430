// Package record holds what the interchange packages keep beside a
// project, in one shape for every format: the dates and floats the tool
// that wrote a file saved (Saved), and what a reader passed over or a
// writer could not carry (Warning). The format packages and the
// interchange entry name them by aliases, so a value one gives is the
// value the others take.
package record

import (
	"fmt"
	"time"
)

// Saved is what the tool that wrote a file computed for one task: its
// start and finish (the actual ones for work done), its total float in
// working minutes (HasFloat false when the file has none, as for a
// completed P6 activity) and its late finish (zero when the file saved
// none).
type Saved struct {
	Start, Finish time.Time
	TotalFloat    int64
	HasFloat      bool
	LateFinish    time.Time
}

// Warning is something a reader passed over or a writer could not carry:
// the line of the file it is about (0 when it is not about one line, as
// for a writer's warnings or a workbook's cells), where in the file (an
// element, a table, a sheet and cell as "Tasks!D4"; "" for the whole
// file) and what.
type Warning struct {
	Line    int
	Where   string
	Message string
}

// String spells the warning as "line 12: TASK: …", "Tasks!D4: …" or the
// message alone.
func (w Warning) String() string {
	switch {
	case w.Line > 0 && w.Where != "":
		return fmt.Sprintf("line %d: %s: %s", w.Line, w.Where, w.Message)
	case w.Line > 0:
		return fmt.Sprintf("line %d: %s", w.Line, w.Message)
	case w.Where != "":
		return w.Where + ": " + w.Message
	}
	return w.Message
}

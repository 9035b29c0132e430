package xer_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/critpath/critpath/interchange/xer"
)

// doc is a small XER file: project 1 with activities A (task_id 10) and B
// (11), B after A; a line per string, each ended by "\n".
func doc(lines ...string) string {
	return strings.Join(lines, "\n") + "\n"
}

const (
	header   = "ERMHDR\t8.2"
	project  = "%T\tPROJECT\n%F\tproj_id\tproj_short_name\tplan_start_date\n%R\t1\tP\t2024-01-01 08:00" // lines 2–4
	taskHead = "%T\tTASK\n%F\ttask_id\tproj_id\ttask_code\ttask_name\ttarget_drtn_hr_cnt"               // lines 5–6
	taskA    = "%R\t10\t1\tA\tfirst\t8"
	taskB    = "%R\t11\t1\tB\tsecond\t16"
	predHead = "%T\tTASKPRED\n%F\ttask_pred_id\ttask_id\tpred_task_id\tpred_type"
	linkBA   = "%R\t100\t11\t10\tPR_FS"
	end      = "%E"
)

// damaged are files with one flaw each: what Read makes of them, an error
// or a warning, each naming a line. They seed FuzzRead too.
var damaged = []struct {
	name, doc string
	line      int    // the line the error or warning names
	err       string // the error, or "" when the file reads
	warning   string // a warning the file reads with
	tasks     int    // tasks read, when it reads
	links     int
}{
	{name: "whole", doc: doc(header, project, taskHead, taskA, taskB, predHead, linkBA, end), tasks: 2, links: 1},
	{name: "no %E, rows whole", doc: doc(header, project, taskHead, taskA, taskB, predHead, linkBA),
		line: 11, warning: "line 11: TASKPRED: the file ends without %E: it may be cut short after line 11", tasks: 2, links: 1},
	{name: "cut in a TASK row", doc: doc(header, project, taskHead, taskA) + "%R\t11\t1\tB\tsec",
		line: 8, err: "xer: line 8: table TASK: the file is cut short: it ends in the middle of this row, without %E"},
	{name: "cut in a TASKPRED row", doc: doc(header, project, taskHead, taskA, taskB, predHead) + "%R\t100\t11\t10\tPR_",
		line: 11, err: "line 11: table TASKPRED: the file is cut short: it ends in the middle"},
	{name: "cut in a table Read passes over", doc: doc(header, project, taskHead, taskA, taskB, predHead, linkBA, "%T\tUDFVALUE\n%F\tudf_type_id\tfk_id\tudf_text") + "%R\t7\t10\tsome te",
		line: 14, warning: "line 14: UDFVALUE: the file ends without %E in the middle of this row: it is cut short here", tasks: 2, links: 1},
	{name: "cut before the first TASK row", doc: doc(header, project, taskHead),
		line: 6, err: "line 6: the file is cut short: it ends at this line, without %E, before any activity"},
	{name: "cut in the TASK table's %F line", doc: doc(header, project, "%T\tTASK") + "%F\ttask_id\tpro",
		line: 6, err: "the file is cut short: it ends at this line, without %E, before any activity"},
	{name: "cut before any project", doc: doc(header, "%T\tPROJECT", "%F\tproj_id\tproj_short_name"),
		line: 3, err: "line 3: the file is cut short: it ends at this line, without %E, before any project"},
	{name: "cut in the PROJECT row", doc: doc(header, "%T\tPROJECT", "%F\tproj_id\tproj_short_name") + "%R\t1\tP",
		line: 4, err: "line 4: table PROJECT: the file is cut short"},
	{name: "cut in %E", doc: doc(header, project, taskHead, taskA, taskB, predHead, linkBA) + "%",
		line: 12, warning: "line 12: TASKPRED: the file ends without %E: it may be cut short after line 12", tasks: 2, links: 1},
	{name: "no TASK table, relationships", doc: doc(header, project, predHead, linkBA, end),
		line: 7, err: "line 7: table TASKPRED: its rows name activities, but the file has no TASK rows"},
	{name: "a short row", doc: doc(header, project, taskHead, "%R\t10\t1\tA\tfirst", taskB, end),
		line: 7, warning: "line 7: TASK: the row has 4 fields, fewer than the 5 of the %F line; the missing ones are read as empty", tasks: 2},
	{name: "a long row", doc: doc(header, project, taskHead, taskA+"\textra", taskB, end),
		line: 7, warning: "line 7: TASK: the row has 6 fields, more than the 5 of the %F line; the extra ones are passed over", tasks: 2},
	{name: "a row with one field", doc: doc(header, project, taskHead, taskA, "%R\t11", end),
		line: 8, warning: "line 8: TASK: activity task 11 names no project; left out", tasks: 1},
	{name: "an activity of another project", doc: doc(header, project, taskHead, taskA, "%R\t11\t2\tB\tsecond\t16", end),
		line: 8, warning: "line 8: TASK: activity B: its project 2 is not in the file; left out", tasks: 1},
	{name: "an unknown successor", doc: doc(header, project, taskHead, taskA, taskB, predHead, "%R\t100\t12\t10\tPR_FS", end),
		line: 11, warning: "line 11: TASKPRED: relationship 100: its successor, activity 12, is not in the file; left out", tasks: 2},
	{name: "an unknown predecessor", doc: doc(header, project, taskHead, taskA, taskB, predHead, "%R\t100\t11\t12\tPR_FS", end),
		line: 11, warning: "line 11: TASKPRED: activity B: predecessor 12 is outside the project; the link is left out", tasks: 2},
	{name: "an assignment of an unknown activity", doc: doc(header, project, taskHead, taskA, taskB, "%T\tTASKRSRC\n%F\ttaskrsrc_id\ttask_id\trsrc_id\n%R\t5\t12\t3", end),
		line: 11, warning: "line 11: TASKRSRC: assignment 5: its activity 12 is not in the file; left out", tasks: 2},
	{name: "a task_id used twice", doc: doc(header, project, taskHead, taskA, "%R\t10\t1\tB\tsecond\t16", "%R\t12\t1\tC\tthird\t8", predHead, "%R\t100\t12\t10\tPR_FS", end),
		line: 8, warning: "line 8: TASK: activity B: task_id 10 is A's too; relationships and assignments naming it go to A", tasks: 3, links: 1},
	{name: "a byte-order mark", doc: "\uFEFF" + doc(header, project, taskHead, taskA, taskB, predHead, linkBA, end), tasks: 2, links: 1},
	{name: "CR line breaks", doc: strings.ReplaceAll(doc(header, project, taskHead, taskA, taskB, predHead, linkBA, end), "\n", "\r"), tasks: 2, links: 1},
	{name: "CR line breaks, cut in a TASK row", doc: strings.ReplaceAll(doc(header, project, taskHead, taskA), "\n", "\r") + "%R\t11\t1",
		line: 8, err: "line 8: table TASK: the file is cut short"},
	{name: "CRLF line breaks, no %E", doc: strings.ReplaceAll(doc(header, project, taskHead, taskA, taskB), "\n", "\r\n"),
		line: 8, warning: "line 8: TASK: the file ends without %E: it may be cut short after line 8", tasks: 2},
}

func TestDamaged(t *testing.T) {
	for _, c := range damaged {
		t.Run(c.name, func(t *testing.T) {
			f, err := xer.Read(strings.NewReader(c.doc), nil)
			if c.err != "" {
				pe, ok := errors.AsType[*xer.ParseError](err)
				if !ok || pe.Line != c.line || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got error %v, want a ParseError at line %d saying %q", err, c.line, c.err)
				}
				if cut := strings.Contains(c.err, "cut short"); errors.Is(err, xer.ErrTruncated) != cut {
					t.Errorf("errors.Is(%v, ErrTruncated) is %v, want %v", err, !cut, cut)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, w := range f.Warnings {
				if c.warning == "" {
					t.Errorf("warning %v, want none", w)
				}
				found = found || (w.Line == c.line && strings.Contains(w.String(), c.warning))
			}
			if c.warning != "" && !found {
				t.Errorf("warnings %v, want one at line %d saying %q", f.Warnings, c.line, c.warning)
			}
			p := f.Projects[0].Project
			if len(p.Tasks) != c.tasks || len(p.Links) != c.links {
				t.Errorf("got %d tasks and %d links, want %d and %d", len(p.Tasks), len(p.Links), c.tasks, c.links)
			}
		})
	}
}

// The relationship to an activity whose task_id is used twice goes to the
// first activity with it, not the second.
func TestDuplicateTaskID(t *testing.T) {
	f, err := xer.Read(strings.NewReader(doc(header, project, taskHead, taskA, "%R\t10\t1\tB\tsecond\t16", "%R\t12\t1\tC\tthird\t8", predHead, "%R\t100\t12\t10\tPR_FS", end)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if l := f.Projects[0].Project.Links[0]; l.Pred != "A" || l.Succ != "C" {
		t.Errorf("got link %s→%s, want A→C", l.Pred, l.Succ)
	}
}

// Rows with a field count unlike the %F line's are listed up to ten per
// table, the rest counted in one more warning.
func TestFieldCountWarnings(t *testing.T) {
	lines := []string{header, project, taskHead}
	for i := range 25 {
		lines = append(lines, fmt.Sprintf("%%R\t%d\t1\tT%d", 10+i, i)) // lines 7–31
	}
	f, err := xer.Read(strings.NewReader(doc(append(lines, end)...)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings) != 11 {
		t.Fatalf("got %d warnings, want 11: %v", len(f.Warnings), f.Warnings)
	}
	if w := f.Warnings[10]; w.Line != 17 || !strings.Contains(w.Message, "15 more rows") {
		t.Errorf("last warning %v, want 15 more rows from line 17", w)
	}
	if n := len(f.Projects[0].Project.Tasks); n != 25 {
		t.Errorf("got %d tasks, want 25", n)
	}
}

// A real P6 export cut at any byte fails naming the line it ends on, or
// reads with a warning naming it; never is it read in silence. Cut before
// its first activity's row ends, it fails; cut at the end of a row after
// it, it reads with the warning.
func TestTruncated(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "xernative__sample.xer"))
	if err != nil {
		t.Fatal(err)
	}
	full, err := xer.Read(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	// firstTask is the offset past the first activity's row.
	firstTask, table := 0, ""
	for off := 0; firstTask == 0; {
		line := data[off : off+bytes.IndexByte(data[off:], '\n')+1]
		off += len(line)
		if kind, rest, _ := strings.Cut(strings.TrimSpace(string(line)), "\t"); kind == "%T" {
			table = rest
		} else if kind == "%R" && table == "TASK" {
			firstTask = off
		}
	}
	endMark := bytes.LastIndex(data, []byte("\n%E")) + 1
	checked, boundaries := 0, 0
	for n := 1; n < len(data); n++ {
		// Every offset near a line break, every seventh elsewhere.
		near := bytes.IndexByte(data[max(0, n-3):min(len(data), n+3)], '\n') >= 0
		if !near && n%7 != 0 {
			continue
		}
		checked++
		cut := data[:n]
		lines := bytes.Count(cut, []byte("\n"))
		if cut[n-1] != '\n' {
			lines++
		}
		f, err := xer.Read(bytes.NewReader(cut), nil)
		if n >= endMark+2 { // %E is whole
			if err != nil || len(f.Warnings) != len(full.Warnings) {
				t.Errorf("cut at %d, after %%E: error %v, %d warnings", n, err, len(f.Warnings))
			}
			continue
		}
		atBoundary := cut[n-1] == '\n'
		if err != nil {
			pe, ok := errors.AsType[*xer.ParseError](err)
			if !ok || pe.Line < 1 || pe.Line > lines {
				t.Errorf("cut at %d (line %d): error %v names no line of the file", n, lines, err)
			}
			if atBoundary && n >= firstTask {
				t.Errorf("cut at %d, at the end of line %d after the first activity: error %v, want a warning", n, lines, err)
			}
			continue
		}
		if n < firstTask {
			t.Errorf("cut at %d (line %d), before the first activity: read with %d tasks, want an error", n, lines, len(f.Projects[0].Project.Tasks))
			continue
		}
		var named bool
		for _, w := range f.Warnings {
			named = named || (w.Line == lines && strings.Contains(w.Message, "without %E"))
		}
		if !named {
			t.Errorf("cut at %d (line %d): read with %d tasks and no warning naming line %d: %v", n, lines, len(f.Projects[0].Project.Tasks), lines, f.Warnings)
		}
		if atBoundary {
			boundaries++
			if want := fmt.Sprintf("it may be cut short after line %d", lines); !strings.Contains(fmt.Sprint(f.Warnings), want) {
				t.Errorf("cut at %d, the end of line %d: warnings %v, want one saying %q", n, lines, f.Warnings, want)
			}
		}
	}
	if checked < 3000 || boundaries < 140 {
		t.Errorf("%d cuts checked, %d read at a row's end: too few", checked, boundaries)
	}
}

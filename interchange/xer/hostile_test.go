package xer_test

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/critpath/critpath/interchange/xer"
)

// hostile are files made to make a reader take much memory for little
// input, small enough for a test and large enough to show the fault:
// what Read makes of each, and what it may allocate in all per byte of
// the file (a bound on the memory it holds at any time).
var hostile = []struct {
	name    string
	doc     func() string
	err     string // the error, or "" when the file reads
	warning string // a warning the file reads with
	perByte float64
}{
	{name: "a table of 400,000 short rows", doc: func() string {
		var b strings.Builder
		b.WriteString(doc(header, project, taskHead, taskA))
		for i := range 400_000 {
			fmt.Fprintf(&b, "%%R\t%d\n", 100+i)
		}
		return b.String() + end + "\n"
	}, warning: "399900 more warnings about this table, from this line on, are not listed", perByte: 6},
	{name: "a row of a million fields", doc: func() string {
		return doc(header, project, taskHead, taskA+strings.Repeat("\tx", 1_000_000), taskB, end)
	}, warning: "the row has 1000005 fields, more than the 5 of the %F line", perByte: 2.5},
	{name: "a %F line of a million fields", doc: func() string {
		return doc(header, project, taskHead+strings.Repeat("\tx", 1_000_000), taskA, taskB, end)
	}, warning: "the row has 5 fields, fewer than the 1000005 of the %F line", perByte: 2.5},
	{name: "a name of 8 MB", doc: func() string {
		return doc(header, project, taskHead, "%R\t10\t1\tA\t"+strings.Repeat("n", 8<<20)+"\t8", taskB, end)
	}, perByte: 4.5},
	{name: "calendar data nested a million deep", doc: func() string {
		return doc(header, "%T\tCALENDAR\n%F\tclndr_id\tclndr_name\tclndr_data", "%R\t1\tDeep\t"+strings.Repeat("(0||a()(", 1_000_000), project, taskHead, taskA, end)
	}, warning: `calendar "Deep": calendar data nested deeper than 64`, perByte: 3.5},
	{name: "calendar data of 400,000 records", doc: func() string {
		return doc(header, "%T\tCALENDAR\n%F\tclndr_id\tclndr_name\tclndr_data", "%R\t1\tWide\t(0||CalendarData()((0||Exceptions()("+
			strings.Repeat("(0||0(d|45000)())", 400_000)+")))", project, taskHead, taskA, end)
	}, warning: `calendar "Wide": calendar data of more than 131072 records`, perByte: 6.5},
	{name: "a table over the rows Read takes", doc: func() string {
		var b strings.Builder
		b.WriteString(doc(header, project, "%T\tTASKPRED\n%F\ttask_id"))
		for range 1<<21 + 1 {
			b.WriteString("%R\t\n")
		}
		return b.String()
	}, err: "line 2097159: table TASKPRED: more than 2097152 rows, the most Read takes in a table", perByte: 7},
}

// Read holds bounded memory on hostile files, and refuses what is over
// its limits with an error naming the limit.
func TestHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile files are large")
	}
	for _, c := range hostile {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.doc())
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			f, err := xer.Read(bytes.NewReader(data), nil)
			runtime.ReadMemStats(&after)
			if c.err != "" {
				if _, ok := errors.AsType[*xer.ParseError](err); !ok || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got error %v, want a ParseError saying %q", err, c.err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if c.warning != "" && !strings.Contains(fmt.Sprint(f.Warnings), c.warning) {
					t.Errorf("warnings %.500v, want one saying %q", f.Warnings, c.warning)
				}
				if len(f.Warnings) > 500 {
					t.Errorf("%d warnings, want them counted past a hundred a table", len(f.Warnings))
				}
			}
			if got := float64(after.TotalAlloc-before.TotalAlloc) / float64(len(data)); got > c.perByte && !raceEnabled {
				t.Errorf("Read allocated %.1f bytes per byte of the file's %d, want at most %.1f", got, len(data), c.perByte)
			}
		})
	}
}

package interchange_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/interchange/pmxml"
	"github.com/critpath/critpath/interchange/psplib"
	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
)

// cut is a reader that gives text, then fails.
func cut(text string) io.Reader {
	return io.MultiReader(strings.NewReader(text), iotest.ErrReader(iotest.ErrTimeout))
}

func isTimeout(err error) bool { return errors.Is(err, iotest.ErrTimeout) }
func isWrite(err error) bool   { return errors.Is(err, errWrite) }

// TestErrorMessages walks the error paths of ParseFormat, FormatOf, Read,
// Write and File.Pick: each message starts with "interchange: " and, for
// a file, its name; a format reader's or writer's error is wrapped, so
// errors.AsType finds its type.
func TestErrorMessages(t *testing.T) {
	read := func(name, text string, opts *interchange.ReadOptions) func() error {
		return func() error { _, err := interchange.Read(name, strings.NewReader(text), opts); return err }
	}
	start := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	good := &schedule.Project{Start: start, Tasks: []schedule.Task{{ID: "A", Duration: schedule.Days(1)}}}
	loop := &schedule.Project{Start: start, Tasks: []schedule.Task{{ID: "A", Duration: schedule.Days(1)}, {ID: "B", Duration: schedule.Days(1)}},
		Links: []schedule.Link{{Pred: "A", Succ: "B"}, {Pred: "B", Succ: "A"}}}
	write := func(name string, p *schedule.Project, opts *interchange.WriteOptions) func() error {
		return func() error { _, err := interchange.Write(name, new(bytes.Buffer), p, opts); return err }
	}
	two := &interchange.File{Projects: []interchange.Project{{ID: "P1", Project: good}, {ID: "P2", Project: good}}}
	cases := []struct {
		name   string
		call   func() error
		prefix string
		is     func(error) bool // the error wrapped, when not nil
	}{
		{"ParseFormat", func() error { _, err := interchange.ParseFormat("mpp"); return err }, "interchange: ", nil},
		{"FormatOf", func() error { _, err := interchange.FormatOf("plan.mpp"); return err }, "interchange: plan.mpp: ", nil},
		{"Read unknown type", read("plan.mpp", "x", nil), "interchange: plan.mpp: ", nil},
		{"Read root element", read("upload", "<html/>", nil), "interchange: upload: ", nil},
		{"Read no extension", read("upload", "x", nil), "interchange: upload: ", nil},
		{"Read SVG", read("plan.svg", "<svg/>", nil), "interchange: plan.svg: ", nil},
		{"Read unknown format", read("plan", "x", &interchange.ReadOptions{Format: "mpp"}), "interchange: plan: ", nil},
		{"Read reader fails", func() error {
			_, err := interchange.Read("plan.xml", iotest.ErrReader(iotest.ErrTimeout), nil)
			return err
		}, "interchange: plan.xml: ", func(err error) bool { return errors.Is(err, iotest.ErrTimeout) }},
		{"Read JSON", read("plan.json", `{"tasks": 1}`, nil), "interchange: plan.json: schedule: ", nil},
		{"Read PSPLIB", read("j301_1.sm", "jobs : x", nil), "interchange: j301_1.sm: psplib: ", isType[*psplib.ParseError]},
		{"Read MSPDI", read("plan.xml", "<Project><Tasks>", nil), "interchange: plan.xml: mspdi: ", isType[*mspdi.ParseError]},
		{"Read XER", read("plan.xer", "ERMHDR\t8.0\n%T\tTASK\n%F\ttask_id\n%R\t1\n", nil), "interchange: plan.xer: xer: ", isType[*xer.ParseError]},
		{"Read CSV", read("plan.csv", "ID,Name,Duration\nA,Dig,soon\n", nil), "interchange: plan.csv: xlsx: ", isType[*xlsx.ImportError]},
		{"Write unknown type", write("plan.mpp", good, nil), "interchange: plan.mpp: ", nil},
		{"Write PSPLIB", write("plan.sm", good, &interchange.WriteOptions{Format: interchange.PSPLIB}), "interchange: plan.sm: ", nil},
		{"Write unknown format", write("plan", good, &interchange.WriteOptions{Format: "mpp"}), "interchange: plan: ", nil},
		{"Write SVG of a loop", write("plan.svg", loop, nil), "interchange: plan.svg: schedule: ", isType[*schedule.CycleError]},
		{"Write writer fails", func() error {
			_, err := interchange.Write("plan.json", errWriter{}, good, nil)
			return err
		}, "interchange: plan.json: ", func(err error) bool { return errors.Is(err, errWrite) }},
		{"mspdi.Read, reader fails", func() error {
			_, err := mspdi.Read(cut(`<Project xmlns="http://schemas.microsoft.com/project"><Name>x`), nil)
			return err
		}, "mspdi: ", isTimeout},
		{"pmxml.Read, reader fails", func() error { _, err := pmxml.Read(cut(`<APIBusinessObjects><Project><Name>x`), nil); return err }, "pmxml: ", isTimeout},
		{"pmxml.Read, reader fails at once", func() error { _, err := pmxml.Read(cut(""), nil); return err }, "pmxml: ", isTimeout},
		{"xer.Read, reader fails", func() error { _, err := xer.Read(cut("ERMHDR\t8.0\n%T\tPROJECT\n"), nil); return err }, "xer: ", isTimeout},
		{"mspdi.Write, writer fails", func() error { _, err := mspdi.Write(errWriter{}, good, nil); return err }, "mspdi: ", isWrite},
		{"pmxml.Write, writer fails", func() error { _, err := pmxml.Write(errWriter{}, good, nil); return err }, "pmxml: ", isWrite},
		{"xer.Write, writer fails", func() error { _, err := xer.Write(errWriter{}, good, nil); return err }, "xer: ", isWrite},
		{"Pick none", func() error { _, err := two.Pick("P3"); return err }, "interchange: ", isType[*interchange.ChoiceError]},
		{"Pick open", func() error { _, err := two.Pick(""); return err }, "interchange: ", isType[*interchange.ChoiceError]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if err == nil {
				t.Fatal("got no error")
			}
			if !strings.HasPrefix(err.Error(), c.prefix) {
				t.Errorf("got %q, want it to start with %q", err, c.prefix)
			}
			if c.is != nil && !c.is(err) {
				t.Errorf("got %v (%T), not the error wanted", err, err)
			}
		})
	}
}

func isType[E error](err error) bool { _, ok := errors.AsType[E](err); return ok }

var errWrite = errors.New("disk full")

// errWriter fails every write.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errWrite }

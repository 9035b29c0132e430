package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A project converted to Microsoft Project XML and back schedules the
// same; the XML schedules directly too.
func TestConvert(t *testing.T) {
	dir := t.TempDir()
	in := write(t, "slab.json", smallProject)
	xmlPath, back := filepath.Join(dir, "slab.xml"), filepath.Join(dir, "back.json")
	book := filepath.Join(dir, "slab.xlsx")
	if code, out, errOut := runCLI("convert", in, xmlPath); code != 0 || !strings.Contains(out, "wrote "+xmlPath+": 5 tasks, 5 links") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	if code, _, errOut := runCLI("convert", xmlPath, back); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI("convert", in, book); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if fi, err := os.Stat(book); err != nil || fi.Mode().Perm()&0o044 == 0 {
		t.Errorf("%s: mode %v, %v: others cannot read it", book, fi.Mode(), err)
	}
	_, want, _ := runCLI("schedule", in)
	for _, path := range []string{xmlPath, back, book} {
		code, got, errOut := runCLI("schedule", path)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", path, code, errOut)
		}
		// Names, durations, dates and floats match.
		if rows(got) != rows(want) {
			t.Errorf("%s schedules as\n%s\nwant\n%s", filepath.Base(path), got, want)
		}
	}
}

// rows is a schedule table without its title line and its ID column
// (MSPDI numbers tasks: F, R, C… come back as 1, 2, 3…).
func rows(table string) string {
	var out []string
	for _, line := range strings.Split(table, "\n")[1:] {
		if f := strings.Fields(line); len(f) > 1 {
			out = append(out, strings.Join(f[1:], " "))
		}
	}
	return strings.Join(out, "\n")
}

func TestConvertErrors(t *testing.T) {
	dir := t.TempDir()
	in := write(t, "slab.json", smallProject)
	notXML := write(t, "page.xml", "<html><body/></html>")
	badCSV := write(t, "bad.csv", "ID,Name,Duration,Predecessors\nA,Dig,3x,\nB,Pour,1d,Z\n")
	for _, c := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"convert", in}, "want IN and OUT", 2},
		{[]string{"convert", in, filepath.Join(dir, "out.mpp")}, `unknown file type ".mpp"`, 1},
		{[]string{"convert", notXML, filepath.Join(dir, "out.json")}, `root element "html"`, 1},
		{[]string{"convert", "--map", "Unique ID=nope", in, filepath.Join(dir, "out.json")}, `field "nope" is not one of wbs, id`, 2},
		{[]string{"convert", badCSV, filepath.Join(dir, "out.json")}, "2 problem(s), nothing imported:\n  CSV!C2: duration \"3x\" is not a duration\n  CSV!D3: predecessors \"Z\"", 1},
	} {
		code, _, errOut := runCLI(c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.mpp")); err == nil {
		t.Error("a failed conversion left a file behind")
	}
}

// verify reschedules a file Microsoft Project saved and finds every task
// on the dates and float it saved; a change to a task shows as a mismatch.
func TestVerify(t *testing.T) {
	sample := filepath.Join("..", "..", "interchange", "mspdi", "testdata", "mpxj__sample.xml")
	code, out, errOut := runCLI("verify", sample)
	if code != 0 || !strings.HasSuffix(out, "matched 19 of 19 tasks\n") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	// Lengthen "Related Task 1a" (UID 9) from one day to two.
	changed := string(data)
	i := strings.Index(changed, "<Name>Related Task 1a</Name>")
	j := i + strings.Index(changed[i:], "<Duration>PT8H0M0S</Duration>")
	changed = changed[:j] + "<Duration>PT16H0M0S</Duration>" + changed[j+len("<Duration>PT8H0M0S</Duration>"):]
	path := write(t, "changed.xml", changed)
	code, out, _ = runCLI("verify", path)
	if code != 0 || !strings.Contains(out, "task 9 (Related Task 1a): finish") || !strings.Contains(out, "task 10 (Related Task 1b): start") || !strings.HasSuffix(out, "matched 17 of 19 tasks\n") {
		t.Errorf("after lengthening a task: exit %d\n%s", code, out)
	}
}

// An XER file schedules, converts, and verifies against P6's dates.
func TestXER(t *testing.T) {
	sample := filepath.Join("..", "..", "interchange", "xer", "testdata", "xernative__sample.xer")
	code, out, errOut := runCLI("verify", sample)
	if code != 0 || !strings.HasSuffix(out, "matched 25 of 25 tasks\n") {
		t.Fatalf("verify: exit %d: %s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI("schedule", sample); code != 0 || !strings.Contains(out, "TAKT") {
		t.Errorf("schedule: exit %d: %s%s", code, out, errOut)
	}
	xmlPath := filepath.Join(t.TempDir(), "takt.xml")
	if code, out, errOut := runCLI("convert", sample, xmlPath); code != 0 || !strings.Contains(out, "30 tasks, 40 links") {
		t.Errorf("convert: exit %d: %s%s", code, out, errOut)
	}
	// Written back as XER, it verifies against the dates critpath wrote.
	xerPath := filepath.Join(t.TempDir(), "takt.xer")
	if code, out, errOut := runCLI("convert", sample, xerPath); code != 0 || !strings.Contains(out, "30 tasks, 40 links") || strings.Contains(out, "warnings writing") {
		t.Errorf("convert to XER: exit %d: %s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI("verify", xerPath); code != 0 || !strings.HasSuffix(out, "matched 25 of 25 tasks\n") {
		t.Errorf("verify the XER written: exit %d: %s%s", code, out, errOut)
	}
	// And as PMXML.
	pmxmlPath := filepath.Join(t.TempDir(), "takt.xml")
	if code, out, errOut := runCLI("convert", "--xml", "pmxml", sample, pmxmlPath); code != 0 || strings.Contains(out, "warnings writing") {
		t.Errorf("convert to PMXML: exit %d: %s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI("verify", pmxmlPath); code != 0 || !strings.HasSuffix(out, "matched 25 of 25 tasks\n") {
		t.Errorf("verify the PMXML written: exit %d: %s%s", code, out, errOut)
	}
	if code, _, errOut := runCLI("convert", "--xml", "p7", sample, pmxmlPath); code != 2 || !strings.Contains(errOut, "want mspdi or pmxml") {
		t.Errorf("--xml p7: exit %d: %s", code, errOut)
	}
	// And drawn.
	svgPath := filepath.Join(t.TempDir(), "takt.svg")
	if code, _, errOut := runCLI("convert", sample, svgPath); code != 0 {
		t.Errorf("convert to SVG: exit %d: %s", code, errOut)
	} else if data, err := os.ReadFile(svgPath); err != nil || !bytes.HasPrefix(data, []byte("<svg ")) || !bytes.Contains(data, []byte("TAKT")) {
		t.Errorf("the SVG written: %v %.80q", err, data)
	}
}

// A PMXML document schedules and verifies against P6's dates.
func TestPMXML(t *testing.T) {
	sample := filepath.Join("..", "..", "interchange", "pmxml", "testdata", "mpxj__PredecessorCalendar.xml")
	if code, out, errOut := runCLI("verify", sample); code != 0 || !strings.HasSuffix(out, "matched 1 of 1 tasks\n") {
		t.Fatalf("verify: exit %d: %s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI("convert", sample, filepath.Join(t.TempDir(), "p.json")); code != 0 || !strings.Contains(out, "2 tasks") {
		t.Errorf("convert: exit %d: %s%s", code, out, errOut)
	}
}

// convert never writes over the file it reads, by any name; an existing
// OUT keeps its mode, and a symbolic link OUT keeps naming its file.
func TestConvertFileHandling(t *testing.T) {
	dir := t.TempDir()
	in := write(t, "slab.json", smallProject)
	link := filepath.Join(dir, "link.json")
	hard := filepath.Join(dir, "hard.json")
	if err := os.Symlink(in, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := os.Link(in, hard); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(in)
	for _, out := range []string{in, link, hard} {
		if code, _, errOut := runCLI("convert", in, out); code != 2 || !strings.Contains(errOut, "is IN") {
			t.Errorf("convert IN %s: exit %d, %s", out, code, errOut)
		}
	}
	if after, _ := os.ReadFile(in); !bytes.Equal(before, after) {
		t.Error("IN was changed")
	}
	// A private OUT stays private.
	out := filepath.Join(dir, "private.xml")
	if err := os.WriteFile(out, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI("convert", in, out); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, %v; want 0600 kept", out, fi.Mode(), err)
	}
	// A link OUT: the file it names is replaced, the link stays.
	real := filepath.Join(dir, "real.xml")
	if err := os.WriteFile(real, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	outLink := filepath.Join(dir, "out-link.xml")
	if err := os.Symlink(real, outLink); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI("convert", in, outLink); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if fi, err := os.Lstat(outLink); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a link: %v, %v", outLink, fi.Mode(), err)
	}
	if b, err := os.ReadFile(real); err != nil || !bytes.Contains(b, []byte("<Project")) {
		t.Errorf("%s was not written through the link: %.40q, %v", real, b, err)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o640 {
		t.Errorf("%s: mode %v, want 0640 kept", real, fi.Mode())
	}
	// A link to nothing is refused, and nothing is left behind.
	dangling := filepath.Join(dir, "dangling.xml")
	os.Symlink(filepath.Join(dir, "nowhere", "x.xml"), dangling)
	if code, _, errOut := runCLI("convert", in, dangling); code != 1 || !strings.Contains(errOut, "symbolic link") {
		t.Errorf("dangling link: exit %d, %s", code, errOut)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".critpath-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var matchedLine = regexp.MustCompile(`matched (\d+) of (\d+) tasks(?: \((\d+) left out\))?\n$`)

// Every file of the corpus verifies; across them critpath finds the dates
// and floats the tools saved for at least minMatched of the tasks compared,
// and the tasks left out are the ones the tools left inconsistent, each
// with its reason.
func TestVerifyCorpus(t *testing.T) {
	const minMatched = 0.98 // the share measured when this was written; it may only rise
	root := os.Getenv("CRITPATH_CORPUS")
	if root == "" {
		t.Skip("CRITPATH_CORPUS is not set")
	}
	var files []string
	for _, pattern := range []string{"mspdi/*.xml", "xer/*.xer", "pmxml/*.xml"} {
		m, _ := filepath.Glob(filepath.Join(root, "interchange", pattern))
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("%d corpus files", len(files))
	}
	var matched, compared, leftOut int
	outputs := map[string]string{}
	for _, f := range files {
		code, out, errOut := runCLI("verify", f)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", filepath.Base(f), code, errOut)
			continue
		}
		m := matchedLine.FindStringSubmatch(out)
		if m == nil {
			t.Errorf("%s: no summary line in %q", filepath.Base(f), out)
			continue
		}
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		c, _ := strconv.Atoi(m[3])
		matched, compared, leftOut = matched+a, compared+b, leftOut+c
		outputs[filepath.Base(f)] = out
	}
	t.Logf("matched %d of %d tasks (%.1f %%), %d left out", matched, compared, 100*float64(matched)/float64(compared), leftOut)
	if float64(matched) < minMatched*float64(compared) {
		t.Errorf("matched %d of %d tasks: under %.1f %%", matched, compared, 100*minMatched)
	}
	for file, want := range map[string]string{
		"aspose-net__PrimaveraProject.xml": "its saved dates ignore its calendars' holidays (1 tasks, such as PD1000, work through them); rescheduled without the holidays, 13 of 13 tasks match",
		"aspose-net__not_updated.xml":      "its saved dates break 4 of its 8 links (task 2 starts Thu 2000-01-27 08:00, before its predecessor 1 allows (FS))",
	} {
		if !strings.Contains(outputs[file], want) {
			t.Errorf("%s: want %q in\n%s", file, want, outputs[file])
		}
	}
}

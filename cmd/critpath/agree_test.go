package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/critpath/critpath/interchange/verify"
	"github.com/critpath/critpath/schedule"
)

// convert, schedule and verify give, for every project of every corpus
// file, the projects, warnings and counts the library entry gives: the
// reader's warnings on standard error, one table row per task, the
// counts convert reports, and verify's figures.
func TestCommandsAgreeWithLibrary(t *testing.T) {
	files := corpusFiles(t, "mspdi/*.xml", "xer/*.xer", "pmxml/*.xml", "xlsx/*.xlsx")
	if len(files) < 50 {
		t.Fatalf("%d corpus files", len(files))
	}
	dir := t.TempDir()
	projects := 0
	for _, path := range files {
		name := filepath.Base(path)
		f := readCorpusFile(t, path)
		var warned strings.Builder
		printWarnings(&warned, "reading "+path, f.Warnings)
		for _, pr := range f.Projects {
			projects++
			args := func(cmd string, more ...string) []string {
				a := append([]string{cmd, path}, more...)
				if len(f.Projects) > 1 {
					a = append(a, "--project", pr.ID)
				}
				return a
			}
			p := pr.Project
			// convert: the same counts, the reader's warnings.
			out := filepath.Join(dir, "out.json")
			code, stdout, stderr := runCLI(args("convert", out)...)
			want := fmt.Sprintf("wrote %s: %d tasks, %d links, %d calendars, %d resources, %d assignments\n", out, len(p.Tasks), len(p.Links), len(p.Calendars), len(p.Resources), len(p.Assignments))
			if code != 0 || stdout != want || !strings.HasPrefix(stderr, warned.String()) {
				t.Errorf("%s %s: convert: exit %d\n%s%s\nwant\n%s%s", name, pr.ID, code, stdout, stderr, want, warned.String())
			}
			// schedule: a row per task when it schedules, the scheduler's
			// error when not; the reader's warnings either way.
			r, runErr := schedule.Run(p)
			code, stdout, stderr = runCLI(args("schedule")...)
			switch {
			case !strings.HasPrefix(stderr, warned.String()):
				t.Errorf("%s %s: schedule's warnings\n%s\nwant\n%s", name, pr.ID, stderr, warned.String())
			case runErr != nil && (code != 1 || !strings.Contains(stderr, runErr.Error()) && !errors.Is(runErr, schedule.ErrNoStatusDate)):
				t.Errorf("%s %s: schedule: exit %d, %s; want the error %v", name, pr.ID, code, stderr, runErr)
			case runErr == nil && (code != 0 || strings.Count(stdout, "\n") < len(p.Tasks)+4):
				t.Errorf("%s %s: schedule: exit %d, %d lines for %d tasks: %s", name, pr.ID, code, strings.Count(stdout, "\n"), len(p.Tasks), stderr)
			case runErr == nil:
				for _, tr := range r.Tasks() {
					if !strings.Contains(stdout, "\n"+tr.ID+" ") {
						t.Errorf("%s %s: schedule: no row for task %s", name, pr.ID, tr.ID)
						break
					}
				}
			}
			// verify: the library's figures.
			code, stdout, stderr = runCLI(args("verify")...)
			v, err := verify.Check(&pr)
			switch {
			case !strings.HasPrefix(stderr, warned.String()):
				t.Errorf("%s %s: verify's warnings\n%s\nwant\n%s", name, pr.ID, stderr, warned.String())
			case err != nil && code != 1:
				t.Errorf("%s %s: verify: exit %d, want 1 for %v", name, pr.ID, code, err)
			case err == nil:
				want := fmt.Sprintf("matched %d of %d tasks", v.Matched, v.Compared)
				if v.LeftOut > 0 {
					want += fmt.Sprintf(" (%d left out)", v.LeftOut)
				}
				if code != 0 || !strings.HasSuffix(stdout, want+"\n") || strings.Count(stdout, "\n") != 1+len(v.Mismatches)+len(v.Excluded) {
					t.Errorf("%s %s: verify: exit %d\n%s\nwant %d mismatches, %d exclusions and %q", name, pr.ID, code, stdout, len(v.Mismatches), len(v.Excluded), want)
				}
			}
		}
	}
	if projects < 60 {
		t.Errorf("%d projects in the corpus", projects)
	}
}

// A file holding several projects is read the same way by every command:
// without --project each refuses, naming the projects; with it each takes
// that project, whose tasks it counts once.
func TestSeveralProjects(t *testing.T) {
	files := corpusFiles(t, "xer/aspose-net__MultiprojectWithExternal.xer")
	if len(files) != 1 {
		t.Skip("the corpus lacks aspose-net__MultiprojectWithExternal.xer")
	}
	path := files[0]
	dir := t.TempDir()
	for _, args := range [][]string{
		{"schedule", path}, {"verify", path}, {"explain", path, "A1000"}, {"convert", path, filepath.Join(dir, "x.json")},
		{"level", path}, {"crash", path, "--curve"}, {"risk", path, "--uncertainty", "pert:-10%,+30%"},
	} {
		code, _, stderr := runCLI(args...)
		if code != 2 || !strings.Contains(stderr, "holds 2 projects; choose one with --project ID: TestProject (1 tasks), TestProject2 (2 tasks)") {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
		code, _, stderr = runCLI(append(args, "--project", "TestProject2", "--quiet")...)
		if args[0] == "explain" {
			continue // A1000 is TestProject's
		}
		if code != 0 || stderr != "" {
			t.Errorf("%v --project TestProject2: exit %d: %s", args, code, stderr)
		}
	}
	if code, stdout, _ := runCLI("verify", path, "--project", "TestProject2", "--quiet"); code != 0 || !strings.HasSuffix(stdout, "matched 2 of 2 tasks\n") {
		t.Errorf("verify TestProject2: exit %d: %s", code, stdout)
	}
	if code, _, stderr := runCLI("schedule", path, "--project", "Nothing"); code != 2 || !strings.Contains(stderr, `--project "Nothing" names 0 of the projects`) {
		t.Errorf("--project Nothing: exit %d: %s", code, stderr)
	}
	code, stdout, _ := runCLI("projects", path, "--quiet")
	if want := "xer, 2 project(s)\n  TestProject: 1 tasks, 0 links, start Mon 2023-03-06 00:00\n  TestProject2: 2 tasks, 0 links, start Tue 2024-05-28 00:00\n"; code != 0 || !strings.HasSuffix(stdout, want) {
		t.Errorf("projects: exit %d:\n%s\nwant\n%s", code, stdout, want)
	}
}

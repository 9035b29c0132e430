package xer_test

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/schedule"
)

// Every project of every corpus file, exported and imported again, is the
// same model: tasks and WBS, links and lags, constraints, calendars and
// exceptions, resources with their limits and rates, assignments.
func TestCorpusRoundTrip(t *testing.T) {
	for _, path := range testutil.Corpus(t, "xer", "*.xer") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f := readFile(t, path, nil)
			for _, pr := range f.Projects {
				var b bytes.Buffer
				warnings, err := xer.Write(&b, pr.Project, nil)
				if err != nil {
					t.Fatalf("%s: %v", pr.Project.Name, err)
				}
				for _, w := range warnings {
					t.Logf("%s: %v", pr.Project.Name, w)
				}
				back, err := xer.Read(bytes.NewReader(b.Bytes()), nil)
				if err != nil {
					t.Fatalf("%s: reading the export: %v", pr.Project.Name, err)
				}
				if len(back.Projects) != 1 {
					t.Fatalf("%s: %d projects read back", pr.Project.Name, len(back.Projects))
				}
				want, got := testutil.Model(t, pr.Project), testutil.Model(t, back.Projects[0].Project)
				if want != got {
					t.Errorf("%s: the round trip changed the model:\n%s", pr.Project.Name, testutil.FirstDiff(want, got))
				}
			}
		})
	}
}

// The Dhaka Tower example, written as XER, reports each thing P6 cannot
// hold and reads back with the same tasks, calendars and resources.
func TestWriteDhakaTower(t *testing.T) {
	p := testutil.Example(t, "dhaka-tower.json")
	var out bytes.Buffer
	warnings, err := xer.Write(&out, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantWarnings(t, warnings, "yearly exceptions", "cost resources are written as nonlabor resources, read back as work resources: P6 has no cost resources (3 resources, such as rajuk)",
		"elapsed durations are written as as many working hours: P6 has no elapsed time (activity BSM9: 7ed → 168h)",
		"links to and from summary tasks are left out: a WBS node has no relationships (link M-APPR→PIL FS)", "elapsed lags",
		"percent lags are written as that share of the predecessor's duration, in hours: P6 has no percent lags (2 links, such as PIL3→PIL4 SS: 50% → 180h)",
		"constraint rule is not P6's")
	if !bytes.HasSuffix(out.Bytes(), []byte("\r\n%E\r\n")) {
		t.Errorf("the export does not end in %%E")
	}
	back, err := xer.Read(bytes.NewReader(out.Bytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range back.Warnings {
		t.Errorf("reading our own export warns: %v", w)
	}
	q := back.Projects[0].Project
	if len(q.Tasks) != len(p.Tasks) || len(q.Calendars) < len(p.Calendars) || len(q.Resources) == 0 || len(q.Assignments) != len(p.Assignments) {
		t.Errorf("read back %d tasks, %d calendars, %d resources, %d assignments; want %d, %d, some, %d",
			len(q.Tasks), len(q.Calendars), len(q.Resources), len(q.Assignments), len(p.Tasks), len(p.Calendars), len(p.Assignments))
	}
}

// Names P6's Western code page holds are written in it; Bangla makes the
// file UTF-8, and asking for a code page without it is an error that
// writes nothing. Each reads back as it was.
func TestWriteCharset(t *testing.T) {
	for _, c := range []struct {
		name    string
		opts    *xer.WriteOptions
		utf8    bool
		wantErr string
	}{
		{"Béton coulé – étage 3", nil, false, ""},
		{"Maßänderung Größe", nil, true, ""}, // as Windows-1252 it would read as Cyrillic
		{"Ã©tude", nil, true, ""},            // as Windows-1252 it would be valid UTF-8
		{"ছাদ ঢালাই (৩য় তলা)", nil, true, ""},
		{"ছাদ ঢালাই", &xer.WriteOptions{Charset: xer.Windows1252}, false, "has no code"},
		{"Бетон", &xer.WriteOptions{Charset: xer.Windows1251}, false, ""},
	} {
		p := &schedule.Project{Name: "p", Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC),
			Tasks: []schedule.Task{{ID: "A", Name: c.name, Duration: schedule.Hours(8)}}}
		var out bytes.Buffer
		_, err := xer.Write(&out, p, c.opts)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || out.Len() != 0 {
				t.Errorf("%q: error %v, %d bytes; want %q and nothing written", c.name, err, out.Len(), c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", c.name, err)
		}
		if utf8.Valid(out.Bytes()) != c.utf8 {
			t.Errorf("%q: UTF-8 %v, want %v", c.name, !c.utf8, c.utf8)
		}
		var ropts *xer.ReadOptions
		if c.opts != nil {
			ropts = &xer.ReadOptions{Charset: c.opts.Charset}
		}
		back, err := xer.Read(bytes.NewReader(out.Bytes()), ropts)
		if err != nil {
			t.Fatal(err)
		}
		if got := back.Projects[0].Project.Tasks[0].Name; got != c.name {
			t.Errorf("read back %q, want %q", got, c.name)
		}
	}
}

// A calendar or resource name longer than P6 holds, and hours per day
// past a day's, are cut with a warning in XER as in PMXML (the limits are
// the shared layout's).
func TestWriteCutsToP6Limits(t *testing.T) {
	long := strings.Repeat("n", 300)
	c := schedule.StandardCalendar()
	c.Name = long
	p := &schedule.Project{Name: "limits", Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC), Calendar: long,
		Settings:  schedule.Settings{MinutesPerDay: 30 * 60},
		Calendars: []schedule.Calendar{c},
		Tasks:     []schedule.Task{{ID: "A", Duration: schedule.Days(1)}},
		Resources: []schedule.Resource{{ID: "R", Name: long}}}
	var out bytes.Buffer
	warnings, err := xer.Write(&out, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantWarnings(t, warnings, "calendar names are cut to P6's 255", "resource names are cut to P6's 255", "hours per period 30 are kept within P6's 1 to 24")
	if strings.Contains(out.String(), long) {
		t.Error("a 300-character name is written whole")
	}
}

// wantWarnings fails t for each text no warning says.
func wantWarnings(t *testing.T, warnings []xer.Warning, wants ...string) {
	t.Helper()
	var text []string
	for _, w := range warnings {
		text = append(text, w.String())
	}
	for _, want := range wants {
		if !slices.ContainsFunc(text, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("no warning says %q; warnings:\n%s", want, strings.Join(text, "\n"))
		}
	}
}

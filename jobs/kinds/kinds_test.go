package kinds

import (
	"errors"
	"strings"
	"testing"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/store/storetest"
)

// TestBadInput runs every kind with a payload that does not decode, and
// every kind that reads a project with a project the store does not
// know, or none: each fails permanently, saying what is wrong.
func TestBadInput(t *testing.T) {
	f := newFixture(t, func(d *Deps) {
		d.Forecaster = ForecasterFunc(nil)
		d.Notifier = NotifierFunc(nil)
		d.Blobs = NewDir(t.TempDir())
		d.Files, d.Synced = FS(nil), NewMemorySyncState()
	}, "p", storetest.Sample())
	kinds := []string{KindProgress, KindCriticalPath, KindLeveling, KindRisk, KindWeather, KindNotify, KindReport, KindSync}
	for _, kind := range kinds {
		t.Run(kind+"/payload", func(t *testing.T) {
			err := f.runRaw(t, kind, `{"project": 12`)
			if !jobs.IsPermanent(err) || !strings.Contains(err.Error(), "payload") {
				t.Errorf("got %v, want a permanent failure naming the payload", err)
			}
		})
	}
	for _, kind := range kinds {
		if kind == KindNotify {
			continue
		}
		for _, project := range []string{"nowhere", ""} {
			t.Run(kind+"/project="+project, func(t *testing.T) {
				payload := `{"project": "` + project + `", "file": "plan.json", "format": "pdf", "latitude": 23.8, "longitude": 90.4}`
				err := f.runRaw(t, kind, payload)
				if !jobs.IsPermanent(err) {
					t.Fatalf("got %v, want a permanent failure", err)
				}
				if !strings.Contains(err.Error(), "kinds: ") || project != "" && !strings.Contains(err.Error(), project) {
					t.Errorf("got %q, want it to name the kind and the project", err)
				}
			})
		}
	}
	t.Run("unknown kind", func(t *testing.T) {
		if err := f.runRaw(t, "unheard_of", `{}`); !errors.Is(err, jobs.ErrUnknownKind) || !jobs.IsPermanent(err) {
			t.Errorf("got %v, want a permanent ErrUnknownKind", err)
		}
	})
}

// TestRegisterLeavesOut registers with only the store: the kinds that
// need what is missing are left out and their jobs fail as unknown.
func TestRegisterLeavesOut(t *testing.T) {
	f := newFixture(t, func(d *Deps) { d.Proposals = nil }, "p", storetest.Sample())
	for _, kind := range []string{KindLeveling, KindWeather, KindNotify, KindReport, KindSync} {
		if err := f.runRaw(t, kind, `{"project": "p"}`); !errors.Is(err, jobs.ErrUnknownKind) {
			t.Errorf("%s: got %v, want ErrUnknownKind", kind, err)
		}
	}
	if err := f.run(t, CriticalPathArgs{Project: "p"}, nil); err != nil {
		t.Errorf("critical path: %v", err)
	}
	if err := Register(jobs.NewMux(), Deps{}); err == nil {
		t.Error("Register without Projects: no error")
	}
}

// TestNewJobOptions checks the options each kind's jobs carry.
func TestNewJobOptions(t *testing.T) {
	for _, c := range []struct {
		args                      Args
		coalesce, unique, project string
	}{
		{ProgressArgs{Project: "p"}, "progress:p", "", "p"},
		{CriticalPathArgs{Project: "p"}, "critical_path:p", "", "p"},
		{LevelingArgs{Project: "p"}, "leveling:p", "", "p"},
		{RiskArgs{Project: "p"}, "", "", "p"},
		{WeatherArgs{Project: "p"}, "weather:p", "", "p"},
		{NotifyArgs{Notification{ID: "n1"}}, "", "notify:n1", ""},
		{NotifyArgs{Notification{ID: "n1", Project: "p"}}, "", "notify:n1", "p"},
		{ReportArgs{Project: "p", Revision: 3, Format: "pdf"}, "report:p:3:pdf:", "", "p"},
		{SyncArgs{Project: "p", File: "plan.xml"}, "sync:p:plan.xml", "", "p"},
	} {
		j, err := NewJob("q", c.args)
		if err != nil {
			t.Fatal(err)
		}
		if j.Kind != c.args.Kind() || j.Queue != "q" || j.CoalesceKey != c.coalesce || j.UniqueKey != c.unique || j.Project != c.project {
			t.Errorf("%T: kind %q, queue %q, coalesce %q, unique %q, project %q; want %q, q, %q, %q, %q",
				c.args, j.Kind, j.Queue, j.CoalesceKey, j.UniqueKey, j.Project, c.args.Kind(), c.coalesce, c.unique, c.project)
		}
	}
}

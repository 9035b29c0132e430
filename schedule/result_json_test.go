package schedule_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// TestResultEncodeJSON checks the streamed encoding against encoding/json
// indenting the same document whole, and against the encoding written
// from the Result's cache of TaskResults (which the streamed one leaves
// unfilled), on random projects with summaries, splits and progress, and
// on an empty one.
func TestResultEncodeJSON(t *testing.T) {
	var streamed bytes.Buffer
	for seed := range uint64(40) {
		cfg := randnet.Config{Tasks: int(seed % 30), Mixed: true, Seed: seed}
		r := mustRun(t, randnet.Project(cfg))
		streamed.Reset()
		if err := r.EncodeJSON(&streamed); err != nil {
			t.Fatal(err)
		}
		whole, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := streamed.String(), string(whole)+"\n"; got != want {
			t.Fatalf("%+v: EncodeJSON wrote\n%s\nwant\n%s", cfg, got, want)
		}
		if n := r.CachedResults(); n != 0 {
			t.Fatalf("%+v: EncodeJSON filled %d TaskResults", cfg, n)
		}
		// The same once Tasks has filled the Result's cache of them,
		// which EncodeJSON then writes from.
		for range r.Tasks() {
		}
		var cached bytes.Buffer
		if err := r.EncodeJSON(&cached); err != nil {
			t.Fatal(err)
		}
		if got, want := streamed.String(), cached.String(); got != want {
			t.Fatalf("%+v: EncodeJSON wrote\n%s\nwant, from the cache of results,\n%s", cfg, got, want)
		}
		var doc struct {
			Tasks []struct{ ID string }
		}
		if err := json.Unmarshal(streamed.Bytes(), &doc); err != nil || len(doc.Tasks) != cfg.Tasks {
			t.Fatalf("%+v: %d tasks decoded (%v)", cfg, len(doc.Tasks), err)
		}
	}
}

// TestResultEncodeJSONRefuses refuses a cost JSON cannot write, naming the
// task: a summary's, summed past the largest float.
func TestResultEncodeJSONRefuses(t *testing.T) {
	p := &schedule.Project{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC), Tasks: []schedule.Task{
		{ID: "S"}, {ID: "A", Parent: "S", FixedCost: 1e308}, {ID: "B", Parent: "S", FixedCost: 1e308}}}
	r := mustRun(t, p)
	if c := r.Task(1).Cost; c != 1e308 {
		t.Fatalf("A costs %g", c)
	}
	err := r.EncodeJSON(&bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `task "S"`) {
		t.Errorf("error %v, want one naming task S", err)
	}
}

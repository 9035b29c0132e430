package xlsx_test

import (
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// A predecessor's ID followed by its link type may spell another task's
// ID (A then FS is AFS): it is written so that it reads back as the link
// it is, A→C, not AFS→C.
func TestPredecessorIDLikeAnother(t *testing.T) {
	p := smallProject(time.UTC)
	p.Tasks = append(p.Tasks, schedule.Task{ID: "AFS", Name: "Other", Duration: schedule.Days(1)},
		schedule.Task{ID: "C", Name: "Cure", Duration: schedule.Days(1)})
	p.Links = append(p.Links, schedule.Link{Pred: "A", Succ: "C", Type: schedule.FS})
	q, _ := roundTrip(t, p)
	for _, l := range q.Links {
		if l.Succ == "C" && l.Pred != "A" {
			t.Fatalf("link into C reads back from %q, want A", l.Pred)
		}
	}
}

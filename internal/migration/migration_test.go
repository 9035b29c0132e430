package migration

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestList(t *testing.T) {
	ok := fstest.MapFS{
		"migrations/0001_start.sql": {Data: []byte("CREATE TABLE a (x int);")},
		"migrations/0002_more.sql":  {Data: []byte("CREATE TABLE b (y int);")},
	}
	steps, err := List(ok, "test")
	if err != nil || len(steps) != 2 || steps[1].Version != 2 || steps[1].Name != "0002_more.sql" || !strings.Contains(steps[0].SQL, "TABLE a") {
		t.Fatalf("List = %+v, %v", steps, err)
	}
	if Last(ok) != 2 {
		t.Errorf("Last = %d, want 2", Last(ok))
	}
	for name, fsys := range map[string]fstest.MapFS{
		"a gap":      {"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}},
		"a bad name": {"migrations/1_a.sql": {}},
		"no number":  {"migrations/first.sql": {}},
	} {
		if _, err := List(fsys, "test"); err == nil || !strings.HasPrefix(err.Error(), "test: migration ") {
			t.Errorf("%s: %v, want an error naming the file", name, err)
		}
	}
	if Last(fstest.MapFS{}) != 0 {
		t.Error("Last of nothing is not 0")
	}
}

package xer

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/critpath/critpath/interchange/internal/testutil"
)

// Read keeps only the fields p6.Columns names: every file reads to the
// same projects and warnings as when it keeps every field, so the
// conversion reads no other.
func TestColumnsRead(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xer"))
	if dir := os.Getenv("CRITPATH_CORPUS"); dir != "" {
		more, _ := filepath.Glob(filepath.Join(dir, "interchange", "xer", "*.xer"))
		files = append(files, more...)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		some, err1 := read(bytes.NewReader(data), nil, false)
		all, err2 := read(bytes.NewReader(data), nil, true)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v, %v", filepath.Base(path), err1, err2)
		}
		if a, b := fmt.Sprint(some.Warnings), fmt.Sprint(all.Warnings); a != b {
			t.Errorf("%s: warnings\n%s\nwith every field:\n%s", filepath.Base(path), a, b)
		}
		if len(some.Projects) != len(all.Projects) {
			t.Fatalf("%s: %d projects, %d with every field", filepath.Base(path), len(some.Projects), len(all.Projects))
		}
		for k := range some.Projects {
			a, b := testutil.Model(t, some.Projects[k].Project), testutil.Model(t, all.Projects[k].Project)
			if a != b {
				t.Errorf("%s: project %s differs with every field:\n%s", filepath.Base(path), some.Projects[k].ID, testutil.FirstDiff(a, b))
			}
			if a, b := fmt.Sprint(some.Projects[k].Saved), fmt.Sprint(all.Projects[k].Saved); a != b {
				t.Errorf("%s: project %s: the saved dates differ with every field", filepath.Base(path), some.Projects[k].ID)
			}
		}
	}
}

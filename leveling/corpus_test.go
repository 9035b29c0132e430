package leveling_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/critpath/critpath/leveling"
)

// TestCorpus levels every PSPLIB instance of the shared data at a small
// budget and holds each schedule to the independent checker, to the
// critical-path lower bound and, on J30, to the proven optimum: a schedule
// shorter than the optimum would be a bug in the checker or the solver.
// The deviation figures at 5,000 schedules come from benchmarks/psplib.
func TestCorpus(t *testing.T) {
	root := os.Getenv("CRITPATH_CORPUS")
	if root == "" {
		t.Skip("CRITPATH_CORPUS is not set")
	}
	opt := optima(t, filepath.Join(root, "psplib", "solutions", "j30opt.sm"))
	files, _ := filepath.Glob(filepath.Join(root, "psplib", "j*", "*.sm"))
	if len(files) < 1560 {
		t.Fatalf("%d instances under %s, want 1,560", len(files), root)
	}
	var j30 []string
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "j30") {
			j30 = append(j30, f)
		}
	}
	budget, stride := 30, 10
	if testing.Short() {
		files, budget, stride = files[:100], 10, 40
	}
	for _, f := range files {
		p, in := instance(t, f)
		sol, err := leveling.Solve(t.Context(), p, leveling.SolveOptions{Schedules: budget, Seed: 1})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := check(p, sol); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := filepath.Base(f)
		if sol.Makespan < in.MPMTime {
			t.Fatalf("%s: makespan %d below the critical path %d", name, sol.Makespan, in.MPMTime)
		}
		if o, ok := opt[name]; ok && sol.Makespan < o {
			t.Fatalf("%s: makespan %d below the proven optimum %d", name, sol.Makespan, o)
		}
	}
	// Level, on the projects of every tenth J30 instance (every fortieth
	// with -short): no conflict left, and the checker agrees.
	if len(j30) != 480 {
		t.Fatalf("%d J30 instances, want 480", len(j30))
	}
	for k := 0; k < len(j30); k += stride {
		f := j30[k]
		_, in := instance(t, f)
		l, err := leveling.Level(t.Context(), in.Project, leveling.LevelOptions{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(l.Unresolved) != 0 {
			t.Fatalf("%s: %d conflicts left", f, len(l.Unresolved))
		}
		checkLeveled(t, f, in, l)
	}
}

// optima reads j30opt.sm: group, instance and optimum makespan per row.
func optima(t *testing.T, path string) map[string]int {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		v := strings.Fields(sc.Text())
		if len(v) < 3 {
			continue
		}
		g, e1 := strconv.Atoi(v[0])
		i, e2 := strconv.Atoi(v[1])
		m, e3 := strconv.Atoi(v[2])
		if e1 == nil && e2 == nil && e3 == nil {
			out[fmt.Sprintf("j30%d_%d.sm", g, i)] = m
		}
	}
	if len(out) != 480 {
		t.Fatalf("%d optima in %s, want 480", len(out), path)
	}
	return out
}

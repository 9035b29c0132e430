package risk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// The fast path gives what the scheduler gives, iteration by iteration:
// on random one-calendar networks with every link type and lag (leads
// too), milestones (start milestones too) and summaries (nested, with
// links into and out of them), under every total float
// formula, lag calendar, late-dates and cross-calendar mode and a
// critical float threshold, on the Standard calendar and the Night Shift,
// with sampled durations and risk events, each run's project lengths,
// milestones' finishes, criticality counts and merge points' start sums
// are those of the same run through schedule.Result.
func TestFastPathMatchesTheScheduler(t *testing.T) {
	for seed := range uint64(48) {
		p := randnet.Project(randnet.Config{Tasks: 2 + int(seed*37%150), LinkTypes: seed%4 != 3, Preds: 1 + float64(seed%3), Seed: seed})
		p.Options.TotalFloat = schedule.FloatKind(seed % 3)
		p.Options.LagCalendar = schedule.LagCalendar(seed / 3 % 4)
		if p.Options.LagCalendar == schedule.Lag24Hours && seed%4 != 3 { // lags round the clock take the general path
			p.Options.LagCalendar = schedule.LagProject
		}
		if seed%2 == 1 {
			p.Options.LateDates = schedule.LateByLinks
		}
		if seed%5 == 2 {
			p.Options.CriticalFloat = schedule.Hours(float64(seed % 7))
		}
		if seed%6 == 5 {
			p.Calendar = schedule.NightShift
		}
		if seed%3 != 1 { // milestones: some tasks of no duration, some of them start milestones
			ms := map[string]bool{}
			for i := range p.Tasks {
				if (i*7+int(seed))%9 == 0 {
					p.Tasks[i].Duration, p.Tasks[i].StartMilestone = schedule.Duration{}, i%2 == 0
					ms[p.Tasks[i].ID] = true
				}
			}
			for k := range p.Links { // (a start-to-start or start-to-finish link into a milestone takes the general path)
				if l := &p.Links[k]; ms[l.Succ] && !ms[l.Pred] && (l.Type == schedule.SS || l.Type == schedule.SF) {
					l.Type = map[schedule.LinkType]schedule.LinkType{schedule.SS: schedule.FS, schedule.SF: schedule.FF}[l.Type]
				}
			}
		}
		if seed%3 == 0 { // an outline: summaries over runs of tasks, with links into and out of them, under one more now and then
			n := len(p.Tasks)
			for at := 0; at+3 < n; at += 5 + int(seed%3) {
				id := fmt.Sprint("S", at)
				p.Tasks = append(p.Tasks, schedule.Task{ID: id})
				if seed%6 == 0 {
					p.Tasks[len(p.Tasks)-1].Parent = "TOP"
				}
				for j := at + 1; j <= at+3; j++ {
					p.Tasks[j].Parent = id
				}
				p.Links = append(p.Links, schedule.Link{Pred: p.Tasks[at].ID, Succ: id, Lag: schedule.Hours(float64(at%5) - 1)})
				if at+4 < n { // (links run forward in task order: no loops)
					p.Links = append(p.Links, schedule.Link{Pred: id, Succ: p.Tasks[at+4].ID, Type: schedule.LinkType(2 * (at % 2))})
				}
			}
			if seed%6 == 0 {
				p.Tasks = append(p.Tasks, schedule.Task{ID: "TOP"})
			}
		}
		p.Options.CrossCalendar = schedule.CrossCalendarMode(seed / 2 % 2)
		shape := []string{ShapePERT, ShapeTriangle, ShapeUniform}[seed%3]
		m, err := Spread(p, shape, -0.5, 1.5)
		if err != nil {
			t.Fatal(err)
		}
		m.Durations = m.Durations[:len(m.Durations)*int(1+seed%4)/4] // some tasks keep their duration
		if len(m.Durations) > 2 {
			m.Risks = []Event{{Probability: 0.4, Impact: Fixed(-600), Tasks: []string{m.Durations[0].Task, m.Durations[2].Task}}}
		}
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			s, err := compile(p, m, false)
			if err != nil {
				t.Fatal(err)
			}
			if s.fast == nil {
				t.Fatal("the network did not take the fast path")
			}
			opts := Options{Iterations: 700, Seed: seed, Tasks: true}
			fast := newRun(s, opts.Iterations, opts)
			if _, err := fast.execute(context.Background(), 2); err != nil {
				t.Fatal(err)
			}
			general, err := compile(p, m, false)
			if err != nil {
				t.Fatal(err)
			}
			general.fast = nil
			slow := newRun(general, opts.Iterations, opts)
			if _, err := slow.execute(context.Background(), 2); err != nil {
				t.Fatal(err)
			}
			if k := firstDiff(fast.length, slow.length); k >= 0 {
				t.Fatalf("iteration %d: length %d, the scheduler's %d", k, fast.length[k], slow.length[k])
			}
			if k := firstDiff(fast.crit, slow.crit); k >= 0 {
				t.Fatalf("task %s: critical in %d iterations, the scheduler says %d", s.net.ID(s.leaves[k]), fast.crit[k], slow.crit[k])
			}
			for k := range fast.milestones {
				if j := firstDiff(fast.milestones[k], slow.milestones[k]); j >= 0 {
					t.Fatalf("milestone %s, iteration %d: finish %d, the scheduler's %d", s.net.ID(s.milestones[k]), j, fast.milestones[k][j], slow.milestones[k][j])
				}
			}
			if k := firstDiff(fast.starts, slow.starts); k >= 0 {
				t.Fatalf("merge %s: starts summed %d, the scheduler's %d", s.net.ID(s.merges[k]), fast.starts[k], slow.starts[k])
			}
			if !slices.Equal(fast.durs, slow.durs) {
				t.Fatal("the sampled durations differ")
			}
		})
	}
}

func firstDiff(a, b []int64) int {
	for k := range a {
		if a[k] != b[k] {
			return k
		}
	}
	return -1
}

// The fast path is taken only where its arithmetic is the scheduler's:
// each of these makes a project take the general one.
func TestFastPathRefuses(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(p *schedule.Project)
	}{
		{"a task on another calendar", func(p *schedule.Project) { p.Tasks[1].Calendar = schedule.NightShift }},
		{"a start-to-start link into a milestone", func(p *schedule.Project) {
			p.Tasks[2].Duration = schedule.Duration{}
			p.Links = append(p.Links, schedule.Link{Pred: p.Tasks[0].ID, Succ: p.Tasks[2].ID, Type: schedule.SS})
		}},
		{"an elapsed duration", func(p *schedule.Project) { p.Tasks[1].Duration = schedule.ElapsedDays(3) }},
		{"a constraint", func(p *schedule.Project) {
			p.Tasks[1].Constraint = schedule.Constraint{Type: schedule.SNET, Date: randnet.Start.AddDate(0, 0, 9)}
		}},
		{"as late as possible", func(p *schedule.Project) { p.Tasks[1].Constraint = schedule.Constraint{Type: schedule.ALAP} }},
		{"a deadline", func(p *schedule.Project) { p.Tasks[1].Deadline = randnet.Start.AddDate(0, 0, 9) }},
		{"progress", func(p *schedule.Project) { p.Tasks[0].ActualStart = randnet.Start }},
		{"a start-to-start link from a summary", func(p *schedule.Project) {
			p.Tasks = append(p.Tasks, schedule.Task{ID: "S"})
			p.Tasks[2].Parent = "S"
			p.Links = append(p.Links, schedule.Link{Pred: "S", Succ: p.Tasks[5].ID, Type: schedule.SS})
		}},
		{"a start-to-start link into a summary", func(p *schedule.Project) {
			p.Tasks = append(p.Tasks, schedule.Task{ID: "S"})
			p.Tasks[4].Parent = "S"
			p.Links = append(p.Links, schedule.Link{Pred: p.Tasks[0].ID, Succ: "S", Type: schedule.SS})
		}},
		{"a percent lag", func(p *schedule.Project) { p.Links[0].Lag = schedule.PercentOf(50) }},
		{"an elapsed lag", func(p *schedule.Project) { p.Links[0].Lag = schedule.ElapsedDays(1) }},
		{"a round-the-clock lag", func(p *schedule.Project) {
			p.Links[0].Lag = schedule.Days(1)
			p.Options.LagCalendar = schedule.Lag24Hours
		}},
		{"a finish-by date", func(p *schedule.Project) { p.FinishBy = randnet.Start.AddDate(0, 2, 0) }},
		{"a split", func(p *schedule.Project) {
			p.Tasks[1].Splits = []schedule.Split{{At: schedule.Hours(4), Gap: schedule.Days(2)}}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := randnet.Project(randnet.Config{Tasks: 6, Preds: 1, Seed: 3})
			m, err := Spread(p, ShapeTriangle, -0.2, 0.5)
			if err != nil {
				t.Fatal(err)
			}
			if s, err := compile(p, m, false); err != nil || s.fast == nil {
				t.Fatalf("unchanged: fast path %v, error %v; want the fast path", s != nil && s.fast != nil, err)
			}
			c.change(p)
			if m, err = Spread(p, ShapeTriangle, -0.2, 0.5); err != nil {
				t.Fatal(err)
			}
			s, err := compile(p, m, false)
			if err != nil {
				t.Fatal(err)
			}
			if s.fast != nil {
				t.Error("took the fast path")
			}
		})
	}
}

// On the fast path too, a seed gives the same bytes for any worker count.
func TestFastPathDeterminism(t *testing.T) {
	p, m := benchModel(300)
	if s, err := compile(p, m, false); err != nil || s.fast == nil {
		t.Fatalf("the model does not take the fast path (error %v)", err)
	}
	var first []byte
	for _, workers := range []int{1, 2, 3, 8} {
		a, err := Simulate(context.Background(), p, m, Options{Iterations: 1700, Seed: 5, Workers: workers, Tasks: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = got
			continue
		}
		if !bytes.Equal(got, first) {
			t.Fatalf("%d workers: the analysis differs from one worker's", workers)
		}
	}
}

// A chunk of any size gives the same iterations (a network too large for
// 32 iterations' dates within maxPassBytes takes fewer at a time), and
// chunkFor keeps within the bound.
func TestFastPathChunks(t *testing.T) {
	p, m := benchModel(200)
	s, err := compile(p, m, false)
	if err != nil || s.fast == nil {
		t.Fatalf("the model does not take the fast path (error %v)", err)
	}
	run := func(c int) *run {
		r := newRun(s, blockSize, Options{Tasks: true, Seed: 3})
		w := newWorker(r)
		w.fast = newPasses(s.fast, c)
		out := &blockOut{crit: make([]int32, len(r.crit)), starts: make([]int64, len(r.starts))}
		if err := w.block(0, out); err != nil {
			t.Fatal(err)
		}
		for k, c := range out.crit {
			r.crit[k] += int64(c)
		}
		copy(r.starts, out.starts)
		return r
	}
	want := run(chunk)
	for _, c := range []int{1, 4, 16} {
		got := run(c)
		if k := firstDiff(got.length, want.length); k >= 0 {
			t.Fatalf("chunks of %d: iteration %d: length %d, want %d", c, k, got.length[k], want.length[k])
		}
		if k := firstDiff(got.crit, want.crit); k >= 0 {
			t.Fatalf("chunks of %d: task %d critical in %d iterations, want %d", c, k, got.crit[k], want.crit[k])
		}
		if k := firstDiff(got.starts, want.starts); k >= 0 {
			t.Fatalf("chunks of %d: merge %d: starts %d, want %d", c, k, got.starts[k], want.starts[k])
		}
	}
	for _, n := range []int{1, 1000, 100_000, 1_000_000, 10_000_000} {
		c := chunkFor(n)
		if c < 1 || chunk%c != 0 || c > 1 && n*c*36 > maxPassBytes {
			t.Errorf("chunkFor(%d) = %d", n, c)
		}
	}
}

// TestTileTriangleIsQuantile: the sampling loop's inline copy of the
// triangle's quantile (sampleTile) gives triangle.quantile's bits for
// every sample of a tile, with and without Latin hypercube strata.
func TestTileTriangleIsQuantile(t *testing.T) {
	p := randnet.Project(randnet.Config{Tasks: 60, Seed: 4})
	m, err := Spread(p, ShapeTriangle, -0.3, 0.8)
	if err != nil {
		t.Fatal(err)
	}
	s, err := compile(p, m, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, lhs := range []bool{false, true} {
		r := newRun(s, blockSize, Options{Seed: 9, LatinHypercube: lhs})
		w := newWorker(r)
		for i := range w.perm { // any strata: reversed
			w.perm[i] = int32(blockSize - 1 - i%blockSize)
		}
		if err := w.sampleTile(0, blockSize, 0, tile, w.xc); err != nil {
			t.Fatal(err)
		}
		nu, kc, checked := s.uniforms(), len(s.corr), 0
		for f, u := range s.free {
			un := &s.unc[u]
			if un.tri == nil {
				continue
			}
			for i := range tile {
				want := un.tri.quantile(w.u[i*nu+kc+f])
				if got := w.x[int(u)*tile+i]; math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("latin hypercube %v, uncertainty %d, iteration %d: %v, quantile %v", lhs, u, i, got, want)
				}
				checked++
			}
		}
		if checked < 100 {
			t.Fatalf("only %d triangle samples checked", checked)
		}
	}
}

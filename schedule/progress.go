package schedule

// Progress is how far a task, a summary or the project has got, 0–100,
// three ways: weighted by duration, by work (the hours of the work
// resources assigned), and by cost (work at its rates, materials, cost
// resources, cost per use). A weighting with nothing to weigh is 0.
type Progress struct {
	ByDuration, ByWork, ByCost float64
}

// Progress returns task i's progress; a summary's rolls up its subtasks.
func (r *Result) Progress(i int) Progress {
	var s progressSums
	r.sumProgress(int32(i), &s)
	return s.percent()
}

// ProjectProgress returns the whole project's progress: the figure a
// progress report publishes.
func (r *Result) ProjectProgress() Progress {
	var s progressSums
	for i, t := range r.net.tasks {
		if t.parent < 0 {
			r.sumProgress(int32(i), &s)
		}
	}
	return s.percent()
}

type progressSums struct {
	done, total [3]float64 // by duration, work, cost
}

func (s *progressSums) percent() Progress {
	var p [3]float64
	for k := range p {
		if s.total[k] > 0 {
			p[k] = 100 * s.done[k] / s.total[k]
		}
	}
	return Progress{p[0], p[1], p[2]}
}

// sumProgress adds task i (or its subtasks) to s.
func (r *Result) sumProgress(i int32, s *progressSums) {
	n := r.net
	t := &n.tasks[i]
	if t.summary {
		for _, k := range n.kids[n.kidOf[i]:n.kidOf[i+1]] {
			r.sumProgress(k, s)
		}
		return
	}
	dur := r.weight(i) // working minutes, done and remaining
	work, cost := r.workCost(i)
	f := t.extra().pct / 100
	for k, w := range [3]float64{dur, float64(work), cost} {
		s.done[k] += f * w
		s.total[k] += w
	}
}

// workCost returns leaf task i's work (minutes of its work resources) and
// cost: work at its resources' rates, materials by the day, cost
// resources, costs per use and the task's fixed cost.
func (r *Result) workCost(i int32) (work int64, cost float64) {
	n := r.net
	t := &n.tasks[i]
	days := r.weight(i) / float64(n.settings.MinutesPerDay)
	m := t.extra()
	cost = m.fixedCost
	for _, a := range m.assign {
		res := &n.resources[a.resource]
		switch res.Type {
		case WorkResource:
			work += a.work
			cost += float64(a.work)/60*res.StandardRate + res.CostPerUse
		case MaterialResource:
			cost += a.units*days*res.StandardRate + res.CostPerUse
		case CostResource:
			cost += a.units
		}
	}
	return work, cost
}

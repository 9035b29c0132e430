package kinds

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/critpath/critpath/internal/instant"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// Forecaster gives a site's daily weather forecast: the days from today
// (in the site's time zone) on, at most days of them. An error wrapping
// ErrForecastRefused says the request can never succeed as it stands (a
// bad coordinate); a weather job then fails permanently. adapters/openmeteo
// implements it on the Open-Meteo forecast API.
type Forecaster interface {
	Forecast(ctx context.Context, site Site, days int) ([]DayForecast, error)
}

// ForecasterFunc adapts a function to Forecaster.
type ForecasterFunc func(ctx context.Context, site Site, days int) ([]DayForecast, error)

// Forecast calls f.
func (f ForecasterFunc) Forecast(ctx context.Context, site Site, days int) ([]DayForecast, error) {
	return f(ctx, site, days)
}

// ErrForecastRefused marks a forecast request the provider refuses as it
// stands.
var ErrForecastRefused = errors.New("kinds: the forecast provider refused the request")

// Site is where a project is built: WGS84 degrees, and the IANA time
// zone its days are counted in ("" lets the provider work it out).
type Site struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	TimeZone  string  `json:"time_zone,omitempty"`
}

// DayForecast is one day's forecast; a value the provider does not have
// is nil.
type DayForecast struct {
	Date schedule.Date `json:"date"`
	// Precipitation is the day's sum, in millimetres.
	Precipitation *float64 `json:"precipitation_mm,omitempty"`
	// Wind is the day's highest wind speed 10 m above ground, in km/h.
	Wind *float64 `json:"wind_kmh,omitempty"`
	// PrecipitationProbability is the day's highest chance of
	// precipitation, 0–100.
	PrecipitationProbability *float64 `json:"precipitation_probability,omitempty"`
}

// WeatherArgs asks for a project's outdoor work checked against the
// forecast for its site.
type WeatherArgs struct {
	Project   string  `json:"project"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	// Days is how far ahead to look, counting today: default 14, at
	// most 16.
	Days int `json:"days,omitempty"`
	// RainMM and WindKmh are the thresholds: a day with more rain (mm)
	// or a stronger wind (km/h) stops outdoor work. Defaults 20 mm and
	// 40 km/h.
	RainMM  float64 `json:"rain_mm,omitempty"`
	WindKmh float64 `json:"wind_kmh,omitempty"`
	// OutdoorField is the custom field that marks a task as outdoor work
	// with "yes", "y", "true", "1" or "x" (default "Outdoor"); a task on
	// a calendar whose name contains "outdoor", or is in
	// OutdoorCalendars, is outdoor work too.
	OutdoorField     string   `json:"outdoor_field,omitempty"`
	OutdoorCalendars []string `json:"outdoor_calendars,omitempty"`
	// Probability is the chance a risk event gives a day of bad weather
	// when the forecast gives none (wind, or no chance of rain given);
	// default 0.7. DelayDays is the working days such a day costs each
	// outdoor task working on it; default 1.
	Probability float64 `json:"probability,omitempty"`
	DelayDays   float64 `json:"delay_days,omitempty"`
}

// Kind implements Args.
func (WeatherArgs) Kind() string { return KindWeather }

func (a WeatherArgs) project() string { return a.Project }

// options coalesces a project's weather checks: the latest wins.
func (a WeatherArgs) options(j *jobs.Job) { j.CoalesceKey = KindWeather + ":" + a.Project }

// WeatherReport is a weather check of a project at a revision.
type WeatherReport struct {
	Project  string `json:"project"`
	Revision int64  `json:"revision"`
	Site     Site   `json:"site"`
	// From and To are the first and last day looked at.
	From     schedule.Date `json:"from"`
	To       schedule.Date `json:"to"`
	RainMM   float64       `json:"rain_mm"`
	WindKmh  float64       `json:"wind_kmh"`
	Forecast []DayForecast `json:"forecast"`
	// Alerts are the days over a threshold on which outdoor work is
	// planned, in order.
	Alerts []WeatherAlert `json:"alerts"`
	// Calendars is the calendar change the alerts suggest: those days
	// made non-working for the outdoor work. FinishBefore and FinishAfter
	// are the project's finish without and with it.
	Calendars    []CalendarChange `json:"calendars,omitempty"`
	FinishBefore time.Time        `json:"finish_before"`
	FinishAfter  time.Time        `json:"finish_after"`
	// Moved are the outdoor tasks of the alerts whose finish the change
	// moves.
	Moved []TaskMove `json:"moved,omitempty"`
	// Risks are the alerts as risk events, for a risk run (RiskArgs).
	Risks []RiskEvent `json:"risks,omitempty"`
	// Proposal is the ID of the proposal the report was stored as, when
	// there are alerts.
	Proposal string `json:"proposal,omitempty"`
}

// WeatherAlert is a day of bad weather forecast on which outdoor tasks
// are planned to work.
type WeatherAlert struct {
	Date          schedule.Date `json:"date"`
	Precipitation *float64      `json:"precipitation_mm,omitempty"`
	Wind          *float64      `json:"wind_kmh,omitempty"`
	// Why says which thresholds the day is over.
	Why   []string    `json:"why"`
	Tasks []AlertTask `json:"tasks"`
}

// TaskMove is a task's finish without and with a proposed change.
type TaskMove struct {
	Task         string    `json:"task"`
	FinishBefore time.Time `json:"finish_before"`
	FinishAfter  time.Time `json:"finish_after"`
}

// AlertTask is an outdoor task working on a day of an alert.
type AlertTask struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// CalendarChange is a proposed change of one calendar: DaysOff made
// non-working exceptions. When New, the calendar is to be made,
// inheriting from Base, and Tasks (outdoor tasks flagged by their custom
// field on a calendar indoor work shares) moved onto it.
type CalendarChange struct {
	Calendar string   `json:"calendar"`
	New      bool     `json:"new,omitempty"`
	Base     string   `json:"base,omitempty"`
	Tasks    []string `json:"tasks,omitempty"`
	DaysOff  []DayOff `json:"days_off"`
}

// DayOff is a day a calendar change makes non-working, and why.
type DayOff struct {
	Date schedule.Date `json:"date"`
	Name string        `json:"name"`
}

// Exceptions returns the days off as the calendar's exceptions.
func (c CalendarChange) Exceptions() []schedule.Exception {
	out := make([]schedule.Exception, len(c.DaysOff))
	for k, d := range c.DaysOff {
		out[k] = schedule.Exception{Name: d.Name, From: d.Date}
	}
	return out
}

// weather checks a project's outdoor work against the forecast: each day
// of the next Days (from Deps.Now, in the project's time zone) with rain
// or wind over a threshold on which an outdoor task is planned to work is
// an alert; the alerts become a proposed calendar change (those days
// non-working for the outdoor work, with its effect on the finish) and
// risk events. The report is announced and, when there are alerts,
// stored as a proposal for a user to decide on; its ID is made of the
// project, the revision, the day and the report, so a job run again
// finds it.
type weather struct{ *worker }

func (h *weather) Work(ctx context.Context, a WeatherArgs, _ jobs.Progress) error {
	if err := a.check(); err != nil {
		return jobs.Permanent(err)
	}
	a.Days = cmp.Or(a.Days, 14)
	a.RainMM, a.WindKmh = cmp.Or(a.RainMM, 20), cmp.Or(a.WindKmh, 40)
	a.OutdoorField = cmp.Or(a.OutdoorField, "Outdoor")
	a.Probability, a.DelayDays = cmp.Or(a.Probability, 0.7), cmp.Or(a.DelayDays, 1)
	p, rev, err := h.project(ctx, KindWeather, a.Project)
	if err != nil {
		return err
	}
	loc := p.Location
	if loc == nil {
		loc = cmp.Or(p.Start, p.Finish).Location()
	}
	site := Site{Latitude: a.Latitude, Longitude: a.Longitude, TimeZone: zoneName(loc)}
	days, err := h.d.Forecaster.Forecast(ctx, site, a.Days)
	if errors.Is(err, ErrForecastRefused) {
		return jobs.Permanent(fmt.Errorf("kinds: weather: project %q: %w", a.Project, err))
	}
	if err != nil {
		return fmt.Errorf("kinds: weather: project %q: %w", a.Project, err)
	}
	today := h.d.Now().In(loc)
	from := schedule.DateOf(today)
	to := schedule.DateOf(time.Date(today.Year(), today.Month(), today.Day()+a.Days-1, 12, 0, 0, 0, loc))
	rep := &WeatherReport{Project: a.Project, Revision: rev, Site: site, From: from, To: to, RainMM: a.RainMM, WindKmh: a.WindKmh,
		Forecast: []DayForecast{}, Alerts: []WeatherAlert{}}
	for _, d := range days {
		if !before(d.Date, from) && !before(to, d.Date) {
			rep.Forecast = append(rep.Forecast, d)
		}
	}
	orig := *p // check works the calendar change out on p (see withCalendars)
	orig.Calendars, orig.Tasks = slices.Clone(p.Calendars), slices.Clone(p.Tasks)
	if err := rep.check(p, loc, a); err != nil {
		return jobs.Permanent(fmt.Errorf("kinds: weather: project %q at revision %d: %w", a.Project, rev, err))
	}
	if len(rep.Alerts) > 0 {
		rep.Proposal = fmt.Sprintf("weather-%s-%d-%s-%s", a.Project, rev, from, digest(rep))
		prop := Proposal{ID: rep.Proposal, Project: a.Project, Kind: KindWeather, Revision: rev, Created: h.d.Now(), Status: StatusPending,
			FinishBefore: rep.FinishBefore, FinishAfter: rep.FinishAfter, Weather: rep, Ops: calendarOps(&orig, p)}
		if err := h.d.Proposals.Add(ctx, prop); err != nil && !errors.Is(err, ErrProposalExists) {
			return fmt.Errorf("kinds: weather: project %q: %w", a.Project, err)
		}
	}
	b, err := encode(KindWeather, rep)
	if err != nil {
		return err
	}
	return h.announce(ctx, a.Project, KindWeather, b)
}

func (a *WeatherArgs) check() error {
	switch {
	case !(a.Latitude >= -90 && a.Latitude <= 90) || !(a.Longitude >= -180 && a.Longitude <= 180):
		return fmt.Errorf("kinds: weather: site %v, %v: not a latitude and longitude", a.Latitude, a.Longitude)
	case a.Latitude == 0 && a.Longitude == 0:
		return fmt.Errorf("kinds: weather: the payload gives no site (latitude and longitude)")
	case a.Days < 0 || a.Days > 16:
		return fmt.Errorf("kinds: weather: %d days: want 1 to 16", a.Days)
	case a.RainMM < 0 || a.WindKmh < 0 || a.DelayDays < 0:
		return fmt.Errorf("kinds: weather: a negative threshold or delay")
	case a.Probability < 0 || a.Probability > 1:
		return fmt.Errorf("kinds: weather: probability %v: want 0 to 1", a.Probability)
	}
	return nil
}

// check finds the alerts and works out the calendar change and its
// effect, and the risk events.
func (rep *WeatherReport) check(p *schedule.Project, loc *time.Location, a WeatherArgs) error {
	r, err := schedule.Run(p)
	if err != nil {
		return err
	}
	rep.FinishBefore, rep.FinishAfter = r.Finish(), r.Finish()
	n := r.Network()
	type outdoor struct {
		i        int
		calendar string // the calendar it works on
		byName   bool   // outdoor by its calendar's name
	}
	var tasks []outdoor
	for i, t := range r.Tasks() {
		if t.Summary || t.Milestone || t.PercentComplete >= 100 {
			continue
		}
		cal := cmp.Or(n.Calendar(i), p.Calendar, "Standard")
		byName := strings.Contains(strings.ToLower(cal), "outdoor") || slices.Contains(a.OutdoorCalendars, cal)
		flag := strings.ToLower(strings.TrimSpace(p.Tasks[i].Fields[a.OutdoorField]))
		if byName || slices.Contains([]string{"yes", "y", "true", "1", "x"}, flag) {
			tasks = append(tasks, outdoor{i, cal, byName})
		}
	}
	changes := map[string]*CalendarChange{}
	var order []string
	for _, d := range rep.Forecast {
		var why []string
		if d.Precipitation != nil && *d.Precipitation > a.RainMM {
			why = append(why, fmt.Sprintf("rain %.1f mm, over %v mm", *d.Precipitation, a.RainMM))
		}
		if d.Wind != nil && *d.Wind > a.WindKmh {
			why = append(why, fmt.Sprintf("wind %.1f km/h, over %v km/h", *d.Wind, a.WindKmh))
		}
		if why == nil {
			continue
		}
		start := time.Date(d.Date.Year, d.Date.Month, d.Date.Day, 0, 0, 0, 0, loc)
		end := time.Date(d.Date.Year, d.Date.Month, d.Date.Day+1, 0, 0, 0, 0, loc)
		alert := WeatherAlert{Date: d.Date, Precipitation: d.Precipitation, Wind: d.Wind, Why: why}
		for _, o := range tasks {
			works, err := worksBetween(r, o.i, start, end)
			if err != nil {
				return err
			}
			if !works {
				continue
			}
			t := p.Tasks[o.i]
			alert.Tasks = append(alert.Tasks, AlertTask{ID: t.ID, Name: t.Name})
			name := o.calendar
			if !o.byName {
				name = o.calendar + " (outdoor)"
			}
			c, ok := changes[name]
			if !ok {
				c = &CalendarChange{Calendar: name}
				if !o.byName {
					c.New, c.Base = true, o.calendar
				}
				changes[name] = c
				order = append(order, name)
			}
			if !o.byName && !slices.Contains(c.Tasks, t.ID) {
				c.Tasks = append(c.Tasks, t.ID)
			}
			if k := len(c.DaysOff); k == 0 || c.DaysOff[k-1].Date != d.Date {
				c.DaysOff = append(c.DaysOff, DayOff{Date: d.Date, Name: "Weather: " + strings.Join(why, "; ")})
			}
		}
		if len(alert.Tasks) == 0 {
			continue
		}
		rep.Alerts = append(rep.Alerts, alert)
		prob := a.Probability
		if d.PrecipitationProbability != nil && d.Precipitation != nil && *d.Precipitation > a.RainMM && (d.Wind == nil || *d.Wind <= a.WindKmh) {
			prob = *d.PrecipitationProbability / 100
		}
		ev := RiskEvent{ID: "weather-" + d.Date.String(), Name: fmt.Sprintf("Weather on %s: %s", d.Date, strings.Join(why, "; ")),
			Probability: prob, Days: a.DelayDays}
		for _, t := range alert.Tasks {
			ev.Tasks = append(ev.Tasks, t.ID)
		}
		rep.Risks = append(rep.Risks, ev)
	}
	if len(order) == 0 {
		return nil
	}
	for _, name := range order {
		rep.Calendars = append(rep.Calendars, *changes[name])
	}
	after, err := withCalendars(p, rep.Calendars)
	if err != nil {
		return err
	}
	rep.FinishAfter = after.Finish()
	var moved []string
	for _, a := range rep.Alerts {
		for _, t := range a.Tasks {
			if slices.Contains(moved, t.ID) {
				continue
			}
			moved = append(moved, t.ID)
			was, _ := r.Lookup(t.ID)
			now, _ := after.Lookup(t.ID)
			if !was.Finish.Equal(now.Finish) {
				rep.Moved = append(rep.Moved, TaskMove{Task: t.ID, FinishBefore: was.Finish, FinishAfter: now.Finish})
			}
		}
	}
	return nil
}

// worksBetween reports whether task i has work still to do planned on
// working time of its calendar within [from, to).
func worksBetween(r *schedule.Result, i int, from, to time.Time) (bool, error) {
	n := r.Network()
	for _, s := range r.Segments(i) {
		if s.Done {
			continue
		}
		a, b := instant.Later(s.Start, from), instant.Earlier(s.Finish, to)
		if !a.Before(b) {
			continue
		}
		spans, err := n.WorkingTime(n.Calendar(i), a, b)
		if err != nil {
			return false, err
		}
		for range spans {
			return true, nil
		}
	}
	return false, nil
}

// calendarOps is the change that gives before the calendars, and its
// tasks the calendars, that after has: a set_calendar op for each
// calendar added or changed, a set of "calendar" for each task moved.
func calendarOps(before, after *schedule.Project) []store.Op {
	var ops []store.Op
	for _, c := range after.Calendars {
		k := slices.IndexFunc(before.Calendars, func(b schedule.Calendar) bool { return b.Name == c.Name })
		if k >= 0 && reflect.DeepEqual(before.Calendars[k], c) {
			continue
		}
		ops = append(ops, store.SetCalendar(c))
	}
	for i, t := range after.Tasks {
		if i < len(before.Tasks) && before.Tasks[i].ID == t.ID && before.Tasks[i].Calendar != t.Calendar {
			ops = append(ops, store.Set(t.ID, "calendar", t.Calendar))
		}
	}
	return ops
}

// withCalendars schedules the project with the calendar changes made
// (p is the caller's copy: it is changed).
func withCalendars(p *schedule.Project, changes []CalendarChange) (*schedule.Result, error) {
	p.Calendars = slices.Clone(p.Calendars)
	p.Tasks = slices.Clone(p.Tasks)
	index := map[string]int{}
	for i, t := range p.Tasks {
		index[t.ID] = i
	}
	for _, c := range changes {
		if c.New {
			p.Calendars = append(p.Calendars, schedule.Calendar{Name: c.Calendar, Base: c.Base, Exceptions: c.Exceptions()})
			for _, id := range c.Tasks {
				p.Tasks[index[id]].Calendar = c.Calendar
			}
			continue
		}
		k := slices.IndexFunc(p.Calendars, func(cal schedule.Calendar) bool { return cal.Name == c.Calendar })
		if k < 0 { // a preset, named without being defined
			if preset, ok := schedule.Preset(c.Calendar); ok {
				p.Calendars = append(p.Calendars, preset)
				k = len(p.Calendars) - 1
			} else {
				return nil, fmt.Errorf("calendar %q: not in the project", c.Calendar)
			}
		}
		p.Calendars[k].Exceptions = slices.Concat(p.Calendars[k].Exceptions, c.Exceptions())
	}
	r, err := schedule.Run(p)
	if err != nil {
		return nil, fmt.Errorf("with the calendar change: %w", err)
	}
	return r, nil
}

// zoneName is loc's IANA name, or "" when it has none (a fixed offset).
func zoneName(loc *time.Location) string {
	name := loc.String()
	if name == "UTC" || strings.Contains(name, "/") {
		return name
	}
	return ""
}

func before(a, b schedule.Date) bool {
	return a.Year < b.Year || a.Year == b.Year && (a.Month < b.Month || a.Month == b.Month && a.Day < b.Day)
}

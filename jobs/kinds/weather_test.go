package kinds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store/storetest"
)

// monsoon is a fortnight's forecast for the tower's site from Sunday 11
// July 2027, as a forecaster gives it: rain every day, heavy on some,
// a squall on others, the 20th's rain unknown, and a day past the
// fortnight.
func monsoon() []DayForecast {
	day := func(d int, rain, wind, prob float64) DayForecast {
		f := DayForecast{Date: schedule.Date{Year: 2027, Month: time.July, Day: d}, Wind: &wind}
		if rain >= 0 {
			f.Precipitation = &rain
		}
		if prob >= 0 {
			f.PrecipitationProbability = &prob
		}
		return f
	}
	return []DayForecast{
		day(10, 60, 20, 90), // yesterday: not looked at
		day(11, 8, 18, 60),
		day(12, 42.5, 24, 90), // heavy rain on a working Monday
		day(13, 12, 22, 70),
		day(14, 3, 15, 40),
		day(15, 0.4, 12, 20),
		day(16, 88, 30, 95), // heavier, but a Friday: no work on the Dhaka site
		day(17, 30, 25, 80), // Saturday
		day(18, 15, 56, 70), // a nor'wester's squall on a Sunday
		day(19, 5, 20, 50),
		day(20, -1, 18, -1),
		day(21, 9, 19, 55),
		day(22, 25, 45, -1), // both, no chance given
		day(23, 2, 10, 30),
		day(24, 1, 11, 20),
		day(25, 100, 30, 99), // past the fortnight
	}
}

// outdoorTower is the tower with its piling marked outdoor work.
func outdoorTower(t *testing.T) *schedule.Project {
	p := dhaka(t)
	for i := range p.Tasks {
		switch p.Tasks[i].ID {
		case "PIL2", "PIL3", "BSM1", "MOB2":
			p.Tasks[i].Fields = map[string]string{"Outdoor": "Yes"}
		}
	}
	return p
}

func TestWeatherDhaka(t *testing.T) {
	var asked Site
	var days int
	fc := ForecasterFunc(func(ctx context.Context, s Site, n int) ([]DayForecast, error) {
		asked, days = s, n
		return monsoon(), nil
	})
	f := newFixture(t, func(d *Deps) { d.Forecaster = fc }, "tower", outdoorTower(t))
	if err := f.run(t, WeatherArgs{Project: "tower", Latitude: 23.8191, Longitude: 90.4526}, nil); err != nil {
		t.Fatal(err)
	}
	if asked != (Site{23.8191, 90.4526, "Asia/Dhaka"}) || days != 14 {
		t.Errorf("asked for %+v, %d days; want the site in Asia/Dhaka, 14 days", asked, days)
	}
	var rep WeatherReport
	if kind := f.ann.last(t, &rep); kind != KindWeather {
		t.Fatalf("announced a %q", kind)
	}
	if rep.From.String() != "2027-07-11" || rep.To.String() != "2027-07-24" || len(rep.Forecast) != 14 {
		t.Errorf("looked at %s to %s, %d days; want 2027-07-11 to 2027-07-24, 14", rep.From, rep.To, len(rep.Forecast))
	}
	var dates []string
	for _, a := range rep.Alerts {
		dates = append(dates, a.Date.String())
		if len(a.Tasks) != 1 || a.Tasks[0].ID != "PIL3" {
			t.Errorf("%s: tasks %v, want the piling (PIL3) alone: PIL2 and BSM1 start after the fortnight, MOB2 was done in March", a.Date, a.Tasks)
		}
	}
	if want := []string{"2027-07-12", "2027-07-18", "2027-07-22"}; !slices.Equal(dates, want) {
		t.Errorf("alerts on %v, want %v (not the Friday and Saturday, when the site does not work)", dates, want)
	}
	if len(rep.Calendars) != 1 {
		t.Fatalf("calendar changes %+v, want one", rep.Calendars)
	}
	c := rep.Calendars[0]
	if c.Calendar != "Dhaka Site (outdoor)" || !c.New || c.Base != "Dhaka Site" || !slices.Equal(c.Tasks, []string{"PIL3"}) || len(c.DaysOff) != 3 {
		t.Errorf("calendar change %+v; want a new Dhaka Site (outdoor) for PIL3 with three days off", c)
	}
	// Three days off move the piling's finish three working days, out
	// of its float: the shoring follows its start, and the piling's end
	// has 7.6 days of float to the excavation.
	if len(rep.Moved) != 1 || rep.Moved[0].Task != "PIL3" || !rep.FinishAfter.Equal(rep.FinishBefore) {
		t.Fatalf("moved %+v, finish %v → %v; want the piling moved, the finish not", rep.Moved, rep.FinishBefore, rep.FinishAfter)
	}
	if m := rep.Moved[0]; m.FinishBefore.Format(time.DateTime) != "2027-09-08 12:00:00" || m.FinishAfter.Format(time.DateTime) != "2027-09-13 12:00:00" {
		t.Errorf("the piling finishes %v → %v; want Wednesday 8 → Monday 13 September, three working days on", m.FinishBefore, m.FinishAfter)
	}
	probs := map[string]float64{}
	for _, e := range rep.Risks {
		probs[e.ID] = e.Probability
	}
	if want := map[string]float64{"weather-2027-07-12": 0.9, "weather-2027-07-18": 0.7, "weather-2027-07-22": 0.7}; fmt.Sprint(probs) != fmt.Sprint(want) {
		t.Errorf("risk events %v, want %v", probs, want)
	}

	// Stored as a proposal; accepted, it adds the days off.
	prop, err := f.deps.Proposals.Proposal(t.Context(), rep.Proposal)
	if err != nil || prop.Kind != KindWeather || prop.Status != StatusPending || prop.Weather == nil || len(prop.Weather.Alerts) != 3 {
		t.Fatalf("proposal %q: %+v, %v", rep.Proposal, prop, err)
	}
	defer func() {
		out, err := Accept(t.Context(), f.deps, rep.Proposal, "pm")
		if err != nil {
			t.Fatalf("accepting the weather proposal: %v", err)
		}
		p, _, err := f.deps.Projects.Project(t.Context(), "tower")
		if err != nil {
			t.Fatal(err)
		}
		r, err := schedule.Run(p)
		if err != nil || out.Revision == 0 || !r.Finish().Equal(prop.FinishAfter) {
			t.Errorf("accepted: revision %d, finish %v, want the proposal's %v (%v)", out.Revision, r.Finish(), prop.FinishAfter, err)
		}
	}()

	// The alerts feed the risk model.
	mean := func(weather string) float64 {
		if err := f.run(t, RiskArgs{Project: "tower", Iterations: 500, Weather: weather}, nil); err != nil {
			t.Fatal(err)
		}
		var res RiskResult
		f.ann.last(t, &res)
		var a analysis
		if err := json.Unmarshal(res.Analysis, &a); err != nil {
			t.Fatal(err)
		}
		return a.Project.Mean
	}
	if without, with := mean(""), mean(rep.Proposal); with <= without {
		t.Errorf("mean finish %v days with the weather, %v without; want later", with, without)
	}
}

// TestWeatherOutdoorCalendar: tasks on a calendar named as outdoor work
// are outdoor work; the change proposed is to that calendar.
func TestWeatherOutdoorCalendar(t *testing.T) {
	p := storetest.Sample()
	p.Calendars = []schedule.Calendar{{Name: "Outdoor works", Base: "Standard"}}
	p.Tasks[0].Calendar = "Outdoor works" // the foundation, Monday 4 to Friday 15 January
	rain := 35.0
	fc := ForecasterFunc(func(ctx context.Context, s Site, n int) ([]DayForecast, error) {
		return []DayForecast{{Date: schedule.Date{Year: 2027, Month: time.January, Day: 5}, Precipitation: &rain}}, nil
	})
	f := newFixture(t, func(d *Deps) {
		d.Forecaster = fc
		d.Now = func() time.Time { return time.Date(2027, 1, 3, 9, 0, 0, 0, time.UTC) }
	}, "p", p)
	if err := f.run(t, WeatherArgs{Project: "p", Latitude: 22.36, Longitude: 91.78, RainMM: 30}, nil); err != nil {
		t.Fatal(err)
	}
	var rep WeatherReport
	f.ann.last(t, &rep)
	if rep.Site.TimeZone != "" {
		t.Errorf("time zone %q for a project on a fixed offset; want the provider's", rep.Site.TimeZone)
	}
	if len(rep.Alerts) != 1 || len(rep.Calendars) != 1 {
		t.Fatalf("alerts %+v, calendars %+v; want one of each", rep.Alerts, rep.Calendars)
	}
	c := rep.Calendars[0]
	if c.Calendar != "Outdoor works" || c.New || len(c.DaysOff) != 1 || c.DaysOff[0].Date.String() != "2027-01-05" {
		t.Errorf("calendar change %+v; want 5 January off on Outdoor works", c)
	}
	if d := rep.FinishAfter.Sub(rep.FinishBefore); d != 24*time.Hour {
		t.Errorf("the finish moves %v; want a day", d)
	}
}

// TestWeatherFine: no day over a threshold: a report without alerts,
// and no proposal.
func TestWeatherFine(t *testing.T) {
	fc := ForecasterFunc(func(ctx context.Context, s Site, n int) ([]DayForecast, error) { return monsoon()[:4], nil })
	f := newFixture(t, func(d *Deps) { d.Forecaster = fc }, "tower", outdoorTower(t))
	if err := f.run(t, WeatherArgs{Project: "tower", Latitude: 23.8, Longitude: 90.4, RainMM: 50}, nil); err != nil {
		t.Fatal(err)
	}
	var rep WeatherReport
	f.ann.last(t, &rep)
	if len(rep.Alerts) != 0 || rep.Proposal != "" || len(f.deps.Proposals.(*MemoryProposals).List("tower")) != 0 || !rep.FinishAfter.Equal(rep.FinishBefore) {
		t.Errorf("alerts %v, proposal %q; want none", rep.Alerts, rep.Proposal)
	}
}

func TestWeatherErrors(t *testing.T) {
	for _, c := range []struct {
		name      string
		args      WeatherArgs
		err       error
		permanent bool
	}{
		{"no site", WeatherArgs{Project: "tower"}, nil, true},
		{"latitude", WeatherArgs{Project: "tower", Latitude: 123, Longitude: 90}, nil, true},
		{"days", WeatherArgs{Project: "tower", Latitude: 23.8, Longitude: 90.4, Days: 30}, nil, true},
		{"probability", WeatherArgs{Project: "tower", Latitude: 23.8, Longitude: 90.4, Probability: 2}, nil, true},
		{"refused", WeatherArgs{Project: "tower", Latitude: 23.8, Longitude: 90.4}, fmt.Errorf("openmeteo: 400: %w", ErrForecastRefused), true},
		{"down", WeatherArgs{Project: "tower", Latitude: 23.8, Longitude: 90.4}, errors.New("openmeteo: 502 Bad Gateway"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			fc := ForecasterFunc(func(ctx context.Context, s Site, n int) ([]DayForecast, error) { return nil, c.err })
			f := newFixture(t, func(d *Deps) { d.Forecaster = fc }, "tower", outdoorTower(t))
			err := f.run(t, c.args, nil)
			if err == nil || jobs.IsPermanent(err) != c.permanent {
				t.Errorf("got %v, want an error, permanent: %v", err, c.permanent)
			}
		})
	}
}

package openmeteo_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/demo"

	"github.com/critpath/critpath/adapters/openmeteo"
	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/jobs/kinds"
	"github.com/critpath/critpath/store"
)

// fake is a local stand-in for the API: it records the queries it is
// sent and answers each with status and the body of a testdata file.
type fake struct {
	mu      sync.Mutex
	queries []url.Values
	status  int
	file    string
	header  http.Header
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.queries = append(f.queries, r.URL.Query())
	f.mu.Unlock()
	if r.URL.Path != "/v1/forecast" || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	body, err := os.ReadFile("testdata/" + f.file)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	maps.Copy(w.Header(), f.header)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(f.status)
	w.Write(body)
}

func serve(t *testing.T, f *fake) *openmeteo.Client {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return openmeteo.New(openmeteo.Config{BaseURL: srv.URL + "/v1/forecast", HTTPClient: srv.Client()})
}

var dhakaSite = kinds.Site{Latitude: 23.8191, Longitude: 90.4526, TimeZone: "Asia/Dhaka"}

func TestForecast(t *testing.T) {
	f := &fake{status: http.StatusOK, file: "forecast-dhaka.json"}
	c := serve(t, f)
	days, err := c.Forecast(t.Context(), dhakaSite, 14)
	if err != nil {
		t.Fatal(err)
	}
	q := f.queries[0]
	for k, want := range map[string]string{
		"latitude": "23.8191", "longitude": "90.4526", "timezone": "Asia/Dhaka", "forecast_days": "14",
		"daily":              "precipitation_sum,wind_speed_10m_max,precipitation_probability_max",
		"precipitation_unit": "mm", "wind_speed_unit": "kmh",
	} {
		if got := q.Get(k); got != want {
			t.Errorf("%s=%q, want %q", k, got, want)
		}
	}
	if q.Has("apikey") {
		t.Error("an apikey sent to the free API")
	}
	if len(days) != 14 || days[0].Date.String() != "2027-07-11" || days[13].Date.String() != "2027-07-24" {
		t.Fatalf("%d days from %v", len(days), days[0].Date)
	}
	d := days[1]
	if *d.Precipitation != 42.5 || *d.Wind != 24.1 || *d.PrecipitationProbability != 90 {
		t.Errorf("12 July: %v mm, %v km/h, %v %%; want 42.5, 24.1, 90", *d.Precipitation, *d.Wind, *d.PrecipitationProbability)
	}
	if d := days[9]; d.Precipitation != nil || d.PrecipitationProbability != nil || d.Wind == nil {
		t.Errorf("20 July: the rain the API has no value for should be unknown: %+v", d)
	}
}

func TestForecastAutoZoneAndKey(t *testing.T) {
	f := &fake{status: http.StatusOK, file: "forecast-dhaka.json"}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := openmeteo.New(openmeteo.Config{BaseURL: srv.URL + "/v1/forecast", APIKey: "k-123", HTTPClient: srv.Client()})
	if _, err := c.Forecast(t.Context(), kinds.Site{Latitude: 22.3569, Longitude: 91.7832}, 7); err != nil {
		t.Fatal(err)
	}
	if q := f.queries[0]; q.Get("timezone") != "auto" || q.Get("apikey") != "k-123" || q.Get("forecast_days") != "7" {
		t.Errorf("query %v; want timezone=auto, apikey=k-123, forecast_days=7", q)
	}
}

func TestForecastErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		status  int
		file    string
		header  http.Header
		days    int
		refused bool
		retry   time.Duration
		says    string
	}{
		{"bad latitude", http.StatusBadRequest, "error-latitude.json", nil, 14, true, 0, "Latitude must be in range"},
		{"too many days", http.StatusOK, "forecast-dhaka.json", nil, 17, true, 0, "1 to 16"},
		{"rate limited", http.StatusTooManyRequests, "error-latitude.json", http.Header{"Retry-After": {"120"}}, 14, false, 2 * time.Minute, "429"},
		{"rate limited, no header", http.StatusTooManyRequests, "error-latitude.json", nil, 14, false, time.Minute, "429"},
		{"down", http.StatusBadGateway, "README.md", nil, 14, false, 0, "502"},
		{"not JSON", http.StatusOK, "README.md", nil, 14, false, 0, "the answer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := serve(t, &fake{status: c.status, file: c.file, header: c.header})
			_, err := cl.Forecast(t.Context(), dhakaSite, c.days)
			if err == nil || errors.Is(err, kinds.ErrForecastRefused) != c.refused || !strings.Contains(err.Error(), c.says) || !strings.HasPrefix(err.Error(), "openmeteo: ") && !strings.HasPrefix(err.Error(), "jobs: ") {
				t.Fatalf("got %v; want an error saying %q, refused: %v", err, c.says, c.refused)
			}
			if d, ok := jobs.RetryDelay(err); d != c.retry || ok != (c.retry != 0) {
				t.Errorf("retry after %v (%v), want %v", d, ok, c.retry)
			}
		})
	}
}

// TestForecastMalformed: answers that do not hold what was asked for.
func TestForecastMalformed(t *testing.T) {
	good, err := os.ReadFile("testdata/forecast-dhaka.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, from, to, says string }{
		{"short array", `[18.4,24.1,`, `[24.1,`, "13 values for 14 days"},
		{"other unit", `"wind_speed_10m_max":"km/h"`, `"wind_speed_10m_max":"mp/h"`, `in "mp/h"`},
		{"bad date", `"2027-07-12"`, `"12/07/2027"`, "daily.time[1]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := strings.Replace(string(good), c.from, c.to, 1)
			if body == string(good) {
				t.Fatalf("the fixture has no %s", c.from)
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
			defer srv.Close()
			_, err := openmeteo.New(openmeteo.Config{BaseURL: srv.URL, HTTPClient: srv.Client()}).Forecast(t.Context(), dhakaSite, 14)
			if err == nil || !strings.Contains(err.Error(), c.says) || errors.Is(err, kinds.ErrForecastRefused) {
				t.Errorf("got %v, want an error saying %q, to try again", err, c.says)
			}
		})
	}
}

func TestForecastCancelled(t *testing.T) {
	c := serve(t, &fake{status: http.StatusOK, file: "forecast-dhaka.json"})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Forecast(ctx, dhakaSite, 14); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// TestWeatherJob runs the weather job of package kinds on the Dhaka Tower
// with this client against the fake API: the fixture's heavy rain and
// squalls on working days of the piling become alerts.
func TestWeatherJob(t *testing.T) {
	p := demo.Project(t, "dhaka-tower.json")
	for i := range p.Tasks {
		if p.Tasks[i].ID == "PIL3" {
			p.Tasks[i].Fields = map[string]string{"Outdoor": "yes"}
		}
	}
	s := store.New(store.NewMemory(), store.Config{})
	defer s.Close()
	if _, err := s.Create(t.Context(), "tower", p, "planner"); err != nil {
		t.Fatal(err)
	}
	var reports []kinds.WeatherReport
	deps := kinds.Deps{
		Projects: s, Proposals: kinds.NewMemoryProposals(), Forecaster: serve(t, &fake{status: http.StatusOK, file: "forecast-dhaka.json"}),
		Now: func() time.Time { return time.Date(2027, 7, 11, 6, 30, 0, 0, time.UTC) },
		Announcer: kinds.AnnouncerFunc(func(ctx context.Context, project, kind string, payload []byte) error {
			var r kinds.WeatherReport
			err := json.Unmarshal(payload, &r)
			reports = append(reports, r)
			return err
		}),
	}
	mux := jobs.NewMux()
	if err := kinds.Register(mux, deps); err != nil {
		t.Fatal(err)
	}
	job, err := kinds.NewJob("weather", kinds.WeatherArgs{Project: "tower", Latitude: dhakaSite.Latitude, Longitude: dhakaSite.Longitude})
	if err != nil {
		t.Fatal(err)
	}
	if err := mux.Work(t.Context(), &job, func(float64, string) {}); err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 {
		t.Fatalf("%d reports announced", len(reports))
	}
	var dates []string
	for _, a := range reports[0].Alerts {
		dates = append(dates, a.Date.String())
	}
	if want := []string{"2027-07-12", "2027-07-18", "2027-07-22"}; !slices.Equal(dates, want) {
		t.Errorf("alerts on %v, want %v", dates, want)
	}
}

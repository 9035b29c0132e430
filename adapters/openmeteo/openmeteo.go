// Package openmeteo gives a site's daily weather forecast from the
// Open-Meteo forecast API (GET https://api.open-meteo.com/v1/forecast):
// the precipitation sum, the highest wind speed 10 m above ground and the
// highest chance of precipitation of each day, in millimetres, km/h and
// per cent, days counted in the site's time zone. A Client is the
// kinds.Forecaster of the weather job.
//
// Errors start with "openmeteo: ". A request the API refuses as it stands
// (HTTP 400, with its reason) wraps kinds.ErrForecastRefused, so the job
// fails at once; a rate limit (HTTP 429) is a jobs.RetryAfter error with
// the API's Retry-After seconds (a minute when it gives none); anything
// else — the API down, a body that does not decode — is an error to try
// again.
// A Client is safe for concurrent use.
package openmeteo

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/internal/httpsend"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/jobs/kinds"
	"github.com/critpath/critpath/schedule"
)

// Config tunes a Client; the zero value asks the free public API.
type Config struct {
	// BaseURL is the forecast endpoint; default
	// "https://api.open-meteo.com/v1/forecast". The commercial API
	// (customer-api.open-meteo.com) or a server of one's own go here.
	BaseURL string
	// APIKey, when set, is sent as the apikey parameter (the commercial
	// API's).
	APIKey string
	// HTTPClient makes the requests; default one with a 30 s timeout.
	HTTPClient *http.Client
	// UserAgent names the caller; default "critpath".
	UserAgent string
}

// Client asks Open-Meteo for forecasts.
type Client struct {
	cfg Config
}

var _ kinds.Forecaster = (*Client)(nil)

// New returns a Client.
func New(cfg Config) *Client {
	cfg.BaseURL = cmp.Or(cfg.BaseURL, "https://api.open-meteo.com/v1/forecast")
	cfg.UserAgent = cmp.Or(cfg.UserAgent, "critpath")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{cfg: cfg}
}

// daily are the variables asked for, with the units asked in.
var daily = []struct{ name, unit string }{
	{"precipitation_sum", "mm"},
	{"wind_speed_10m_max", "km/h"},
	{"precipitation_probability_max", "%"},
}

// maxBody bounds an answer: 16 days of three numbers take a kilobyte.
const maxBody = 1 << 20

// response is the API's answer, or its error.
type response struct {
	Timezone   string                     `json:"timezone"`
	DailyUnits map[string]string          `json:"daily_units"`
	Daily      map[string]json.RawMessage `json:"daily"`
	Error      bool                       `json:"error"`
	Reason     string                     `json:"reason"`
}

// Forecast implements kinds.Forecaster: the days from today, at most
// days of them (1–16, as the API allows).
func (c *Client) Forecast(ctx context.Context, site kinds.Site, days int) ([]kinds.DayForecast, error) {
	if days < 1 || days > 16 {
		return nil, fmt.Errorf("openmeteo: %d days: the API forecasts 1 to 16: %w", days, kinds.ErrForecastRefused)
	}
	q := url.Values{}
	q.Set("latitude", strconv.FormatFloat(site.Latitude, 'f', -1, 64))
	q.Set("longitude", strconv.FormatFloat(site.Longitude, 'f', -1, 64))
	names := make([]string, len(daily))
	for k, v := range daily {
		names[k] = v.name
	}
	q.Set("daily", strings.Join(names, ","))
	q.Set("timezone", cmp.Or(site.TimeZone, "auto"))
	q.Set("forecast_days", strconv.Itoa(days))
	q.Set("precipitation_unit", "mm")
	q.Set("wind_speed_unit", "kmh")
	if c.cfg.APIKey != "" {
		q.Set("apikey", c.cfg.APIKey)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.cfg.BaseURL+"?"+q.Encode(), nil)
	if err != nil {
		return nil, fmt.Errorf("openmeteo: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("openmeteo: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("openmeteo: reading the answer: %w", err)
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("openmeteo: an answer over %d bytes", maxBody)
	}
	var r response
	jsonErr := json.Unmarshal(body, &r)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return nil, jobs.RetryAfter(retryAfter(resp.Header.Get("Retry-After"), time.Now()), fmt.Errorf("openmeteo: %s: %s", resp.Status, r.Reason))
	case resp.StatusCode == http.StatusBadRequest:
		return nil, fmt.Errorf("openmeteo: %s: %s: %w", resp.Status, cmp.Or(r.Reason, "no reason given"), kinds.ErrForecastRefused)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("openmeteo: %s: %s", resp.Status, cmp.Or(r.Reason, httpsend.Snippet(body)))
	case jsonErr != nil:
		return nil, fmt.Errorf("openmeteo: the answer: %w", jsonErr)
	case r.Error:
		return nil, fmt.Errorf("openmeteo: %s: %w", r.Reason, kinds.ErrForecastRefused)
	}
	return r.days()
}

// days reads the daily arrays: one value per day of "time", null where
// the API has none.
func (r *response) days() ([]kinds.DayForecast, error) {
	var dates []string
	if err := json.Unmarshal(r.Daily["time"], &dates); err != nil {
		return nil, fmt.Errorf("openmeteo: daily.time: %w", err)
	}
	out := make([]kinds.DayForecast, len(dates))
	for k, s := range dates {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, fmt.Errorf("openmeteo: daily.time[%d]: %w", k, err)
		}
		out[k].Date = schedule.DateOf(t)
	}
	fields := []func(d *kinds.DayForecast) **float64{
		func(d *kinds.DayForecast) **float64 { return &d.Precipitation },
		func(d *kinds.DayForecast) **float64 { return &d.Wind },
		func(d *kinds.DayForecast) **float64 { return &d.PrecipitationProbability },
	}
	for k, v := range daily {
		raw, ok := r.Daily[v.name]
		if !ok {
			continue // not given: every day's is unknown
		}
		if unit := r.DailyUnits[v.name]; unit != v.unit {
			return nil, fmt.Errorf("openmeteo: daily.%s in %q, asked for in %q", v.name, unit, v.unit)
		}
		var values []*float64
		if err := json.Unmarshal(raw, &values); err != nil {
			return nil, fmt.Errorf("openmeteo: daily.%s: %w", v.name, err)
		}
		if len(values) != len(dates) {
			return nil, fmt.Errorf("openmeteo: daily.%s has %d values for %d days", v.name, len(values), len(dates))
		}
		for d, x := range values {
			*fields[k](&out[d]) = x
		}
	}
	return out, nil
}

// retryAfter reads a Retry-After header (seconds or an HTTP date); a
// minute when it gives none.
func retryAfter(h string, now time.Time) time.Duration {
	if d, ok := httpsend.RetryAfter(h, now); ok && d > 0 {
		return d
	}
	return time.Minute
}

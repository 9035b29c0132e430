package notify

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/jobs/kinds"
)

func TestNotifyFromTheJob(t *testing.T) {
	engineer := User{ID: "site-engineer", Name: "Karim", Email: "karim@example.com", Devices: []Device{{Token: "tok"}}}
	alert := kinds.Notification{ID: "weather-tower-2027-07-12", Project: "tower", Topic: "weather_alert",
		To: []string{"user:site-engineer", "+8801711000000"}, Subject: "Heavy rain on Monday",
		Text: "42.5 mm of rain is forecast on Monday 12 July: the piling (PIL3) is planned to work."}
	withData := alert
	withData.ID += "-data"
	withData.Data = json.RawMessage(`{"date":"2027-07-12","tasks":"Piling (PIL3)","rain_mm":42.5}`)
	for _, c := range []struct {
		name        string
		kn          kinds.Notification
		undelivered bool
		kind        Kind
		sms, push   int // SMS and push messages sent
	}{
		// The job's own text, as an announcement; critical, so SMS to
		// the bare number (and to nobody else: Karim has no phone).
		{"text", alert, false, Announcement, 1, 0},
		// Data the weather template reads: the weather alert itself.
		{"data", withData, false, WeatherAlert, 1, 1},
		{"nobody known", kinds.Notification{ID: "x", Topic: "proposal", To: []string{"user:nobody"}, Subject: "s"}, true, Announcement, 0, 0},
		{"a bad number", kinds.Notification{ID: "y", To: []string{"+1 415 555 0100"}, Subject: "s"}, true, Announcement, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r *rig
			fakes, cfg := allChannels(func() time.Time { return r.sim.Now() })
			r = newRig(t, cfg, engineer)
			if n := FromJob(c.kn); n.Kind != c.kind {
				t.Errorf("kind %s, want %s", n.Kind, c.kind)
			}
			err := r.d.Notify(context.Background(), c.kn)
			if c.undelivered != errors.Is(err, kinds.ErrUndeliverable) || !c.undelivered && err != nil {
				t.Fatalf("got %v; undeliverable: %v", err, c.undelivered)
			}
			if err := r.d.Notify(context.Background(), c.kn); c.undelivered != (err != nil) {
				t.Fatalf("again: %v", err) // a job run twice
			}
			r.sim.Run(simStart.Add(time.Hour))
			if fakes[SMS].calls != c.sms || fakes[Push].calls != c.push {
				t.Errorf("%d SMS, %d push; want %d, %d", fakes[SMS].calls, fakes[Push].calls, c.sms, c.push)
			}
			if !c.undelivered && fakes[SMS].sent[c.kn.ID+"/+8801711000000/sms"].To != "+8801711000000" {
				t.Errorf("SMS %v", fakes[SMS].sent)
			}
		})
	}
}

// An outbox that fails is passed up for the job to be tried again.
func TestNotifyOutboxDown(t *testing.T) {
	d, err := New(NewMemoryDirectory(), failingOutbox{}, Config{Providers: map[Channel][]Provider{SMS: {&LogProvider{}}}})
	if err != nil {
		t.Fatal(err)
	}
	err = d.Notify(context.Background(), kinds.Notification{ID: "a", To: []string{"01711000000"}, Subject: "s"})
	if err == nil || errors.Is(err, kinds.ErrUndeliverable) {
		t.Errorf("got %v; want an error to try again", err)
	}
}

type failingOutbox struct{}

func (failingOutbox) Enqueue(context.Context, jobs.Job) (string, error) {
	return "", errors.New("redis: connection refused")
}

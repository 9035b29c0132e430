package kinds

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/critpath/critpath/jobs"
)

func TestNotify(t *testing.T) {
	alert := Notification{ID: "weather-tower-2027-07-12", Project: "tower", Topic: "weather_alert",
		To: []string{"user:site-engineer", "+8801711000000"}, Subject: "Heavy rain on Monday",
		Text: "42.5 mm of rain is forecast on Monday 12 July: the piling (PIL3) is planned to work."}
	for _, c := range []struct {
		name      string
		n         Notification
		notifier  error
		sent      bool
		permanent bool
		retry     time.Duration
	}{
		{"sent", alert, nil, true, false, 0},
		{"undeliverable", alert, fmt.Errorf("sslwireless: +8801711000000: %w", ErrUndeliverable), true, true, 0},
		{"rate limited", alert, jobs.RetryAfter(30*time.Second, errors.New("twilio: 429")), true, false, 30 * time.Second},
		{"provider down", alert, errors.New("sendgrid: 503"), true, false, 0},
		{"no id", Notification{To: alert.To, Text: "x"}, nil, false, true, 0},
		{"no recipients", Notification{ID: "n", Text: "x"}, nil, false, true, 0},
		{"no text", Notification{ID: "n", To: alert.To}, nil, false, true, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []Notification
			notifier := NotifierFunc(func(ctx context.Context, n Notification) error {
				got = append(got, n)
				return c.notifier
			})
			f := newFixture(t, func(d *Deps) { d.Notifier = notifier })
			err := f.run(t, NotifyArgs{c.n}, nil)
			if (len(got) == 1) != c.sent || c.sent && got[0].ID != c.n.ID {
				t.Errorf("the notifier was given %+v; sent: %v", got, c.sent)
			}
			if c.notifier == nil && !c.permanent {
				if err != nil {
					t.Errorf("got %v", err)
				}
				return
			}
			if err == nil || jobs.IsPermanent(err) != c.permanent {
				t.Errorf("got %v; want an error, permanent: %v", err, c.permanent)
			}
			if d, ok := jobs.RetryDelay(err); c.retry != 0 && (!ok || d != c.retry) {
				t.Errorf("retry after %v, %v; want %v", d, ok, c.retry)
			}
		})
	}
}

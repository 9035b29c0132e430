package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/critpath/critpath/jobs/kinds"
)

var _ kinds.Notifier = (*Dispatcher)(nil)

// Notify implements kinds.Notifier: the notify job's notification sent
// as FromJob makes it. A notification nobody can be sent (invalid, its
// templates' data missing, every recipient refused) is undeliverable
// (wrapping kinds.ErrUndeliverable, so the job is not tried again); one
// sent to some recipients but refused for others is done, the refusals
// recorded dead in the Ledger; any other error is returned for the job
// to be tried again — what was enqueued is not enqueued twice.
func (d *Dispatcher) Notify(ctx context.Context, kn kinds.Notification) error {
	rep, err := d.Send(ctx, fromJob(kn, func(k Kind) ([]string, bool) {
		s, ok := d.ts.kinds[k]
		if !ok {
			return nil, false
		}
		return s.vars, true
	}))
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnknownUser):
		return err
	case rep != nil && len(rep.Messages) > 0:
		d.log.Warn("notify: sent in part", "key", kn.ID, "err", err)
		return nil
	}
	return fmt.Errorf("%w: %w", kinds.ErrUndeliverable, err)
}

// FromJob makes a Notification of a job's: its ID the key, its Topic the
// kind when the default templates have that kind and its Data (a JSON
// object; numbers and booleans read as text) gives them what they need,
// else an Announcement of its Subject and Text. A weather alert, and a
// permit refused, are Critical; a "severity" in Data ("low", "high" …)
// sets it otherwise. (Notify reads the kinds of the Dispatcher's own
// templates.)
func FromJob(kn kinds.Notification) Notification {
	return fromJob(kn, func(k Kind) ([]string, bool) {
		def, ok := defaultTemplates[k]
		return def.Vars, ok
	})
}

func fromJob(kn kinds.Notification, vars func(Kind) ([]string, bool)) Notification {
	data := map[string]string{}
	var raw map[string]any
	if len(kn.Data) > 0 && json.Unmarshal(kn.Data, &raw) == nil {
		for k, v := range raw {
			switch v := v.(type) {
			case string:
				data[k] = v
			case float64:
				data[k] = strconv.FormatFloat(v, 'f', -1, 64)
			case bool:
				data[k] = strconv.FormatBool(v)
			}
		}
	}
	n := Notification{Key: kn.ID, Project: kn.Project, To: kn.To, Data: data, Kind: Kind(kn.Topic)}
	if v, ok := vars(n.Kind); !ok || !hasVars(data, v) {
		n.Kind = Announcement
	}
	if kn.Subject != "" {
		data["subject"] = kn.Subject
	}
	if kn.Text != "" {
		data["text"] = kn.Text
	}
	if data["subject"] == "" {
		data["subject"] = data["text"]
	}
	if data["text"] == "" {
		data["text"] = data["subject"]
	}
	_ = n.Severity.UnmarshalText([]byte(data["severity"]))
	if kn.Topic == string(WeatherAlert) || kn.Topic == string(PermitStatus) && code(data["status"]) == PermitRefused {
		n.Severity = Critical
	}
	return n
}

func hasVars(data map[string]string, vars []string) bool {
	for _, v := range vars {
		if data[v] == "" {
			return false
		}
	}
	return true
}

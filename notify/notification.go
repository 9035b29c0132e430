package notify

import "fmt"

// Kind says what a notification is about; it picks the templates and,
// with the recipient's preferences, the channels.
type Kind string

// The kinds of notification.
const (
	// TaskAssigned: data task, start (a date); finish optional.
	TaskAssigned Kind = "task_assigned"
	// DeadlineNear: data task, deadline (a date), days (working days
	// left).
	DeadlineNear Kind = "deadline_near"
	// DeadlinePast: data task, deadline, days (working days late).
	DeadlinePast Kind = "deadline_past"
	// ResourceConflict: data resource, from, to (dates), tasks (their
	// names); excess (units) optional.
	ResourceConflict Kind = "resource_conflict"
	// MilestoneCompleted: data milestone, date.
	MilestoneCompleted Kind = "milestone_completed"
	// PermitStatus: data permit (its name), authority (AuthorityRAJUK,
	// AuthorityDoE, AuthorityFireService), status (PermitSubmitted …
	// PermitRefused); note optional.
	PermitStatus Kind = "permit_status"
	// WeatherAlert: data date, tasks (the outdoor work that day);
	// rain_mm and wind_kmh optional.
	WeatherAlert Kind = "weather_alert"
	// Announcement is a message written by its sender: data subject and
	// text.
	Announcement Kind = "announcement"
	// Digest gathers a project's low-severity notifications for one
	// person; the package makes them (DeliveryPolicy.DigestTimes).
	Digest Kind = "digest"
)

// Severity says how much a notification matters: Low ones wait for the
// next digest; Critical ones (weather, safety, a refused permit) are
// sent even in quiet hours.
type Severity uint8

// The severities, least first. The zero value is Normal.
const (
	Normal Severity = iota
	Low
	High
	Critical
)

// rank orders severities from Low to Critical.
func (s Severity) rank() int {
	switch s {
	case Low:
		return 0
	case Normal:
		return 1
	case High:
		return 2
	}
	return 3
}

// AtLeast reports whether s is as severe as t or more.
func (s Severity) AtLeast(t Severity) bool { return s.rank() >= t.rank() }

func (s Severity) String() string {
	switch s {
	case Normal:
		return "normal"
	case Low:
		return "low"
	case High:
		return "high"
	case Critical:
		return "critical"
	}
	return fmt.Sprintf("severity(%d)", uint8(s))
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	for _, v := range []Severity{Low, Normal, High, Critical} {
		if v.String() == string(b) {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("notify: unknown severity %q", b)
}

// Notification is something to tell people about a project. The
// Dispatcher turns it into messages, one per recipient and channel.
type Notification struct {
	// Key is the idempotency key: a notification sent again with the
	// same key within 24 hours sends nothing more. Required.
	Key  string `json:"key"`
	Kind Kind   `json:"kind"`
	// Project is the project's ID; the templates read it as {{.project}}
	// unless Data names the project.
	Project string `json:"project,omitempty"`
	// To are the recipients: user IDs the Directory knows ("user:" may
	// prefix them), or bare addresses — a phone number or an e-mail
	// address — which get the default preferences.
	To       []string          `json:"to"`
	Data     map[string]string `json:"data,omitempty"`
	Severity Severity          `json:"severity,omitzero"`
}

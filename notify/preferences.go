package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// User is a person notifications go to: their addresses and their
// preferences.
type User struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Email and Phone are as the person gave them; the Dispatcher checks
	// and normalises them (ParseEmail, NormalizePhone) before use.
	Email   string   `json:"email,omitempty"`
	Phone   string   `json:"phone,omitempty"`
	Devices []Device `json:"devices,omitempty"`
	Prefs   Preferences
}

// Device is an app installation push messages reach: an FCM
// registration token or a Web Push subscription (its JSON), and the
// provider that reaches it (a Provider's Name: "fcm", "webpush"); any
// push provider when empty.
type Device struct {
	Provider string `json:"provider,omitempty"`
	Token    string `json:"token"`
}

// Preferences are how a person wants to be told. The zero value works:
// English, Latin digits, Gregorian dates, Asia/Dhaka, quiet from 22:00
// to 07:00, the default channels of each kind.
type Preferences struct {
	Language       Language `json:"language,omitempty"`
	BengaliDigits  bool     `json:"bengali_digits,omitempty"`
	BanglaCalendar bool     `json:"bangla_calendar,omitempty"`
	// TimeZone is an IANA name; "" (or a name that does not load) is
	// Asia/Dhaka.
	TimeZone string `json:"time_zone,omitempty"`
	// Quiet are the hours SMS and push messages wait for, in TimeZone;
	// nil means DefaultQuietHours, a zero QuietHours none.
	Quiet *QuietHours `json:"quiet,omitempty"`
	// Channels are the channels of each kind; a kind not named gets
	// DefaultChannels. An empty list turns a kind off. Channels[Digest]
	// are the channels of the person's digests (default e-mail).
	Channels map[Kind][]Channel `json:"channels,omitempty"`
}

// Location returns the time zone of p, Asia/Dhaka when it names none or
// one that does not load.
func (p Preferences) Location() *time.Location {
	if p.TimeZone != "" {
		if loc, err := time.LoadLocation(p.TimeZone); err == nil {
			return loc
		}
	}
	return Dhaka()
}

// Format returns how p wants numbers and dates written.
func (p Preferences) Format() Format {
	return Format{Language: cmpLang(p.Language), BengaliDigits: p.BengaliDigits, BanglaCalendar: p.BanglaCalendar, Location: p.Location()}
}

func cmpLang(l Language) Language {
	if l == "" {
		return English
	}
	return l
}

// QuietHours returns p's quiet hours.
func (p Preferences) QuietHours() QuietHours {
	if p.Quiet == nil {
		return DefaultQuietHours
	}
	return *p.Quiet
}

// ChannelsFor returns the channels of kind for p, in order.
func (p Preferences) ChannelsFor(kind Kind, s Severity) []Channel {
	if ch, ok := p.Channels[kind]; ok {
		return slices.Clone(ch)
	}
	return DefaultChannels(kind, s)
}

// DefaultChannels returns the channels of a kind for a person who has
// not chosen: in-app always; push for what needs doing or knowing soon;
// e-mail for what is worth a record; SMS for weather alerts and for any
// critical notification.
func DefaultChannels(kind Kind, s Severity) []Channel {
	var ch []Channel
	switch kind {
	case TaskAssigned, DeadlinePast:
		ch = []Channel{InApp, Push, Email}
	case DeadlineNear:
		ch = []Channel{InApp, Push}
	case ResourceConflict, MilestoneCompleted, Announcement:
		ch = []Channel{InApp, Email}
	case PermitStatus:
		ch = []Channel{InApp, Push, Email}
	case WeatherAlert:
		ch = []Channel{InApp, Push, SMS}
	case Digest:
		return []Channel{Email}
	default:
		ch = []Channel{InApp}
	}
	if s == Critical && !slices.Contains(ch, SMS) {
		ch = append(ch, SMS)
	}
	return ch
}

// TimeOfDay is a time on the clock, in minutes after midnight; as text,
// "22:00".
type TimeOfDay int

// Clock returns h:m as a TimeOfDay.
func Clock(h, m int) TimeOfDay { return TimeOfDay(h*60 + m) }

func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", int(t)/60, int(t)%60) }

// MarshalText implements encoding.TextMarshaler.
func (t TimeOfDay) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler, reading "HH:MM".
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	var h, m int
	if n, err := fmt.Sscanf(string(b), "%d:%d", &h, &m); err != nil || n != 2 || h < 0 || h > 24 || m < 0 || m > 59 || h == 24 && m != 0 {
		return fmt.Errorf("notify: time of day %q: want HH:MM", b)
	}
	*t = Clock(h, m)
	return nil
}

// QuietHours are the hours of the night, From to To on the person's
// clock (22:00 to 07:00 runs over midnight), in which SMS and push
// messages wait unless they are critical. From equal to To is no quiet
// hours.
type QuietHours struct {
	From TimeOfDay `json:"from"`
	To   TimeOfDay `json:"to"`
}

// DefaultQuietHours are 22:00 to 07:00.
var DefaultQuietHours = QuietHours{From: Clock(22, 0), To: Clock(7, 0)}

// Release returns, when t is within the quiet hours in loc, the time
// they end (the next To on that clock; across a daylight-saving change
// the wall-clock time To, as time.Date normalises it), and true; t and
// false otherwise.
func (q QuietHours) Release(t time.Time, loc *time.Location) (time.Time, bool) {
	if q.From == q.To {
		return t, false
	}
	lt := t.In(cmpLocation(loc))
	now := TimeOfDay(lt.Hour()*60 + lt.Minute())
	in := q.From < q.To && now >= q.From && now < q.To ||
		q.From > q.To && (now >= q.From || now < q.To)
	if !in {
		return t, false
	}
	y, m, d := lt.Date()
	end := time.Date(y, m, d, int(q.To)/60, int(q.To)%60, 0, 0, lt.Location())
	if !end.After(t) {
		end = time.Date(y, m, d+1, int(q.To)/60, int(q.To)%60, 0, 0, lt.Location())
	}
	return end, true
}

// ErrUnknownUser is returned by a Directory for an ID it does not know.
var ErrUnknownUser = errors.New("notify: unknown user")

// Directory gives the people notifications go to. User returns
// ErrUnknownUser (wrapped) for an ID it does not know; other errors are
// taken as passing (the notification is tried again).
type Directory interface {
	User(ctx context.Context, id string) (User, error)
}

// DirectoryFunc adapts a function to Directory.
type DirectoryFunc func(ctx context.Context, id string) (User, error)

// User calls f.
func (f DirectoryFunc) User(ctx context.Context, id string) (User, error) { return f(ctx, id) }

// AddressRemover is a Directory that can forget an address a provider
// says is gone for good (an FCM token UNREGISTERED, a Web Push
// subscription answered 404 or 410). The Dispatcher calls it when a
// SendError has DeadAddress set.
type AddressRemover interface {
	RemoveAddress(ctx context.Context, user string, ch Channel, address string) error
}

// MemoryDirectory is a Directory in memory, safe for concurrent use.
type MemoryDirectory struct {
	mu    sync.Mutex
	users map[string]User
}

var (
	_ Directory      = (*MemoryDirectory)(nil)
	_ AddressRemover = (*MemoryDirectory)(nil)
)

// NewMemoryDirectory returns a directory of users.
func NewMemoryDirectory(users ...User) *MemoryDirectory {
	d := &MemoryDirectory{users: map[string]User{}}
	for _, u := range users {
		d.Put(u)
	}
	return d
}

// Put adds or replaces a user.
func (d *MemoryDirectory) Put(u User) {
	d.mu.Lock()
	defer d.mu.Unlock()
	u.Devices = slices.Clone(u.Devices)
	d.users[u.ID] = u
}

// User implements Directory.
func (d *MemoryDirectory) User(_ context.Context, id string) (User, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.users[id]
	if !ok {
		return User{}, fmt.Errorf("%w %q", ErrUnknownUser, id)
	}
	u.Devices = slices.Clone(u.Devices)
	return u, nil
}

// RemoveAddress implements AddressRemover: a push device's token, an
// e-mail address or a phone number.
func (d *MemoryDirectory) RemoveAddress(_ context.Context, user string, ch Channel, address string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.users[user]
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownUser, user)
	}
	switch ch {
	case Push:
		u.Devices = slices.DeleteFunc(slices.Clone(u.Devices), func(dv Device) bool { return dv.Token == address })
	case Email:
		u.Email = ""
	case SMS:
		u.Phone = ""
	}
	d.users[user] = u
	return nil
}

package notify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// rahim is a site engineer who reads Bangla.
var rahim = User{ID: "rahim", Name: "রহিম", Email: "rahim@example.com.bd", Phone: "01711-000001",
	Devices: []Device{{Provider: "fcm", Token: "fcm-token-rahim"}},
	Prefs:   Preferences{Language: Bangla, BengaliDigits: true}}

// allChannels returns fakes on every channel and the config using them.
func allChannels(now func() time.Time) (map[Channel]*fake, Config) {
	f := map[Channel]*fake{
		Email: newFake("sendgrid", now, nil),
		SMS:   newFake("sslwireless", now, nil),
		Push:  newFake("fcm", now, nil),
	}
	return f, Config{Providers: map[Channel][]Provider{Email: {f[Email]}, SMS: {f[SMS]}, Push: {f[Push]}}}
}

func TestBadInputRefusedBeforeSending(t *testing.T) {
	var r *rig
	now := func() time.Time { return r.sim.Now() }
	fakes, cfg := allChannels(now)
	bad := User{ID: "bad", Email: "rahim@gmail", Phone: "01211-000000", Prefs: Preferences{Channels: map[Kind][]Channel{Announcement: {Email, SMS}}}}
	pushy := User{ID: "pushy", Email: "karim@example.com", Devices: []Device{{Provider: "fcm", Token: "t"}},
		Prefs: Preferences{Channels: map[Kind][]Channel{Announcement: {Push, Email}}}}
	r = newRig(t, cfg, rahim, bad, pushy)
	ctx := context.Background()
	long := strings.Repeat("বৃষ্টি ", 300) // 300 × 7 code points × 3 bytes, over FCM's 4,096
	for _, c := range []struct {
		name string
		n    Notification
		want string // in the error
	}{
		{"no key", Notification{Kind: Announcement, To: []string{"rahim"}}, "without a key"},
		{"no recipients", Notification{Key: "k", Kind: Announcement}, "no recipients"},
		{"unknown kind", Notification{Key: "k", Kind: "party", To: []string{"rahim"}}, "no templates"},
		{"missing variable", Notification{Key: "k", Kind: WeatherAlert, To: []string{"rahim"}, Data: map[string]string{"date": "2027-07-12"}}, `variable "tasks" missing`},
		{"bad phone", announcement("k1", Critical, "bad"), "no mobile operator uses the prefix 012"},
		{"bad email", announcement("k2", Critical, "bad"), `domain "gmail" is not a full domain name`},
		{"bad bare phone", announcement("k3", Critical, "+1 415 555 0100"), "not a Bangladeshi number"},
		{"bare email that does not parse", announcement("k4", Critical, "rahim@@example.com"), "email address"},
		{"unknown user", announcement("k5", Critical, "user:nobody"), "unknown user"},
		{"push payload over FCM's limit", Notification{Key: "k6", Kind: Announcement, To: []string{"pushy"}, Severity: High,
			Data: map[string]string{"subject": "s", "text": long}}, "over its limit of 4096"},
	} {
		_, err := r.d.Send(ctx, c.n)
		if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnknownUser) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v; want an error saying %q", c.name, err, c.want)
		}
	}
	r.sim.Run(simStart.Add(time.Hour))
	// The e-mail of k6 went; nothing else did.
	if fakes[SMS].calls != 0 || fakes[Push].calls != 0 || fakes[Email].calls != 1 {
		t.Errorf("provider calls: sms %d, push %d, email %d; want 0, 0, 1", fakes[SMS].calls, fakes[Push].calls, fakes[Email].calls)
	}
	// Each refusal is a dead letter with its reason.
	dead := r.ledger.DeadLetters()
	if len(dead) < 6 {
		t.Errorf("%d dead letters: %+v", len(dead), dead)
	}
	for _, dl := range dead {
		if !strings.HasPrefix(dl.Reason, "refused before sending: ") {
			t.Errorf("dead letter %s: %q", dl.Key, dl.Reason)
		}
	}
}

func TestQuietHoursAndCritical(t *testing.T) {
	var r *rig
	now := func() time.Time { return r.sim.Now() }
	fakes, cfg := allChannels(now)
	r = newRig(t, cfg, rahim)
	night := time.Date(2027, 7, 12, 23, 0, 0, 0, Dhaka())
	weather := Notification{Key: "w", Kind: WeatherAlert, Project: "tower", To: []string{"rahim"}, Severity: Critical,
		Data: map[string]string{"date": "2027-07-13", "tasks": "Piling", "rain_mm": "60"}}
	deadline := Notification{Key: "d", Kind: DeadlineNear, Project: "tower", To: []string{"user:rahim"},
		Data: map[string]string{"task": "Piling", "deadline": "2027-07-15", "days": "2"}}
	var reps []*Report
	r.sim.At(night, func() { reps = append(reps, r.send(t, weather), r.send(t, deadline)) })
	r.sim.Run(simStart.Add(48 * time.Hour))

	// The critical weather alert went at 23:00 by push and SMS; the
	// deadline's push waited for 07:00, its in-app message did not.
	morning := time.Date(2027, 7, 13, 7, 0, 0, 0, Dhaka())
	if len(fakes[SMS].times) != 1 || !fakes[SMS].times[0].Equal(night) {
		t.Errorf("SMS at %v; want one at %v", fakes[SMS].times, night)
	}
	if len(fakes[Push].times) != 2 || !fakes[Push].times[0].Equal(night) || !fakes[Push].times[1].Equal(morning) {
		t.Errorf("push at %v; want %v and %v", fakes[Push].times, night, morning)
	}
	states := map[Channel]PlanState{}
	for _, m := range reps[1].Messages {
		states[m.Channel] = m.State
	}
	if states[Push] != Deferred || states[InApp] != Queued {
		t.Errorf("deadline plans: %v", reps[1].Messages)
	}
	page, _ := r.inbox.List(context.Background(), "rahim", Page{})
	if len(page.Items) != 2 || page.Unread != 2 || !page.Items[0].Created.Equal(night) {
		t.Errorf("inbox: %+v", page)
	}
	// Rahim reads Bangla with Bengali digits.
	if sms := fakes[SMS].sent["w/rahim/sms"]; sms.To != "+8801711000001" || !strings.Contains(sms.Text, "বৃষ্টি ৬০ মিমি") {
		t.Errorf("the SMS: %+v", sms)
	}
}

func TestEscalation(t *testing.T) {
	for _, c := range []struct {
		name      string
		pushDown  bool
		devices   []Device
		severity  Severity
		wantSMSAt time.Duration // from the send; -1: no SMS
	}{
		{"push delivered: no SMS", false, rahim.Devices, High, -1},
		{"push failing: SMS after 10 minutes", true, rahim.Devices, High, 10 * time.Minute},
		{"no device: SMS at once", false, nil, High, 0},
		{"normal severity: no escalation", true, rahim.Devices, Normal, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r *rig
			now := func() time.Time { return r.sim.Now() }
			fakes, cfg := allChannels(now)
			if c.pushDown {
				fakes[Push].answer = down("fcm", simStart, 24*time.Hour)
			}
			u := rahim
			u.Devices = c.devices
			u.Prefs.Channels = map[Kind][]Channel{PermitStatus: {InApp, Push}}
			r = newRig(t, cfg, u)
			r.send(t, Notification{Key: "p", Kind: PermitStatus, Project: "tower", To: []string{"rahim"}, Severity: c.severity,
				Data: map[string]string{"permit": "Building approval", "authority": "rajuk", "status": "under_review"}})
			r.sim.Run(simStart.Add(2 * time.Hour))
			switch {
			case c.wantSMSAt < 0 && fakes[SMS].calls != 0:
				t.Errorf("SMS sent at %v", fakes[SMS].times)
			case c.wantSMSAt >= 0 && (fakes[SMS].calls != 1 || !fakes[SMS].times[0].Equal(simStart.Add(c.wantSMSAt))):
				t.Errorf("SMS at %v; want one at +%v", fakes[SMS].times, c.wantSMSAt)
			}
		})
	}
}

func TestDigest(t *testing.T) {
	var r *rig
	now := func() time.Time { return r.sim.Now() }
	fakes, cfg := allChannels(now)
	r = newRig(t, cfg, rahim)
	low := func(key, name string) Notification {
		return Notification{Key: key, Kind: MilestoneCompleted, Project: "tower", To: []string{"rahim"}, Severity: Low,
			Data: map[string]string{"project": "Dhaka Tower", "milestone": name, "date": "2027-07-12"}}
	}
	r.send(t, low("m1", "Piling done"))
	r.sim.At(simStart.Add(time.Hour), func() { r.send(t, low("m2", "Basement slab")) })
	r.sim.At(simStart.Add(2*time.Hour), func() { r.send(t, low("m2", "Basement slab")) }) // again: nothing more
	r.sim.At(simStart.Add(8*time.Hour), func() { r.send(t, low("m3", "Ground floor")) })  // 18:00: the next morning's
	r.sim.Run(simStart.Add(48 * time.Hour))
	five := time.Date(2027, 7, 12, 17, 0, 0, 0, Dhaka())
	nine := time.Date(2027, 7, 13, 9, 0, 0, 0, Dhaka())
	if len(fakes[Email].times) != 2 || !fakes[Email].times[0].Equal(five) || !fakes[Email].times[1].Equal(nine) {
		t.Fatalf("digest e-mails at %v; want %v and %v", fakes[Email].times, five, nine)
	}
	if fakes[Push].calls != 0 {
		t.Errorf("low-severity push sent")
	}
	// The in-app messages went at once, one per notification.
	if n, _ := r.inbox.Unread(context.Background(), "rahim"); n != 3 {
		t.Errorf("%d unread in-app messages, want 3", n)
	}
	var first Delivery
	for _, dl := range r.ledger.Deliveries(Delivered) {
		if dl.Kind == Digest {
			first = dl
			break
		}
	}
	if first.Channel != Email || first.To != "rahim@example.com.bd" {
		t.Errorf("digest delivery %+v", first)
	}
	// What the digest said.
	p, _ := r.d.ts.render(Digest, Email, map[string]any{"project": "Dhaka Tower", "name": "রহিম", "count": "2",
		"items": []string{"মাইলফলক অর্জিত: Piling done", "মাইলফলক অর্জিত: Basement slab"}}, rahim.Prefs.Format())
	if p.Subject != "[Dhaka Tower] ২টি হালনাগাদ" {
		t.Errorf("digest subject %q", p.Subject)
	}
}

func TestUnknownOutcome(t *testing.T) {
	timeout := func(name string) func(time.Time, *Message) error {
		calls := 0
		return func(time.Time, *Message) error {
			calls++
			if calls == 1 {
				return &SendError{Provider: name, Class: Unknown, Err: context.DeadlineExceeded}
			}
			return nil
		}
	}
	for _, c := range []struct {
		name          string
		takesKey      bool
		resend        bool
		primaryCalls  int
		fallbackCalls int
		state         State
	}{
		{"takes the key: resent to it alone", true, false, 2, 0, Delivered},
		{"no key: unconfirmed", false, false, 1, 0, Unconfirmed},
		{"no key, ResendUnknown: the fallback", false, true, 1, 1, Delivered},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r *rig
			now := func() time.Time { return r.sim.Now() }
			primary := newFake("resend", now, timeout("resend"))
			primary.takesKey = c.takesKey
			fallback := newFake("sendgrid", now, nil)
			r = newRig(t, Config{Providers: map[Channel][]Provider{Email: {primary, fallback}}, Policy: DeliveryPolicy{ResendUnknown: c.resend}})
			r.send(t, announcement("k", Normal, "rahim@example.com"))
			r.sim.Run(simStart.Add(time.Hour))
			all := r.ledger.Deliveries()
			if primary.calls != c.primaryCalls || fallback.calls != c.fallbackCalls || len(all) != 1 || all[0].State != c.state {
				t.Errorf("calls %d, %d; deliveries %+v; want %d, %d, %v", primary.calls, fallback.calls, all, c.primaryCalls, c.fallbackCalls, c.state)
			}
			if c.resend && !all[0].DuplicatePossible {
				t.Errorf("a resend after an unknown outcome is not reported duplicate-possible")
			}
			if c.state == Unconfirmed && !strings.Contains(all[0].Reason, "takes no idempotency key") {
				t.Errorf("reason %q", all[0].Reason)
			}
		})
	}
}

func TestPermanentFailures(t *testing.T) {
	refuse := func(name string, dead bool) func(time.Time, *Message) error {
		return func(time.Time, *Message) error {
			return &SendError{Provider: name, Class: Permanent, Status: 400, Code: "21211", DeadAddress: dead, Err: errors.New("invalid 'To' number")}
		}
	}
	var r *rig
	now := func() time.Time { return r.sim.Now() }
	a := newFake("sslwireless", now, refuse("sslwireless", false))
	b := newFake("twilio", now, refuse("twilio", false))
	fcm := newFake("fcm", now, refuse("fcm", true))
	u := rahim
	u.Prefs.Channels = map[Kind][]Channel{Announcement: {SMS, Push}}
	r = newRig(t, Config{Providers: map[Channel][]Provider{SMS: {a, b}, Push: {fcm}}, Policy: DeliveryPolicy{Escalations: []Escalation{}}}, u)
	r.send(t, announcement("k", Normal, "rahim"))
	r.sim.Run(simStart.Add(time.Hour))
	dead := r.ledger.DeadLetters()
	if a.calls != 1 || b.calls != 1 || len(dead) != 2 {
		t.Fatalf("calls %d, %d; dead letters %+v", a.calls, b.calls, dead)
	}
	for _, dl := range dead {
		if dl.Tries != 1 || !strings.Contains(dl.Reason, "refused by every provider") {
			t.Errorf("dead letter %+v", dl)
		}
	}
	// FCM said the token is gone: the directory forgot it.
	if got, _ := r.dir.User(context.Background(), "rahim"); len(got.Devices) != 0 {
		t.Errorf("devices %v; the dead token is still there", got.Devices)
	}
}

func TestSMSShorterVariantAndCost(t *testing.T) {
	var r *rig
	now := func() time.Time { return r.sim.Now() }
	fakes, cfg := allChannels(now)
	cfg.Options = map[string]ProviderOptions{"sslwireless": {SegmentPrice: 0.35, UnicodePrice: 0.60}}
	cfg.Policy.MaxSegments = 2
	u := rahim
	u.Prefs.Channels = map[Kind][]Channel{WeatherAlert: {SMS}}
	r = newRig(t, cfg, u)
	tasks := "Piling block B (PIL3), pile cap casting, excavation of the north ramp, dewatering pumps"
	rep := r.send(t, Notification{Key: "w", Kind: WeatherAlert, Project: "tower", To: []string{"rahim", "+8801811000002"}, Severity: Critical,
		Data: map[string]string{"project": "Dhaka Tower", "date": "2027-07-12", "tasks": tasks, "rain_mm": "62.5", "wind_kmh": "48"}})
	if len(rep.Messages) != 2 {
		t.Fatalf("plans %+v", rep.Messages)
	}
	bn, en := rep.Messages[0], rep.Messages[1]
	full := CountSMS(mustPreview(t, WeatherAlert, u, tasks).SMS.Text)
	if full.Segments <= 2 || !bn.Short || bn.SMS.Segments > 2 || bn.SMS.Encoding != UCS2 || bn.SMS.Cost != 0.60*float64(bn.SMS.Segments) {
		t.Errorf("Bangla SMS: full %d segments; planned %+v %+v", full.Segments, bn, *bn.SMS)
	}
	// A bare number reads English: GSM-7, and 2 segments fit.
	if en.Short || en.SMS.Encoding != GSM7 || en.SMS.Cost != 0.35*float64(en.SMS.Segments) || en.To != "+8801811000002" {
		t.Errorf("English SMS: %+v %+v", en, *en.SMS)
	}
	r.sim.Run(simStart.Add(time.Hour))
	if fakes[SMS].calls != 2 {
		t.Errorf("%d SMS sent", fakes[SMS].calls)
	}
}

func mustPreview(t *testing.T, kind Kind, u User, tasks string) *Preview {
	t.Helper()
	p, err := DefaultTemplates().Preview(kind, map[string]string{"project": "Dhaka Tower", "name": u.Name, "date": "2027-07-12", "tasks": tasks, "rain_mm": "62.5", "wind_kmh": "48"}, u.Prefs.Format())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

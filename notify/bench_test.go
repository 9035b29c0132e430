package notify

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func BenchmarkCountSMS(b *testing.B) {
	for _, c := range []struct{ name, text string }{
		{"gsm=160", strings.Repeat("a", 160)},
		{"bangla=300", strings.Repeat("ক্ষ", 100)},
		{"emoji=100", strings.Repeat("😀", 100)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				CountSMS(c.text)
			}
		})
	}
}

func BenchmarkRender(b *testing.B) {
	ts := DefaultTemplates()
	for _, ch := range []Channel{Email, SMS, Push} {
		b.Run(string(ch), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ts.Render(WeatherAlert, ch, sampleData[WeatherAlert], Format{Language: Bangla, BengaliDigits: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSendAndDeliver is one notification to one Bangla reader on
// in-app, push and SMS, sent and delivered on the simulated outbox: the
// Dispatcher's own cost a notification, providers and queue aside.
func BenchmarkSendAndDeliver(b *testing.B) {
	var r *rig
	_, cfg := allChannels(func() time.Time { return r.sim.Now() })
	r = newRig(b, cfg, rahim)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		r.send(b, Notification{Key: fmt.Sprint(i), Kind: WeatherAlert, Project: "tower", To: []string{"rahim"}, Severity: Critical,
			Data: sampleData[WeatherAlert]})
		r.sim.Run(r.sim.Now())
	}
}

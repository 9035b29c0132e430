package notify

import (
	"context"
	"log/slog"
)

// LogProvider is a Provider for development: it writes each message to
// its Logger (at Info, the message's parts as attributes) and accepts
// it. It serves any channel (put it at the end of each of a Config's
// chains) and never fails.
type LogProvider struct {
	Logger *slog.Logger
}

var _ Provider = (*LogProvider)(nil)

// Name implements Provider.
func (p *LogProvider) Name() string { return "log" }

// Send implements Provider.
func (p *LogProvider) Send(ctx context.Context, m *Message) (Receipt, error) {
	if p.Logger != nil {
		attrs := []slog.Attr{
			slog.String("key", m.Key), slog.String("channel", string(m.Channel)), slog.String("to", m.To),
		}
		for _, a := range []struct{ k, v string }{{"subject", m.Subject}, {"title", m.Title}, {"text", m.Text}} {
			if a.v != "" {
				attrs = append(attrs, slog.String(a.k, a.v))
			}
		}
		if m.Channel == SMS {
			info := CountSMS(m.Text)
			attrs = append(attrs, slog.String("encoding", info.Encoding.String()), slog.Int("segments", info.Segments))
		}
		p.Logger.LogAttrs(ctx, slog.LevelInfo, "notify: message", attrs...)
	}
	return Receipt{Provider: p.Name(), ID: m.Key}, nil
}

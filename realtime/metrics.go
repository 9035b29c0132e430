package realtime

import "time"

// Classes of outbound messages, as Metrics counts them.
const (
	classDurable   = "durable"
	classEphemeral = "ephemeral"
	classReply     = "reply"
)

// noMetrics is the Metrics of a hub given none.
type noMetrics struct{}

func (noMetrics) Connections(int)              {}
func (noMetrics) Rooms(int)                    {}
func (noMetrics) MessagesIn(string, int)       {}
func (noMetrics) MessagesOut(string, int, int) {}
func (noMetrics) Dropped(string, int)          {}
func (noMetrics) SlowClosed()                  {}
func (noMetrics) Replayed(int)                 {}
func (noMetrics) Resynced()                    {}
func (noMetrics) PublishToWrite(time.Duration) {}

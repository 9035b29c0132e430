package redis

import (
	"context"

	"github.com/critpath/critpath/realtime"
)

// PublishQuietly appends ms to the room's history as Publish does but
// does not publish them on the room's channel: for tests, a batch the
// subscribers' channel lost.
func (b *Broker) PublishQuietly(ctx context.Context, room string, ms ...realtime.Message) (int64, error) {
	return b.publish(ctx, room, ms[0].Rev, frames(room, ms), false)
}

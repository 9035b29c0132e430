package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/critpath/critpath/notify"
	"github.com/critpath/critpath/realtime"
)

// A notification stored in a user's inbox reaches every connection of
// that user, through the user's room.
func ExampleInbox() {
	ctx := context.Background()
	b := realtime.NewMemory(realtime.MemoryConfig{})
	inbox := realtime.Inbox(notify.NewMemoryInbox(), b)

	sub, _ := b.Subscribe(ctx, realtime.UserRoom("rahim"), -1, "")
	defer sub.Close()
	inbox.Add(ctx, notify.Item{ID: "permit-17", User: "rahim", Title: "RAJUK approval received"})

	m := <-sub.C
	var it notify.Item
	json.Unmarshal(m.Data, &it)
	fmt.Println(m.Type, m.Room, m.Seq, it.ID, it.Title)
	// Output:
	// notification user:rahim 1 permit-17 RAJUK approval received
}

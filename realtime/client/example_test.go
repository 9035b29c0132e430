package client_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/realtime/client"
	"github.com/critpath/critpath/realtime/realtimetest"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// A client joins a project's room, edits a task and sees its own change
// come back through the room, after the snapshot.
func Example() {
	ctx := context.Background()

	// A hub in process: a store, a broker, the store's relay into it.
	st := store.New(store.NewMemory(), store.Config{})
	defer st.Close()
	p := &schedule.Project{Name: "Site", Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC), Tasks: []schedule.Task{
		{ID: "A", Name: "Survey", Duration: schedule.Days(3)},
	}}
	if _, err := st.Create(ctx, "site", p, "lead"); err != nil {
		fmt.Println(err)
		return
	}
	broker := realtime.NewMemory(realtime.MemoryConfig{})
	relayCtx, stopRelay := context.WithCancel(ctx)
	defer stopRelay()
	go st.Relay(relayCtx, realtime.Relay(broker), 10*time.Millisecond)
	hub, err := realtime.NewHub(realtime.HubConfig{Broker: broker, Projects: st, Auth: realtimetest.Tokens{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	defer hub.Shutdown(ctx)

	c, err := client.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), client.Options{
		Token: func(context.Context) (string, error) { return "ana", nil },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	room, err := c.Join(ctx, "site")
	if err != nil {
		fmt.Println(err)
		return
	}
	first := <-room.Events()
	fmt.Printf("snapshot: %d task(s) at revision %d\n", len(first.Snapshot.Project.Tasks), first.Snapshot.Rev)

	out, err := room.Patch(ctx, "A", map[string]any{"name": "Site survey"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("patched: revision", out.Revision)
	for ev := range room.Events() {
		if m := ev.Message; m != nil && m.Type == realtime.TypeTaskChanged {
			fmt.Printf("%s by %s at revision %d\n", m.Type, m.Actor, m.Rev)
			break
		}
	}
	// Output:
	// snapshot: 1 task(s) at revision 1
	// patched: revision 2
	// task.changed by ana at revision 2
}

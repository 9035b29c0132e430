package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// anyone is an Authenticator for the example: a token is its user's
// name, and every user plans every project.
type anyone struct{}

func (anyone) Authenticate(_ context.Context, token string) (realtime.Identity, error) {
	return realtime.Identity{User: token}, nil
}

func (anyone) Role(context.Context, realtime.Identity, string) (realtime.Role, error) {
	return realtime.RolePlanner, nil
}

// A hub on an in-memory store and broker: a client says hello, joins a
// project's room with a snapshot and changes a task's duration; the
// change and the schedule.recalc it caused come to every member.
func ExampleHub() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st := store.New(store.NewMemory(), store.Config{})
	defer st.Close()
	p := &schedule.Project{Name: "Slab", Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC), Tasks: []schedule.Task{
		{ID: "form", Name: "Formwork", Duration: schedule.Days(3)},
		{ID: "pour", Name: "Pour", Duration: schedule.Days(1)},
	}, Links: []schedule.Link{{Pred: "form", Succ: "pour"}}}
	if _, err := st.Create(ctx, "slab", p, "lead"); err != nil {
		fmt.Println(err)
		return
	}
	broker := realtime.NewMemory(realtime.MemoryConfig{})
	go st.Relay(ctx, realtime.Relay(broker), time.Second) // store events → the rooms

	hub, err := realtime.NewHub(realtime.HubConfig{Broker: broker, Projects: st, Auth: anyone{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	defer hub.Shutdown(ctx)

	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &websocket.DialOptions{Subprotocols: []string{realtime.Subprotocol}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ws.CloseNow()
	ws.SetReadLimit(-1)
	send := func(req string) { _ = ws.Write(ctx, websocket.MessageText, []byte(req)) }
	send(`{"op":"hello","id":"1","token":"ana"}`)
	send(`{"op":"join","id":"2","room":"slab"}`)
	send(`{"op":"task.patch","id":"3","room":"slab","task":"form","fields":{"duration":"5d"},"base":1,"command":"c1"}`)
	for seen := 0; seen < 5; {
		_, frame, err := ws.Read(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		var ms []realtime.Message
		_ = json.Unmarshal(frame, &ms)
		for _, m := range ms {
			switch {
			case m.Type == realtime.TypeReply:
				var r struct {
					OK   bool
					Data struct {
						Mode     string
						Seq      int64
						Revision int64
					}
				}
				_ = json.Unmarshal(m.Data, &r)
				fmt.Printf("reply %s: ok %v mode %q seq %d revision %d\n", m.Re, r.OK, r.Data.Mode, r.Data.Seq, r.Data.Revision)
			case m.Seq > 0:
				fmt.Printf("%s in %s: seq %d, revision %d, by %s\n", m.Type, m.Room, m.Seq, m.Rev, m.Actor)
			default:
				continue // presence
			}
			seen++
		}
	}
	// Unordered output:
	// reply 1: ok true mode "" seq 0 revision 0
	// reply 2: ok true mode "snapshot" seq 1 revision 0
	// reply 3: ok true mode "" seq 0 revision 2
	// task.changed in slab: seq 2, revision 2, by ana
	// schedule.recalc in slab: seq 3, revision 2, by ana
}

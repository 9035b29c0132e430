package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// editor is one of the concurrent editors of task t1: its copy of the
// task's fields, as the room's durable messages left them, and the
// commands it saw.
type editor struct {
	c        *client
	mu       sync.Mutex
	rev      int64
	fields   map[string]string // field → its value's JSON
	commands map[string]bool
}

// write is an edit the server acknowledged.
type write struct {
	field, value string
	rev          int64
	command      string
}

// editors: n editors patch task t1 of one room for dur, each every
// 50–250 ms, half the time its name (a descriptive field: the last
// writer wins) and half its duration (a schedule field: a write on a
// stale version is refused as a conflict). Then: every acknowledged
// edit must have reached every editor (lost updates: the pairs that
// did not, plus each field whose final value is not its last
// acknowledged write), and every editor's copy must equal the others'
// and the store's, read in a fresh join's snapshot.
func editors(ctx context.Context, st *setup, n int, dur time.Duration) (*result, error) {
	srv, err := st.start(ctx, critpath, nodeOpts{name: "a"})
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	eds := make([]*editor, n)
	for i := range n {
		e := &editor{fields: map[string]string{}, commands: map[string]bool{}}
		e.c = newClient(critpath, "ed"+itoa(i), nil)
		e.c.onDurable = e.take
		if _, err := e.c.connect(ctx, srv.addr); err != nil {
			return nil, fmt.Errorf("editor %d: %w", i, err)
		}
		defer e.c.cut()
		data, err := e.c.call(ctx, map[string]any{"op": "join", "room": "edit"})
		if err != nil {
			return nil, fmt.Errorf("editor %d: join: %w", i, err)
		}
		e.mu.Lock()
		e.rev, e.fields = snapshotT1(data)
		e.mu.Unlock()
		eds[i] = e
	}
	var (
		wmu       sync.Mutex
		acked     []write
		conflicts atomic.Int64
		refused   atomic.Int64
		sent      atomic.Int64
	)
	wctx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()
	var wg sync.WaitGroup
	for i, e := range eds {
		wg.Go(func() {
			for k := 0; ; k++ {
				select {
				case <-wctx.Done():
					return
				case <-time.After(50*time.Millisecond + jitter(200*time.Millisecond)):
				}
				e.mu.Lock()
				base := e.rev
				e.mu.Unlock()
				field, value := "name", strconv.Quote("ed"+itoa(i)+"."+itoa(k))
				if rand.IntN(2) == 0 {
					field, value = "duration", strconv.Quote(itoa(1+rand.IntN(30))+"d")
				}
				command := "ed" + itoa(i) + "." + itoa(k)
				sent.Add(1)
				cctx, ccancel := context.WithTimeout(ctx, 10*time.Second)
				data, err := e.c.call(cctx, map[string]any{"op": "task.patch", "room": "edit", "task": "t1", "fields": map[string]json.RawMessage{field: json.RawMessage(value)}, "base": base, "command": command})
				ccancel()
				if err != nil {
					var r struct {
						Error struct {
							Code string `json:"code"`
						} `json:"error"`
					}
					_ = json.Unmarshal(data, &r)
					if r.Error.Code == "conflict" {
						conflicts.Add(1)
					} else {
						refused.Add(1)
					}
					continue
				}
				var out struct {
					Revision int64 `json:"revision"`
				}
				_ = json.Unmarshal(data, &out)
				wmu.Lock()
				acked = append(acked, write{field, value, out.Revision, command})
				wmu.Unlock()
			}
		})
	}
	wg.Wait()
	time.Sleep(2 * time.Second) // the last changes arrive

	// The store's values, in a fresh join's snapshot.
	judge := newClient(critpath, "judge", nil)
	if _, err := judge.connect(ctx, srv.addr); err != nil {
		return nil, err
	}
	defer judge.cut()
	data, err := judge.call(ctx, map[string]any{"op": "join", "room": "edit"})
	if err != nil {
		return nil, fmt.Errorf("judge: join: %w", err)
	}
	rev, truth := snapshotT1(data)

	last := map[string]write{}
	for _, w := range acked {
		if w.rev > last[w.field].rev {
			last[w.field] = w
		}
	}
	lost := 0
	for _, w := range last {
		if !sameJSON(truth[w.field], w.value) {
			lost++
		}
	}
	converged := 0
	for _, e := range eds {
		e.mu.Lock()
		for _, w := range acked {
			if !e.commands[w.command] {
				lost++
			}
		}
		if e.rev == rev && sameJSON(e.fields["name"], truth["name"]) && sameJSON(e.fields["duration"], truth["duration"]) {
			converged++
		}
		e.mu.Unlock()
	}
	res := &result{}
	res.set("edits sent", float64(sent.Load()))
	res.set("edits acknowledged", float64(len(acked)))
	res.set("conflicts", float64(conflicts.Load()))
	res.set("other refusals", float64(refused.Load()))
	res.set("lost updates", float64(lost))
	res.set("editors converged", float64(converged))
	res.set("editors", float64(n))
	return res, nil
}

// take applies a durable message to the editor's copy of t1.
func (e *editor) take(m *message) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if m.Rev > e.rev {
		e.rev = m.Rev
	}
	if m.Command != "" && m.Type != "schedule.recalc" {
		e.commands[m.Command] = true
	}
	var d struct {
		Ops []struct {
			Op    string          `json:"op"`
			Task  string          `json:"task"`
			Field string          `json:"field"`
			Value json.RawMessage `json:"value"`
		} `json:"ops"`
	}
	if json.Unmarshal(m.Data, &d) != nil {
		return
	}
	for _, op := range d.Ops {
		if op.Op == "set" && op.Task == "t1" {
			e.fields[op.Field] = string(op.Value)
		}
	}
}

// snapshotT1 reads a join's snapshot reply: the revision and task t1's
// name and duration, as JSON.
func snapshotT1(data []byte) (int64, map[string]string) {
	var j struct {
		Rev     int64 `json:"rev"`
		Project struct {
			Tasks []struct {
				ID       string          `json:"ID"`
				Name     json.RawMessage `json:"Name"`
				Duration json.RawMessage `json:"Duration"`
			} `json:"Tasks"`
		} `json:"project"`
	}
	_ = json.Unmarshal(data, &j)
	f := map[string]string{}
	for _, t := range j.Project.Tasks {
		if t.ID == "t1" {
			f["name"], f["duration"] = string(t.Name), string(t.Duration)
		}
	}
	return j.Rev, f
}

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return a == b
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}

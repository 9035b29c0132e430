package main

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseFrame(t *testing.T) {
	tests := []struct {
		frame string
		want  []message
		ok    bool
	}{
		{`[]`, nil, true},
		{`[{"type":"task.changed","room":"r\"1","seq":7,"epoch":"e","rev":3,"time":"x","command":"c","data":{"ops":[{"op":"set","field":"notes","value":"5,6,]}{"}]}}]`,
			[]message{{Type: "task.changed", Room: `r"1`, Seq: 7, Epoch: "e", Rev: 3, Command: "c", Data: json.RawMessage(`{"ops":[{"op":"set","field":"notes","value":"5,6,]}{"}]}`)}}, true},
		{` [ {"type":"reply","re":"4","data":{"ok":true}} , {"type":"beacon","seq":9} ] `,
			[]message{{Type: "reply", Re: "4", Data: json.RawMessage(`{"ok":true}`)}, {Type: "beacon", Seq: 9}}, true},
		{`{"type":"reply"}`, nil, false},
		{`[{"type":"reply"`, nil, false},
	}
	for _, tt := range tests {
		got, ok := parseFrame([]byte(tt.frame))
		if ok != tt.ok || len(got) != len(tt.want) {
			t.Fatalf("parseFrame(%s): got %d messages, %v, want %d, %v", tt.frame, len(got), ok, len(tt.want), tt.ok)
		}
		for i := range got {
			g, w := got[i], tt.want[i]
			if g.Type != w.Type || g.Room != w.Room || g.Seq != w.Seq || g.Epoch != w.Epoch || g.Rev != w.Rev || g.Re != w.Re || g.Command != w.Command || string(g.Data) != string(w.Data) {
				t.Errorf("parseFrame(%s)[%d]: got %+v, want %+v", tt.frame, i, g, w)
			}
		}
	}
	s, ts, ok := notesEvent(tests[1].want[0].Data)
	if !ok || s != 5 || ts != 6 {
		t.Errorf("notesEvent: got %d, %d, %v, want 5, 6, true", s, ts, ok)
	}
}

// TestParseFrameRandom checks the scanner against encoding/json on
// random messages: the same fields, whatever the strings hold.
func TestParseFrameRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	chars := []string{"a", "\"", "\\", "]", "}", "{", "[", ",", ":", "é", " "}
	word := func() string {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(chars[r.IntN(len(chars))])
		}
		return b.String()
	}
	for range 1000 {
		type wire struct {
			Type    string         `json:"type"`
			Room    string         `json:"room,omitempty"`
			Seq     int64          `json:"seq,omitempty"`
			Epoch   string         `json:"epoch,omitempty"`
			Rev     int64          `json:"rev,omitempty"`
			Command string         `json:"command,omitempty"`
			Data    map[string]any `json:"data,omitempty"`
		}
		var in []wire
		for range 1 + r.IntN(3) {
			in = append(in, wire{Type: word(), Room: word(), Seq: r.Int64N(1000), Epoch: word(), Rev: r.Int64N(9), Command: word(), Data: map[string]any{word(): []any{word(), 1.5, map[string]any{word(): word()}}}})
		}
		b, _ := json.Marshal(in)
		got, ok := parseFrame(b)
		if !ok || len(got) != len(in) {
			t.Fatalf("parseFrame(%s): got %d messages, %v", b, len(got), ok)
		}
		for i, w := range in {
			g := got[i]
			data, _ := json.Marshal(w.Data)
			if g.Type != w.Type || g.Room != w.Room || g.Seq != w.Seq || g.Epoch != w.Epoch || g.Rev != w.Rev || g.Command != w.Command || string(g.Data) != string(data) {
				t.Fatalf("parseFrame(%s)[%d]: got %+v, want %+v", b, i, g, w)
			}
		}
	}
}

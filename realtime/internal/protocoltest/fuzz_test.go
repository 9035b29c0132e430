package protocoltest_test

import (
	"testing"

	"github.com/critpath/critpath/realtime/internal/protocoltest"
)

// Validate answers any input, request or frame, with nil or an error,
// never a panic; and an input it accepts is a JSON object (a request)
// or a non-empty JSON array (a frame).
func FuzzValidate(f *testing.F) {
	v, err := protocoltest.Default()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		`{"id":"1","op":"hello","token":"t"}`,
		`{"op":"cursor","room":"r","x":1}`,
		`{"id":"1","op":"task.patch","room":"r","task":"A","fields":{"duration":"3d","fields.Zone":"N"},"base":2,"command":"c"}`,
		`[{"type":"reply","re":"1","time":"2026-03-01T10:00:00Z","data":{"ok":true,"data":{}}}]`,
		`[{"type":"beacon","room":"r","seq":3,"epoch":"e","time":"2026-03-01T10:00:00Z"}]`,
		`[]`, `{}`, `null`, `[1,"x",{}]`, `{"op":1}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range []string{protocoltest.KindRequest, protocoltest.KindFrame} {
			if v.Validate(kind, []byte(s)) != nil {
				continue
			}
			first := firstByte(s)
			if kind == protocoltest.KindRequest && first != '{' || kind == protocoltest.KindFrame && first != '[' {
				t.Errorf("%s %q accepted", kind, s)
			}
		}
	})
}

func firstByte(s string) byte {
	for i := range len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return s[i]
	}
	return 0
}

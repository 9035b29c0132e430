package realtime

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzRequest feeds the request decoder and validator arbitrary frames:
// they never panic; a request they accept encodes and decodes to the
// same request, passes again, and an accepted edit makes store ops.
func FuzzRequest(f *testing.F) {
	for _, s := range []string{
		`{"op":"hello","id":"1","token":"t"}`,
		`{"op":"join","id":"2","room":"tower","seq":4,"epoch":"e"}`,
		`{"op":"task.patch","id":"3","room":"tower","task":"D1","fields":{"duration":"5d"},"base":3,"bases":{"duration":2},"command":"c"}`,
		`{"op":"progress","id":"4","room":"tower","task":"D1","fields":{"percent_complete":50}}`,
		`{"op":"task.create","id":"5","room":"tower","new":{"ID":"N","Duration":"2d"}}`,
		`{"op":"link.add","id":"6","room":"tower","link":{"Pred":"A","Succ":"B","Type":"SS","Lag":"1d"},"op_id":"x"}`,
		`{"op":"assign.remove","id":"7","room":"tower","assignment":{"Task":"A","Resource":"r","Units":1}}`,
		`{"op":"cursor","room":"tower","x":1.5,"y":-2}`,
		`{"op":"presence","id":"8","room":"tower","state":"editing","task":"A","field":"name"}`,
		`{"op":"replay","id":"9","room":"tower","seq":-1}`,
		`{"op":"typing","room":"t","task":"A","field":"\u0000"}`,
		`[1,2]`, `"x"`, `{"op":`, `{"op":"join","seq":"x"}`, `  {"op":"ping","id":"p"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, bad, err := decodeRequest(data)
		if err != nil || bad != nil {
			return
		}
		if bad = validate(&req); bad != nil {
			if bad.Code != CodeBadRequest || bad.Message == "" {
				t.Fatalf("refused with %+v", bad)
			}
			return
		}
		if editOps[req.Op] && len(ops(&req)) == 0 {
			t.Fatalf("an accepted %s makes no ops", req.Op)
		}
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatalf("an accepted request does not encode: %v", err)
		}
		again, bad, err := decodeRequest(b)
		if err != nil || bad != nil {
			t.Fatalf("%s: decoding its encoding: %v %+v", b, err, bad)
		}
		if e := validate(&again); e != nil {
			t.Fatalf("%s: its encoding is refused: %+v", b, e)
		}
		b2, _ := json.Marshal(again)
		third, _, _ := decodeRequest(b2)
		if !reflect.DeepEqual(again, third) {
			t.Fatalf("decode → encode → decode differs:\n%+v\n%+v", again, third)
		}
	})
}

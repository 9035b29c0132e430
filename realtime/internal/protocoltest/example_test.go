package protocoltest_test

import (
	"fmt"

	"github.com/critpath/critpath/realtime/internal/protocoltest"
)

// A test checks what a client sends and what a server sends against
// the protocol's document; the error names the op or the message and
// the JSON pointer of each value at fault.
func ExampleValidate() {
	fmt.Println(protocoltest.Validate(protocoltest.KindRequest, []byte(`{"id":"7","op":"link.add","room":"tower","link":{"Pred":"A","Succ":"B","Type":"FS"},"op_id":"l-7","base":12,"command":"c-7"}`)))
	fmt.Println(protocoltest.Validate(protocoltest.KindRequest, []byte(`{"id":"8","op":"task.patch","room":"tower","task":"A","fields":{"duration":"soon"},"base":12,"command":"c-8"}`)))
	fmt.Println(protocoltest.Validate(protocoltest.KindFrame, []byte(`[{"type":"resync","room":"tower","time":"2026-03-01T10:00:00Z"},{"type":"beacon","room":"tower","seq":0,"epoch":"e1","time":"2026-03-01T10:00:00Z"}]`)))
	// Output:
	// <nil>
	// protocoltest: request "task.patch": /fields/duration: 'soon' does not match pattern '^-?[0-9]+(\\.[0-9]+)?(e[-+][0-9]+)?(e?(mo|m|h|d|w)|%)$'
	// protocoltest: frame message 1 (type "beacon"): /1/seq: minimum: got 0, want 1
}

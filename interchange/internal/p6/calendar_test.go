package p6

import (
	"strings"
	"testing"
)

// P6's structured text is read tolerantly (spaces anywhere) and bounded
// (nesting, bad days and exception numbers are errors, not panics).
func TestStructuredText(t *testing.T) {
	for _, c := range []struct {
		data string
		want int // exceptions
		err  string
	}{
		{"(0||CalendarData()((0||DaysOfWeek()((0||1()())))(0||Exceptions()((0||0(d|43650)())))))", 1, ""},
		{"  ( 0 || CalendarData ( ) ( ( 0 || Exceptions ( ) ( ( 0 || 0 ( d | 43650 ) ( ( 0 || 0 ( s | 08:00 | f | 12:00 ) ( ) ) ) ) ) ) ) )", 1, ""},
		{"(0||CalendarData()((0||DaysOfWeek()((0||9()())))))", 0, `day "9"`},
		{"(0||CalendarData()((0||Exceptions()((0||0(d|x)())))))", 0, `exception day "x"`},
		{strings.Repeat("(0||a()(", 100), 0, "nested deeper"},
		{"garbage", 0, "want ("},
	} {
		_, exs, err := CalendarData(c.data)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%.40q: error %v, want %q", c.data, err, c.err)
		case c.err == "" && (err != nil || len(exs) != c.want):
			t.Errorf("%.40q: %d exceptions, error %v", c.data, len(exs), err)
		}
	}
}

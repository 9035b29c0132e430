package charset_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/critpath/critpath/interchange/internal/charset"
)

// NewReader and Head give UTF-8 for each form of the document's start;
// Reader decodes each encoding declared and names the others.
func TestDecode(t *testing.T) {
	const doc = `<?xml version="1.0"?><a>é</a>`
	le := "\xff\xfe<\x00?\x00x\x00m\x00l\x00 \x00v\x00e\x00r\x00s\x00i\x00o\x00n\x00=\x00\"\x001\x00.\x000\x00\"\x00?\x00>\x00<\x00a\x00>\x00\xe9\x00<\x00/\x00a\x00>\x00"
	be := "\xfe\xff\x00<\x00?\x00x\x00m\x00l\x00 \x00v\x00e\x00r\x00s\x00i\x00o\x00n\x00=\x00\"\x001\x00.\x000\x00\"\x00?\x00>\x00<\x00a\x00>\x00\xe9\x00<\x00/\x00a\x00>"
	for _, c := range []struct{ name, in string }{
		{"UTF-8", doc}, {"UTF-8 with a byte-order mark", "\xef\xbb\xbf" + doc},
		{"UTF-16LE with a byte-order mark", le}, {"UTF-16LE without", le[2:]},
		{"UTF-16BE with a byte-order mark", be}, {"UTF-16BE without", be[2:]},
	} {
		got, err := io.ReadAll(charset.NewReader(strings.NewReader(c.in)))
		if err != nil || string(got) != doc {
			t.Errorf("%s: NewReader gives %q, %v; want %q", c.name, got, err, doc)
		}
		if head := charset.Head([]byte(c.in)); string(head) != doc {
			t.Errorf("%s: Head gives %q, want %q", c.name, head, doc)
		}
	}
	if head := charset.Head([]byte(le[:11])); string(head) != "<?xm" {
		t.Errorf("Head of 11 bytes of UTF-16: %q, want the 4 whole characters after the mark", head)
	}
	for _, c := range []struct{ label, in, want string }{
		{"ISO-8859-1", "\xe9\x80", "é\u0080"}, {"latin1", "\xe9", "é"}, {"Windows-1252", "\xe9\x80\x96", "é€–"},
		{"cp1252", "\x93x\x94", "“x”"}, {"UTF-16", "é", "é"}, {"US-ASCII", "a", "a"},
	} {
		r, err := charset.Reader(c.label, strings.NewReader(c.in))
		if err != nil {
			t.Errorf("%s: %v", c.label, err)
			continue
		}
		if got, _ := io.ReadAll(r); string(got) != c.want {
			t.Errorf("%s: %q, want %q", c.label, got, c.want)
		}
	}
	_, err := charset.Reader("Shift_JIS", strings.NewReader(""))
	if !errors.Is(err, charset.ErrUnsupported) || !strings.Contains(err.Error(), `encoding "Shift_JIS"`) {
		t.Errorf("Shift_JIS: %v, want ErrUnsupported naming it", err)
	}
}

// Package charset reads XML documents in the encodings the tools that
// write MSPDI and PMXML use: UTF-8 (with or without a byte-order mark),
// UTF-16 in either byte order (Microsoft Project saves XML as UTF-16,
// with a byte-order mark or without one), ISO-8859-1 and windows-1252. A
// document declaring another encoding is refused with an *Error naming
// it. The functions hold no state; they may be called from many
// goroutines at once.
package charset

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Error is an encoding a document declares that is not read.
type Error struct {
	Encoding string
}

func (e *Error) Error() string {
	return fmt.Sprintf("the document is in encoding %q, which is not read (UTF-8, UTF-16, ISO-8859-1 and windows-1252 are)", e.Encoding)
}

// ErrUnsupported is what every *Error is (errors.Is).
var ErrUnsupported = errors.New("charset: encoding not read")

func (e *Error) Is(target error) bool { return target == ErrUnsupported }

// Byte-order marks.
var (
	bomUTF8    = []byte("\xef\xbb\xbf")
	bomUTF16LE = []byte("\xff\xfe")
	bomUTF16BE = []byte("\xfe\xff")
)

// utf16Of tells UTF-16 by a document's first bytes: its byte-order mark,
// or, without one, a "<" whose high byte is zero ("<\x00?\x00", as an XML
// declaration starts in UTF-16LE, "\x00<\x00?" in UTF-16BE). It returns
// the decoder (nil for a document that is not UTF-16) and the length of
// the mark.
func utf16Of(head []byte) (encoding.Encoding, int) {
	switch {
	case bytes.HasPrefix(head, bomUTF16LE):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), len(bomUTF16LE)
	case bytes.HasPrefix(head, bomUTF16BE):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), len(bomUTF16BE)
	case len(head) >= 4 && head[0] == '<' && head[1] == 0 && head[2] != 0 && head[3] == 0:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), 0
	case len(head) >= 4 && head[0] == 0 && head[1] == '<' && head[2] == 0 && head[3] != 0:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), 0
	}
	return nil, 0
}

// NewReader returns r as an encoding/xml decoder reads it: a UTF-8
// byte-order mark dropped, UTF-16 turned into UTF-8; other documents as
// they are (their declaration, read by Reader, says the rest). An error
// reading r comes out of the reader returned.
func NewReader(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	head, _ := br.Peek(4)
	if bytes.HasPrefix(head, bomUTF8) {
		br.Discard(len(bomUTF8))
		return br
	}
	if enc, bom := utf16Of(head); enc != nil {
		br.Discard(bom)
		return transform.NewReader(br, enc.NewDecoder())
	}
	return br
}

// Head is the first bytes of a document as NewReader gives them, for
// telling its root element: a byte-order mark dropped, UTF-16 turned into
// UTF-8 (an odd last byte dropped).
func Head(head []byte) []byte {
	if b, ok := bytes.CutPrefix(head, bomUTF8); ok {
		return b
	}
	enc, bom := utf16Of(head)
	if enc == nil {
		return head
	}
	head = head[bom:]
	head = head[:len(head)&^1]
	out, _, err := transform.Bytes(enc.NewDecoder(), head)
	if err != nil {
		return nil
	}
	return out
}

// Reader is an xml.Decoder's CharsetReader: it returns the rest of a
// document that declares encoding label as UTF-8. UTF-16 was turned into
// UTF-8 by NewReader already (and a document of single bytes that
// declares it is read as UTF-8); another encoding than the four is an
// *Error.
func Reader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-16", "utf16", "utf-16le", "utf-16be", "unicode", "ucs-2":
		return r, nil
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819", "iso-ir-100", "csisolatin1":
		return transform.NewReader(r, charmap.ISO8859_1.NewDecoder()), nil
	case "windows-1252", "cp1252", "x-cp1252", "cp-1252":
		return transform.NewReader(r, charmap.Windows1252.NewDecoder()), nil
	case "us-ascii", "ascii", "utf-8", "utf8":
		return r, nil
	}
	return nil, &Error{Encoding: label}
}

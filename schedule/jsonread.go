package schedule

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonReader reads the JSON encoding from a stream, a buffer at a time: a
// strict reader that follows the schema (see plan), so that an unknown
// field, a value of the wrong type or a syntax error is reported with its
// line, column and field path, that it never recurses deeper than the
// schema, and that a large project is read without holding the document.
type jsonReader struct {
	src io.Reader // nil when the whole document is in buf
	buf []byte
	pos int // the next byte to read in buf
	// read is how many bytes of the document came before buf[0]; lines
	// and col are the newlines among them and the bytes after the last.
	read       int64
	lines, col int
	max        int64 // the most bytes the document may have
	// held estimates the memory of what was read: the room of its lists
	// and its strings; reading stops past maxHeld.
	held, maxHeld int64
	eof           bool
	err           error     // why the source stopped, other than its end
	keyPos        int64     // where the last field name began
	path          []segment // where the reader is, for errors
	// sinks take the elements of some lists as they are read, by the
	// list's address (see sink).
	sinks map[any]sink
}

// readBuffer is the size of the buffer a stream is read through; it grows
// for a longer string or number.
const readBuffer = 64 << 10

func newJSONReader(src io.Reader, max, maxHeld int64, size int) *jsonReader {
	return &jsonReader{src: src, buf: make([]byte, 0, size), max: max, maxHeld: maxHeld}
}

// newJSONBytes returns a reader of a whole document, without limits.
func newJSONBytes(data []byte) *jsonReader {
	return &jsonReader{buf: data, max: int64(len(data)), maxHeld: math.MaxInt64}
}

// hold counts n more bytes of memory held, failing past maxHeld.
func (r *jsonReader) hold(n int64) error {
	if r.held += n; r.held > r.maxHeld {
		return r.errAt(r.here(), "%w: its project would take over %d bytes of memory (JSONOptions.MaxMemory)", ErrTooLarge, r.maxHeld)
	}
	return nil
}

// grown returns the room a full list of n elements grows to: twice as
// much up to 65,536 elements, few copies; a quarter more beyond, little
// room left unused.
func grown(n int) int {
	if n < 1<<16 {
		return max(4, 2*n)
	}
	return n + n/4
}

// segment is one step of the path to a value: a field name, or an index
// in an array.
type segment struct {
	key   string
	index int
	array bool
}

// here is the reader's offset in the document.
func (r *jsonReader) here() int64 { return r.read + int64(r.pos) }

// fill reads more of the document, moving the bytes not read yet to the
// front of the buffer. It returns how far they moved, and whether any
// bytes were added.
func (r *jsonReader) fill() (int, bool) {
	if r.src == nil || r.eof || r.err != nil {
		return 0, false
	}
	shift := r.pos
	gone := r.buf[:shift]
	if n := bytes.Count(gone, []byte{'\n'}); n > 0 {
		r.lines += n
		r.col = len(gone) - bytes.LastIndexByte(gone, '\n') - 1
	} else {
		r.col += len(gone)
	}
	r.read += int64(shift)
	n := copy(r.buf, r.buf[shift:])
	r.buf, r.pos = r.buf[:n], 0
	if n == cap(r.buf) {
		r.buf = append(make([]byte, 0, 2*cap(r.buf)), r.buf...)
	}
	for range 100 { // a Reader may return nothing and no error; not for ever
		m, err := r.src.Read(r.buf[n:cap(r.buf)])
		r.buf = r.buf[:n+m]
		switch {
		case r.read+int64(len(r.buf)) > r.max:
			r.err = &ParseError{Err: fmt.Errorf("%w: over %d bytes (JSONOptions.MaxBytes)", ErrTooLarge, r.max)}
			return shift, false
		case err == io.EOF:
			r.eof = true
		case err != nil:
			r.err = fmt.Errorf("schedule: reading json: %w", err)
		}
		if m > 0 || err != nil {
			return shift, m > 0
		}
	}
	r.err = fmt.Errorf("schedule: reading json: %w", io.ErrNoProgress)
	return shift, false
}

// ensure makes n bytes from pos available if the document has them.
func (r *jsonReader) ensure(n int) bool {
	for len(r.buf)-r.pos < n {
		if _, ok := r.fill(); !ok {
			return false
		}
	}
	return true
}

// errAt returns a *ParseError at offset off of the document, which must
// still be in the buffer, naming the field being read.
func (r *jsonReader) errAt(off int64, format string, args ...any) error {
	pos := min(max(int(off-r.read), 0), len(r.buf))
	line, col := r.lines+1, r.col+1
	for _, c := range r.buf[:pos] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	var field strings.Builder
	for _, s := range r.path {
		switch {
		case s.array:
			fmt.Fprintf(&field, "[%d]", s.index)
		case field.Len() > 0:
			field.WriteByte('.')
			fallthrough
		default:
			field.WriteString(s.key)
		}
	}
	return &ParseError{Line: line, Column: col, Field: field.String(), Err: fmt.Errorf(format, args...)}
}

func (r *jsonReader) space() {
	for {
		for r.pos < len(r.buf) {
			switch r.buf[r.pos] {
			case ' ', '\t', '\n', '\r':
				r.pos++
			default:
				return
			}
		}
		if _, ok := r.fill(); !ok {
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (r *jsonReader) peek() byte {
	r.space()
	if r.pos >= len(r.buf) {
		return 0
	}
	return r.buf[r.pos]
}

func describe(c byte) string {
	switch {
	case c == '"':
		return "a string"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	}
	return fmt.Sprintf("%q", c)
}

func (r *jsonReader) want(what string) error {
	found := "the end of the document"
	if c := r.peek(); r.pos < len(r.buf) {
		found = describe(c)
	}
	return r.errAt(r.here(), "want %s, found %s", what, found)
}

// literal consumes word if it comes next.
func (r *jsonReader) literal(word string) bool {
	if r.peek() == word[0] && r.ensure(len(word)) && string(r.buf[r.pos:r.pos+len(word)]) == word {
		r.pos += len(word)
		return true
	}
	return false
}

// null consumes a null if one comes next.
func (r *jsonReader) null() bool { return r.literal("null") }

// bom skips a UTF-8 byte-order mark at the start of the document.
func (r *jsonReader) bom() {
	if r.ensure(3) && string(r.buf[r.pos:r.pos+3]) == "\ufeff" {
		r.pos += 3
	}
}

// enter begins reading an object (open is '{') or an array ('['). It
// returns false, and no error, for a null, which stands for an empty one.
func (r *jsonReader) enter(open byte) (bool, error) {
	if r.null() {
		return false, nil
	}
	if r.peek() != open {
		if open == '{' {
			return false, r.want("an object")
		}
		return false, r.want("an array")
	}
	r.pos++
	r.path = append(r.path, segment{index: -1, array: open == '['})
	return true, nil
}

// field moves to the next field of the object being read, returning its
// name (valid until the reader reads on), or false at the object's end.
// The caller names the field in the path and then calls colon.
func (r *jsonReader) field() ([]byte, bool, error) {
	top := &r.path[len(r.path)-1]
	switch c := r.peek(); {
	case c == '}':
		r.pos++
		r.path = r.path[:len(r.path)-1]
		return nil, false, nil
	case top.index >= 0 && c != ',':
		return nil, false, r.want(`"," or "}"`)
	case top.index >= 0:
		r.pos++
	}
	top.index++
	if r.peek() != '"' {
		return nil, false, r.want("a field name")
	}
	r.keyPos = r.here()
	key, err := r.rawBytes()
	return key, err == nil, err
}

// colon reads the colon after a field name.
func (r *jsonReader) colon() error {
	if r.peek() != ':' {
		return r.want(`":"`)
	}
	r.pos++
	return nil
}

// unknown reports the field just read as not part of the encoding.
func (r *jsonReader) unknown(key []byte) error {
	r.path = r.path[:len(r.path)-1]
	return r.errAt(r.keyPos, "unknown field %q", key)
}

// elem moves to the next element of the array being read, or returns false
// at the array's end.
func (r *jsonReader) elem() (bool, error) {
	top := &r.path[len(r.path)-1]
	switch c := r.peek(); {
	case c == ']':
		r.pos++
		r.path = r.path[:len(r.path)-1]
		return false, nil
	case top.index >= 0 && c != ',':
		return false, r.want(`"," or "]"`)
	case top.index >= 0:
		r.pos++
	}
	top.index++
	return true, nil
}

// validUTF8 replaces each byte of b that is not part of valid UTF-8 with
// U+FFFD, as encoding/json does (bytes.ToValidUTF8 replaces a run of them
// with one).
func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		c, n := utf8.DecodeRune(b)
		out = utf8.AppendRune(out, c) // RuneError, U+FFFD, for a bad byte (n = 1)
		b = b[n:]
	}
	return out
}

// str reads a string, or returns false for a null.
func (r *jsonReader) str() (string, bool, error) {
	if r.null() {
		return "", false, nil
	}
	if r.peek() != '"' {
		return "", false, r.want("a string")
	}
	b, err := r.rawBytes()
	if err == nil {
		err = r.hold(int64(len(b)))
	}
	return string(b), err == nil, err
}

// rawBytes reads a string literal at the reader's position: a view of the
// buffer, valid until the reader reads on, when it has no escapes and is
// valid UTF-8; a copy otherwise.
func (r *jsonReader) rawBytes() ([]byte, error) {
	start := r.here()
	i := r.pos + 1 // after the opening quote
	for {
		for i < len(r.buf) {
			c := r.buf[i]
			if c == '"' {
				b := r.buf[r.pos+1 : i]
				r.pos = i + 1
				if !utf8.Valid(b) {
					b = validUTF8(b)
				}
				return b, nil
			}
			if c == '\\' || c < 0x20 {
				return r.escaped(i)
			}
			i++
		}
		shift, ok := r.fill()
		i -= shift
		if !ok {
			return nil, r.errAt(start, "unterminated string")
		}
	}
}

// escaped reads on a string literal, from the reader's position, whose
// first escape or control character is at i.
func (r *jsonReader) escaped(i int) ([]byte, error) {
	start := r.here()
	b := append([]byte(nil), r.buf[r.pos+1:i]...)
	for {
		// Have the longest escape, a surrogate pair, in the buffer.
		for len(r.buf)-i < 12 {
			shift, ok := r.fill()
			i -= shift
			if !ok {
				break
			}
		}
		if i >= len(r.buf) {
			return nil, r.errAt(start, "unterminated string")
		}
		c := r.buf[i]
		switch {
		case c == '"':
			r.pos = i + 1
			return validUTF8(b), nil
		case c < 0x20:
			return nil, r.errAt(r.read+int64(i), "control character %q in a string", c)
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(r.buf) {
			return nil, r.errAt(start, "unterminated string")
		}
		switch e := r.buf[i+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			ch, n, ok := unicodeEscape(r.buf[i:])
			if !ok {
				return nil, r.errAt(r.read+int64(i), "bad \\u escape")
			}
			b = utf8.AppendRune(b, ch)
			i += n
			continue
		default:
			return nil, r.errAt(r.read+int64(i), "bad escape \\%c", e)
		}
		i += 2
	}
}

// unicodeEscape decodes \uXXXX, or a surrogate pair of them, at the start
// of b, returning the rune and the bytes consumed.
func unicodeEscape(b []byte) (rune, int, bool) {
	hex := func(b []byte) (rune, bool) {
		if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(b[2:6]), 16, 32)
		return rune(v), err == nil
	}
	r1, ok := hex(b)
	if !ok {
		return 0, 0, false
	}
	if utf16.IsSurrogate(r1) {
		if r2, ok := hex(b[6:]); ok {
			if ch := utf16.DecodeRune(r1, r2); ch != utf8.RuneError {
				return ch, 12, true
			}
		}
		return utf8.RuneError, 6, true
	}
	return r1, 6, true
}

// number reads a JSON number, returning it and its text (valid until the
// reader reads on).
func (r *jsonReader) number() (float64, []byte, error) {
	r.space()
	i := r.pos
	for {
		for i < len(r.buf) {
			if c := r.buf[i]; (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
				i++
				continue
			}
			break
		}
		if i < len(r.buf) {
			break
		}
		shift, ok := r.fill()
		i -= shift
		if !ok {
			break
		}
	}
	if i == r.pos {
		return 0, nil, r.want("a number")
	}
	tok := r.buf[r.pos:i]
	v, err := strconv.ParseFloat(string(tok), 64)
	if err != nil || !validNumber(tok) {
		return 0, nil, r.errAt(r.here(), "%q is not a number", tok)
	}
	r.pos = i
	return v, tok, nil
}

// validNumber checks the JSON number grammar, which ParseFloat is looser
// than (it takes "+1", ".5", "1.", "Inf", hex and underscores).
func validNumber(s []byte) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// whole reads a number that must be a whole number within ±2³¹.
func (r *jsonReader) whole() (int64, error) {
	r.space()
	at := r.here()
	v, tok, err := r.number()
	if err != nil {
		return 0, err
	}
	if bytes.ContainsAny(tok, ".eE") || math.Abs(v) > 1<<31 {
		return 0, r.errAt(at, "%s is not a whole number in range", tok)
	}
	return int64(v), nil
}

func (r *jsonReader) boolean() (bool, error) {
	switch {
	case r.literal("true"):
		return true, nil
	case r.literal("false"):
		return false, nil
	}
	return false, r.want("true or false")
}

// end checks that nothing but space follows the document.
func (r *jsonReader) end() error {
	if r.space(); r.pos < len(r.buf) {
		return r.errAt(r.here(), "data after the project")
	}
	return nil
}

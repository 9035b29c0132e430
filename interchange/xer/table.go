package xer

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/critpath/critpath/interchange/internal/p6"
)

// maxBytes bounds the files Read takes (256 MiB; tests lower it).
var maxBytes int64 = 256 << 20

// ErrTooLarge is a file over 256 MiB.
var ErrTooLarge = errors.New("xer: file too large (over 256 MiB)")

// ParseError is a file that is not XER or not a schedule, with its line.
type ParseError struct {
	Line  int
	Table string
	Err   error
}

func (e *ParseError) Error() string {
	if e.Table != "" {
		return fmt.Sprintf("xer: line %d: table %s: %v", e.Line, e.Table, e.Err)
	}
	return fmt.Sprintf("xer: line %d: %v", e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Charset names the code page an XER file is decoded from: XER files are
// written in the exporting machine's Windows code page and never say
// which.
type Charset uint8

const (
	// Detect takes UTF-8 when the file is valid UTF-8, else Windows-1251
	// when its non-ASCII bytes run together as Cyrillic words do, else
	// Windows-1252.
	Detect Charset = iota
	Windows1252
	Windows1251
	UTF8
)

// parse splits an XER file into its tables.
func parse(r io.Reader, cs Charset) (p6.Tables, []string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if int64(len(data)) > maxBytes {
		return nil, nil, ErrTooLarge
	}
	text := decode(data, cs)
	tables := p6.Tables{}
	var order []string
	var cur *p6.Table
	line := 0
	sawHeader := false
	for raw := range strings.SplitSeq(text, "\n") {
		line++
		s := strings.TrimSuffix(raw, "\r")
		if s == "" {
			continue
		}
		kind, rest, _ := strings.Cut(s, "\t")
		switch kind {
		case "ERMHDR":
			sawHeader = true
		case "%T":
			name := strings.TrimSpace(rest)
			if _, dup := tables[name]; dup {
				cur = tables[name] // a repeated table continues the first
				continue
			}
			cur = &p6.Table{}
			tables[name] = cur
			order = append(order, name)
		case "%F":
			if cur == nil {
				return nil, nil, &ParseError{Line: line, Err: errors.New("%F before any %T")}
			}
			cur.Fields = map[string]int{}
			for i, f := range strings.Split(rest, "\t") {
				cur.Fields[strings.TrimSpace(f)] = i
			}
		case "%R":
			if cur == nil || cur.Fields == nil {
				return nil, nil, &ParseError{Line: line, Err: errors.New("%R before its table's %F")}
			}
			cur.Rows = append(cur.Rows, strings.Split(rest, "\t"))
			cur.Lines = append(cur.Lines, line)
		case "%E":
			cur = nil
		default:
			if !sawHeader && line == 1 {
				return nil, nil, &ParseError{Line: 1, Err: errors.New("not an XER file (no ERMHDR line)")}
			}
			// Anything else is passed over: real files carry stray lines.
		}
	}
	if !sawHeader {
		return nil, nil, &ParseError{Line: 1, Err: errors.New("not an XER file (no ERMHDR line)")}
	}
	return tables, order, nil
}

// detect is the charset Detect reads data in: UTF-8 when it is valid
// UTF-8, Windows-1251 when it looks Cyrillic, else Windows-1252.
func detect(data []byte) Charset {
	switch {
	case utf8.Valid(data):
		return UTF8
	case cyrillic(data):
		return Windows1251
	}
	return Windows1252
}

// decode turns the file's bytes into text by the charset.
func decode(data []byte, cs Charset) string {
	if cs == Detect {
		cs = detect(data)
	}
	if cs == UTF8 {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	table := &cp1252
	if cs == Windows1251 {
		table = &cp1251
	}
	var b strings.Builder
	b.Grow(len(data) + len(data)/8)
	for _, c := range data {
		if c < 0x80 {
			b.WriteByte(c)
		} else {
			b.WriteRune(table[c-0x80])
		}
	}
	return b.String()
}

// cyrillic reports whether the non-ASCII bytes of data come in runs, as
// the letters of Cyrillic words in Windows-1251 do (Western accented
// letters in Windows-1252 mostly stand alone among ASCII ones).
func cyrillic(data []byte) bool {
	var high, paired int
	for i, c := range data {
		if c < 0xC0 {
			continue
		}
		high++
		if (i > 0 && data[i-1] >= 0xC0) || (i+1 < len(data) && data[i+1] >= 0xC0) {
			paired++
		}
	}
	return high >= 4 && paired*2 > high
}

// cp1252 and cp1251 map bytes 0x80–0xFF to runes (unassigned bytes to
// U+FFFD): Windows-1252 is Latin-1 from 0xA0 on, Windows-1251 has А–я
// from 0xC0 on.
var cp1252 = func() (t [128]rune) {
	copy(t[:], []rune("€\uFFFD‚ƒ„…†‡ˆ‰Š‹Œ\uFFFDŽ\uFFFD\uFFFD‘’“”•–—˜™š›œ\uFFFDžŸ"))
	for i := 0x20; i < 0x80; i++ {
		t[i] = rune(0x80 + i)
	}
	return t
}()

var cp1251 = func() (t [128]rune) {
	copy(t[:], []rune("ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏђ‘’“”•–—\uFFFD™љ›њќћџ\u00A0ЎўЈ¤Ґ¦§Ё©Є«¬\u00AD®Ї°±Ііґµ¶·ё№є»јЅѕї"))
	for i := 0x40; i < 0x80; i++ {
		t[i] = rune(0x410 + i - 0x40)
	}
	return t
}()

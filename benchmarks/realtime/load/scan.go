package main

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// A small scanner for the frames the generator reads most: it finds the
// top-level fields of each message and skips the rest without decoding
// it, so that reading a frame costs the generator about as little as a
// byte scan. Both protocols' events go through it, so the client's cost
// stays the same for both servers; replies, rare, are decoded by
// encoding/json.

// skipString returns the index just past the JSON string at b[i] (a
// quote), or -1.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// skipValue returns the index just past the JSON value starting at or
// after b[i], or -1.
func skipValue(b []byte, i int) int {
	i = skipSpace(b, i)
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				if i = skipString(b, i); i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n' {
		i++
	}
	return i
}

// eachElement calls f with each element of the JSON array b; false when
// b is not one.
func eachElement(b []byte, f func(v []byte)) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return true
	}
	for i < len(b) {
		i = skipSpace(b, i)
		end := skipValue(b, i)
		if end < 0 {
			return false
		}
		f(b[i:end])
		i = skipSpace(b, end)
		if i >= len(b) {
			return false
		}
		if b[i] == ']' {
			return true
		}
		if b[i] != ',' {
			return false
		}
		i++
	}
	return false
}

// eachField calls f with each key (unquoted) and raw value of the JSON
// object b; false when b is not one.
func eachField(b []byte, f func(key, v []byte)) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return true
	}
	for i < len(b) {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != '"' {
			return false
		}
		kend := skipString(b, i)
		if kend < 0 {
			return false
		}
		key := b[i+1 : kend-1]
		i = skipSpace(b, kend)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		end := skipValue(b, i)
		if end < 0 {
			return false
		}
		f(key, b[i:end])
		i = skipSpace(b, end)
		if i >= len(b) {
			return false
		}
		if b[i] == '}' {
			return true
		}
		if b[i] != ',' {
			return false
		}
		i++
	}
	return false
}

// str returns the JSON string v as a Go string.
func str(v []byte) string {
	if len(v) >= 2 && v[0] == '"' && bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1])
	}
	var s string
	_ = json.Unmarshal(v, &s)
	return s
}

func integer(v []byte) int64 {
	n, _ := strconv.ParseInt(string(v), 10, 64)
	return n
}

// parseFrame reads a critpath frame: an array of messages.
func parseFrame(b []byte) ([]message, bool) {
	var ms []message
	ok := eachElement(b, func(v []byte) {
		var m message
		if eachField(v, func(k, v []byte) {
			switch string(k) {
			case "type":
				m.Type = str(v)
			case "room":
				m.Room = str(v)
			case "seq":
				m.Seq = integer(v)
			case "epoch":
				m.Epoch = str(v)
			case "rev":
				m.Rev = integer(v)
			case "re":
				m.Re = str(v)
			case "command":
				m.Command = str(v)
			case "data":
				m.Data = v
			}
		}) {
			ms = append(ms, m)
		}
	})
	return ms, ok
}

var notesValue = []byte(`"field":"notes","value":"`)

// notesEvent reads the event a change's data carries in the notes of
// its op: "s,t,padding".
func notesEvent(data []byte) (s, t int64, ok bool) {
	_, after, ok0 := bytes.Cut(data, notesValue)
	if !ok0 {
		return 0, 0, false
	}
	rest := after
	a := bytes.IndexByte(rest, ',')
	if a < 0 {
		return 0, 0, false
	}
	b := bytes.IndexByte(rest[a+1:], ',')
	if b < 0 {
		return 0, 0, false
	}
	return integer(rest[:a]), integer(rest[a+1 : a+1+b]), true
}

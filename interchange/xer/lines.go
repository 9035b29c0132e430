package xer

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// lines reads a file line by line, without the line breaks: "\r" when
// the first line ends with a carriage return alone (as old Mac tools
// write), else "\n" with a "\r" before it trimmed. A line longer than
// the buffer is gathered in pieces and joined, so that it costs twice its
// length at most. It reads at most max bytes (over is set when there are
// more) and remembers whether the file ends with a line break.
type lines struct {
	in   *bufio.Reader
	lim  *limited
	sep  byte
	long []byte // the last long line, whose room is reused
}

// bufSize is the buffer lines reads through.
const bufSize = 64 << 10

func newLines(r io.Reader, max int64) *lines {
	lim := &limited{r: r, left: max}
	return &lines{in: bufio.NewReaderSize(lim, bufSize), lim: lim}
}

// next returns the next line, valid until the next call, or io.EOF after
// the last. The line break is known from the first line break in the
// file's first 64 KiB: an XER file begins with a short ERMHDR line.
func (l *lines) next() ([]byte, error) {
	if l.sep == 0 {
		l.sep = '\n'
		head, _ := l.in.Peek(bufSize) // errors come again below
		if i := bytes.IndexAny(head, "\r\n"); i >= 0 && head[i] == '\r' && (i+1 == len(head) || head[i+1] != '\n') {
			l.sep = '\r'
		}
	}
	frag, err := l.in.ReadSlice(l.sep)
	if errors.Is(err, bufio.ErrBufferFull) {
		frag, err = l.gather(frag)
	}
	switch {
	case err == io.EOF && len(frag) == 0:
		return nil, io.EOF
	case err != nil && err != io.EOF:
		return nil, err
	}
	frag = bytes.TrimSuffix(frag, []byte{l.sep})
	if l.sep == '\n' {
		frag = bytes.TrimSuffix(frag, []byte("\r"))
	}
	return frag, nil
}

// gather reads the rest of a line longer than the buffer, of which first
// is the beginning.
func (l *lines) gather(first []byte) ([]byte, error) {
	parts := [][]byte{bytes.Clone(first)}
	size := len(first)
	var err error
	for {
		var frag []byte
		frag, err = l.in.ReadSlice(l.sep)
		size += len(frag)
		if !errors.Is(err, bufio.ErrBufferFull) {
			parts = append(parts, frag) // valid until the next read
			break
		}
		parts = append(parts, bytes.Clone(frag))
	}
	if cap(l.long) < size {
		l.long = make([]byte, 0, size)
	}
	l.long = l.long[:0]
	for _, p := range parts {
		l.long = append(l.long, p...)
	}
	return l.long, err
}

// whole reports whether the file read ends with a line break.
func (l *lines) whole() bool { return l.lim.last == '\n' || l.lim.last == '\r' }

// limited reads at most left bytes, and says when there are more (over);
// it remembers the last byte read.
type limited struct {
	r    io.Reader
	left int64
	over bool
	last byte
}

func (l *limited) Read(p []byte) (int, error) {
	if l.over {
		return 0, io.EOF
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if n > 0 {
		l.last = p[n-1]
	}
	if l.left -= int64(n); l.left < 0 {
		l.over = true
	}
	return n, err
}

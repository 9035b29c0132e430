package xlsx

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Bounds on a CSV file read: a row (a record, with the lines a quoted
// value spans) over maxCSVRow bytes, a line past maxRows, or more than
// maxCells values is refused while the file is read, before the rest is.
const maxCSVRow = 1 << 20

// csvPeek is how much of a CSV file its separator and line ends are told
// from.
const csvPeek = 64 << 10

// csvRows reads a CSV file's rows as Excel and LibreOffice do: a value
// in double quotes may hold separators, line breaks and doubled quotes;
// text after a value's closing quote is kept (unquoted, with a warning);
// a quote inside an unquoted value is a quote. Each row is put at the
// index of the line it starts on, so a problem's cell ("CSV!C12") names
// the file's line; blank lines are empty rows. A value neutralised
// against formulas ("'=SUM(A1)") loses its quote (see unquote). Lines end with LF, CR LF,
// or — when the file's first line ends so — CR alone. A UTF-8 byte order
// mark and an Excel "sep=;" first line are skipped. A quote still open
// at the end of the file, a row that is not UTF-8 and a bound passed are
// errors naming the line.
func csvRows(r io.Reader) ([][]string, []Warning, error) {
	br := bufio.NewReaderSize(r, csvPeek)
	head, err := br.Peek(csvPeek)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, nil, fmt.Errorf("xlsx: CSV: %w", err)
	}
	if bytes.HasPrefix(head, []byte("\ufeff")) {
		br.Discard(3)
		head = head[3:]
	}
	s := &csvScanner{br: br, eol: '\n'}
	if i := bytes.IndexAny(head, "\r\n"); i >= 0 && head[i] == '\r' && (i+1 == len(head) || head[i+1] != '\n') {
		s.eol = '\r'
	}
	view := head
	if s.eol == '\r' {
		view = bytes.ReplaceAll(head, []byte("\r"), []byte("\n"))
	}
	sep, skip := separator(view)
	s.sep = byte(sep)
	if skip > 0 {
		br.Discard(skip)
		s.line = 1
	}
	var rows [][]string
	cells := 0
	for {
		rec, start, err := s.record()
		if err == io.EOF {
			return rows, s.warnings, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if start > maxRows {
			return nil, nil, tooLarge("xlsx: CSV line %d: over %d lines (the limit)", start, maxRows)
		}
		if cells += len(rec); cells > maxCells {
			return nil, nil, tooLarge("xlsx: CSV line %d: over %d values (the limit)", start, maxCells)
		}
		for len(rows) < start-1 {
			rows = append(rows, nil)
		}
		rows = append(rows, rec)
	}
}

// csvScanner cuts a CSV file into rows.
type csvScanner struct {
	br       *bufio.Reader
	sep, eol byte
	line     int    // lines read
	long     []byte // a line longer than br's buffer
	buf      []byte // the row's values, unquoted
	ends     []int  // each value's end in buf
	warnings []Warning
}

// readLine returns the next line without its end, and whether it had
// one; io.EOF when there is none. The line is valid until the next call.
func (s *csvScanner) readLine() ([]byte, bool, error) {
	line, err := s.br.ReadSlice(s.eol)
	if errors.Is(err, bufio.ErrBufferFull) {
		s.long = append(s.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			if len(s.long) > maxCSVRow {
				return nil, false, tooLarge("xlsx: CSV line %d: a line of over %d bytes (the limit)", s.line+1, maxCSVRow)
			}
			line, err = s.br.ReadSlice(s.eol)
			s.long = append(s.long, line...)
		}
		line = s.long
	}
	if err != nil && err != io.EOF {
		return nil, false, fmt.Errorf("xlsx: CSV line %d: %w", s.line+1, err)
	}
	if len(line) == 0 {
		return nil, false, io.EOF
	}
	s.line++
	ended := line[len(line)-1] == s.eol
	if ended {
		line = line[:len(line)-1]
		if s.eol == '\n' && len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
	}
	return line, ended, nil
}

// record reads the next row and the line it starts on; io.EOF after the
// last.
func (s *csvScanner) record() ([]string, int, error) {
	line, _, err := s.readLine()
	if err != nil {
		return nil, 0, err
	}
	start := s.line
	if len(line) == 0 {
		return nil, start, nil
	}
	s.buf, s.ends = s.buf[:0], s.ends[:0]
	for pos := 0; ; {
		if pos == len(line) || line[pos] != '"' { // an unquoted value
			j := bytes.IndexByte(line[pos:], s.sep)
			if j < 0 {
				s.buf = append(s.buf, line[pos:]...)
				s.ends = append(s.ends, len(s.buf))
				break
			}
			s.buf = append(s.buf, line[pos:pos+j]...)
			s.ends = append(s.ends, len(s.buf))
			pos += j + 1
			continue
		}
		// A quoted value, up to its closing quote, over as many lines as
		// it takes.
		opened := s.line
		pos++
		for {
			i := bytes.IndexByte(line[pos:], '"')
			if i < 0 {
				s.buf = append(s.buf, line[pos:]...)
				line, _, err = s.readLine()
				if err == io.EOF {
					return nil, 0, fmt.Errorf("xlsx: CSV cell %s (line %d): its opening quote is not closed before the end of the file", ref(start-1, len(s.ends)), opened)
				}
				if err != nil {
					return nil, 0, err
				}
				if len(s.buf)+len(line) > maxCSVRow {
					return nil, 0, tooLarge("xlsx: CSV line %d: a row of over %d bytes (the limit)", start, maxCSVRow)
				}
				s.buf = append(s.buf, '\n')
				pos = 0
				continue
			}
			s.buf = append(s.buf, line[pos:pos+i]...)
			pos += i + 1
			if pos < len(line) && line[pos] == '"' { // a doubled quote
				s.buf = append(s.buf, '"')
				pos++
				continue
			}
			break
		}
		// After the closing quote: the separator, the line's end, or text
		// kept as it is.
		j := bytes.IndexByte(line[pos:], s.sep)
		if j < 0 {
			j = len(line) - pos
		}
		if j > 0 {
			from := 0
			if len(s.ends) > 0 {
				from = s.ends[len(s.ends)-1]
			}
			s.buf = append(s.buf, line[pos:pos+j]...)
			s.warn(start, len(s.ends), fmt.Sprintf("text after the closing quote of a quoted value: read as %q", s.buf[from:]))
		}
		s.ends = append(s.ends, len(s.buf))
		if pos += j; pos == len(line) {
			break
		}
		pos++
	}
	if len(s.buf) > maxCSVRow {
		return nil, 0, tooLarge("xlsx: CSV line %d: a row of over %d bytes (the limit)", start, maxCSVRow)
	}
	if !utf8.Valid(s.buf) {
		return nil, 0, fmt.Errorf("xlsx: CSV line %d is not UTF-8 text (save the file as \"CSV UTF-8\")", start)
	}
	text := string(s.buf)
	rec := make([]string, len(s.ends))
	from := 0
	for k, end := range s.ends {
		rec[k], from = unquote(text[from:end]), end
	}
	return rec, start, nil
}

// warn adds a warning about value k (from 0) of the row on line n, up to
// maxProblems of them; the last says how many more there were.
func (s *csvScanner) warn(n, k int, msg string) {
	switch {
	case len(s.warnings) < maxProblems:
		s.warnings = append(s.warnings, Warning{Where: at(sheetCSV, ref(n-1, k)), Message: msg})
	case len(s.warnings) == maxProblems:
		s.warnings = append(s.warnings, Warning{Where: sheetCSV, Message: "more values with text after their closing quote"})
	}
}

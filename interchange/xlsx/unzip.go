package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// A workbook is a zip of XML parts. Read checks the zip's central
// directory before it inflates anything — how many entries it has, each
// part's unpacked size and how many times its packed size that is (a
// bound Apache POI also sets), and all the parts' together — and bounds
// each part again while reading it: archive/zip refuses a part that
// inflates to more than the directory says, and no tag or text of a
// part's XML may be longer than maxToken, as encoding/xml holds one whole
// in memory. Parts are read as streams of tokens straight from the zip;
// nothing is written to disk.
const (
	maxEntries  = 10000     // entries in the zip
	maxUnzipped = 1 << 30   // all parts unpacked
	maxPart     = 256 << 20 // one part unpacked
	maxRatio    = 100       // a part's unpacked size ÷ its packed size, past ratioGrace
	ratioGrace  = 1 << 20
	maxToken    = 1 << 20 // one tag, or one text between tags
	maxDepth    = 64      // elements open at once in a part
	maxItems    = 1 << 16 // sheets, relationships, cell formats, number formats
)

// limitError is input over one of the readers' limits; it wraps
// ErrTooLarge and says which limit.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }
func (e *limitError) Unwrap() error { return ErrTooLarge }

func tooLarge(format string, args ...any) error {
	return &limitError{fmt.Sprintf(format, args...)}
}

// oleMagic starts an OLE compound file: an encrypted workbook, or an
// Excel 97–2003 .xls.
var oleMagic = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}

// zipBook is a workbook's zip, its directory checked.
type zipBook struct {
	parts map[string]*zip.File // by name in lower case, as part names are compared
}

// openZip checks a workbook's zip directory against the limits above.
func openZip(data []byte) (*zipBook, error) {
	if bytes.HasPrefix(data, oleMagic) {
		return nil, errors.New("xlsx: not a workbook: an encrypted (password-protected) workbook or an Excel 97–2003 .xls; save it as an .xlsx without a password")
	}
	// archive/zip makes a File for each header of the central directory
	// before it says how many there are: count the headers' signatures
	// first (at least as many as there are headers).
	if n := bytes.Count(data, []byte("PK\x01\x02")); n > maxEntries {
		return nil, tooLarge("xlsx: the workbook's zip has over %d entries (the limit)", maxEntries)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("xlsx: not a workbook: %w", err)
	}
	zb := &zipBook{parts: make(map[string]*zip.File, len(zr.File))}
	var total uint64
	for _, f := range zr.File {
		size, packed := f.UncompressedSize64, f.CompressedSize64
		switch {
		case size > maxPart:
			return nil, tooLarge("xlsx: part %q unpacks to %d bytes, over the %d a part may (the limit)", f.Name, size, maxPart)
		case size > ratioGrace && size/maxRatio > packed:
			return nil, tooLarge("xlsx: part %q unpacks to %d times its packed size (%d bytes from %d), over %d times (the limit): a zip bomb",
				f.Name, size/max(packed, 1), size, packed, maxRatio)
		}
		if total += size; total > maxUnzipped {
			return nil, tooLarge("xlsx: the workbook unpacks to over %d bytes (the limit)", maxUnzipped)
		}
		zb.parts[strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))] = f
	}
	return zb, nil
}

// has reports whether the zip holds a part.
func (zb *zipBook) has(name string) bool {
	_, ok := zb.parts[strings.ToLower(name)]
	return ok
}

// open starts reading a part's XML.
func (zb *zipBook) open(name string) (*xmlPart, error) {
	f, ok := zb.parts[strings.ToLower(name)]
	if !ok {
		return nil, errors.New("the part is missing from the zip")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, damaged(err)
	}
	src := &tokenBound{r: rc}
	d := xml.NewDecoder(src)
	d.CharsetReader = charsetReader
	return &xmlPart{name: f.Name, d: d, src: src, rc: rc}, nil
}

// xmlPart reads a part's XML as raw tokens (no namespaces resolved: the
// parts are matched by local names, so transitional and strict files
// alike), checking what RawToken does not: that every element is closed
// by its own end tag, so a part cut short or a mismatched tag is an
// error, and nests no deeper than maxDepth.
type xmlPart struct {
	name string
	d    *xml.Decoder
	src  *tokenBound
	rc   io.ReadCloser
	open []xml.Name // the elements open, outermost first
	root bool       // the root element was seen
}

func (x *xmlPart) close() { x.rc.Close() }

// next returns the part's next token, and io.EOF once the part ends
// after its root element. The token's bytes are valid until the next
// call.
func (x *xmlPart) next() (xml.Token, error) {
	x.src.n = 0
	tok, err := x.d.RawToken()
	switch {
	case err == io.EOF && len(x.open) > 0:
		return nil, fmt.Errorf("the XML ends inside <%s>: the part is cut short", x.open[len(x.open)-1].Local)
	case err == io.EOF && !x.root:
		return nil, errors.New("the part holds no XML element")
	case err != nil:
		return nil, damaged(err)
	}
	switch t := tok.(type) {
	case xml.StartElement:
		switch {
		case len(x.open) == 0 && x.root:
			return nil, fmt.Errorf("a second root element <%s>", t.Name.Local)
		case len(x.open) == maxDepth:
			return nil, tooLarge("elements nested over %d deep (the limit)", maxDepth)
		}
		x.open, x.root = append(x.open, t.Name), true
	case xml.EndElement:
		if len(x.open) == 0 {
			return nil, fmt.Errorf("</%s> closes no element", t.Name.Local)
		}
		if top := x.open[len(x.open)-1]; top != t.Name {
			return nil, fmt.Errorf("<%s> is closed by </%s>", qname(top), qname(t.Name))
		}
		x.open = x.open[:len(x.open)-1]
	}
	return tok, nil
}

// damaged says that a part's bytes in the zip are damaged, when the zip
// reader or the inflater finds so.
func damaged(err error) error {
	var corrupt flate.CorruptInputError
	if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrAlgorithm) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &corrupt) {
		return fmt.Errorf("the file is damaged: %w", err)
	}
	return err
}

// line is where the decoder is in the part, for messages.
func (x *xmlPart) line() int {
	line, _ := x.d.InputPos()
	return line
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// attr returns a start element's attribute by local name.
func attr(t xml.StartElement, local string) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// tokenBound passes a part's bytes to the XML decoder, failing once more
// than maxToken are read for one token (xmlPart.next resets n; the
// decoder reads ahead at most a buffer's worth).
type tokenBound struct {
	r io.Reader
	n int
}

func (b *tokenBound) Read(p []byte) (int, error) {
	if b.n > maxToken {
		return 0, tooLarge("a tag or text of over %d bytes (the limit)", maxToken)
	}
	n, err := b.r.Read(p)
	b.n += n
	return n, err
}

// charsetReader reads a part declared in an encoding other than UTF-8
// (windows-1252, ISO-8859-1…) as UTF-8.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("the XML's encoding %q is not one known", label)
	}
	return enc.NewDecoder().Reader(r), nil
}

// rel is a relationship: its type and the part it points to.
type rel struct{ typ, target string }

// rels reads the relationships of a part (of "" for the package's own),
// each target resolved to a part name; none when the part has no
// relationships part.
func (zb *zipBook) rels(of string) (map[string]rel, error) {
	dir, base := path.Split(of)
	name := dir + "_rels/" + base + ".rels"
	out := map[string]rel{}
	if !zb.has(name) {
		return out, nil
	}
	x, err := zb.open(name)
	if err != nil {
		return nil, fmt.Errorf("part %s: %w", name, err)
	}
	defer x.close()
	for {
		tok, err := x.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("part %s, line %d: %w", name, x.line(), err)
		}
		t, ok := tok.(xml.StartElement)
		if !ok || t.Name.Local != "Relationship" {
			continue
		}
		if mode, _ := attr(t, "TargetMode"); strings.EqualFold(mode, "External") {
			continue
		}
		if len(out) == maxItems {
			return nil, tooLarge("part %s: over %d relationships (the limit)", name, maxItems)
		}
		id, _ := attr(t, "Id")
		typ, _ := attr(t, "Type")
		target, _ := attr(t, "Target")
		target = strings.ReplaceAll(target, "\\", "/")
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(path.Clean(target), "/")
		} else {
			target = path.Join(dir, target)
		}
		out[id] = rel{typ, target}
	}
}

// relTo returns the part of the first relationship whose type ends with
// kind ("/styles") and whose part the zip holds, else def when the zip
// holds it, else "".
func (zb *zipBook) relTo(rels map[string]rel, kind, def string) string {
	best := ""
	for id, r := range rels { // the lowest ID, for one answer whatever the map's order
		if strings.HasSuffix(r.typ, kind) && zb.has(r.target) && (best == "" || id < best) {
			best = id
		}
	}
	if best != "" {
		return rels[best].target
	}
	if zb.has(def) {
		return def
	}
	return ""
}

package interchange

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/critpath/critpath/interchange/internal/charset"
)

// Format is a file format critpath reads or writes.
type Format string

// The formats.
const (
	JSON   Format = "json"   // critpath's project JSON
	MSPDI  Format = "mspdi"  // Microsoft Project XML
	PMXML  Format = "pmxml"  // Primavera P6 XML
	XER    Format = "xer"    // Primavera P6 XER
	XLSX   Format = "xlsx"   // Excel workbook
	CSV    Format = "csv"    // task table
	PSPLIB Format = "psplib" // PSPLIB single-mode instance (.sm), read only
	SVG    Format = "svg"    // Gantt chart, write only
	PDF    Format = "pdf"    // Gantt chart on A3 or A4 pages, write only
)

// Readable and Writable list the extensions Read and Write know, for
// messages.
const (
	Readable = ".json, .xml (MSPDI or PMXML), .xer, .xlsx, .csv, .sm"
	Writable = ".json, .xml (MSPDI, or PMXML), .xer, .xlsx, .csv, .svg, .pdf"
)

// byExtension maps a lower-case extension to its format; .xml is MSPDI
// or PMXML by its root element.
var byExtension = map[string]Format{
	".json": JSON, ".xer": XER, ".xlsx": XLSX, ".csv": CSV, ".sm": PSPLIB, ".svg": SVG, ".pdf": PDF,
}

// ParseFormat reads a format's name ("mspdi", "PMXML", …).
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	switch f {
	case JSON, MSPDI, PMXML, XER, XLSX, CSV, PSPLIB, SVG, PDF:
		return f, nil
	}
	return "", fmt.Errorf("interchange: %q is not a format (json, mspdi, pmxml, xer, xlsx, csv, psplib, svg, pdf)", s)
}

// sniffLen is how much of a file Read looks at to tell its format.
const sniffLen = 64 << 10

// detect tells a file's format by its name and, for .xml or an unknown
// extension, by head, the file's first bytes. Its errors are for Read to
// wrap.
func detect(name string, head []byte) (Format, error) {
	ext := strings.ToLower(filepath.Ext(name))
	if f, ok := byExtension[ext]; ok {
		return f, nil
	}
	head = charset.Head(head) // a byte-order mark dropped, UTF-16 as UTF-8
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if ext == ".xml" || len(trimmed) > 0 && trimmed[0] == '<' {
		switch root := rootElement(head); root {
		case "Project":
			return MSPDI, nil
		case "APIBusinessObjects":
			return PMXML, nil
		default:
			return "", fmt.Errorf("root element %q: not a format critpath reads (MSPDI's is Project, PMXML's APIBusinessObjects)", root)
		}
	}
	switch {
	case bytes.HasPrefix(trimmed, []byte("ERMHDR")):
		return XER, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return XLSX, nil
	case len(trimmed) > 0 && trimmed[0] == '{':
		return JSON, nil
	}
	if ext == "" {
		return "", fmt.Errorf("no extension, and the content is none of XER, a workbook, XML or JSON (readable: %s)", Readable)
	}
	return "", fmt.Errorf("unknown file type %q (readable: %s)", ext, Readable)
}

// rootElement is the name of an XML document's first element ("" when
// head holds none).
func rootElement(head []byte) string {
	d := xml.NewDecoder(bytes.NewReader(head))
	// The root's name is ASCII in every single-byte encoding a document
	// may declare: read the bytes as they are.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for range 1000 {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local
		}
	}
	return ""
}

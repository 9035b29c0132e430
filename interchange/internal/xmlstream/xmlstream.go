// Package xmlstream reads an XML document one element at a time, within
// bounds: the MSPDI and PMXML readers walk their documents with it,
// decoding one task or activity at a time, so that the XML of all of them
// never exists at once, and refusing a list longer than a bound before it
// grows. It reads the encodings package charset reads. A Decoder is used
// by one goroutine.
package xmlstream

import (
	"encoding/xml"
	"fmt"
	"io"

	"github.com/critpath/critpath/interchange/internal/charset"
)

// Decoder is an xml.Decoder (strict, expanding no entity) that bounds the
// lists it reads.
type Decoder struct {
	*xml.Decoder
	// Max is the most elements one list may hold.
	Max int
	buf []byte // text being read
}

// NewDecoder reads r, in any encoding package charset reads, with lists
// of at most max elements.
func NewDecoder(r io.Reader, max int) *Decoder {
	d := &Decoder{Decoder: xml.NewDecoder(charset.NewReader(r)), Max: max}
	d.Strict = true
	d.CharsetReader = charset.Reader
	return d
}

// LimitError is a list of more elements than a Decoder's Max: the
// element of the list and the line it was met on.
type LimitError struct {
	Line    int
	Element string
	Max     int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("more than %d elements in one list", e.Max)
}

// TooMany is the *LimitError for a list of element, at the line the
// decoder is at.
func (d *Decoder) TooMany(element string) error {
	line, _ := d.InputPos()
	return &LimitError{Line: line, Element: element, Max: d.Max}
}

// Root reads up to the document's root element and returns it; a
// document without one is io.EOF.
func (d *Decoder) Root() (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se, nil
		}
	}
}

// Text reads the character data of the element whose start was just read,
// up to its end; elements inside it are skipped (as encoding/xml does for
// a string field).
func (d *Decoder) Text() (string, error) {
	d.buf = d.buf[:0]
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			d.buf = append(d.buf, t...)
		case xml.StartElement:
			if err := d.Skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			return string(d.buf), nil
		}
	}
}

// Fields reads the children of the element whose start was just read: a
// child field names is text into that string (the last one given wins), a
// child nested reads is left to it (nested may be nil; it reports whether
// it read the child), and the others are skipped.
func (d *Decoder) Fields(field func(name string) *string, nested func(start xml.StartElement) (bool, error)) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if p := field(t.Name.Local); p != nil {
				if *p, err = d.Text(); err != nil {
					return err
				}
				continue
			}
			if nested != nil {
				done, err := nested(t)
				if err != nil {
					return err
				}
				if done {
					continue
				}
			}
			if err := d.Skip(); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// Named is an element read by the names of its fields: Field returns the
// string the child of that name goes to, nil for one not read.
type Named[T any] interface {
	*T
	Field(name string) *string
}

// Append reads one more item of a list within an item (the links of a
// task…), named element, whose start was just read; it refuses the list's
// Max+1st.
func Append[T any, P Named[T]](d *Decoder, list []T, element string) ([]T, error) {
	if len(list) >= d.Max {
		return list, d.TooMany(element)
	}
	var v T
	if err := d.Fields(P(&v).Field, nil); err != nil {
		return list, err
	}
	return append(list, v), nil
}

// Decode reads the element start (just read) into v by reflection, as
// xml.Decoder.DecodeElement does, refusing one of more than Max elements
// in all (for elements whose lists nest).
func (d *Decoder) Decode(v any, start xml.StartElement) error {
	return xml.NewTokenDecoder(&bounded{d: d, start: &start, left: d.Max, name: start.Name.Local}).Decode(v)
}

// bounded passes on start, then a decoder's tokens up to left start
// elements.
type bounded struct {
	d     *Decoder
	start *xml.StartElement
	left  int
	name  string
}

func (b *bounded) Token() (xml.Token, error) {
	if s := b.start; s != nil {
		b.start = nil
		return *s, nil
	}
	tok, err := b.d.Token()
	if _, ok := tok.(xml.StartElement); ok {
		if b.left--; b.left < 0 {
			return nil, b.d.TooMany(b.name)
		}
	}
	return tok, err
}

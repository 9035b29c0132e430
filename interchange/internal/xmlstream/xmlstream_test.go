package xmlstream_test

import (
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"github.com/critpath/critpath/interchange/internal/xmlstream"
)

type link struct{ Pred, Type string }

func (l *link) Field(name string) *string {
	switch name {
	case "Pred":
		return &l.Pred
	case "Type":
		return &l.Type
	}
	return nil
}

// read reads doc's root as a task: its name, and its links through
// Append, within max.
func read(doc string, max int) (name string, links []link, err error) {
	d := xmlstream.NewDecoder(strings.NewReader(doc), max)
	if _, err := d.Root(); err != nil {
		return "", nil, err
	}
	err = d.Fields(func(n string) *string {
		if n == "Name" {
			return &name
		}
		return nil
	}, func(start xml.StartElement) (bool, error) {
		if start.Name.Local != "Link" {
			return false, nil
		}
		var err error
		links, err = xmlstream.Append(d, links, "Link")
		return true, err
	})
	return name, links, err
}

// Fields reads text (elements inside it skipped, the last one given
// winning), passes nested lists on and skips the rest; a list over the
// bound is a *LimitError naming its element and line.
func TestFields(t *testing.T) {
	doc := "<Task>\n<Name>first</Name><Name>Pour <b>x</b>slab</Name><Other><Name>no</Name></Other>\n" +
		"<Link><Pred>1</Pred><Type>FS</Type><Lag/></Link>\n<Link><Pred>2</Pred></Link>\n</Task>"
	name, links, err := read(doc, 2)
	if err != nil || name != "Pour slab" || len(links) != 2 || links[0] != (link{"1", "FS"}) || links[1] != (link{Pred: "2"}) {
		t.Errorf("name %q, links %v, %v", name, links, err)
	}
	_, _, err = read(doc, 1)
	le, ok := errors.AsType[*xmlstream.LimitError](err)
	if !ok || le.Line != 4 || le.Element != "Link" || le.Error() != "more than 1 elements in one list" {
		t.Errorf("over the bound: %v, want a LimitError on line 4 naming Link", err)
	}
}

// Decode reads an element by reflection, counting every element in it.
func TestDecode(t *testing.T) {
	type day struct{ Hours []string }
	doc := "<Days><Day><Hours>8</Hours><Hours>9</Hours></Day>\n<Day><Hours>7</Hours></Day></Days>"
	for _, c := range []struct {
		max  int
		want string
	}{{2, "[8 9]"}, {1, "more than 1"}} {
		d := xmlstream.NewDecoder(strings.NewReader(doc), c.max)
		d.Root()
		tok, _ := d.Token()
		var v day
		err := d.Decode(&v, tok.(xml.StartElement))
		got := strings.Join(v.Hours, " ")
		if err != nil {
			got = err.Error()
		} else {
			got = "[" + got + "]"
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("max %d: %s, want %s", c.max, got, c.want)
		}
	}
}

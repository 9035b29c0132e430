package mspdi

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Every string field of the elements read by name is read by the name
// its tag gives it (the writer writes by the tags): a field added to a
// struct and not to its field method would be written and never read.
func TestFieldNames(t *testing.T) {
	for _, c := range []struct {
		v    any
		skip string // a field not read (an attribute)
	}{
		{&projectXML{}, "Xmlns"}, {&taskXML{}, ""}, {&linkXML{}, ""}, {&baselineXML{}, ""}, {&resourceXML{}, ""},
		{&fieldXML{}, ""}, {&valueXML{}, ""}, {&assignmentXML{}, ""}, {&timephasedXML{}, ""},
	} {
		v := reflect.ValueOf(c.v)
		field := v.Interface().(interface{ Field(string) *string }).Field
		typ := v.Elem().Type()
		for i := range typ.NumField() {
			f := typ.Field(i)
			if f.Type.Kind() != reflect.String || f.Name == c.skip {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("xml"), ",")
			if got := field(name); got != v.Elem().Field(i).Addr().Interface().(*string) {
				t.Errorf("%s.%s: <%s> is not read into it", typ.Name(), f.Name, name)
			}
		}
		if field("NoSuchElement") != nil {
			t.Errorf("%s: an unknown element is read", typ.Name())
		}
	}
}

// The bounds, made small: a list over its bound is an error naming the
// element, its line and the bound (the tasks, a task's links, the
// elements of a calendar); past the warnings' bound the rest are
// counted; the days calendars' exceptions lay out are bounded over the
// file, not only per calendar.
func TestBounds(t *testing.T) {
	lim := limits{items: 100, warnings: 10, laidOut: 5000}
	head := `<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2027-01-04T08:00:00</StartDate>`
	var tasks strings.Builder
	for k := range 101 {
		fmt.Fprintf(&tasks, "<Task><UID>%d</UID></Task>\n", k+1)
	}
	for _, c := range []struct {
		name, doc, element string
		line               int
	}{
		{"links", head + "<Tasks>\n<Task><UID>1</UID>" + strings.Repeat("<PredecessorLink/>", 101) + "</Task></Tasks></Project>", "PredecessorLink", 2},
		{"tasks", head + "<Tasks>\n" + tasks.String() + "</Tasks></Project>", "Task", 102},
		{"calendar", head + "<Calendars>\n<Calendar><UID>1</UID><WeekDays>" + strings.Repeat("<WeekDay/>", 99) + "</WeekDays></Calendar></Calendars></Project>", "Calendar", 2},
	} {
		_, err := read(strings.NewReader(c.doc), nil, lim)
		pe, ok := errors.AsType[*ParseError](err)
		if !ok || pe.Line != c.line || pe.Element != c.element || !strings.Contains(err.Error(), "more than 100 elements in one list") {
			t.Errorf("%s: error %v, want a ParseError on line %d naming %s and the bound", c.name, err, c.line, c.element)
		}
		if _, err := read(strings.NewReader(c.doc), nil, limits{items: 101, warnings: 10, laidOut: 5000}); err != nil {
			t.Errorf("%s: within the bound: %v", c.name, err)
		}
	}

	many := head + "<Tasks>\n<Task><UID>1</UID>" + strings.Repeat("<PredecessorLink/>", 13) + "</Task></Tasks></Project>"
	f, err := read(strings.NewReader(many), nil, lim)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.Warnings); n != 11 || f.Warnings[n-1].Message != "3 more warning(s) not listed: only the first 10 are" {
		t.Errorf("%d warnings, the last %v", n, f.Warnings[len(f.Warnings)-1])
	}

	var cals strings.Builder
	cals.WriteString(head + "<Calendars>\n")
	for k := range 6 { // 999 days each: within a calendar's bound, over the file's
		fmt.Fprintf(&cals, "<Calendar><UID>%d</UID><Name>C%d</Name><WeekDays><WeekDay><DayType>2</DayType><DayWorking>1</DayWorking></WeekDay></WeekDays>"+
			"<Exceptions><Exception><TimePeriod><FromDate>2000-01-01T00:00:00</FromDate><ToDate>2002-09-25T23:59:00</ToDate></TimePeriod>"+
			"<Type>7</Type><Period>2</Period><DayWorking>0</DayWorking></Exception></Exceptions></Calendar>\n", k+1, k)
	}
	cals.WriteString("</Calendars></Project>")
	f, err = read(strings.NewReader(cals.String()), nil, lim)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.String())
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], `line 7: Exception: calendar "C5": the file's calendars lay out over 5000 days`) {
		t.Errorf("warnings %q, want one on calendar C5", got)
	}
	if c := f.Project.Calendars; len(c) != 6 || len(c[0].Exceptions) != 500 || len(c[5].Exceptions) != 3 {
		t.Errorf("%d calendars, %d and %d exceptions, want 500 (every other day of 999) and 3 (the 5 days left)", len(c), len(c[0].Exceptions), len(c[5].Exceptions))
	}
}

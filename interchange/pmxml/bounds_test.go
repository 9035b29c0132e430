package pmxml

import (
	"errors"
	"strings"
	"testing"
)

// A list over its bound (made small here) is an error naming the element,
// its line and the bound, before it grows: the activities of a project,
// the elements of a calendar, the projects of a document.
func TestBounds(t *testing.T) {
	project := "<Project><ObjectId>1</ObjectId><PlannedStartDate>2027-01-04T08:00:00</PlannedStartDate>"
	for _, c := range []struct {
		name, doc, element string
		line               int
	}{
		{"activities", "<APIBusinessObjects>\n" + project + "\n" + strings.Repeat("<Activity><ObjectId>1</ObjectId></Activity>\n", 11) + "</Project></APIBusinessObjects>", "Activity", 13},
		{"calendar", "<APIBusinessObjects>\n<Calendar><HolidayOrExceptions>\n" + strings.Repeat("<HolidayOrException/>\n", 10) + "</HolidayOrExceptions></Calendar>\n" + project + "</Project></APIBusinessObjects>", "Calendar", 12},
		{"projects", "<APIBusinessObjects>\n" + strings.Repeat(project+"</Project>\n", 11) + "</APIBusinessObjects>", "Project", 12},
	} {
		_, err := read(strings.NewReader(c.doc), nil, 10)
		pe, ok := errors.AsType[*ParseError](err)
		if !ok || pe.Line != c.line || !strings.Contains(err.Error(), c.element+": more than 10 elements in one list") {
			t.Errorf("%s: error %v, want a ParseError on line %d naming %s and the bound", c.name, err, c.line, c.element)
		}
		if _, err := read(strings.NewReader(c.doc), nil, 11); err != nil {
			t.Errorf("%s: within the bound: %v", c.name, err)
		}
	}
}

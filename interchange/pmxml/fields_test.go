package pmxml

import (
	"reflect"
	"testing"
)

// Every field of the elements read by name is read by its name, as
// encoding/xml reads a field without a tag (and as the writer writes it):
// a field added to a struct and not to its Field method would never be
// read.
func TestFieldNames(t *testing.T) {
	for _, v := range []interface{ Field(string) *string }{
		&projectXML{}, &scheduleOptionsXML{}, &wbsXML{}, &activityXML{}, &linkXML{}, &resourceXML{}, &rateXML{}, &assignmentXML{},
	} {
		e := reflect.ValueOf(v).Elem()
		for i := range e.NumField() {
			f := e.Type().Field(i)
			if got := v.Field(f.Name); got != e.Field(i).Addr().Interface().(*string) {
				t.Errorf("%s.%s: <%s> is not read into it", e.Type().Name(), f.Name, f.Name)
			}
		}
		if v.Field("NoSuchElement") != nil {
			t.Errorf("%s: an unknown element is read", e.Type().Name())
		}
	}
}

package schedule

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// A plan is how the reader reads one Go type of the wire form: made once
// per type from its fields' json tags, the schema's one statement, which
// encoding/json writes from too. A string, bool, float64 or int reads a
// JSON value of its kind (an int a whole number within ±2³¹); a type with
// UnmarshalText reads from a string; a struct reads an object whose field
// names match its tags exactly (any other is an error); null leaves a
// value alone and empties a pointer, list or map; and a field that comes
// again replaces what came before.
type plan struct {
	kind   planKind
	typ    reflect.Type
	elem   *plan                 // a pointer's, list's or map's values
	fields map[string]*planField // a struct's, by name
}

type planKind uint8

const (
	planValue planKind = iota // a string, bool, number or text
	planPointer
	planSlice
	planMap // with string keys
	planStruct
)

type planField struct {
	name  string
	index int
	plan  *plan
}

var (
	plansMu sync.Mutex
	plans   = map[reflect.Type]*plan{}
)

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// planOf returns the plan of type t. The wire types are fixed: a type the
// reader cannot read is a mistake in the schema, and panics.
func planOf(t reflect.Type) *plan {
	plansMu.Lock()
	defer plansMu.Unlock()
	return makePlan(t)
}

func makePlan(t reflect.Type) *plan {
	if p, ok := plans[t]; ok {
		return p
	}
	p := &plan{typ: t}
	plans[t] = p
	switch {
	case t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(textUnmarshaler),
		t == reflect.TypeFor[string](), t == reflect.TypeFor[bool](), t == reflect.TypeFor[float64](), t == reflect.TypeFor[int]():
		p.kind = planValue
	case t.Kind() == reflect.Pointer:
		p.kind, p.elem = planPointer, makePlan(t.Elem())
	case t.Kind() == reflect.Slice:
		p.kind, p.elem = planSlice, makePlan(t.Elem())
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		p.kind, p.elem = planMap, makePlan(t.Elem())
	case t.Kind() == reflect.Struct:
		p.kind, p.fields = planStruct, map[string]*planField{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || f.Anonymous || name == "" || name == "-" {
				panic(fmt.Sprintf("schedule: json plan: %v.%s has no json name", t, f.Name))
			}
			p.fields[name] = &planField{name: name, index: i, plan: makePlan(f.Type)}
		}
	default:
		panic(fmt.Sprintf("schedule: json plan: cannot read %v", t))
	}
	return p
}

// A sink takes the elements of one list of the document one at a time,
// as they are read, in place of the list: the reader calls begin when the
// list starts (again, for a field that comes again), read for each
// element, to read it with plan, and end after the last.
type sink interface {
	begin()
	read(r *jsonReader, elem *plan, i int) error
	end(r *jsonReader)
}

// decode reads a value of v's type into v, which must be a pointer.
func (r *jsonReader) decode(v any) error {
	rv := reflect.ValueOf(v).Elem()
	return r.value(planOf(rv.Type()), rv)
}

// value reads a value into v with plan p.
func (r *jsonReader) value(p *plan, v reflect.Value) error {
	switch p.kind {
	case planPointer, planSlice, planMap:
		var s sink
		if r.sinks != nil && p.kind == planSlice {
			s = r.sinks[v.Addr().Interface()]
		}
		if s != nil {
			s.begin()
		}
		if r.null() {
			v.SetZero()
			return nil
		}
		switch {
		case s != nil:
			err := r.elements(func(i int) error { return s.read(r, p.elem, i) })
			if err == nil {
				s.end(r)
			}
			return err
		case p.kind == planPointer:
			e := reflect.New(p.typ.Elem())
			v.Set(e)
			return r.value(p.elem, e.Elem())
		case p.kind == planSlice:
			v.Set(reflect.MakeSlice(p.typ, 0, 0))
			size := int64(p.elem.typ.Size())
			return r.elements(func(i int) error {
				if n := v.Len(); n == v.Cap() {
					if err := r.hold(int64(grown(n)-n) * size); err != nil {
						return err
					}
					v.Grow(grown(n) - n)
				}
				v.SetLen(i + 1)
				return r.value(p.elem, v.Index(i))
			})
		}
		return r.dict(p, v)
	}
	if p.kind == planStruct {
		return r.object(p, v)
	}
	if r.null() {
		return nil
	}
	var err error
	switch x := v.Addr().Interface().(type) {
	case encoding.TextUnmarshaler:
		err = r.text(x)
	case *string:
		*x, _, err = r.str()
	case *bool:
		*x, err = r.boolean()
	case *float64:
		*x, _, err = r.number()
	case *int:
		var n int64
		n, err = r.whole()
		*x = int(n)
	}
	return err
}

// text reads a string and hands it to an UnmarshalText.
func (r *jsonReader) text(dst encoding.TextUnmarshaler) error {
	if r.peek() != '"' {
		return r.want("a string")
	}
	at := r.here()
	b, err := r.rawBytes()
	if err != nil {
		return err
	}
	if err := dst.UnmarshalText(b); err != nil {
		return r.errAt(at, "%s", strings.TrimPrefix(err.Error(), "schedule: "))
	}
	return nil
}

// elements reads an array, handing each element's index to read.
func (r *jsonReader) elements(read func(i int) error) error {
	ok, err := r.enter('[')
	for i := 0; ok && err == nil; i++ {
		if ok, err = r.elem(); ok && err == nil {
			err = read(i)
		}
	}
	return err
}

// object reads an object into struct v.
func (r *jsonReader) object(p *plan, v reflect.Value) error {
	ok, err := r.enter('{')
	for ok && err == nil {
		var key []byte
		if key, ok, err = r.field(); !ok || err != nil {
			break
		}
		f := p.fields[string(key)]
		if f == nil {
			return r.unknown(key)
		}
		r.path[len(r.path)-1].key = f.name
		if err = r.colon(); err == nil {
			err = r.value(f.plan, v.Field(f.index))
		}
	}
	return err
}

// mapEntry is about what an entry of a map takes besides its key's bytes.
const mapEntry = 48

// dict reads an object into map v.
func (r *jsonReader) dict(p *plan, v reflect.Value) error {
	ok, err := r.enter('{')
	if !ok || err != nil {
		return err
	}
	v.Set(reflect.MakeMap(p.typ))
	for {
		key, more, err := r.field()
		if !more || err != nil {
			return err
		}
		name := string(key)
		r.path[len(r.path)-1].key = name
		if err := r.hold(int64(len(name)) + mapEntry); err != nil {
			return err
		}
		if err := r.colon(); err != nil {
			return err
		}
		e := reflect.New(p.elem.typ).Elem()
		err = r.value(p.elem, e)
		v.SetMapIndex(reflect.ValueOf(name), e)
		if err != nil {
			return err
		}
	}
}

package schedule

import (
	"math"
	"reflect"
	"time"
)

// list converts one of the project's lists: as each does, but in reading
// each element as soon as the reader has read it, so that only one is
// held in the wire form.
func list[W, M any](c *codec, w *[]W, m *[]M, conv func(*codec, *W, *M, int)) {
	shortList[W, M, M](c, w, m, conv, nil, nil)
}

// shortList is list for a list whose elements the reader keeps in a
// short form S until the list is whole, when short gives one (see
// listSink); long makes the element again.
func shortList[W, M, S any](c *codec, w *[]W, m *[]M, conv func(*codec, *W, *M, int), short func(*M) (S, bool), long func(*S) M) {
	if c.mode != reading {
		each(c, w, m, conv)
		return
	}
	c.sinks[w] = &listSink[W, M, S]{c: c, dst: m, conv: conv, short: short, long: long}
}

// listSink converts the elements of a list as the reader reads them, and
// keeps them in chunks, none copied as the list grows, until the list is
// whole: then it makes the list, of just their number, and copies them
// in. A list grown by copying holds its old and its new room at once at
// its last growth, and the garbage of the growths before: for a million
// tasks of 360 bytes, over a GiB. An element that has only the fields
// short keeps (most tasks and links of a large project) is kept in that
// form, a fifth of a Task, so that the chunks and the list are seldom
// held at once at full size.
type listSink[W, M, S any] struct {
	c     *codec
	dst   *[]M
	conv  func(*codec, *W, *M, int)
	short func(*M) (S, bool) // nil: every element is kept whole
	long  func(*S) M
	wire  W // the element being read
	elem  M // and converted
	whole chunked[M]
	brief chunked[S]
	// isWhole has a bit per element, set when it is kept whole.
	isWhole []uint64
	n       int
}

func (s *listSink[W, M, S]) begin() {
	*s.dst = (*s.dst)[:0]
	s.whole, s.brief, s.isWhole, s.n = chunked[M]{}, chunked[S]{}, nil, 0
}

func (s *listSink[W, M, S]) read(r *jsonReader, elem *plan, i int) error {
	var w W
	s.wire = w
	if err := r.value(elem, reflect.ValueOf(&s.wire).Elem()); err != nil {
		return err
	}
	var m M
	s.elem = m
	s.conv(s.c, &s.wire, &s.elem, i)
	// The element's room in the list, counted now; its chunk's, when
	// the chunk is made.
	if err := r.hold(int64(reflect.TypeFor[M]().Size())); err != nil {
		return err
	}
	if s.n%64 == 0 {
		s.isWhole = append(s.isWhole, 0)
	}
	var err error
	if b, ok := s.shortForm(); ok {
		err = s.brief.add(r, b)
	} else {
		s.isWhole[s.n/64] |= 1 << (s.n % 64)
		err = s.whole.add(r, s.elem)
	}
	s.n++
	return err
}

// shortForm returns the element just converted in its short form, if it
// has one.
func (s *listSink[W, M, S]) shortForm() (S, bool) {
	if s.short == nil {
		var none S
		return none, false
	}
	return s.short(&s.elem)
}

// end makes the list and lets the chunks go.
func (s *listSink[W, M, S]) end(r *jsonReader) {
	if s.n == 0 {
		return
	}
	list := make([]M, s.n)
	whole, brief := s.whole.drain(), s.brief.drain()
	for k := range list {
		if s.isWhole[k/64]&(1<<(k%64)) != 0 {
			list[k] = *whole()
		} else {
			list[k] = s.long(brief())
		}
	}
	*s.dst = list
	r.held -= s.whole.room() + s.brief.room()
	s.whole, s.brief, s.isWhole, s.n = chunked[M]{}, chunked[S]{}, nil, 0
}

// chunked is a list kept in chunks, none copied as it grows: each chunk
// is as large as the list before it (four elements at first), up to
// maxChunk bytes.
type chunked[E any] struct {
	full  [][]E // the chunks filled
	cur   []E   // the chunk being filled
	n     int   // the elements in full
	bytes int64 // the chunks' room
}

// maxChunk is the most bytes of elements one chunk holds.
const maxChunk = 1 << 20

// add appends e, counting a new chunk's room against the reader's bound.
func (l *chunked[E]) add(r *jsonReader, e E) error {
	if len(l.cur) == cap(l.cur) {
		size := int(reflect.TypeFor[E]().Size())
		if l.cur != nil {
			l.full, l.n = append(l.full, l.cur), l.n+len(l.cur)
		}
		c := min(max(4, l.n), max(1, maxChunk/size))
		if err := r.hold(int64(c * size)); err != nil {
			return err
		}
		l.cur, l.bytes = make([]E, 0, c), l.bytes+int64(c*size)
	}
	l.cur = append(l.cur, e)
	return nil
}

// room returns the bytes of the chunks made.
func (l *chunked[E]) room() int64 { return l.bytes }

// drain returns a function that returns the elements one by one, in
// order; it lets each chunk go once past it.
func (l *chunked[E]) drain() func() *E {
	l.full = append(l.full, l.cur)
	l.cur = nil
	k, j := 0, 0
	return func() *E {
		for j == len(l.full[k]) {
			l.full[k] = nil
			k, j = k+1, 0
		}
		j++
		return &l.full[k][j-1]
	}
}

// shortTaskForm is a task that has no other field than these: most tasks
// of a large project.
type shortTaskForm struct {
	id, name, parent string
	duration         Duration
}

// shortTask returns t in its short form, if it has one: when its every
// other field is zero, bit for bit (TestShortForms checks that none is
// forgotten).
func shortTask(t *Task) (shortTaskForm, bool) {
	var zero time.Time
	ok := t.Constraint == (Constraint{}) && t.Deadline == zero && t.Priority == 0 && t.Calendar == "" &&
		!t.Manual && t.Start == zero && t.Notes == "" && t.Fields == nil && !t.StartMilestone &&
		t.ActualStart == zero && t.ActualFinish == zero && math.Float64bits(t.PercentComplete) == 0 &&
		t.Remaining == nil && t.Type == 0 && !t.EffortDriven && zeroDuration(t.Work) &&
		!t.IgnoreResourceCalendars && math.Float64bits(t.FixedCost) == 0 && t.ActualCost == nil &&
		t.Splits == nil && !t.NoSplit && t.Crash == nil
	return shortTaskForm{t.ID, t.Name, t.Parent, t.Duration}, ok
}

func (s *shortTaskForm) task() Task {
	return Task{ID: s.id, Name: s.name, Parent: s.parent, Duration: s.duration}
}

// shortLinkForm is a link without overlap or rework cost.
type shortLinkForm struct {
	pred, succ string
	lag        Duration
	typ        LinkType
}

func shortLink(l *Link) (shortLinkForm, bool) {
	return shortLinkForm{l.Pred, l.Succ, l.Lag, l.Type}, zeroDuration(l.Overlap) && math.Float64bits(l.ReworkCost) == 0
}

func (s *shortLinkForm) link() Link {
	return Link{Pred: s.pred, Succ: s.succ, Type: s.typ, Lag: s.lag}
}

// zeroDuration reports whether d is the zero Duration, bit for bit.
func zeroDuration(d Duration) bool {
	return math.Float64bits(d.Amount) == 0 && d.Unit == 0 && !d.Elapsed
}

package schedule

import "unsafe"

// Test hooks: the bare longest-path passes the benchmarks compare the
// engine with. They read the same compiled arrays as Run but treat every
// link as finish-to-start with its lag in plain minutes: no link types,
// calendars, constraints or floats.

// BareForward is a bare longest-path forward pass.
func (r *Result) BareForward() {
	n := r.net
	early, dur := r.early, r.dur
	lo := n.inOff[0]
	for v, hi := range n.inOff[1:] {
		start := n.floor[v]
		for _, e := range n.in[lo:hi] {
			start = max(start, early[e.node][1]+e.lag)
		}
		lo = hi
		early[v] = [2]int64{start, start + dur[v]}
	}
}

// BareBackward is the matching bare backward pass.
func (r *Result) BareBackward() {
	n := r.net
	late, dur := r.late, r.dur
	var finish int64
	for _, e := range r.early {
		finish = max(finish, e[1])
	}
	hi := n.outOff[len(n.outOff)-1]
	for v := len(n.kind) - 1; v >= 0; v-- {
		lf := finish
		lo := n.outOff[v]
		for _, e := range n.out[lo:hi] {
			lf = min(lf, late[e.node][0]-e.lag)
		}
		hi = lo
		late[v] = [2]int64{lf - dur[v], lf}
	}
}

// Links returns the number of edges of the network.
func (n *Network) Links() int { return len(n.in) }

// Forward runs only the engine's forward pass.
func (r *Result) Forward() { r.forward() }

// InPlace reports whether the editor would apply ed without compiling the
// project again.
func InPlace(e *Editor, ed Edit) bool { return !ed.reshapes(e) }

// CheckNetwork returns how the editor's network differs from a fresh
// compile of its project ("" when it does not).
func CheckNetwork(e *Editor) string { return NetworkDiff(e) }

// CheckValues returns how the editor's node values differ from a fresh
// schedule's ("" when they do not).
func CheckValues(e *Editor) string { return ValuesDiff(e) }

// readProjectJSON reads a document into the wire form alone, as the
// reader does before converting it.
func readProjectJSON(data []byte) (*projectJSON, error) {
	r := newJSONBytes(data)
	var w projectJSON
	if err := r.document(&w); err != nil {
		return nil, err
	}
	return &w, nil
}

// CachedResults returns how many TaskResults the Result holds in its
// cache (none until Tasks or Task fill it).
func (r *Result) CachedResults() int { return len(r.tasks) }

// LinkList returns the network's links, made whole.
func (n *Network) LinkList() []Link { return n.linkList() }

// Sizes returns the bytes a compiled task and a kept link take.
func Sizes() (task, link uintptr) { return unsafe.Sizeof(taskInfo{}), unsafe.Sizeof(linkVal{}) }

// Package instant has the minimum and maximum of times, which the
// standard library's min and max do not take.
package instant

import "time"

// Earlier returns the earlier of a and b (a when they are equal).
func Earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// Later returns the later of a and b (a when they are equal).
func Later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

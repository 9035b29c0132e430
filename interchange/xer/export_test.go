package xer

// SetMaxBytes lowers the size bound for a test; the returned func restores it.
func SetMaxBytes(n int64) func() {
	old := maxBytes
	maxBytes = n
	return func() { maxBytes = old }
}

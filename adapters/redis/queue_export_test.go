package redis

// Crash stops q as a killed process would stop, for the lease test.
func Crash(q *Queue) { q.crash() }

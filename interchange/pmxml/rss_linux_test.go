package pmxml_test

import "syscall"

// peakRSS is the process's peak resident memory in bytes (Linux gives it
// in KiB).
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024
}

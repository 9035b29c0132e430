//go:build !linux

package mspdi_test

// peakRSS is 0 where the process's peak resident memory is not known.
func peakRSS() int64 { return 0 }

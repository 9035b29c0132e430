//go:build !linux

package redisserver

import "syscall"

// sysProcAttr: elsewhere a server outlives a test binary that dies
// without stopping it.
func sysProcAttr() *syscall.SysProcAttr { return nil }

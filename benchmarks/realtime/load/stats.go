package main

import (
	"math/bits"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// hist is a latency histogram in microseconds with about 0.1 % of
// resolution: values below 2,048 µs have a bucket each, larger ones
// 1,024 buckets per power of two. Adding is lock-free.
type hist struct {
	counts [2048 + 24*1024]atomic.Uint32
	n      atomic.Int64
}

func bucket(us int64) int {
	if us < 0 {
		us = 0
	}
	if us < 2048 {
		return int(us)
	}
	e := bits.Len64(uint64(us)) - 11 // us >> e is in [1024, 2048)
	i := 2048 + (e-1)*1024 + int(us>>e) - 1024
	return min(i, 2048+24*1024-1)
}

func bucketValue(i int) int64 {
	if i < 2048 {
		return int64(i)
	}
	e := (i-2048)/1024 + 1
	m := int64((i-2048)%1024 + 1024)
	return m << e
}

func (h *hist) add(d time.Duration) {
	h.counts[bucket(d.Microseconds())].Add(1)
	h.n.Add(1)
}

// quantile returns the q-quantile (0 < q ≤ 1) of what was added, 0 when
// nothing was.
func (h *hist) quantile(q float64) time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	want := int64(q*float64(n) + 0.5)
	want = max(want, 1)
	var seen int64
	for i := range h.counts {
		seen += int64(h.counts[i].Load())
		if seen >= want {
			return time.Duration(bucketValue(i)) * time.Microsecond
		}
	}
	return time.Duration(bucketValue(len(h.counts)-1)) * time.Microsecond
}

func (h *hist) reset() {
	for i := range h.counts {
		h.counts[i].Store(0)
	}
	h.n.Store(0)
}

// rssKB returns the resident set of process pid in KiB, from
// /proc/PID/status (VmRSS), or 0 when it cannot be read.
func rssKB(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))
			kb, _ := strconv.ParseInt(v, 10, 64)
			return kb
		}
	}
	return 0
}

// cpuTicks returns the user and system CPU time of process pid in
// clock ticks (1/100 s on Linux), from /proc/PID/stat.
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return u + k
}

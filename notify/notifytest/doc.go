// Package notifytest is the conformance suite of package notify's
// storage: every Ledger (notify.MemoryLedger, adapters/sqlite) passes
// RunLedger, every Inbox RunInbox and every Digests RunDigests. An
// implementation's test calls them with a function that opens a fresh,
// empty instance for one subtest; the function registers whatever
// cleanup the instance needs with t.Cleanup.
//
// The suite's times are in UTC and whole microseconds, so that a store
// keeping microseconds passes; they are compared with time.Time.Equal.
package notifytest

import "time"

// at is the suite's clock.
var at = time.Date(2027, 7, 12, 4, 0, 0, 123456000, time.UTC)

// minute returns the suite's clock n minutes on.
func minute(n int) time.Time { return at.Add(time.Duration(n) * time.Minute) }

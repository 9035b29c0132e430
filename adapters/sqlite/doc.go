// Package sqlite keeps live projects in one SQLite file: the embedded
// default store.Backend, pure Go (modernc.org/sqlite, no cgo), with
// nothing to install. Open a file and hand the backend to store.New:
//
//	b, err := sqlite.Open("projects.db", sqlite.Config{})
//	…
//	s := store.New(b, store.Config{})
//
// # Schema
//
// Open creates the file when it is missing and brings its schema to the
// current version with the migrations embedded in the package
// (migrations/NNNN_what.sql), all in one transaction; the version is kept
// in the table schema_version. A file written by a newer critpath, at a
// version this package does not know, is refused rather than guessed at.
//
// # Writing and reading
//
// The file is in WAL mode. All writes go through one connection, and
// every write transaction begins IMMEDIATE: it takes the file's write
// lock before it reads, so Append's compare-and-swap on the project's
// last sequence number and its inserts (the event, the command's answer,
// the event's place in the outbox) happen with no other writer in
// between — in this process, where writers queue for the connection, or
// in another process on the same file, which waits up to
// Config.BusyTimeout for the lock. Of two writers of the same sequence
// number one commits and the other writes nothing and gets
// store.ErrStale. Reads go through a pool of Config.Readers connections
// and, the log being write-ahead, run while a write is in progress,
// seeing the database as of the last commit.
//
// # Durability
//
// The writer runs with synchronous=FULL: a commit returns only after the
// write-ahead log holding the transaction has been flushed to the disk
// with fsync. So a transaction whose commit returned — an Append or
// Create that returned nil, hence every change the store acknowledged —
// survives the process being killed (SIGKILL, a panic, the OOM killer)
// and also a power cut or a kernel crash, as far as the disk keeps what
// fsync says it has written. A transaction that had not committed is
// rolled back whole when the file is next opened: nothing is
// half-written. synchronous=NORMAL, the common WAL setting, would be as
// safe against a killed process but could lose the last commits to a
// power cut; the store promises that an acknowledged edit is never
// lost, so the backend pays one fsync per commit (see BenchmarkApply for
// what that costs).
//
// # Notifications
//
// The same file keeps package notify's storage: NewLedger, NewInbox and
// NewDigests return a notify.Ledger (every attempt and how each message
// ended; Deliveries and DeadLetters read the settlements back), a
// notify.Inbox and notify.Digests on a Backend, written through its one
// writer with the same durability, so that a restart neither loses a
// message nor sends one twice. A change of several rows (an attempt's
// end replacing its pending record, MarkRead, Remove) is one
// transaction.
//
// # Errors
//
// Errors start with "sqlite:" and name what they concern: the file for
// Open, the project and the event number for the log; the store's conditions are wrapped so that
// errors.Is finds store.ErrNotFound, store.ErrExists, store.ErrStale and
// store.ErrClosed.
//
// A Backend is safe for concurrent use by many goroutines; Close it when
// done.
package sqlite

package kinds

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/store"
)

// Files opens the project files projects are linked to — a Microsoft
// Project, P6 or Excel file on a share, in a document store. A name that
// is not there is an error wrapping fs.ErrNotExist. FS adapts an fs.FS.
type Files interface {
	Open(ctx context.Context, name string) (io.ReadCloser, error)
}

// FS returns the Files of fsys (os.DirFS for a directory).
func FS(fsys fs.FS) Files { return fsFiles{fsys} }

type fsFiles struct{ fsys fs.FS }

func (f fsFiles) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return f.fsys.Open(name)
}

// SyncState remembers, per project and linked file, the SHA-256 (hex)
// of the content last synced. MemorySyncState is the in-process one.
type SyncState interface {
	// Synced returns the hash last synced, "" when none was.
	Synced(ctx context.Context, project, file string) (string, error)
	SetSynced(ctx context.Context, project, file, hash string) error
}

// MemorySyncState keeps SyncState in memory; it is safe for concurrent
// use.
type MemorySyncState struct {
	mu   sync.Mutex
	hash map[[2]string]string
}

var _ SyncState = (*MemorySyncState)(nil)

// NewMemorySyncState returns an empty MemorySyncState.
func NewMemorySyncState() *MemorySyncState {
	return &MemorySyncState{hash: map[[2]string]string{}}
}

// Synced implements SyncState.
func (m *MemorySyncState) Synced(ctx context.Context, project, file string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hash[[2]string{project, file}], nil
}

// SetSynced implements SyncState.
func (m *MemorySyncState) SetSynced(ctx context.Context, project, file, hash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hash[[2]string{project, file}] = hash
	return nil
}

// SyncArgs asks for a project synced from the file it is linked to.
type SyncArgs struct {
	Project string `json:"project"`
	// File names the linked file for Files; its extension (or Format)
	// says how it is read: .xml (MSPDI or PMXML), .xer, .xlsx, .csv,
	// .json.
	File   string `json:"file"`
	Format string `json:"format,omitempty"`
	// Pick chooses the project of a file that holds several (a P6 file):
	// its ID or name (see interchange.File.Pick).
	Pick string `json:"pick,omitempty"`
}

// Kind implements Args.
func (SyncArgs) Kind() string { return KindSync }

func (a SyncArgs) project() string { return a.Project }

// options coalesces the syncs of one project from one file.
func (a SyncArgs) options(j *jobs.Job) { j.CoalesceKey = KindSync + ":" + a.Project + ":" + a.File }

// SyncReport is what a sync did.
type SyncReport struct {
	Project string `json:"project"`
	File    string `json:"file"`
	Hash    string `json:"hash"`
	// Revision is the revision the sync's change made, or the project's
	// when it changed nothing.
	Revision int64 `json:"revision"`
	// Changes counts what the change did; Ops is how many edits it held.
	Changes SyncChanges `json:"changes"`
	Ops     int         `json:"ops"`
	// Warnings are the import's validation report: what the file's
	// reader passed over, each naming its place in the file.
	Warnings []interchange.Warning `json:"warnings,omitempty"`
	// Notes are the differences the sync did not carry into the project:
	// what the store's edits cannot change (calendars, resources, the
	// outline), or what names what the project does not have.
	Notes []string `json:"notes,omitempty"`
}

// SyncChanges are the tasks, links and assignments a sync added, changed
// and removed.
type SyncChanges struct {
	TasksAdded         []string `json:"tasks_added,omitempty"`
	TasksChanged       []string `json:"tasks_changed,omitempty"`
	TasksRemoved       []string `json:"tasks_removed,omitempty"`
	LinksAdded         int      `json:"links_added,omitempty"`
	LinksChanged       int      `json:"links_changed,omitempty"`
	LinksRemoved       int      `json:"links_removed,omitempty"`
	AssignmentsAdded   int      `json:"assignments_added,omitempty"`
	AssignmentsChanged int      `json:"assignments_changed,omitempty"`
	AssignmentsRemoved int      `json:"assignments_removed,omitempty"`
}

// maxSyncBytes bounds a linked file, as interchange bounds what it reads.
const maxSyncBytes = 256 << 20

// syncFile re-imports a project's linked file when its content changed
// since the last sync (its SHA-256 against SyncState): it reads the file,
// works out the edits that make the project what the file says (names,
// durations, constraints, progress, custom fields …, tasks, links and
// assignments added and removed) and applies them as one change through
// the store, made against the revision read, with the command id
// "sync:FILE:HASH" so that a retry applies nothing twice. The report —
// the import's warnings and the differences not carried over — is
// announced. A file that does not read, or a change the store refuses as
// it stands, fails permanently; a change refused as a conflict (an edit
// got in between) is tried again.
type syncFile struct{ *worker }

func (h *syncFile) Work(ctx context.Context, a SyncArgs, _ jobs.Progress) error {
	if a.File == "" {
		return jobs.Permanent(errors.New("kinds: sync: the payload names no file"))
	}
	format, err := formatOf(a.Format)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("kinds: sync: %w", err))
	}
	cur, rev, err := h.project(ctx, KindSync, a.Project)
	if err != nil {
		return err
	}
	data, err := h.read(ctx, a.File)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	last, err := h.d.Synced.Synced(ctx, a.Project, a.File)
	if err != nil {
		return fmt.Errorf("kinds: sync: project %q, file %q: %w", a.Project, a.File, err)
	}
	if last == hash {
		return nil // nothing new
	}
	file, err := interchange.Read(a.File, bytes.NewReader(data), &interchange.ReadOptions{Format: format})
	if err != nil {
		return jobs.Permanent(fmt.Errorf("kinds: sync: project %q: %w", a.Project, err))
	}
	picked, err := file.Pick(a.Pick)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("kinds: sync: project %q, file %q: %w", a.Project, a.File, err))
	}
	d := diff(cur, picked.Project, "sync:"+hash[:16])
	rep := SyncReport{Project: a.Project, File: a.File, Hash: hash, Revision: rev, Changes: d.changes, Ops: len(d.ops),
		Warnings: file.Warnings, Notes: d.notes}
	if len(d.ops) > 0 {
		out, err := h.d.Projects.Apply(ctx, a.Project, store.Change{Actor: "sync:" + a.File, Command: "sync:" + a.File + ":" + hash, Base: rev, Ops: d.ops})
		var ierr *store.InputError
		switch {
		case errors.As(err, &ierr):
			return jobs.Permanent(fmt.Errorf("kinds: sync: project %q, file %q: %w", a.Project, a.File, err))
		case err != nil:
			return fmt.Errorf("kinds: sync: project %q, file %q: %w", a.Project, a.File, err)
		}
		rep.Revision = out.Revision
	}
	if err := h.d.Synced.SetSynced(ctx, a.Project, a.File, hash); err != nil {
		return fmt.Errorf("kinds: sync: project %q, file %q: %w", a.Project, a.File, err)
	}
	b, err := encode(KindSync, rep)
	if err != nil {
		return err
	}
	return h.announce(ctx, a.Project, KindSync, b)
}

// read reads a linked file whole. One that is not there, or is too
// large, fails permanently.
func (h *syncFile) read(ctx context.Context, name string) ([]byte, error) {
	f, err := h.d.Files.Open(ctx, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, jobs.Permanent(fmt.Errorf("kinds: sync: file %q: %w", name, err))
	}
	if err != nil {
		return nil, fmt.Errorf("kinds: sync: file %q: %w", name, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSyncBytes+1))
	if err != nil {
		return nil, fmt.Errorf("kinds: sync: file %q: %w", name, err)
	}
	if len(data) > maxSyncBytes {
		return nil, jobs.Permanent(fmt.Errorf("kinds: sync: file %q: over %d bytes", name, maxSyncBytes))
	}
	return data, nil
}

func formatOf(s string) (interchange.Format, error) {
	if s == "" {
		return "", nil
	}
	return interchange.ParseFormat(s)
}

package kinds

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// Projects is what the job kinds read and change projects through; a
// *store.Store satisfies it. Project returns a copy the caller may
// change; an unknown project is store.ErrNotFound.
type Projects interface {
	Project(ctx context.Context, id string) (*schedule.Project, int64, error)
	Apply(ctx context.Context, project string, ch store.Change) (*store.Outcome, error)
	Events(ctx context.Context, project string, after int64, limit int) ([]store.Event, error)
}

var _ Projects = (*store.Store)(nil)

// Announcer tells the live side — the realtime hub, a dashboard — that a
// result is ready: the project, what was computed (the job's kind) and
// the result as JSON. An announcement may come more than once for one
// result (a job is run at least once); each carries its revision.
type Announcer interface {
	Announce(ctx context.Context, project, kind string, payload []byte) error
}

// AnnouncerFunc adapts a function to Announcer.
type AnnouncerFunc func(ctx context.Context, project, kind string, payload []byte) error

// Announce calls f.
func (f AnnouncerFunc) Announce(ctx context.Context, project, kind string, payload []byte) error {
	return f(ctx, project, kind, payload)
}

// Deps are what the job kinds work with. Projects is required; each of
// the others, when nil, leaves out what needs it (see Register).
type Deps struct {
	// Projects is the live store.
	Projects Projects
	// Cache keeps computed results by store.Key; nil: nothing is cached.
	Cache store.Cache
	// Announcer is told of each result; nil: nothing is announced.
	Announcer Announcer
	// Proposals keeps leveling and weather proposals until a user
	// decides on them; the leveling and weather kinds need it.
	Proposals Proposals
	// Forecaster gives the weather forecast; the weather kind needs it.
	Forecaster Forecaster
	// Notifier sends notifications; the notify kind needs it.
	Notifier Notifier
	// Blobs keeps generated reports; the report kind needs it.
	Blobs Blobs
	// Files opens linked project files and Synced remembers the content
	// last synced from each; the sync kind needs both.
	Files  Files
	Synced SyncState
	// Now is the clock, time.Now when nil: the weather window, the
	// status date when a project has none, when proposals were made.
	Now func() time.Time
	// Logger reports what fails without failing a job (a cache that
	// cannot be read or written); silent when nil.
	Logger *slog.Logger
}

// The job kinds.
const (
	KindProgress     = "progress"
	KindCriticalPath = "critical_path"
	KindLeveling     = "leveling"
	KindRisk         = "risk"
	KindWeather      = "weather"
	KindNotify       = "notify"
	KindReport       = "report"
	KindSync         = "sync"
)

// Register routes the job kinds to mux: progress, critical path and risk
// always; leveling with Deps.Proposals; weather with Deps.Forecaster and
// Deps.Proposals; notify with Deps.Notifier; report with Deps.Blobs; sync
// with Deps.Files and Deps.Synced. A kind left out fails its jobs
// permanently with jobs.ErrUnknownKind, as the Mux does. A payload that
// does not decode fails its job permanently with the decoding error
// (jobs.Register), and so does a job naming an unknown project. Register
// fails when Deps.Projects is nil.
func Register(mux *jobs.Mux, d Deps) error {
	if d.Projects == nil {
		return errors.New("kinds: Register: Deps.Projects is nil")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	w := &worker{d}
	jobs.Register(mux, KindProgress, (&progress{w}).Work)
	jobs.Register(mux, KindCriticalPath, (&criticalPath{w}).Work)
	jobs.Register(mux, KindRisk, (&riskRun{w}).Work)
	if d.Proposals != nil {
		jobs.Register(mux, KindLeveling, (&levelingProposal{w}).Work)
		if d.Forecaster != nil {
			jobs.Register(mux, KindWeather, (&weather{w}).Work)
		}
	}
	if d.Notifier != nil {
		jobs.Register(mux, KindNotify, (&notify{w}).Work)
	}
	if d.Blobs != nil {
		jobs.Register(mux, KindReport, (&report{w}).Work)
	}
	if d.Files != nil && d.Synced != nil {
		jobs.Register(mux, KindSync, (&syncFile{w}).Work)
	}
	return nil
}

// Args is a job kind's payload: it names its kind and sets the options
// its jobs carry (a coalescing key for the work that only the latest
// request matters for, a unique key for what must not be done twice)
// and the project it works on.
type Args interface {
	Kind() string
	options(j *jobs.Job)
	project() string
}

// NewJob returns a job of a's kind on queue, with a as its payload, the
// options of its kind and its project as the job's Project (which the
// job's events carry).
func NewJob(queue string, a Args) (jobs.Job, error) {
	j, err := jobs.NewJob(queue, a.Kind(), a)
	if err != nil {
		return jobs.Job{}, err
	}
	j.Project = a.project()
	a.options(&j)
	return j, nil
}

// worker is what every kind's handler shares: the dependencies and the
// steps each takes (load a project, cache and announce a result).
type worker struct {
	d Deps
}

// project loads a project. A job without a project id, or naming one
// the store does not know, fails permanently: trying again cannot help.
func (w *worker) project(ctx context.Context, kind, id string) (*schedule.Project, int64, error) {
	if id == "" {
		return nil, 0, jobs.Permanent(fmt.Errorf("kinds: %s: the payload names no project", kind))
	}
	p, rev, err := w.d.Projects.Project(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, jobs.Permanent(fmt.Errorf("kinds: %s: project %q: %w", kind, id, err))
	}
	if err != nil {
		return nil, 0, fmt.Errorf("kinds: %s: project %q: %w", kind, id, err)
	}
	return p, rev, nil
}

// cached returns the result cached under key. A cache that fails is
// logged and read as a miss: a cache may drop anything at any time.
func (w *worker) cached(ctx context.Context, key store.Key) ([]byte, bool) {
	if w.d.Cache == nil {
		return nil, false
	}
	b, ok, err := w.d.Cache.Get(ctx, key.String())
	if err != nil {
		w.log("kinds: cache get", "key", key.String(), "err", err)
		return nil, false
	}
	return b, ok
}

// keep caches a result; a cache that fails is logged, not an error.
func (w *worker) keep(ctx context.Context, key store.Key, b []byte) {
	if w.d.Cache == nil {
		return
	}
	if err := w.d.Cache.Set(ctx, key.String(), b); err != nil {
		w.log("kinds: cache set", "key", key.String(), "err", err)
	}
}

// announce tells the Announcer of a result. Its error fails the try, so
// that the job is tried again and the (cached) result announced then.
func (w *worker) announce(ctx context.Context, project, kind string, b []byte) error {
	if w.d.Announcer == nil {
		return nil
	}
	if err := w.d.Announcer.Announce(ctx, project, kind, b); err != nil {
		return fmt.Errorf("kinds: %s: project %q: announce: %w", kind, project, err)
	}
	return nil
}

func (w *worker) log(msg string, args ...any) {
	if w.d.Logger != nil {
		w.d.Logger.Warn(msg, args...)
	}
}

// encode marshals a result; a result that JSON cannot hold is a bug of
// this package, reported as a permanent failure.
func encode(kind string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, jobs.Permanent(fmt.Errorf("kinds: %s: encoding the result: %w", kind, err))
	}
	return b, nil
}

// digest is a short, stable name for options too long for a key: the
// first 16 hex digits of the SHA-256 of their JSON.
func digest(v any) string {
	b, _ := json.Marshal(v) // plain data: never fails
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

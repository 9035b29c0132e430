package store

import (
	"context"
	"strconv"
	"strings"
)

// Cache holds computed results by key: schedules, leveling proposals,
// risk summaries, exports, query pages. The store declares it; NewLRU is
// the in-process default, bounded in bytes, and adapters/redis keeps
// results for many machines. Get and Set are safe for concurrent use; a
// Cache may drop any entry at any time.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, value []byte) error
}

// Key names a computed result: the project, the revision it was computed
// at, what was computed (Kind: "schedule", "leveling", "risk", "export",
// "dashboard", "tasks" …) and the options it was computed with, spelled
// canonically by the caller. An edit bumps the revision, so a result
// cached under an older revision is never read for a newer one.
type Key struct {
	Project  string
	Revision int64
	Kind     string
	Options  string
}

// String spells the key for a Cache: its four parts, each escaped so that
// two keys never spell alike.
func (k Key) String() string {
	var b strings.Builder
	b.WriteString("critpath:")
	b.WriteString(escapeKey(k.Project))
	b.WriteByte(':')
	b.WriteString(strconv.FormatInt(k.Revision, 10))
	b.WriteByte(':')
	b.WriteString(escapeKey(k.Kind))
	b.WriteByte(':')
	b.WriteString(escapeKey(k.Options))
	return b.String()
}

// escapeKey doubles the escape and escapes the separator.
func escapeKey(s string) string {
	if !strings.ContainsAny(s, `:\`) {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, `:`, `\:`).Replace(s)
}

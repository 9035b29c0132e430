// Package migration reads the schema migrations a database adapter
// embeds: files migrations/NNNN_what.sql, numbered 1, 2, 3 … with no
// gap. The SQLite and PostgreSQL adapters apply them, each in its own
// dialect and under its own lock; what they share is which files are
// the steps and in what order.
package migration

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// Step is one migration: its version (its number), its file's name and
// its SQL.
type Step struct {
	Version int
	Name    string
	SQL     string
}

// List returns the migrations in fsys's folder migrations, in order, or
// an error naming the file whose name is not NNNN_what.sql or whose
// number leaves a gap; adapter names the adapter in errors.
func List(fsys fs.FS, adapter string) ([]Step, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []Step
	for _, name := range names { // fs.Glob sorts them
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 {
			return nil, fmt.Errorf("%s: migration %s: want a name NNNN_what.sql", adapter, base)
		}
		if v != len(out)+1 {
			return nil, fmt.Errorf("%s: migration %s: number %d, want %d", adapter, base, v, len(out)+1)
		}
		sql, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Step{Version: v, Name: base, SQL: string(sql)})
	}
	return out, nil
}

// Last returns the version of the last migration of fsys, 0 when there
// is none or the list is broken.
func Last(fsys fs.FS) int {
	steps, err := List(fsys, "")
	if err != nil || len(steps) == 0 {
		return 0
	}
	return steps[len(steps)-1].Version
}

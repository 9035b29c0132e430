package postgres

import (
	"testing"

	"github.com/critpath/critpath/store"
	"github.com/critpath/critpath/store/storetest"
)

// openBackend opens a Backend on a fresh database for the conformance
// suite, which closes it.
func openBackend(t *testing.T) store.Backend {
	t.Helper()
	b, err := Open(t.Context(), cluster.Database(t), Config{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBackendConformance(t *testing.T) { storetest.RunBackend(t, openBackend) }

func TestStoreConformance(t *testing.T) { storetest.RunStore(t, openBackend) }

package store_test

import (
	"testing"

	"github.com/critpath/critpath/store"
	"github.com/critpath/critpath/store/storetest"
)

func TestMemoryBackend(t *testing.T) {
	storetest.RunBackend(t, func(*testing.T) store.Backend { return store.NewMemory() })
}

func TestMemoryStore(t *testing.T) {
	storetest.RunStore(t, func(*testing.T) store.Backend { return store.NewMemory() })
}

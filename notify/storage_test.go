package notify_test

import (
	"testing"

	"github.com/critpath/critpath/notify"
	"github.com/critpath/critpath/notify/notifytest"
)

func TestMemoryLedgerConformance(t *testing.T) {
	notifytest.RunLedger(t, func(*testing.T) notify.Ledger { return notify.NewMemoryLedger() })
}

func TestMemoryInboxConformance(t *testing.T) {
	notifytest.RunInbox(t, func(*testing.T) notify.Inbox { return notify.NewMemoryInbox() })
}

func TestMemoryDigestsConformance(t *testing.T) {
	notifytest.RunDigests(t, func(*testing.T) notify.Digests { return notify.NewMemoryDigests() })
}

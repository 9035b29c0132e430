package notify

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Item is one message in a person's in-app inbox.
type Item struct {
	// ID is the message's key: adding an item again changes nothing.
	ID      string            `json:"id"`
	User    string            `json:"user"`
	Title   string            `json:"title"`
	Body    string            `json:"body,omitempty"`
	Data    map[string]string `json:"data,omitempty"`
	Created time.Time         `json:"created"`
	// ReadAt is when it was marked read; zero while unread.
	ReadAt time.Time `json:"read_at,omitzero"`
}

// Page asks for a page of an inbox, newest first: up to Limit items
// (default 20, at most 100) after the cursor After (the Next of the page
// before; "" for the first page), only unread ones when Unread.
type Page struct {
	After  string `json:"after,omitempty"`
	Limit  int    `json:"limit,omitempty"`
	Unread bool   `json:"unread,omitempty"`
}

// Items is a page of an inbox: its items, the cursor of the next page
// ("" when there is none) and the inbox's unread count.
type Items struct {
	Items  []Item `json:"items"`
	Next   string `json:"next,omitempty"`
	Unread int    `json:"unread"`
}

// ErrBadCursor is returned for a page cursor the inbox did not give.
var ErrBadCursor = errors.New("notify: bad inbox cursor")

// Inbox keeps each person's in-app messages. Add stores an item (again
// with the same ID: nothing changes); List returns a page of a person's
// items, newest first; MarkRead marks some of their items read (all when
// ids is empty) and returns how many it changed; Unread counts the
// unread ones. Implementations are safe for concurrent use.
type Inbox interface {
	Add(ctx context.Context, it Item) error
	List(ctx context.Context, user string, p Page) (Items, error)
	MarkRead(ctx context.Context, user string, ids []string, at time.Time) (int, error)
	Unread(ctx context.Context, user string) (int, error)
}

// MemoryInbox is an Inbox in memory, safe for concurrent use.
type MemoryInbox struct {
	mu    sync.Mutex
	users map[string]*inboxOf
}

type inboxOf struct {
	items  []Item // oldest first; an item's cursor is its index + 1
	byID   map[string]int
	unread int
}

var _ Inbox = (*MemoryInbox)(nil)

// NewMemoryInbox returns an empty inbox.
func NewMemoryInbox() *MemoryInbox { return &MemoryInbox{users: map[string]*inboxOf{}} }

func (m *MemoryInbox) of(user string) *inboxOf {
	in, ok := m.users[user]
	if !ok {
		in = &inboxOf{byID: map[string]int{}}
		m.users[user] = in
	}
	return in
}

// Add implements Inbox.
func (m *MemoryInbox) Add(_ context.Context, it Item) error {
	if it.ID == "" || it.User == "" {
		return fmt.Errorf("notify: inbox item without an ID or a user: %w", ErrInvalid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	in := m.of(it.User)
	if _, ok := in.byID[it.ID]; ok {
		return nil
	}
	in.byID[it.ID] = len(in.items)
	in.items = append(in.items, it)
	if it.ReadAt.IsZero() {
		in.unread++
	}
	return nil
}

// List implements Inbox.
func (m *MemoryInbox) List(_ context.Context, user string, p Page) (Items, error) {
	limit := min(max(p.Limit, 0), 100)
	if limit == 0 {
		limit = 20
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	in := m.of(user)
	end := len(in.items) // exclusive: items before it are listed
	if p.After != "" {
		c, err := strconv.Atoi(p.After)
		if err != nil || c < 1 || c > len(in.items) {
			return Items{}, fmt.Errorf("%w %q", ErrBadCursor, p.After)
		}
		end = c - 1
	}
	out := Items{Unread: in.unread, Items: []Item{}}
	for i := end - 1; i >= 0; i-- {
		it := in.items[i]
		if p.Unread && !it.ReadAt.IsZero() {
			continue
		}
		if len(out.Items) == limit {
			out.Next = strconv.Itoa(i + 2) // the last listed item's cursor
			break
		}
		it.Data = maps.Clone(it.Data)
		out.Items = append(out.Items, it)
	}
	return out, nil
}

// MarkRead implements Inbox.
func (m *MemoryInbox) MarkRead(_ context.Context, user string, ids []string, at time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	in := m.of(user)
	n := 0
	for i := range in.items {
		it := &in.items[i]
		if it.ReadAt.IsZero() && (len(ids) == 0 || slices.Contains(ids, it.ID)) {
			it.ReadAt = at
			n++
		}
	}
	in.unread -= n
	return n, nil
}

// Unread implements Inbox.
func (m *MemoryInbox) Unread(_ context.Context, user string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.of(user).unread, nil
}

// InboxProvider is the in-app channel's Provider: it adds each message
// to its recipient's inbox (the message's To is the user ID, its Title
// and Text the item's) under the message's key, so a message sent twice
// is kept once. Announce, when set, is called after each new item (to
// tell the realtime hub); its error is not the send's.
type InboxProvider struct {
	Inbox    Inbox
	Announce func(ctx context.Context, it Item)
	// Now stamps the items; time.Now when nil.
	Now func() time.Time
}

var (
	_ Provider = (*InboxProvider)(nil)
	_ KeyTaker = (*InboxProvider)(nil)
)

// Name implements Provider.
func (p *InboxProvider) Name() string { return "inbox" }

// TakesKey implements KeyTaker: an item's ID is the message's key.
func (p *InboxProvider) TakesKey() bool { return true }

// Send implements Provider.
func (p *InboxProvider) Send(ctx context.Context, m *Message) (Receipt, error) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	it := Item{ID: m.Key, User: m.To, Title: m.Title, Body: m.Text, Data: maps.Clone(m.Data), Created: now()}
	if err := p.Inbox.Add(ctx, it); err != nil {
		class := Retryable
		if errors.Is(err, ErrInvalid) {
			class = Permanent
		}
		return Receipt{}, &SendError{Provider: p.Name(), Class: class, Err: err}
	}
	if p.Announce != nil {
		p.Announce(ctx, it)
	}
	return Receipt{Provider: p.Name(), ID: m.Key}, nil
}

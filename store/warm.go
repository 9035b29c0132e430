package store

import (
	"context"
	"fmt"
)

// Recent lists up to n projects, the most recently changed first, with
// their revisions: what a server warms its cache with at start.
func (s *Store) Recent(ctx context.Context, n int) ([]ProjectInfo, error) {
	return s.b.Projects(ctx, n)
}

// WarmRecent computes and caches, through r, each kind of result for the
// n most recently changed projects at their current revisions: compute is
// called with the key, whose Project and Revision say what to compute.
// Failures are joined, in order; the others are cached.
func (s *Store) WarmRecent(ctx context.Context, r *Results, n int, kinds []Key, compute func(ctx context.Context, key Key) ([]byte, error)) error {
	recent, err := s.Recent(ctx, n)
	if err != nil {
		return fmt.Errorf("store: warming: %w", err)
	}
	var keys []Key
	for _, p := range recent {
		for _, k := range kinds {
			k.Project, k.Revision = p.ID, p.Revision
			keys = append(keys, k)
		}
	}
	return r.Warm(ctx, keys, compute)
}

// Package store keeps live projects: projects that change under many hands
// and must never lose an acknowledged edit.
//
// (The package documentation is written with the store itself.)
package store

// Package lint holds tests that keep the package layering of DESIGN.md §2:
// imports point downward only. It has no code of its own.
package lint

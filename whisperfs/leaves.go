package whisperfs

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Leaves calls fn with the path of every metric the pattern ** finds, in
// sorted (byte-wise) order and with no bound on their number: graphite-web's
// /metrics/index.json. It walks the index when the tree has one and the
// disk otherwise, with the rules of Find: ** descends real directories
// only and never one it is already inside.
//
// The walk stops with an error wrapping ErrTooManyVisits when it looks at
// more than the tree's MaxFindVisits directory entries or index nodes,
// with ctx.Err() when ctx ends, and with fn's error, returned as it is.
func (t *Tree) Leaves(ctx context.Context, fn func(path string) error) error {
	w := walker{t: t, ctx: ctx, pattern: "**"}
	if idx := t.index.Load(); idx != nil {
		w.idx, w.path = idx, append(w.path, 0)
		return w.leavesIndexed(0, nil, fn)
	}
	fi, err := os.Stat(t.real)
	if err != nil {
		return fmt.Errorf("list metrics: %w", err)
	}
	w.enterDir(dirIDOf(fi))
	return w.leavesDisk("", nil, fn)
}

// leafEntry is a child of a directory in the order Leaves visits them: a
// leaf, or a directory to descend into. A name that is both comes twice.
type leafEntry struct {
	name string
	dir  bool
	node uint32 // for the index walk
}

// compareEntries orders entries by the paths below them: a leaf's path ends
// with its name and a directory's continue with a dot, so "a" < "a-b." <
// "a." although "a" < "a." < "a-b" by name. A depth-first walk in this
// order yields paths sorted as sort.Strings sorts them.
func compareEntries(a, b leafEntry) int {
	n := min(len(a.name), len(b.name))
	if c := strings.Compare(a.name[:n], b.name[:n]); c != 0 {
		return c
	}
	return cmp.Compare(a.byteAt(n), b.byteAt(n))
}

// byteAt returns byte i of the entry's sort key (its name, then a dot for
// a directory), or -1 past its end.
func (e leafEntry) byteAt(i int) int {
	switch {
	case i < len(e.name):
		return int(e.name[i])
	case e.dir:
		return '.'
	}
	return -1
}

// leavesIndexed is Leaves below the index directory n, whose path is
// prefix (with its trailing dot).
func (w *walker) leavesIndexed(n uint32, prefix []byte, fn func(string) error) error {
	x := w.idx
	lo, hi := x.kids(n)
	if err := w.visit(int(hi - lo)); err != nil {
		return err
	}
	entries := make([]leafEntry, 0, hi-lo)
	for c := lo; c < hi; c++ {
		nd := x.node(c)
		if nd.leaf() {
			entries = append(entries, leafEntry{name: x.name(c), node: c})
		}
		if nd.dir() && !nd.link() {
			entries = append(entries, leafEntry{name: x.name(c), dir: true, node: c})
		}
	}
	slices.SortFunc(entries, compareEntries)
	for _, e := range entries {
		path := append(prefix, e.name...)
		if !e.dir {
			if err := fn(string(path)); err != nil {
				return err
			}
			continue
		}
		if x.node(e.node).lazy() {
			if err := w.inDir(taggedDir, nil, func() error { return w.leavesDisk(taggedDir, append(path, '.'), fn) }); err != nil {
				return err
			}
			continue
		}
		if !w.enterNode(e.node) {
			continue
		}
		err := w.leavesIndexed(e.node, append(path, '.'), fn)
		w.leaveNode()
		if err != nil {
			return err
		}
	}
	return nil
}

// leavesDisk is Leaves below the directory rel, whose path is prefix (with
// its trailing dot).
func (w *walker) leavesDisk(rel string, prefix []byte, fn func(string) error) error {
	if err := w.ctx.Err(); err != nil {
		return fmt.Errorf("list metrics: %w", err)
	}
	list, err := w.t.list(w.t.abs(rel))
	if err != nil {
		return nil // an unreadable or vanished directory has no metrics
	}
	if err := w.visit(listingVisits + len(list)); err != nil {
		return err
	}
	entries := make([]leafEntry, 0, len(list))
	for _, e := range list {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if e.IsDir() {
			if validSegment(name) {
				entries = append(entries, leafEntry{name: name, dir: true})
			}
			continue
		}
		if base, ok := leafName(name); ok {
			if kind, _ := w.t.kindOf(filepath.Join(rel, name), e.Type()); kind == kindFile {
				entries = append(entries, leafEntry{name: base})
			}
		}
	}
	slices.SortFunc(entries, compareEntries)
	for _, e := range entries {
		path := append(prefix, e.name...)
		if !e.dir {
			if err := fn(string(path)); err != nil {
				return err
			}
			continue
		}
		child := filepath.Join(rel, e.name)
		if err := w.inDir(child, nil, func() error { return w.leavesDisk(child, append(path, '.'), fn) }); err != nil {
			return err
		}
	}
	return nil
}

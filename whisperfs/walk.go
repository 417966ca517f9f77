package whisperfs

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// entryKind is what a directory entry is, after following a permitted link.
type entryKind int

const (
	kindOther entryKind = iota
	kindDir
	kindFile
)

// walker holds the state of one Find.
type walker struct {
	t       *Tree
	ctx     context.Context
	pattern string
	nodes   map[string]bool // path → leaf
}

// walk matches ms against the tree below the directory rel (relative to the
// root; "" is the root), whose dotted path is prefix.
func (w *walker) walk(rel string, prefix []string, ms []segmentMatcher) error {
	if err := w.ctx.Err(); err != nil {
		return fmt.Errorf("find %q: %w", w.pattern, err)
	}
	m, rest := ms[0], ms[1:]
	switch {
	case m.globstar:
		return w.globstar(rel, prefix, rest)
	case m.isLiteral():
		return w.literal(rel, prefix, m.literal, rest)
	}
	entries, err := w.t.readDir(w.t.abs(rel))
	if err != nil {
		return nil // an unreadable or vanished directory matches nothing
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		child := filepath.Join(rel, name)
		kind := w.t.kindOf(child, e.Type())
		switch {
		case kind == kindDir && m.match(name):
			if err := w.found(child, append(prefix, name), rest, false); err != nil {
				return err
			}
		case kind == kindFile && len(rest) == 0 && strings.HasSuffix(name, leafSuffix):
			if base := strings.TrimSuffix(name, leafSuffix); base != "" && m.match(base) {
				if err := w.add(append(prefix, base), true); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// literal handles a segment without wildcards with stats instead of a
// directory listing.
func (w *walker) literal(rel string, prefix []string, name string, rest []segmentMatcher) error {
	child := filepath.Join(rel, name)
	if len(rest) == 0 && w.t.statKind(child+leafSuffix) == kindFile {
		// A directory of the same name would merge into this leaf, so
		// there is no need to stat it.
		return w.add(append(prefix, name), true)
	}
	if w.t.statKind(child) == kindDir {
		return w.found(child, append(prefix, name), rest, false)
	}
	return nil
}

// globstar matches rest in rel and in every directory below it; a terminal
// ** matches every node below rel.
func (w *walker) globstar(rel string, prefix []string, rest []segmentMatcher) error {
	next := rest
	if len(next) == 0 {
		next = []segmentMatcher{{variants: []string{"*"}}}
	}
	if err := w.walk(rel, prefix, next); err != nil {
		return err
	}
	entries, err := w.t.readDir(w.t.abs(rel))
	if err != nil {
		return nil
	}
	for _, e := range entries {
		// Like os.walk in graphite-web, ** descends into real directories
		// only, which also keeps link cycles out.
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			child := filepath.Join(rel, e.Name())
			if err := w.globstar(child, append(prefix, e.Name()), rest); err != nil {
				return err
			}
		}
	}
	return nil
}

// found continues below a matched directory, or records it as a branch when
// no segments are left.
func (w *walker) found(rel string, path []string, rest []segmentMatcher, leaf bool) error {
	if len(rest) == 0 {
		return w.add(path, leaf)
	}
	return w.walk(rel, path, rest)
}

// add records a node; a leaf wins over a branch of the same path.
func (w *walker) add(path []string, leaf bool) error {
	p := strings.Join(path, ".")
	if _, ok := w.nodes[p]; !ok && len(w.nodes) >= w.t.maxHits {
		return fmt.Errorf("pattern %q matches more than %d nodes (raise -max-glob-matches): %w", w.pattern, w.t.maxHits, ErrTooManyMatches)
	}
	w.nodes[p] = w.nodes[p] || leaf
	return nil
}

// abs returns the absolute path of rel under the resolved root.
func (t *Tree) abs(rel string) string { return filepath.Join(t.real, rel) }

// kindOf classifies the entry rel whose directory-entry type is typ,
// following a symbolic link only when it is permitted.
func (t *Tree) kindOf(rel string, typ fs.FileMode) entryKind {
	switch {
	case typ.IsDir():
		return kindDir
	case typ.IsRegular():
		return kindFile
	case typ&fs.ModeSymlink != 0:
		return t.linkKind(rel)
	}
	return kindOther
}

// statKind classifies rel with one lstat (and, for a link, the checks of
// linkKind); a missing path is kindOther.
func (t *Tree) statKind(rel string) entryKind {
	fi, err := os.Lstat(t.abs(rel))
	if err != nil {
		return kindOther
	}
	return t.kindOf(rel, fi.Mode().Type())
}

// linkKind classifies the target of the link rel, or returns kindOther when
// the target is missing or lies outside the root and that is not allowed.
func (t *Tree) linkKind(rel string) entryKind {
	full := t.abs(rel)
	if !t.outside {
		target, err := filepath.EvalSymlinks(full)
		if err != nil || !t.inside(target) {
			return kindOther
		}
	}
	fi, err := os.Stat(full)
	switch {
	case err != nil:
		return kindOther
	case fi.IsDir():
		return kindDir
	case fi.Mode().IsRegular():
		return kindFile
	}
	return kindOther
}

// inside reports whether the absolute, resolved path p lies in the root.
func (t *Tree) inside(p string) bool {
	return p == t.real || strings.HasPrefix(p, t.real+string(filepath.Separator))
}

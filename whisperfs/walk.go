package whisperfs

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// entryKind is what a directory entry is, after following a permitted link.
type entryKind int

const (
	kindOther entryKind = iota
	kindDir
	kindFile
)

// walker holds the state of one Find or Leaves walk.
type walker struct {
	t       *Tree
	ctx     context.Context
	pattern string
	nodes   map[string]bool // path → leaf; nil when the walk meets each path once (see once)
	// once holds the matches of a walk that meets each path once (see
	// onceNodes); nil until the first.
	once *matchBuf
	// names, when set, takes the matches of a walk that meets each path
	// once in place of once (see Tree.FindNames).
	names *nameSet
	// visits counts the directory entries and index nodes looked at;
	// nextCheck is the count at which the context is checked next.
	visits, nextCheck int
	inside            []dirID    // disk walk: the directories it is in, root first
	path              []uint32   // index walk: likewise, as nodes of idx
	idx               *treeIndex // the index an index walk reads
}

// walkDisk answers ms from the file system, starting at the root. A root
// that is gone or unreadable for a moment (a remount, a rename) matches
// nothing, like any other unreadable directory.
func (w *walker) walkDisk(ms []segmentMatcher) error {
	fi, err := os.Stat(w.t.real)
	if err != nil {
		return nil
	}
	w.enterDir(dirIDOf(fi))
	return w.walk("", nil, ms)
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
	entries, err := w.t.list(w.t.abs(rel))
	if err != nil {
		return nil // an unreadable or vanished directory matches nothing
	}
	if err := w.visit(listingVisits + len(entries)); err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		child := filepath.Join(rel, name)
		kind, info := w.t.kindOf(child, e.Type())
		switch {
		case kind == kindDir && validSegment(name) && m.match(name):
			if err := w.found(child, info, append(prefix, name), rest); err != nil {
				return err
			}
		case kind == kindFile && len(rest) == 0:
			if base, ok := leafName(name); ok && m.match(base) {
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
	if err := w.visit(1); err != nil {
		return err
	}
	child := filepath.Join(rel, name)
	if len(rest) == 0 {
		if kind, _ := w.t.statKind(child + leafSuffix); kind == kindFile {
			// A directory of the same name would merge into this leaf, so
			// there is no need to stat it.
			return w.add(append(prefix, name), true)
		}
	}
	if kind, info := w.t.statKind(child); kind == kindDir {
		return w.found(child, info, append(prefix, name), rest)
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
	entries, err := w.t.list(w.t.abs(rel))
	if err != nil {
		return nil
	}
	if err := w.visit(listingVisits + len(entries)); err != nil {
		return err
	}
	for _, e := range entries {
		// Like os.walk in graphite-web, ** descends into real directories
		// only, which also keeps link cycles out.
		if e.IsDir() && validSegment(e.Name()) {
			child := filepath.Join(rel, e.Name())
			err := w.inDir(child, nil, func() error { return w.globstar(child, append(prefix, e.Name()), rest) })
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// found continues below a matched directory, or records it as a branch when
// no segments are left. info is the directory's stat when the caller has
// it.
func (w *walker) found(rel string, info fs.FileInfo, path []string, rest []segmentMatcher) error {
	if len(rest) == 0 {
		return w.add(path, false)
	}
	return w.inDir(rel, info, func() error { return w.walk(rel, path, rest) })
}

// inDir runs f inside the directory rel unless the walk is already inside
// it: a link or a bind mount back to an ancestor leads nowhere. info is
// rel's stat (links followed) when the caller has it, else nil.
func (w *walker) inDir(rel string, info fs.FileInfo, f func() error) error {
	if info == nil {
		var err error
		if info, err = os.Stat(w.t.abs(rel)); err != nil {
			return nil // vanished since it was listed
		}
	}
	if !w.enterDir(dirIDOf(info)) {
		return nil
	}
	defer w.leaveDir()
	return f()
}

// add records a node; a leaf wins over a branch of the same path.
func (w *walker) add(path []string, leaf bool) error {
	if s := w.names; s != nil {
		if s.hits >= w.t.maxHits {
			return w.tooManyMatches()
		}
		s.hits++
		if leaf || !s.leavesOnly {
			s.addPath(path, leaf)
		}
		return nil
	}
	if w.nodes == nil {
		if w.once == nil {
			w.once = matchBufs.Get().(*matchBuf)
		}
		m := w.once
		if len(m.ends) >= w.t.maxHits {
			return w.tooManyMatches()
		}
		start := len(m.names)
		dir := path[:max(len(path)-1, 0)]
		if len(dir) > 0 && slices.Equal(dir, m.dir) {
			// The matches of one directory come one after the other:
			// its path is copied from the previous match's.
			prev := 0
			if n := len(m.ends); n > 1 {
				prev = m.ends[n-2]
			}
			m.names = append(m.names, m.names[prev:prev+m.dirLen]...)
		} else {
			for _, seg := range dir {
				m.names = append(append(m.names, seg...), '.')
			}
			m.dir = append(m.dir[:0], dir...)
			m.dirLen = len(m.names) - start
		}
		if len(path) > 0 {
			m.names = append(m.names, path[len(path)-1]...)
		}
		m.ends = append(m.ends, len(m.names))
		m.leaf = append(m.leaf, leaf)
		return nil
	}
	p := strings.Join(path, ".")
	if _, ok := w.nodes[p]; !ok && len(w.nodes) >= w.t.maxHits {
		return w.tooManyMatches()
	}
	w.nodes[p] = w.nodes[p] || leaf
	return nil
}

// tooManyMatches is the error of a walk that met more matches than the
// tree allows.
func (w *walker) tooManyMatches() error {
	return fmt.Errorf("pattern %q matches more than %d nodes (raise -max-glob-matches): %w", w.pattern, w.t.maxHits, ErrTooManyMatches)
}

// matchBuf collects the matches of a walk that meets each path once: their
// paths one after the other in names, each ending at its entry of ends,
// and whether each is a leaf. Walks reuse them through matchBufs.
type matchBuf struct {
	names []byte
	ends  []int
	leaf  []bool
	// dir holds the segments of the last match's directory, and dirLen
	// the length of their path with its trailing dot.
	dir    []string
	dirLen int
}

// matchBufs holds matchBufs for reuse; one that grew past maxPooledNames
// is dropped instead, so that one huge find does not pin its memory.
var matchBufs = sync.Pool{New: func() any { return new(matchBuf) }}

// maxPooledNames is the largest names buffer, in bytes, kept for reuse.
const maxPooledNames = 1 << 20

// onceNodes returns the matches of a walk that met each path once, with
// their paths cut from one string: two allocations, not one a match.
func (w *walker) onceNodes() []Node {
	m := w.once
	if m == nil {
		return []Node{}
	}
	out := make([]Node, len(m.ends))
	all, start := string(m.names), 0
	for i, end := range m.ends {
		out[i] = Node{Path: all[start:end], Leaf: m.leaf[i]}
		start = end
	}
	w.releaseMatches()
	return out
}

// releaseMatches hands the walk's match buffer back for reuse.
func (w *walker) releaseMatches() {
	if m := w.once; m != nil && cap(m.names) <= maxPooledNames {
		clear(m.dir)
		m.names, m.ends, m.leaf, m.dir = m.names[:0], m.ends[:0], m.leaf[:0], m.dir[:0]
		matchBufs.Put(m)
	}
	w.once = nil
}

// leafName returns the metric name of a file called name: the name without
// its .wsp suffix, when it has one and the rest is a valid segment.
func leafName(name string) (string, bool) {
	base, ok := strings.CutSuffix(name, leafSuffix)
	return base, ok && validSegment(base)
}

// validSegment reports whether a directory entry called name can be a
// segment of a metric path: not hidden, not empty, and without a dot, since
// a dot inside would make its path name another node (a directory called
// x.wsp would read back as x, then wsp).
func validSegment(name string) bool {
	return name != "" && !strings.Contains(name, ".")
}

// abs returns the absolute path of rel under the resolved root.
func (t *Tree) abs(rel string) string { return filepath.Join(t.real, rel) }

// kindOf classifies the entry rel whose directory-entry type is typ,
// following a symbolic link only when it is permitted. For a link it also
// returns the target's stat.
func (t *Tree) kindOf(rel string, typ fs.FileMode) (entryKind, fs.FileInfo) {
	switch {
	case typ.IsDir():
		return kindDir, nil
	case typ.IsRegular():
		return kindFile, nil
	case typ&fs.ModeSymlink != 0:
		return t.linkKind(rel)
	}
	return kindOther, nil
}

// statKind classifies rel with one lstat (and, for a link, the checks of
// linkKind); a missing path is kindOther. It returns rel's stat with links
// followed.
func (t *Tree) statKind(rel string) (entryKind, fs.FileInfo) {
	fi, err := os.Lstat(t.abs(rel))
	if err != nil {
		return kindOther, nil
	}
	kind, info := t.kindOf(rel, fi.Mode().Type())
	if kind != kindOther && info == nil {
		info = fi
	}
	return kind, info
}

// linkKind classifies the target of the link rel, or returns kindOther when
// the target is missing or lies outside the root and that is not allowed.
// It also returns the target's stat.
func (t *Tree) linkKind(rel string) (entryKind, fs.FileInfo) {
	full := t.abs(rel)
	if !t.outside {
		target, err := filepath.EvalSymlinks(full)
		if err != nil || !t.inside(target) {
			return kindOther, nil
		}
	}
	fi, err := os.Stat(full)
	switch {
	case err != nil:
		return kindOther, nil
	case fi.IsDir():
		return kindDir, fi
	case fi.Mode().IsRegular():
		return kindFile, fi
	}
	return kindOther, nil
}

// inside reports whether the absolute, resolved path p lies in the root.
func (t *Tree) inside(p string) bool {
	return p == t.real || strings.HasPrefix(p, t.real+string(filepath.Separator))
}

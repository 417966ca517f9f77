package whisperfs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
)

// indexNode is a name in the in-memory metric tree: a directory, a .wsp
// file, or both.
type indexNode struct {
	name     string
	leaf     bool
	dir      bool
	link     bool         // the directory was reached through a symbolic link
	children []*indexNode // sorted by name; set for directories
	// same is set when this directory is another name for a directory
	// indexed elsewhere (a link, a bind mount, or a directory a link
	// reached first): its children are same's.
	same *indexNode
	// lazy is set for the root's _tagged directory, which the index lists
	// but does not walk (see taggedDir): finds below it read the disk.
	lazy bool
}

// taggedDir is where carbon stores tagged series, under two levels of
// 4,096 directories named by the hash of each name: about one directory
// a series, which would cost the index a node a series (12 s and 240 MB
// a refresh for a million). The index lists it as a branch, as
// graphite-web does, and leaves its contents on disk; tagged series are
// found by name, not by walking.
const taggedDir = "_tagged"

// kids returns the node's children, following same.
func (n *indexNode) kids() []*indexNode {
	if n.same != nil {
		return n.same.children
	}
	return n.children
}

// child returns the child called name, found by binary search.
func (n *indexNode) child(name string) *indexNode {
	kids := n.kids()
	i := sort.Search(len(kids), func(i int) bool { return kids[i].name >= name })
	if i < len(kids) && kids[i].name == name {
		return kids[i]
	}
	return nil
}

// treeIndex is a snapshot of the metric tree held in memory, so that Find
// costs no system call.
type treeIndex struct {
	root  *indexNode
	files int
}

// IndexStats describes an index build.
type IndexStats struct {
	// Files and Dirs count the metrics and directories indexed.
	Files, Dirs int
	// Unreadable counts the directories below the root that could not be
	// listed (permissions, I/O errors); they are indexed as empty.
	Unreadable int
}

// BuildIndex walks the whole tree with the same rules as Find (hidden
// entries skipped, links followed only inside the root unless allowed, a
// directory indexed once however many links or mounts lead to it) and makes
// later Finds answer from memory. Call it again to refresh: the new
// snapshot replaces the old one atomically. Metrics created after the last
// build are not found until the next one.
//
// When the root cannot be listed, or ctx ends, BuildIndex returns an error
// and the previous index stays in use. A subdirectory that cannot be
// listed is indexed as empty and counted in IndexStats.Unreadable; one that
// vanished during the build is not counted.
func (t *Tree) BuildIndex(ctx context.Context) (IndexStats, error) {
	var st IndexStats
	fi, err := os.Stat(t.real)
	if err != nil {
		return st, fmt.Errorf("index %s: %w", t.dir, err)
	}
	root := &indexNode{dir: true}
	seen := map[dirID]*indexNode{}
	if id, ok := dirIDOf(fi); ok {
		seen[id] = root
	}
	b := indexBuild{t: t, ctx: ctx, seen: seen, st: &st}
	if err := b.dir("", root); err != nil {
		return st, err
	}
	t.index.Store(&treeIndex{root: root, files: st.Files})
	return st, nil
}

// DropIndex makes Find read the file system again.
func (t *Tree) DropIndex() { t.index.Store(nil) }

// indexBuild holds the state of one BuildIndex.
type indexBuild struct {
	t   *Tree
	ctx context.Context
	// seen maps every directory indexed so far to its node, so that a
	// directory reached twice (through links or mounts) is indexed once
	// and shared.
	seen map[dirID]*indexNode
	st   *IndexStats
}

// dir fills n with the directory rel.
func (b *indexBuild) dir(rel string, n *indexNode) error {
	if err := b.ctx.Err(); err != nil {
		return fmt.Errorf("index %s: %w", b.t.dir, err)
	}
	b.st.Dirs++
	entries, err := b.t.readDir(b.t.abs(rel))
	switch {
	case err != nil && rel == "":
		return fmt.Errorf("index %s: list the root: %w", b.t.dir, err)
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		b.st.Unreadable++
		return nil
	}
	byName := map[string]*indexNode{}
	get := func(name string) *indexNode {
		c := byName[name]
		if c == nil {
			c = &indexNode{name: name}
			byName[name] = c
			n.children = append(n.children, c)
		}
		return c
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		child := filepath.Join(rel, name)
		kind, info := b.t.kindOf(child, e.Type())
		switch kind {
		case kindDir:
			if !validSegment(name) {
				continue
			}
			if info == nil {
				if info, err = os.Stat(b.t.abs(child)); err != nil {
					continue // vanished since it was listed
				}
			}
			c := get(name)
			c.dir, c.link = true, !e.Type().IsDir()
			if rel == "" && name == taggedDir {
				c.lazy = true
				continue
			}
			id, known := dirIDOf(info)
			if other, ok := b.seen[id]; ok && known {
				c.same = other
				continue
			}
			if known {
				b.seen[id] = c
			}
			if err := b.dir(child, c); err != nil {
				return err
			}
		case kindFile:
			if base, ok := leafName(name); ok {
				get(base).leaf = true
				b.st.Files++
			}
		}
	}
	sort.Slice(n.children, func(i, j int) bool { return n.children[i].name < n.children[j].name })
	return nil
}

// findIndexed is Find answered from the index, below the directory n.
func (w *walker) findIndexed(n *indexNode, prefix []string, ms []segmentMatcher) error {
	m, rest := ms[0], ms[1:]
	if m.globstar {
		next := rest
		if len(next) == 0 {
			next = []segmentMatcher{{variants: []string{"*"}}}
		}
		if err := w.findIndexed(n, prefix, next); err != nil {
			return err
		}
		kids := n.kids()
		if err := w.visit(len(kids)); err != nil {
			return err
		}
		for _, c := range kids {
			if c.lazy && !c.link {
				err := w.inDir(taggedDir, nil, func() error { return w.globstar(taggedDir, append(prefix, c.name), ms[1:]) })
				if err != nil {
					return err
				}
				continue
			}
			// Like the disk walk, ** does not follow links.
			if c.dir && !c.link && w.enterNode(c) {
				err := w.findIndexed(c, append(prefix, c.name), ms)
				w.leaveNode()
				if err != nil {
					return err
				}
			}
		}
		return nil
	}
	visit := func(c *indexNode) error {
		path := append(prefix, c.name)
		if len(rest) == 0 {
			return w.add(path, c.leaf)
		}
		if c.lazy {
			return w.inDir(taggedDir, nil, func() error { return w.walk(taggedDir, path, rest) })
		}
		if !c.dir || !w.enterNode(c) {
			return nil
		}
		defer w.leaveNode()
		return w.findIndexed(c, path, rest)
	}
	if m.isLiteral() {
		if err := w.visit(1); err != nil {
			return err
		}
		if c := n.child(m.literal); c != nil && (c.dir || (c.leaf && len(rest) == 0)) {
			return visit(c)
		}
		return nil
	}
	kids := n.kids()
	if err := w.visit(len(kids)); err != nil {
		return err
	}
	for _, c := range kids {
		if (c.dir || (c.leaf && len(rest) == 0)) && m.match(c.name) {
			if err := visit(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// indexPtr is the tree's current index, nil when Find reads the disk.
type indexPtr = atomic.Pointer[treeIndex]

package whisperfs

import (
	"context"
	"fmt"
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
	// indexed elsewhere (a link, or a directory a link reached first): its
	// children are same's.
	same *indexNode
}

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

// IndexStats describes the index a tree currently uses.
type IndexStats struct {
	Files, Dirs int
}

// BuildIndex walks the whole tree with the same rules as Find (hidden
// entries skipped, links followed only inside the root unless allowed)
// and makes later Finds answer from memory. Call it again to refresh: the
// new snapshot replaces the old one atomically. Metrics created after the
// last build are not found until the next one.
func (t *Tree) BuildIndex(ctx context.Context) (IndexStats, error) {
	var st IndexStats
	root := &indexNode{dir: true}
	seen := map[string]*indexNode{t.real: root}
	if err := t.indexDir(ctx, "", t.real, root, seen, &st); err != nil {
		return st, err
	}
	t.index.Store(&treeIndex{root: root, files: st.Files})
	return st, nil
}

// DropIndex makes Find read the file system again.
func (t *Tree) DropIndex() { t.index.Store(nil) }

// indexDir fills n with the directory rel, whose path with links resolved
// is real. seen maps every resolved directory to its node, so a directory
// reached twice (through links) is indexed once and shared.
func (t *Tree) indexDir(ctx context.Context, rel, real string, n *indexNode, seen map[string]*indexNode, st *IndexStats) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("index %s: %w", t.dir, err)
	}
	st.Dirs++
	entries, err := t.readDir(t.abs(rel))
	if err != nil {
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
		switch t.kindOf(child, e.Type()) {
		case kindDir:
			c := get(name)
			c.dir, c.link = true, !e.Type().IsDir()
			childReal := filepath.Join(real, name)
			if c.link {
				if childReal, err = filepath.EvalSymlinks(t.abs(child)); err != nil {
					c.dir = false
					continue
				}
			}
			if other, ok := seen[childReal]; ok {
				c.same = other
				continue
			}
			seen[childReal] = c
			if err := t.indexDir(ctx, child, childReal, c, seen, st); err != nil {
				return err
			}
		case kindFile:
			if base, ok := strings.CutSuffix(name, leafSuffix); ok && base != "" {
				get(base).leaf = true
				st.Files++
			}
		}
	}
	sort.Slice(n.children, func(i, j int) bool { return n.children[i].name < n.children[j].name })
	return nil
}

// findIndexed is Find answered from the index.
func (w *walker) findIndexed(idx *treeIndex, n *indexNode, prefix []string, ms []segmentMatcher) error {
	m, rest := ms[0], ms[1:]
	if m.globstar {
		next := rest
		if len(next) == 0 {
			next = []segmentMatcher{{variants: []string{"*"}}}
		}
		if err := w.findIndexed(idx, n, prefix, next); err != nil {
			return err
		}
		for _, c := range n.kids() {
			if c.dir && !c.link { // like the disk walk, ** does not follow links
				if err := w.findIndexed(idx, c, append(prefix, c.name), ms); err != nil {
					return err
				}
			}
		}
		return nil
	}
	visit := func(c *indexNode) error {
		path := append(prefix, c.name)
		if len(rest) == 0 {
			if c.leaf {
				return w.add(path, true)
			}
			return w.add(path, false)
		}
		if c.dir {
			return w.findIndexed(idx, c, path, rest)
		}
		return nil
	}
	if m.isLiteral() {
		if c := n.child(m.literal); c != nil && (c.dir || (c.leaf && len(rest) == 0)) {
			return visit(c)
		}
		return nil
	}
	for _, c := range n.kids() {
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

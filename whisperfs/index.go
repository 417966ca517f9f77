package whisperfs

import (
	"sort"
	"sync/atomic"
)

// indexNode is a name in the in-memory metric tree: a directory, a .wsp
// file, or both. It takes 16 bytes: names live in the index's shared
// string, children in one block of the index's node array.
type indexNode struct {
	name  uint32 // offset of the name in treeIndex.names
	first uint32 // index of the first child in treeIndex.nodes
	count uint32 // number of children, sorted by name; set for directories
	nlen  uint16 // length of the name
	flags nodeFlags
}

// nodeFlags say what an index node is.
type nodeFlags uint8

const (
	nodeLeaf nodeFlags = 1 << iota // a .wsp file
	nodeDir                        // a directory
	nodeLink                       // the directory was reached through a symbolic link
	// nodeSame marks a directory that is another name for a directory
	// indexed elsewhere (a link, a bind mount, or a directory a link
	// reached first): its children are that directory's, and
	// treeIndex.same names it.
	nodeSame
	// nodeLazy marks the root's _tagged directory, which the index lists
	// but does not walk (see taggedDir): finds below it read the disk.
	nodeLazy
)

func (n *indexNode) leaf() bool { return n.flags&nodeLeaf != 0 }
func (n *indexNode) dir() bool  { return n.flags&nodeDir != 0 }
func (n *indexNode) link() bool { return n.flags&nodeLink != 0 }
func (n *indexNode) lazy() bool { return n.flags&nodeLazy != 0 }

// taggedDir is where carbon stores tagged series, under two levels of
// 4,096 directories named by the hash of each name: about one directory
// a series, which would cost the index a node a series (12 s and 240 MB
// a refresh for a million). The index lists it as a branch, as
// graphite-web does, and leaves its contents on disk; tagged series are
// found by name, not by walking.
const taggedDir = "_tagged"

// treeIndex is a snapshot of the metric tree held in memory, so that Find
// costs no system call. Nodes are numbered; node 0 is the root.
type treeIndex struct {
	nodes []indexNode
	// names holds every distinct name once; nodes point into it.
	names string
	// same maps each nodeSame node to the node of the directory it is
	// another name for.
	same  map[uint32]uint32
	files int
}

// node returns node n.
func (x *treeIndex) node(n uint32) *indexNode { return &x.nodes[n] }

// name returns the name of node n.
func (x *treeIndex) name(n uint32) string {
	nd := &x.nodes[n]
	return x.names[nd.name : nd.name+uint32(nd.nlen)]
}

// kids returns the range [lo, hi) of the children of node n, sorted by
// name (a nodeSame directory has the children of the one it names).
func (x *treeIndex) kids(n uint32) (lo, hi uint32) {
	nd := &x.nodes[n]
	return nd.first, nd.first + nd.count
}

// child returns the child of n called name, found by binary search.
func (x *treeIndex) child(n uint32, name string) (uint32, bool) {
	lo, hi := x.kids(n)
	i := lo + uint32(sort.Search(int(hi-lo), func(i int) bool { return x.name(lo+uint32(i)) >= name }))
	if i < hi && x.name(i) == name {
		return i, true
	}
	return 0, false
}

// real returns the directory node n stands for: n itself, or for a
// nodeSame node the one indexed first.
func (x *treeIndex) real(n uint32) uint32 {
	if x.nodes[n].flags&nodeSame != 0 {
		return x.same[n]
	}
	return n
}

// IndexStats describes an index build.
type IndexStats struct {
	// Files and Dirs count the metrics and directories indexed.
	Files, Dirs int
	// Unreadable counts the directories below the root that could not be
	// listed (permissions, I/O errors); they are indexed as empty.
	Unreadable int
}

// findIndexed is Find answered from the index w.idx, below the directory
// node n.
func (w *walker) findIndexed(n uint32, prefix []string, ms []segmentMatcher) error {
	x := w.idx
	m, rest := ms[0], ms[1:]
	if m.globstar {
		next := rest
		if len(next) == 0 {
			next = []segmentMatcher{{variants: []string{"*"}}}
		}
		if err := w.findIndexed(n, prefix, next); err != nil {
			return err
		}
		lo, hi := x.kids(n)
		if err := w.visit(int(hi - lo)); err != nil {
			return err
		}
		for c := lo; c < hi; c++ {
			nd := x.node(c)
			if nd.lazy() && !nd.link() {
				err := w.inDir(taggedDir, nil, func() error { return w.globstar(taggedDir, append(prefix, x.name(c)), ms[1:]) })
				if err != nil {
					return err
				}
				continue
			}
			// Like the disk walk, ** does not follow links.
			if nd.dir() && !nd.link() && w.enterNode(c) {
				err := w.findIndexed(c, append(prefix, x.name(c)), ms)
				w.leaveNode()
				if err != nil {
					return err
				}
			}
		}
		return nil
	}
	visit := func(c uint32) error {
		nd := x.node(c)
		path := append(prefix, x.name(c))
		if len(rest) == 0 {
			return w.add(path, nd.leaf())
		}
		if nd.lazy() {
			return w.inDir(taggedDir, nil, func() error { return w.walk(taggedDir, path, rest) })
		}
		if !nd.dir() || !w.enterNode(c) {
			return nil
		}
		defer w.leaveNode()
		return w.findIndexed(c, path, rest)
	}
	if m.isLiteral() {
		if err := w.visit(1); err != nil {
			return err
		}
		if c, ok := x.child(n, m.literal); ok && (x.node(c).dir() || (x.node(c).leaf() && len(rest) == 0)) {
			return visit(c)
		}
		return nil
	}
	lo, hi := x.kids(n)
	if err := w.visit(int(hi - lo)); err != nil {
		return err
	}
	for c := lo; c < hi; c++ {
		nd := x.node(c)
		if (nd.dir() || (nd.leaf() && len(rest) == 0)) && m.match(x.name(c)) {
			if err := visit(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// indexPtr is the tree's current index, nil when Find reads the disk.
type indexPtr = atomic.Pointer[treeIndex]

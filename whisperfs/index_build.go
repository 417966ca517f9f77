package whisperfs

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// BuildIndex walks the whole tree with the same rules as Find (hidden
// entries skipped, links followed only inside the root unless allowed, a
// directory indexed once however many links or mounts lead to it) and makes
// later Finds answer from memory. Call it again to refresh: the new
// snapshot replaces the old one atomically. Metrics created after the last
// build are not found until the next one.
//
// The index takes about 20 bytes a file (16 a node and the distinct names
// once); a build lists each directory once, without a stat per file.
//
// When the root cannot be listed, or ctx ends, BuildIndex returns an error
// and the previous index stays in use. A subdirectory that cannot be
// listed is indexed as empty and counted in IndexStats.Unreadable; one that
// vanished during the build is not counted.
func (t *Tree) BuildIndex(ctx context.Context) (IndexStats, error) {
	var st IndexStats
	if _, err := os.Stat(t.real); err != nil {
		return st, fmt.Errorf("index %s: %w", t.dir, err)
	}
	b := indexBuild{t: t, ctx: ctx, st: &st, seen: map[dirID]uint32{}, intern: map[string]uint32{}, same: map[uint32]uint32{}}
	if prev := t.index.Load(); prev != nil {
		// A refresh most likely finds the tree it found last time.
		b.nodes = make([]indexNode, 0, len(prev.nodes)+len(prev.nodes)/16)
		b.names.Grow(len(prev.names))
	}
	b.nodes = append(b.nodes, indexNode{flags: nodeDir})
	if t.readDir == nil {
		b.buf = make([]byte, direntBufSize)
	}
	if err := b.dir(0, ""); err != nil {
		return st, err
	}
	t.index.Store(&treeIndex{nodes: slices.Clip(b.nodes), names: b.names.String(), same: b.same, files: st.Files})
	return st, nil
}

// DropIndex makes Find read the file system again.
func (t *Tree) DropIndex() { t.index.Store(nil) }

// indexBuild holds the state of one BuildIndex.
type indexBuild struct {
	t   *Tree
	ctx context.Context
	st  *IndexStats
	// seen maps every directory indexed so far to its node, so that a
	// directory reached twice (through links or mounts) is indexed once
	// and shared.
	seen  map[dirID]uint32
	nodes []indexNode
	// names and intern hold each distinct name once: intern maps a name
	// to its offset in names.
	names  strings.Builder
	intern map[string]uint32
	same   map[uint32]uint32
	// buf is listDir's scratch (nil when a test replaced Tree.readDir);
	// entries the listing of the directory being read.
	buf     []byte
	entries []buildEntry
}

// buildEntry is a child of the directory being indexed.
type buildEntry struct {
	name  string // interned
	off   uint32 // offset of name in indexBuild.names
	flags nodeFlags
	id    dirID // a linked directory's identity, when known
	known bool
}

// name interns b and returns it with its offset.
func (b *indexBuild) name(s []byte) (string, uint32) {
	if off, ok := b.intern[string(s)]; ok {
		return b.names.String()[off : off+uint32(len(s))], off
	}
	off := uint32(b.names.Len())
	b.names.Write(s)
	name := b.names.String()[off:]
	b.intern[name] = off
	return name, off
}

// dir lists the directory rel into node n: it appends n's children as one
// block of nodes, then indexes each child directory.
func (b *indexBuild) dir(n uint32, rel string) error {
	if err := b.ctx.Err(); err != nil {
		return fmt.Errorf("index %s: %w", b.t.dir, err)
	}
	entered, err := b.list(n, rel)
	switch {
	case err != nil && rel == "":
		return fmt.Errorf("index %s: list the root: %w", b.t.dir, err)
	case errors.Is(err, fs.ErrNotExist):
		b.nodes[n].flags &^= nodeDir // vanished since it was listed
		return nil
	case err != nil:
		if !entered {
			b.st.Dirs++
		}
		b.st.Unreadable++
		b.entries = b.entries[:0]
		return nil
	case !entered:
		return nil // another name for a directory indexed already
	}
	slices.SortFunc(b.entries, func(x, y buildEntry) int { return cmp.Compare(x.name, y.name) })
	first := uint32(len(b.nodes))
	var links map[uint32]dirID // linked directories with a known identity
	for i, e := range b.entries {
		if i == 0 || b.entries[i-1].name != e.name {
			b.nodes = append(b.nodes, indexNode{name: e.off, nlen: uint16(len(e.name))})
		}
		// A leaf and a directory of the same name are one node.
		c := uint32(len(b.nodes) - 1)
		b.nodes[c].flags |= e.flags
		if e.flags&nodeLink != 0 && e.known {
			if links == nil {
				links = map[uint32]dirID{}
			}
			links[c] = e.id
		}
	}
	b.entries = b.entries[:0]
	count := uint32(len(b.nodes)) - first
	b.nodes[n].first, b.nodes[n].count = first, count
	for c := first; c < first+count; c++ {
		nd := b.nodes[c]
		if nd.flags&nodeDir == 0 || nd.flags&nodeLazy != 0 {
			continue
		}
		if id, ok := links[c]; ok {
			if other, seen := b.seen[id]; seen {
				b.sameAs(c, other)
				continue
			}
			b.seen[id] = c
		}
		name := b.names.String()[nd.name : nd.name+uint32(nd.nlen)]
		if err := b.dir(c, filepath.Join(rel, name)); err != nil {
			return err
		}
	}
	return nil
}

// sameAs makes node c another name for the directory node other.
func (b *indexBuild) sameAs(c, other uint32) {
	b.nodes[c].flags |= nodeSame
	b.nodes[c].first, b.nodes[c].count = b.nodes[other].first, b.nodes[other].count
	b.same[c] = other
}

// list reads the directory rel into b.entries. entered is false when the
// directory turned out to be one indexed already (node n then shares its
// children) or could not be opened.
func (b *indexBuild) list(n uint32, rel string) (entered bool, err error) {
	enter := func(id dirID, known bool) bool {
		if other, ok := b.seen[id]; ok && known && other != n {
			b.sameAs(n, other)
			return false
		}
		if known {
			b.seen[id] = n
		}
		b.st.Dirs++
		entered = true
		return true
	}
	add := func(name []byte, typ fs.FileMode) { b.add(n, rel, name, typ) }
	abs := b.t.abs(rel)
	if b.buf != nil {
		return entered, listDir(abs, b.buf, enter, add)
	}
	// A test replaced readDir: list through it.
	fi, err := os.Stat(abs)
	if err != nil {
		return false, err
	}
	if !enter(dirIDOf(fi)) {
		return false, nil
	}
	list, err := b.t.readDir(abs)
	for _, e := range list {
		add([]byte(e.Name()), e.Type())
	}
	return entered, err
}

// add records the entry name of the directory rel (node n) in b.entries
// when it is a metric or a directory of the tree.
func (b *indexBuild) add(n uint32, rel string, name []byte, typ fs.FileMode) {
	if len(name) == 0 || name[0] == '.' || len(name) > math.MaxUint16 {
		return
	}
	kind := kindOther
	var e buildEntry
	switch {
	case typ.IsDir():
		kind = kindDir
	case typ.IsRegular():
		kind = kindFile
	case typ&fs.ModeSymlink != 0:
		var info fs.FileInfo
		if kind, info = b.t.linkKind(filepath.Join(rel, string(name))); kind == kindDir {
			e.flags |= nodeLink
			e.id, e.known = dirIDOf(info)
		}
	}
	switch kind {
	case kindDir:
		if bytes.IndexByte(name, '.') >= 0 {
			return // not a valid segment, see validSegment
		}
		e.flags |= nodeDir
		if n == 0 && string(name) == taggedDir {
			e.flags |= nodeLazy
		}
		e.name, e.off = b.name(name)
	case kindFile:
		base, ok := bytes.CutSuffix(name, []byte(leafSuffix))
		if !ok || len(base) == 0 || bytes.IndexByte(base, '.') >= 0 {
			return // not a metric, see leafName
		}
		b.st.Files++
		e.flags = nodeLeaf
		e.name, e.off = b.name(base)
	default:
		return
	}
	b.entries = append(b.entries, e)
}

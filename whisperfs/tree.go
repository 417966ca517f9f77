package whisperfs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// DefaultMaxMatches is the default bound on the nodes one Find may return.
const DefaultMaxMatches = 100_000

// leafSuffix is the file-name suffix of a whisper file.
const leafSuffix = ".wsp"

// ErrTooManyMatches is returned when a pattern matches more nodes than the
// tree's MaxMatches.
var ErrTooManyMatches = errors.New("too many matches")

// TreeOptions configures a Tree.
type TreeOptions struct {
	// MaxMatches bounds the nodes one Find may return; 0 means
	// DefaultMaxMatches.
	MaxMatches int
	// MaxFindVisits bounds the directory entries and index nodes one Find
	// or Leaves walk may look at, matched or not; 0 means
	// DefaultMaxFindVisits.
	MaxFindVisits int
	// FollowOutsideSymlinks lets symbolic links point outside the root.
	// By default a link is followed only when its target lies inside it.
	FollowOutsideSymlinks bool
	// OpenCache keeps recently read files open between reads; its zero
	// value turns it off.
	OpenCache OpenCacheOptions
}

// Node is a metric or a branch of the metric tree.
type Node struct {
	// Path is the dotted metric path, such as "servers.host1.cpu".
	Path string
	// Leaf is true for a metric (a .wsp file) and false for a branch (a
	// directory).
	Leaf bool
}

// Tree is a metric tree rooted at a directory: branches are directories and
// leaves are .wsp files. Its methods are safe for concurrent use.
type Tree struct {
	dir       string // the root as given, cleaned
	real      string // the root with symbolic links resolved
	maxHits   int
	maxVisits int
	outside   bool
	// readDir, when set, lists directories instead of the file system
	// (os.ReadDir, and listDir for index builds); tests set it to count
	// listings.
	readDir func(string) ([]os.DirEntry, error)
	index   indexPtr
	// beneath opens files for reads below the root (see openForFetch).
	beneath beneathRoot
	// files caches open files for reads, or is nil (see opencache_linux.go).
	files *openCache
}

// NewTree returns a tree rooted at dir, which must be a directory.
func NewTree(dir string, opts TreeOptions) (*Tree, error) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, fmt.Errorf("whisper root %s: %w", dir, err)
	}
	real, err = filepath.Abs(real)
	if err != nil {
		return nil, fmt.Errorf("whisper root %s: %w", dir, err)
	}
	if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("whisper root %s is not a directory", dir)
	}
	t := &Tree{dir: filepath.Clean(dir), real: real, maxHits: opts.MaxMatches, outside: opts.FollowOutsideSymlinks}
	if t.maxHits <= 0 {
		t.maxHits = DefaultMaxMatches
	}
	t.maxVisits = opts.MaxFindVisits
	if t.maxVisits <= 0 {
		t.maxVisits = DefaultMaxFindVisits
	}
	if err := opts.OpenCache.check(); err != nil {
		return nil, err
	}
	if t.files = newOpenCache(opts.OpenCache); t.files != nil {
		runtime.AddCleanup(t, (*openCache).closeAll, t.files)
	}
	return t, nil
}

// list lists the directory at the absolute path p, through readDir when
// a test set it.
func (t *Tree) list(p string) ([]os.DirEntry, error) {
	if t.readDir != nil {
		return t.readDir(p)
	}
	return os.ReadDir(p)
}

// Dir returns the directory the tree is rooted at.
func (t *Tree) Dir() string { return t.dir }

// Open opens the whisper file of the metric name (a dotted path without
// wildcards). Errors wrap ErrBadName for a malformed name, fs.ErrNotExist
// for a metric that does not exist (or a link that leaves the root), and
// ErrCorrupt for a damaged file.
func (t *Tree) Open(name string) (*File, error) {
	rel, err := t.RelPath(name)
	if err != nil {
		return nil, err
	}
	// O_NONBLOCK keeps a FIFO named like a metric from blocking the open;
	// it does not change reads of regular files.
	fh, err := os.OpenFile(t.abs(rel), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open metric %q: %w", name, err)
	}
	if !t.outside && !t.inside(openedPath(fh)) {
		fh.Close()
		return nil, fmt.Errorf("open metric %q: a symbolic link leads outside the whisper root: %w", name, fs.ErrNotExist)
	}
	f, err := openFile(fh, filepath.Join(t.dir, rel))
	if err != nil {
		fh.Close()
		return nil, err
	}
	return f, nil
}

// RelPath returns the path of the metric's file relative to the root, such
// as "servers/host1/cpu.wsp", after checking the name. A name with
// wildcards is refused, unless it names a file under _tagged, where
// carbon writes tagged series under names computed from their tags, and
// a tag value may hold any of * ? [ {.
func (t *Tree) RelPath(name string) (string, error) {
	segs, err := splitName(name)
	if err != nil {
		return "", err
	}
	if hasWildcard(name) && !(len(segs) == 4 && segs[0] == taggedDir) {
		return "", fmt.Errorf("%w: %q is a pattern, not a metric", ErrBadName, name)
	}
	return filepath.Join(segs...) + leafSuffix, nil
}

// openedPath returns the resolved path of an open file: on Linux the target
// of /proc/self/fd/N, which names the file actually opened (so a link
// swapped after the check cannot fool it), elsewhere the path with links
// evaluated. It returns "" when neither works.
func openedPath(fh *os.File) string {
	if p, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(fh.Fd()))); err == nil && filepath.IsAbs(p) {
		return p
	}
	p, err := filepath.EvalSymlinks(fh.Name())
	if err != nil {
		return ""
	}
	return p
}

// Find returns the nodes that match a Graphite pattern, sorted by path. Each
// dot-separated segment is a literal, a glob (* ? [abc] [a-z] [!a] and
// nested {a,b}), or ** for any number of levels. A literal segment costs one
// stat, not a directory listing. Hidden entries are skipped. When a path is
// both a directory and a .wsp file, the leaf is returned.
//
// A walk never enters a directory it is already inside (the same device
// and inode), whatever links or mounts say, so a link to an ancestor leads
// nowhere. Consecutive ** segments count as one.
//
// Errors wrap ErrBadName or ErrBadPattern for a malformed pattern,
// ErrTooManyMatches when more than the tree's MaxMatches nodes match,
// ErrTooManyVisits when the walk looks at more than MaxFindVisits
// directory entries or index nodes, and ctx.Err() when ctx ends first. A
// pattern that matches nothing is not an error.
func (t *Tree) Find(ctx context.Context, pattern string) ([]Node, error) {
	nodes, _, err := t.find(ctx, pattern, nil)
	return nodes, err
}

// find is Find. When names is set and the walk meets each path once, the
// walk adds its matches to names instead and find reports named, with no
// nodes.
func (t *Tree) find(ctx context.Context, pattern string, names *nameSet) (nodes []Node, named bool, err error) {
	segs, err := splitName(pattern)
	if err != nil {
		return nil, false, err
	}
	matchers := make([]segmentMatcher, 0, len(segs))
	for i, s := range segs {
		if s == "**" && i > 0 && segs[i-1] == "**" {
			continue // ** matches any number of levels, so **.** is **
		}
		m, err := compileSegment(s)
		if err != nil {
			return nil, false, fmt.Errorf("pattern %q: %w", pattern, err)
		}
		matchers = append(matchers, m)
	}
	idx := t.index.Load()
	if idx != nil && !hasWildcard(pattern) {
		if err := ctx.Err(); err != nil {
			return nil, false, fmt.Errorf("find %q: %w", pattern, err)
		}
		if nodes, ok := t.findLeafIndexed(idx, segs, pattern, sinceOf(ctx)); ok {
			return nodes, false, nil
		}
	}
	w := walker{t: t, ctx: ctx, pattern: pattern, nodes: map[string]bool{}}
	// A pattern without wildcards costs a few stats on disk, and answering
	// it there finds a metric created since the last index build.
	if idx != nil && hasWildcard(pattern) {
		if walksOnce(idx, matchers) {
			w.nodes, w.names = nil, names
		}
		w.idx, w.path = idx, append(w.path, 0)
		// One prefix array for the whole walk, deep enough for the ** of
		// usual trees: each level writes its segment in place.
		prefix := make([]string, 0, max(len(matchers)+1, 16))
		if err := w.findIndexed(0, prefix, matchers); err != nil {
			w.releaseMatches()
			return nil, false, err
		}
	} else if err := w.walkDisk(matchers); err != nil {
		return nil, false, err
	}
	if w.names != nil {
		return nil, true, nil
	}
	if w.nodes == nil {
		// The index's children are sorted by name, so the walk's order is
		// the paths' order unless a name holds a byte below '.'.
		out := w.onceNodes()
		byPath := func(a, b Node) int { return strings.Compare(a.Path, b.Path) }
		if !slices.IsSortedFunc(out, byPath) {
			slices.SortFunc(out, byPath)
		}
		return out, false, nil
	}
	out := make([]Node, 0, len(w.nodes))
	for p, leaf := range w.nodes {
		out = append(out, Node{Path: p, Leaf: leaf})
	}
	slices.SortFunc(out, func(a, b Node) int { return strings.Compare(a.Path, b.Path) })
	return out, false, nil
}

// findLeafIndexed answers a pattern without wildcards, name split into
// segs, that names a leaf below directories the index holds as plain
// directories (not reached through a link, not another name of one, not
// _tagged) with one
// stat, of the file, where the disk walk takes one a segment: the
// directories are taken as the last index build saw them, as a wildcard
// find takes them, and the file's own stat, the disk walk's last step,
// decides. It reports false, for the disk walk to answer, in every other
// case: a branch, a name the index lacks (created since its build), a
// path through a link, a file gone or changed.
func (t *Tree) findLeafIndexed(idx *treeIndex, segs []string, name string, since int64) ([]Node, bool) {
	var n uint32 // the root
	for _, seg := range segs[:len(segs)-1] {
		c, ok := idx.child(n, seg)
		if !ok {
			return nil, false
		}
		if nd := idx.node(c); !nd.dir() || nd.flags&(nodeLink|nodeSame|nodeLazy) != 0 {
			return nil, false
		}
		n = c
	}
	if c, ok := idx.child(n, segs[len(segs)-1]); !ok || !idx.node(c).leaf() {
		return nil, false
	}
	// A file the open cache holds is one when a stat of its path finds it
	// as it was opened (openat2 beneath the root made the entry): one stat
	// either way, but no walk of a link's target.
	fresh := t.files.fresh(name, since)
	runtime.KeepAlive(t) // the root descriptor the entry was checked under
	if !fresh {
		if kind, _ := t.statKind(filepath.Join(segs...) + leafSuffix); kind != kindFile {
			return nil, false
		}
	}
	return []Node{{Path: name, Leaf: true}}, true
}

// walksOnce reports whether a walk of ms over the index idx from its root
// meets each path at most once, so that its matches need no set: a ** can
// reach a path by more than one of its depths, and the root's lazy
// _tagged directory is walked on disk, where a directory and a .wsp file
// share a path.
func walksOnce(idx *treeIndex, ms []segmentMatcher) bool {
	for _, m := range ms {
		if m.globstar {
			return false
		}
	}
	c, ok := idx.child(0, taggedDir)
	return !ok || !idx.node(c).lazy() || !ms[0].match(taggedDir)
}

// FetchOptions choose how Tree.Fetch reads a metric.
type FetchOptions struct {
	// Stitch selects File.FetchStitched instead of File.Fetch.
	Stitch bool
	// Rule gives the aggregation and xFilesFactor of stitched buckets; nil
	// keeps the file header's.
	Rule *StitchOptions
	// Reserve, when set, is called with File.FetchSize once the header is
	// read and before any value is; an error from it ends the fetch
	// without reading, and is returned as it is.
	Reserve func(values int64) error
	// Values, when its capacity holds the values read, is the buffer they
	// are decoded into (see File.FetchInto); the Series returned then
	// shares its array. Stitched reads ignore it.
	Values []float64
	// Buckets, when set, asks the read to add its values up in buckets
	// (see File.FetchBuckets). Stitched reads ignore it.
	Buckets *Buckets
}

// Fetch opens the metric name, reads [from, until] as File.Fetch (or, with
// opts.Stitch, File.FetchStitched) does and closes the file. It is the read
// half of the storage the query engine uses; ctx is checked before the file
// is opened.
func (t *Tree) Fetch(ctx context.Context, name string, from, until, now int64, opts FetchOptions) (Series, error) {
	if err := ctx.Err(); err != nil {
		return Series{}, err
	}
	f, err := t.openForFetch(name, sinceOf(ctx))
	if err != nil {
		return Series{}, err
	}
	defer f.Close()
	if opts.Reserve != nil {
		if err := opts.Reserve(f.FetchSize(from, until, now, opts.Stitch)); err != nil {
			return Series{}, err
		}
	}
	var s Series
	if opts.Stitch {
		rule := StitchOptions{Aggregation: f.header.Aggregation, XFilesFactor: float64(f.header.XFilesFactor)}
		if opts.Rule != nil {
			rule = *opts.Rule
		}
		s, err = f.FetchStitched(from, until, now, rule)
	} else {
		s, err = f.FetchBuckets(opts.Values, opts.Buckets, from, until, now)
	}
	if err != nil && !errors.Is(err, ErrNoData) {
		return Series{}, fmt.Errorf("fetch %q: %w", name, err)
	}
	return s, err
}

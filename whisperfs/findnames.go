package whisperfs

import (
	"context"
	"slices"
	"strings"
)

// Names is what a tree-browsing find needs of a pattern's matches
// (graphite-web's treejson format lists each name once): every distinct
// name, the last segment of a path, with the match of that name whose path
// is smallest, which decides whether the name is shown as a branch or a
// leaf; and how many matches there were and whether all are leaves.
type Names struct {
	// First holds, in name order, one node a distinct name: of the matches
	// of that name, the one with the smallest path.
	First []Node
	// Matches counts the matches.
	Matches int
	// AllLeaves reports that no match is a branch (true when none match).
	AllLeaves bool
}

// DistinctNames reduces nodes, the matches of a find, to their Names.
func DistinctNames(nodes []Node) Names {
	s := nameSet{}
	for _, n := range nodes {
		s.addNode(n)
	}
	return s.names()
}

// FindNames is Find reduced to Names, of the leaves only when leavesOnly
// is set. A walk of the index that meets each path once (a pattern without
// ** whose matches are not under a lazily indexed _tagged directory)
// builds the path of only the first match of each name, where Find builds
// every path: a find matching 500 metrics under 5 names builds 5 paths.
// Errors are Find's, at the same count of matches.
func (t *Tree) FindNames(ctx context.Context, pattern string, leavesOnly bool) (Names, error) {
	s := &nameSet{leavesOnly: leavesOnly}
	nodes, named, err := t.find(ctx, pattern, s)
	if err != nil {
		return Names{}, err
	}
	if named {
		return s.names(), nil
	}
	if leavesOnly {
		nodes = slices.DeleteFunc(nodes, func(n Node) bool { return !n.Leaf })
	}
	return DistinctNames(nodes), nil
}

// nameSet collects Names.
type nameSet struct {
	leavesOnly bool // a walk adding paths skips branches
	first      []Node
	keys       []string // the name of each node of first
	// at indexes first by name once it holds more than linearNames:
	// finds usually match few names, which a scan finds faster than a
	// hash of each match's name.
	at       map[string]int
	matches  int // the matches kept (leaves only when leavesOnly)
	branches bool
	hits     int // every match a walk met, for the tree's MaxMatches
}

// linearNames is how many names a nameSet scans before it indexes them.
const linearNames = 16

// lookup returns the index in first of the node called name.
func (s *nameSet) lookup(name string) (int, bool) {
	if s.at != nil {
		i, ok := s.at[name]
		return i, ok
	}
	for i, k := range s.keys {
		if k == name {
			return i, true
		}
	}
	return -1, false
}

// insert appends n, called name, to first.
func (s *nameSet) insert(name string, n Node) {
	s.first, s.keys = append(s.first, n), append(s.keys, name)
	if s.at != nil {
		s.at[name] = len(s.first) - 1
	} else if len(s.first) > linearNames {
		s.at = make(map[string]int, 2*len(s.first))
		for i, k := range s.keys {
			s.at[k] = i
		}
	}
}

// addNode records the match n.
func (s *nameSet) addNode(n Node) {
	s.count(n.Leaf)
	name := nodeName(n.Path)
	if i, ok := s.lookup(name); !ok {
		s.insert(name, n)
	} else if n.Path < s.first[i].Path {
		s.first[i] = n
	}
}

// addPath records the match whose path has the segments path, building
// its path only when it is the first of its name so far.
func (s *nameSet) addPath(path []string, leaf bool) {
	s.count(leaf)
	name := ""
	if len(path) > 0 {
		name = path[len(path)-1]
	}
	if i, ok := s.lookup(name); !ok {
		s.insert(name, Node{Path: strings.Join(path, "."), Leaf: leaf})
	} else if comparePath(path, s.first[i].Path) < 0 {
		s.first[i] = Node{Path: strings.Join(path, "."), Leaf: leaf}
	}
}

// count counts a match.
func (s *nameSet) count(leaf bool) {
	s.matches++
	s.branches = s.branches || !leaf
}

// names returns what s collected, its nodes in name order.
func (s *nameSet) names() Names {
	first := s.first
	if first == nil {
		first = []Node{}
	}
	slices.SortFunc(first, func(a, b Node) int { return strings.Compare(nodeName(a.Path), nodeName(b.Path)) })
	return Names{First: first, Matches: s.matches, AllLeaves: !s.branches}
}

// nodeName returns the last segment of path.
func nodeName(path string) string {
	return path[strings.LastIndexByte(path, '.')+1:]
}

// comparePath compares the path whose segments are segs with p, as
// strings.Compare compares strings.Join(segs, ".") with p, without
// building the former.
func comparePath(segs []string, p string) int {
	pos := 0
	for k, seg := range segs {
		if k > 0 {
			switch {
			case pos == len(p):
				return 1
			case p[pos] != '.':
				if '.' < p[pos] {
					return -1
				}
				return 1
			}
			pos++
		}
		n := min(len(seg), len(p)-pos)
		if c := strings.Compare(seg[:n], p[pos:pos+n]); c != 0 {
			return c
		}
		if n < len(seg) {
			return 1
		}
		pos += n
	}
	if pos < len(p) {
		return -1
	}
	return 0
}

package whisperfs

import (
	"errors"
	"fmt"
)

// DefaultMaxFindVisits is the default bound on the directory entries and
// index nodes one Find (or one Leaves walk) may look at. A ** over a tree
// of 100,000 metrics in 12,000 directories looks at about 200,000 index
// nodes, or 880,000 on disk (where listings count extra, see
// listingVisits), so the default leaves room for trees ten to fifty times
// that size, while a hostile pattern is stopped after about 0.2 s on the
// index and a few seconds on disk.
const DefaultMaxFindVisits = 10_000_000

// ErrTooManyVisits is returned when a walk looks at more directory entries
// or index nodes than the tree's MaxFindVisits, whatever it matched.
var ErrTooManyVisits = errors.New("too many nodes visited")

// ctxEvery is how many visits pass between two checks of the context, so
// that a check costs nothing measurable.
const ctxEvery = 1024

// listingVisits is what one directory listing on disk counts, besides its
// entries: a listing costs a few system calls, which is about as long as
// looking at that many nodes of the in-memory index, so the same budget
// bounds the time of a walk either way.
const listingVisits = 32

// dirID identifies a directory by device and inode, whatever path or link
// reached it.
type dirID struct{ dev, ino uint64 }

// visit counts n nodes looked at. It returns an error wrapping
// ErrTooManyVisits once the tree's budget is spent, and the context's error,
// checked every ctxEvery visits, once the context has ended.
func (w *walker) visit(n int) error {
	w.visits += n
	if w.visits > w.t.maxVisits {
		return fmt.Errorf("pattern %q visits more than %d nodes (raise -max-find-visits): %w", w.pattern, w.t.maxVisits, ErrTooManyVisits)
	}
	if w.visits >= w.nextCheck {
		w.nextCheck = w.visits + ctxEvery
		if err := w.ctx.Err(); err != nil {
			return fmt.Errorf("find %q: %w", w.pattern, err)
		}
	}
	return nil
}

// enterDir pushes the directory id onto the disk walk's path, or reports
// false when the walk is already inside it (a link or a bind mount leading
// back to an ancestor). A directory whose identity is unknown is entered.
func (w *walker) enterDir(id dirID, known bool) bool {
	if !known {
		id = dirID{dev: ^uint64(0), ino: uint64(len(w.inside))} // never equal to a real one
	}
	for _, a := range w.inside {
		if a == id {
			return false
		}
	}
	w.inside = append(w.inside, id)
	return true
}

// enterNode pushes the index directory n (after following nodeSame) onto
// the index walk's path, or reports false when the walk is already inside
// it.
func (w *walker) enterNode(n uint32) bool {
	n = w.idx.real(n)
	for _, a := range w.path {
		if a == n {
			return false
		}
	}
	w.path = append(w.path, n)
	return true
}

// leaveDir pops the directory entered last by enterDir.
func (w *walker) leaveDir() { w.inside = w.inside[:len(w.inside)-1] }

// leaveNode pops the node entered last by enterNode.
func (w *walker) leaveNode() { w.path = w.path[:len(w.path)-1] }

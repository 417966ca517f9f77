package whisperfs

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// TaggedFiles calls fn for every whisper file under the root's _tagged
// directory at carbon's depth (_tagged/<abc>/<def>/<base>.wsp) with the
// two directory names and the file name without .wsp, in directory order.
// Hidden entries are skipped; unreadable directories are skipped too. It
// stops at fn's first error, or when ctx ends, and returns that error.
// The walk reads one directory listing per directory: about one a series
// in carbon's layout, so it is meant to run once, in the background.
func (t *Tree) TaggedFiles(ctx context.Context, fn func(dir1, dir2, base string) error) error {
	top := filepath.Join(t.real, taggedDir)
	l1, err := t.list(top)
	if err != nil {
		return nil // no _tagged directory: nothing to list
	}
	for _, d1 := range l1 {
		if !d1.IsDir() || strings.HasPrefix(d1.Name(), ".") {
			continue
		}
		l2, err := t.list(filepath.Join(top, d1.Name()))
		if err != nil {
			continue
		}
		for _, d2 := range l2 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("list %s: %w", taggedDir, err)
			}
			if !d2.IsDir() || strings.HasPrefix(d2.Name(), ".") {
				continue
			}
			files, err := t.list(filepath.Join(top, d1.Name(), d2.Name()))
			if err != nil {
				continue
			}
			for _, f := range files {
				base, ok := strings.CutSuffix(f.Name(), leafSuffix)
				if !ok || base == "" || strings.HasPrefix(base, ".") || !f.Type().IsRegular() {
					continue
				}
				if err := fn(d1.Name(), d2.Name(), base); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

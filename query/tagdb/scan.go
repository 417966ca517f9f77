package tagdb

import (
	"context"
	"fmt"
	"strings"
)

// FileScan counts what ScanFiles found under _tagged.
type FileScan struct {
	// Readable counts the readable file names that decode to a
	// normalised name hashing to their directories; Added counts those
	// that were not registered and now are.
	Readable, Added int
	// Hashed counts the hashed file names; Unexplained those whose hash
	// no registered name has: their series cannot be found by tag until
	// carbon registers them again (or graphite-web's database is opened).
	Hashed, Unexplained int
	// Ignored counts the other files: names that are neither, or do not
	// hash to their directories.
	Ignored int
}

// ScanFiles reads the names of carbon's _tagged files through walk (such
// as whisperfs.Tree.TaggedFiles), registers the readable names nobody
// registered (in the store when the DB is writable, in memory only when it
// is read-only), and counts the hashed files no registered name explains.
func (db *DB) ScanFiles(ctx context.Context, walk func(fn func(dir1, dir2, base string) error) error) (FileScan, error) {
	var st FileScan
	if db.loading.Load() {
		return st, ErrLoading
	}
	var found []string
	hashed := map[string]bool{}
	err := walk(func(dir1, dir2, base string) error {
		if isHash(base) {
			if base[0:3] == dir1 && base[3:6] == dir2 {
				st.Hashed++
				hashed[base] = true
			} else {
				st.Ignored++
			}
			return nil
		}
		name, ok := DecodeReadable(dir1, dir2, base)
		if norm, err := Normalize(name); !ok || err != nil || norm != name {
			st.Ignored++
			return nil
		}
		st.Readable++
		found = append(found, name)
		return nil
	})
	if err != nil {
		return st, err
	}
	db.mu.RLock()
	var missing []string
	for _, n := range found {
		if _, ok := db.lookup(n); !ok {
			missing = append(missing, n)
		}
	}
	for i := range db.series {
		if p := db.series[i].path; p != "" {
			delete(hashed, Hash(p))
		}
	}
	db.mu.RUnlock()
	st.Unexplained = len(hashed)
	if len(missing) == 0 {
		return st, nil
	}
	st.Added = len(missing)
	if !db.readOnly {
		if _, err := db.TagSeries(ctx, missing); err != nil {
			return st, fmt.Errorf("register %d readable _tagged names: %w", len(missing), err)
		}
		return st, nil
	}
	ss, _ := parseAll(missing)
	db.wmu.Lock()
	defer db.wmu.Unlock()
	db.mu.Lock()
	defer db.mu.Unlock()
	ids := db.assignIDs(ss)
	for _, s := range ss {
		db.add(s, ids)
	}
	db.settle()
	return st, nil
}

// isHash reports whether s is a hex sha256, as carbon names hashed files.
func isHash(s string) bool {
	return len(s) == 64 && strings.Trim(s, "0123456789abcdef") == ""
}

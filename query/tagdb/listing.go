package tagdb

import (
	"regexp"
	"strings"
)

// TagInfo is a tag as /tags lists it.
type TagInfo struct {
	ID  int64
	Tag string
}

// ValueInfo is a value of a tag as /tags/<tag> lists it: Count series
// carry it.
type ValueInfo struct {
	ID    int64
	Value string
	Count int
}

// TagDetail is a tag with its values, the answer of /tags/<tag>.
type TagDetail struct {
	TagInfo
	Values []ValueInfo
}

// compileFilter compiles a /tags filter as graphite-web applies it: a
// regular expression searched in the name, anchored at its start unless
// it begins with "^". An empty filter is nil.
func compileFilter(what, filter string) (*regexp.Regexp, error) {
	if filter == "" {
		return nil, nil
	}
	spec := filter
	if !strings.HasPrefix(spec, "^") {
		spec = "^(" + spec + ")"
	}
	re, err := regexp.Compile(spec)
	if err != nil {
		return nil, badExpr("invalid regular expression %s=%s: %v", what, filter, err)
	}
	return re, nil
}

// ListTags returns every tag ever registered, series or not (graphite-web
// never deletes a tag), sorted, whose name the regular expression filter
// finds (see compileFilter), at most limit of them unless limit is
// negative. Errors wrap ErrBadExpr.
func (ix *Index) ListTags(filter string, limit int) ([]TagInfo, error) {
	re, err := compileFilter("filter", filter)
	if err != nil {
		return nil, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := []TagInfo{}
	for _, te := range ix.tagOrder {
		if limit >= 0 && len(out) >= limit {
			break
		}
		if re == nil || re.MatchString(te.name) {
			out = append(out, TagInfo{ID: te.id, Tag: te.name})
		}
	}
	return out, nil
}

// GetTag returns a tag and its values as ListValues gives them, or nil
// for a tag never registered.
func (ix *Index) GetTag(tag, filter string, limit int) (*TagDetail, error) {
	re, err := compileFilter("filter", filter)
	if err != nil {
		return nil, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	te := ix.tags[tag]
	if te == nil {
		return nil, nil
	}
	return &TagDetail{TagInfo: TagInfo{ID: te.id, Tag: te.name}, Values: ix.listValues(te, re, limit)}, nil
}

// listValues returns the values of te that some series carries, sorted,
// that re (when set) finds, at most limit unless limit is negative. The
// caller holds the read lock.
func (ix *Index) listValues(te *tagEntry, re *regexp.Regexp, limit int) []ValueInfo {
	out := []ValueInfo{}
	for _, tv := range te.sorted {
		if limit >= 0 && len(out) >= limit {
			break
		}
		e := &ix.tvs[tv]
		if len(e.postings) == 0 || re != nil && !re.MatchString(e.value) {
			continue
		}
		out = append(out, ValueInfo{ID: e.valueID, Value: e.value, Count: len(e.postings)})
	}
	return out
}

// pySlice is Python's list[:limit] when the client gave a limit.
func pySlice(out []string, limit int, given bool) []string {
	if out == nil {
		out = []string{}
	}
	if !given {
		return out
	}
	if limit < 0 {
		limit += len(out)
	}
	return out[:max(0, min(limit, len(out)))]
}

package query

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/graphite-render/graphite-render/whisperfs"
)

// ErrBadConfig is wrapped by every error about carbon's configuration
// files; messages name the file, the line and the value.
var ErrBadConfig = errors.New("bad carbon config")

// Carbon's defaults where no rule matches: a 60-second, 7-day archive, and
// whisper's xFilesFactor 0.5 with average aggregation.
var (
	defaultRetentions = [][2]int64{{60, 7 * 1440}}
)

const (
	defaultXFilesFactor = 0.5
	defaultAggregation  = "average"
)

// StorageSchema is one section of storage-schemas.conf.
type StorageSchema struct {
	Name       string
	Pattern    *regexp.Regexp
	Retentions [][2]int64 // [secondsPerPoint, points], finest first
	Line       int
}

// StorageAggregation is one section of storage-aggregation.conf.
type StorageAggregation struct {
	Name         string
	Pattern      *regexp.Regexp
	XFilesFactor *float64 // nil: whisper's default 0.5
	Method       string   // "": whisper's default average
	Line         int
}

// CarbonConfig is carbon's storage configuration. It answers which rule
// carbon applies to a metric, first match in file order.
type CarbonConfig struct {
	Schemas      []StorageSchema
	Aggregations []StorageAggregation
}

// SchemaFor returns the storage-schemas rule carbon applies to metric and
// its retentions; with no matching rule, carbon's built-in default (60 s
// for 7 days).
func (c *CarbonConfig) SchemaFor(metric string) (string, [][2]int64, bool) {
	for _, s := range c.Schemas {
		if s.Pattern.MatchString(metric) {
			return s.Name, s.Retentions, true
		}
	}
	return "default (carbon built-in)", defaultRetentions, true
}

// MatchAggregation returns the xFilesFactor and aggregation method carbon
// gives metric, the name of the rule, and whether a rule matched (when
// none does, or the rule leaves a value unset, whisper's defaults apply).
func (c *CarbonConfig) MatchAggregation(metric string) (float64, string, string, bool) {
	for _, a := range c.Aggregations {
		if a.Pattern.MatchString(metric) {
			xff, method := defaultXFilesFactor, defaultAggregation
			if a.XFilesFactor != nil {
				xff = *a.XFilesFactor
			}
			if a.Method != "" {
				method = a.Method
			}
			return xff, method, a.Name, true
		}
	}
	return defaultXFilesFactor, defaultAggregation, "default (whisper)", false
}

// iniSection is a section of an INI file as Python's ConfigParser reads
// it: option names lower-cased, values stripped.
type iniSection struct {
	name    string
	line    int
	options map[string]string
	lines   map[string]int
}

// parseINI reads the ConfigParser subset carbon's files use: [section]
// headers, key = value or key: value, # and ; comment lines, blank lines
// and indented continuation lines. Duplicate sections and options are
// errors, as with Python 3's strict parser.
func parseINI(r io.Reader, file string) ([]*iniSection, error) {
	var out []*iniSection
	var cur *iniSection
	lastKey := ""
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		raw := sc.Text()
		text := strings.TrimSpace(raw)
		switch {
		case text == "" || text[0] == '#' || text[0] == ';':
			continue
		case raw[0] == ' ' || raw[0] == '\t':
			if cur == nil || lastKey == "" {
				return nil, fmt.Errorf("%w: %s:%d: continuation line %q without an option", ErrBadConfig, file, n, text)
			}
			cur.options[lastKey] += "\n" + text
			continue
		case text[0] == '[':
			if !strings.HasSuffix(text, "]") || len(text) < 3 {
				return nil, fmt.Errorf("%w: %s:%d: malformed section header %q", ErrBadConfig, file, n, text)
			}
			name := strings.TrimSpace(text[1 : len(text)-1])
			if seen[name] {
				return nil, fmt.Errorf("%w: %s:%d: duplicate section [%s]", ErrBadConfig, file, n, name)
			}
			seen[name] = true
			cur = &iniSection{name: name, line: n, options: map[string]string{}, lines: map[string]int{}}
			out = append(out, cur)
			lastKey = ""
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("%w: %s:%d: %q comes before any [section]", ErrBadConfig, file, n, text)
		}
		i := strings.IndexAny(text, "=:")
		if i <= 0 {
			return nil, fmt.Errorf("%w: %s:%d: want key = value, got %q", ErrBadConfig, file, n, text)
		}
		key := strings.ToLower(strings.TrimSpace(text[:i]))
		if _, dup := cur.options[key]; dup {
			return nil, fmt.Errorf("%w: %s:%d: duplicate option %q in [%s]", ErrBadConfig, file, n, key, cur.name)
		}
		cur.options[key] = strings.TrimSpace(text[i+1:])
		cur.lines[key] = n
		lastKey = key
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: read %s: %w", ErrBadConfig, file, err)
	}
	return out, nil
}

// compilePattern compiles a carbon pattern (a Python regex matched with
// re.search) with Go's RE2, naming the place of an unsupported one.
func compilePattern(s *iniSection, file string) (*regexp.Regexp, error) {
	p, ok := s.options["pattern"]
	if !ok {
		return nil, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %s:%d: [%s] pattern %q: %v", ErrBadConfig, file, s.lines["pattern"], s.name, p, err)
	}
	return re, nil
}

// ParseStorageSchemas reads storage-schemas.conf. Every section needs a
// pattern and valid retentions (carbon would log and skip a bad section;
// graphite-render refuses it so the mistake is seen).
func ParseStorageSchemas(r io.Reader, file string) ([]StorageSchema, error) {
	sections, err := parseINI(r, file)
	if err != nil {
		return nil, err
	}
	var out []StorageSchema
	for _, s := range sections {
		re, err := compilePattern(s, file)
		if err != nil {
			return nil, err
		}
		if re == nil {
			return nil, fmt.Errorf("%w: %s:%d: [%s] has no pattern", ErrBadConfig, file, s.line, s.name)
		}
		defs, ok := s.options["retentions"]
		if !ok {
			return nil, fmt.Errorf("%w: %s:%d: [%s] has no retentions", ErrBadConfig, file, s.line, s.name)
		}
		rets, err := ParseRetentionDefs(defs)
		if err != nil {
			return nil, fmt.Errorf("%w: %s:%d: [%s] retentions %q: %w", ErrBadConfig, file, s.lines["retentions"], s.name, defs, err)
		}
		out = append(out, StorageSchema{Name: s.name, Pattern: re, Retentions: rets, Line: s.line})
	}
	return out, nil
}

// ParseStorageAggregation reads storage-aggregation.conf: pattern,
// xFilesFactor in [0, 1] and aggregationMethod, one of whisper's eight. A
// section without a pattern is refused (carbon would log and skip it).
func ParseStorageAggregation(r io.Reader, file string) ([]StorageAggregation, error) {
	sections, err := parseINI(r, file)
	if err != nil {
		return nil, err
	}
	var out []StorageAggregation
	for _, s := range sections {
		re, err := compilePattern(s, file)
		if err != nil {
			return nil, err
		}
		if re == nil {
			return nil, fmt.Errorf("%w: %s:%d: [%s] has no pattern (carbon would ignore the section)", ErrBadConfig, file, s.line, s.name)
		}
		a := StorageAggregation{Name: s.name, Pattern: re, Line: s.line}
		if v, ok := s.options["xfilesfactor"]; ok {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || !(x >= 0 && x <= 1) {
				return nil, fmt.Errorf("%w: %s:%d: [%s] xFilesFactor %q is not a number between 0 and 1", ErrBadConfig, file, s.lines["xfilesfactor"], s.name, v)
			}
			a.XFilesFactor = &x
		}
		if v, ok := s.options["aggregationmethod"]; ok {
			if _, err := whisperfs.ParseAggregation(v); err != nil {
				return nil, fmt.Errorf("%w: %s:%d: [%s] aggregationMethod %q: want average, sum, last, max, min, avg_zero, absmax or absmin", ErrBadConfig, file, s.lines["aggregationmethod"], s.name, v)
			}
			a.Method = v
		}
		out = append(out, a)
	}
	return out, nil
}

// retentionUnits are the units carbon's own retention parser accepts: one
// letter each (carbon refuses "min" or "hours", which whisper's tools take).
var retentionUnits = map[string]int64{"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}

// ParseRetentionDefs parses carbon retentions such as "1s:30m,1m:1d,5m:2y"
// or "60:1440" (a bare precision is seconds, a bare point count is a count)
// into [secondsPerPoint, points] pairs, finest first (whisper sorts them),
// and validates them as whisper does.
func ParseRetentionDefs(s string) ([][2]int64, error) {
	var out [][2]int64
	for _, def := range strings.Split(s, ",") {
		prec, points, ok := strings.Cut(strings.TrimSpace(def), ":")
		if !ok {
			return nil, fmt.Errorf("invalid retention definition %q", def)
		}
		p, err := parseQuantity(prec, 1)
		if err != nil || p <= 0 {
			return nil, fmt.Errorf("invalid precision %q in %q", prec, def)
		}
		n, err := parseQuantity(points, p)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("invalid retention %q in %q", points, def)
		}
		out = append(out, [2]int64{p, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out, validateArchives(out)
}

// parseQuantity parses "<int>" (returned as is) or "<int><unit>" (seconds
// divided by per, as whisper converts a duration to points).
func parseQuantity(s string, per int64) (int64, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 12 {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	v, _ := strconv.ParseInt(s[:i], 10, 64)
	unit := s[i:]
	if unit == "" {
		return v, nil
	}
	if secs, ok := retentionUnits[unit]; ok {
		return v * secs / per, nil
	}
	return 0, fmt.Errorf("invalid unit %q: carbon accepts s, m, h, d, w and y", unit)
}

// validateArchives applies whisper's validateArchiveList rules to archives
// sorted by precision, as whisper sorts them.
func validateArchives(a [][2]int64) error {
	if len(a) == 0 {
		return errors.New("no archives")
	}
	for i := 1; i < len(a); i++ {
		prev, cur := a[i-1], a[i]
		switch {
		case cur[0] <= prev[0]:
			return fmt.Errorf("archive %d precision %ds is not coarser than archive %d's %ds", i, cur[0], i-1, prev[0])
		case cur[0]%prev[0] != 0:
			return fmt.Errorf("archive %d precision %ds is not a multiple of archive %d's %ds", i, cur[0], i-1, prev[0])
		case cur[0]*cur[1] <= prev[0]*prev[1]:
			return fmt.Errorf("archive %d retention %ds does not exceed archive %d's %ds", i, cur[0]*cur[1], i-1, prev[0]*prev[1])
		case prev[1] < cur[0]/prev[0]:
			return fmt.Errorf("archive %d has %d points, fewer than the %d needed to consolidate into archive %d", i-1, prev[1], cur[0]/prev[0], i)
		}
	}
	return nil
}

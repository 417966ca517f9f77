package whisperfs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// pythonWhisper is the interpreter that has Debian's python3-whisper; a
// pyenv or venv python3 on PATH usually lacks the module.
const pythonWhisper = "/usr/bin/python3"

// requirePythonWhisper skips the test when Python's whisper is missing,
// except under CI (CI=true), where that is a failure.
func requirePythonWhisper(t *testing.T) {
	t.Helper()
	err := exec.Command(pythonWhisper, "-c", "import whisper; whisper.create").Run()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("python3-whisper is required in CI (apt-get install python3-whisper): %v", err)
	}
	t.Skipf("python3-whisper not available: %v", err)
}

type pyFile struct {
	Path        string        `json:"path"`
	Archives    [][2]int64    `json:"archives"`
	XFF         float64       `json:"xff"`
	Aggregation string        `json:"aggregation"`
	Writes      []pyWriteCall `json:"writes"`
}

type pyWriteCall struct {
	Now    int64     `json:"now"`
	Points []pyPoint `json:"points"`
}

// pyPoint is a point written by Python's whisper: timestamp and value.
type pyPoint [2]float64

// MarshalJSON writes the point as [ts, value], a value that JSON cannot
// hold (NaN, ±Inf) as the string Python's float() reads.
func (p pyPoint) MarshalJSON() ([]byte, error) {
	v := p[1]
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Appendf(nil, `[%d, %q]`, int64(p[0]), pyRepr(v)), nil
	}
	return json.Marshal([2]float64(p))
}

// pyRepr is Python's repr of a NaN or an infinity.
func pyRepr(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case v > 0:
		return "inf"
	}
	return "-inf"
}

// pyValue is a value of Python's answer: null (None), a number, or the
// string "nan", "inf" or "-inf".
type pyValue struct {
	null bool
	v    float64
}

func (p *pyValue) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null":
		*p = pyValue{null: true}
		return nil
	case `"nan"`:
		*p = pyValue{v: math.NaN()}
		return nil
	case `"inf"`:
		*p = pyValue{v: math.Inf(1)}
		return nil
	case `"-inf"`:
		*p = pyValue{v: math.Inf(-1)}
		return nil
	}
	return json.Unmarshal(b, &p.v)
}

// matches reports whether whisperfs read got where Python read p: null
// for None, StoredNaN for a NaN, the same number otherwise.
func (p pyValue) matches(got float64) bool {
	switch {
	case p.null:
		return IsNull(got)
	case math.IsNaN(p.v):
		return IsStoredNaN(got)
	}
	return p.v == got
}

func (p pyValue) String() string {
	if p.null {
		return "None"
	}
	return fmt.Sprint(p.v)
}

type pyQuery struct {
	Path  string `json:"path"`
	From  int64  `json:"from"`
	Until int64  `json:"until"`
	Now   int64  `json:"now"`
}

type pyAnswer struct {
	Error  string    `json:"error"`
	Start  int64     `json:"start"`
	End    int64     `json:"end"`
	Step   int64     `json:"step"`
	Values []pyValue `json:"values"`
}

// runPython builds files and answers queries with Python's whisper.
func runPython(t *testing.T, files []pyFile, queries []pyQuery) []*pyAnswer {
	t.Helper()
	in, err := json.Marshal(map[string]any{"files": files, "queries": queries})
	require.NoError(t, err)
	cmd := exec.Command(pythonWhisper, filepath.Join("testdata", "pywhisper.py"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	var answers []*pyAnswer
	require.NoError(t, json.Unmarshal(out, &answers))
	require.Len(t, answers, len(queries))
	return answers
}

// carbonWrites turns points into carbon-style calls: the points of each
// 60-second window are written with now = the end of that window, so they
// enter the finest archive and propagate under xFilesFactor.
func carbonWrites(points []pyPoint, end int64) []pyWriteCall {
	var calls []pyWriteCall
	for _, p := range points {
		flush := min(int64(p[0])-int64(p[0])%60+60, end)
		if len(calls) == 0 || calls[len(calls)-1].Now != flush {
			calls = append(calls, pyWriteCall{Now: flush})
		}
		c := &calls[len(calls)-1]
		c.Points = append(c.Points, p)
	}
	return calls
}

// TestFetchMatchesPythonWhisper builds files with Python's whisper (small
// rings that wrap many times, gaps that leave stale slots, every
// aggregation) and compares Fetch with whisper.fetch over random ranges,
// including ranges in the future, beyond retention and inverted.
func TestFetchMatchesPythonWhisper(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	checkFetchAgainstPython(t, rng, func() float64 { return math.Round(rng.NormFloat64()*1e4) / 100 })
}

// TestFetchNaNMatchesPythonWhisper is TestFetchMatchesPythonWhisper with
// NaN and infinities among the points: Python's whisper stores them and
// propagates them (an average over a NaN is NaN, max and min depend on
// the order), and every NaN it reads back must read as StoredNaN here,
// every None as null.
func TestFetchNaNMatchesPythonWhisper(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	nans := checkFetchAgainstPython(t, rng, func() float64 {
		switch rng.IntN(40) {
		case 0, 1, 2, 3:
			return math.NaN()
		case 4:
			return math.Inf(1)
		case 5:
			return math.Inf(-1)
		}
		return math.Round(rng.NormFloat64()*1e4) / 100
	})
	require.Greater(t, nans, 1000, "stored NaNs compared")
}

// checkFetchAgainstPython writes files whose points take their values from
// value, compares Fetch with whisper.fetch as TestFetchMatchesPythonWhisper
// describes, and returns how many stored NaNs it compared.
func checkFetchAgainstPython(t *testing.T, rng *rand.Rand, value func() float64) (nans int) {
	t.Helper()
	requirePythonWhisper(t)
	dir := t.TempDir()
	const end int64 = 1_700_003_600
	layouts := []struct {
		archives [][2]int64
		every    int64
	}{
		{archives: [][2]int64{{1, 120}, {10, 60}, {60, 60}}, every: 3},
		{archives: [][2]int64{{1, 1800}, {60, 1440}, {300, 576}}, every: 3},
		{archives: [][2]int64{{10, 30}, {60, 20}, {600, 12}}, every: 10},
		{archives: [][2]int64{{60, 7}}, every: 60},
		{archives: [][2]int64{{5, 50}, {15, 40}, {45, 30}, {90, 40}}, every: 5},
	}
	aggs := []string{"average", "sum", "last", "max", "min", "avg_zero", "absmax", "absmin"}
	var files []pyFile
	for i, l := range layouts {
		for j, agg := range aggs {
			maxRet := l.archives[len(l.archives)-1][0] * l.archives[len(l.archives)-1][1]
			start := end - min(2*maxRet, 3*3600)
			var pts []pyPoint
			for ts := start - start%l.every; ts <= end; ts += l.every {
				if rng.IntN(10) < 2 || (ts/600)%5 == 3 { // random holes and gaps
					continue
				}
				pts = append(pts, pyPoint{float64(ts), value()})
			}
			files = append(files, pyFile{
				Path:     filepath.Join(dir, fmt.Sprintf("f%d_%d.wsp", i, j)),
				Archives: l.archives, XFF: []float64{0, 0.3, 0.5, 1}[j%4], Aggregation: agg,
				Writes: carbonWrites(pts, end),
			})
		}
	}
	var queries []pyQuery
	for _, f := range files {
		maxRet := f.Archives[len(f.Archives)-1][0] * f.Archives[len(f.Archives)-1][1]
		for range 40 {
			now := end + rng.Int64N(600) - 300
			from := now - rng.Int64N(maxRet*5/4+10)
			until := from + rng.Int64N(maxRet+20)
			if rng.IntN(20) == 0 {
				until = from - 1 - rng.Int64N(50)
			}
			queries = append(queries, pyQuery{Path: f.Path, From: from, Until: until, Now: now})
		}
		queries = append(queries, pyQuery{Path: f.Path, From: end - 10, Until: end - 10, Now: end})
	}
	answers := runPython(t, files, queries)

	compared := 0
	for i, q := range queries {
		f, err := Open(q.Path)
		require.NoError(t, err)
		s, err := f.Fetch(q.From, q.Until, q.Now)
		require.NoError(t, f.Close())
		want := answers[i]
		where := fmt.Sprintf("%s from=%d until=%d now=%d", filepath.Base(q.Path), q.From, q.Until, q.Now)
		switch {
		case want == nil:
			require.ErrorIs(t, err, ErrNoData, where)
			continue
		case want.Error != "":
			require.ErrorIs(t, err, ErrInvalidInterval, where)
			continue
		}
		require.NoError(t, err, where)
		require.Equal(t, [3]int64{want.Start, want.End, want.Step}, [3]int64{s.Start, s.End, s.Step}, where)
		require.Len(t, s.Values, len(want.Values), where)
		for k, w := range want.Values {
			got := s.Values[k]
			if !w.matches(got) {
				t.Fatalf("%s: value %d (t=%d): python %v, whisperfs %v", where, k, s.Start+int64(k)*s.Step, w, got)
			}
			if IsStoredNaN(got) {
				nans++
			}
		}
		compared++
	}
	t.Logf("%d files, %d queries, %d with data compared value by value", len(files), len(queries), compared)
	require.Greater(t, compared, len(queries)/2)
	return nans
}

package api

import (
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/query"
)

// pieces records the writes it receives.
type pieces struct {
	writes []string
	fail   bool
}

func (p *pieces) Write(b []byte) (int, error) {
	if p.fail {
		return 0, errors.New("client gone")
	}
	p.writes = append(p.writes, string(b))
	return len(b), nil
}

// TestStreamedJSONIsAppendJSON checks that the answer written in pieces
// while it is encoded is AppendJSON's, byte for byte, with the pieces
// bounded by the chunk size plus one series' header or 1,024 points.
func TestStreamedJSONIsAppendJSON(t *testing.T) {
	ss := benchSeries(fullValues)
	ss = append(ss, nil, rs("x.nulls", 1700000000, 60, nanValues(3000)...))
	for _, noNulls := range []bool{false, true} {
		opt := RenderOptions{NoNullPoints: noNulls}
		want := string(AppendJSON(nil, ss, opt))
		var p pieces
		out := &flusher{w: &p, size: 4096}
		rest := appendJSON(nil, ss, opt, out)
		require.NoError(t, out.err)
		assert.Equal(t, want, strings.Join(p.writes, "")+string(rest), "noNullPoints %v", noNulls)
		assert.Greater(t, len(p.writes), len(want)/(4096+1024*64), "written as it is encoded")
		for _, w := range p.writes {
			assert.Less(t, len(w), 4096+1024*64)
		}
	}

	var p pieces
	p.fail = true
	out := &flusher{w: &p, size: 4096}
	rest := appendJSON(nil, ss, RenderOptions{}, out)
	assert.EqualError(t, out.err, "client gone", "a failed write is kept")
	assert.Less(t, len(rest), 4096+1024*64, "and what follows is dropped")
}

// nanValues returns n nulls.
func nanValues(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}

// TestRenderStreamsLargeJSON renders 400 series of a week through the
// server, in jsonp too: the answer is the one AppendJSON writes.
func TestRenderStreamsLargeJSON(t *testing.T) {
	e := benchServer(t)
	for _, jsonp := range []string{"", "cb"} {
		target := "/render?target=servers.*.cpu&from=-7d&format=json&jsonp=" + jsonp
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		require.Equal(t, http.StatusOK, rec.Code)
		body := rec.Body.String()
		assert.Greater(t, len(body), 400*10080*20)
		if jsonp != "" {
			assert.Equal(t, "text/javascript", rec.Header().Get("Content-Type"))
			assert.True(t, strings.HasPrefix(body, "cb([{\"target\": \"servers.host001.cpu\""), body[:40])
			assert.True(t, strings.HasSuffix(body, "]}])"))
			continue
		}
		assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		res, err := benchEngine(t).Render(t.Context(), query.Request{Targets: []string{"servers.*.cpu"}, From: testNow - 7*86400, Until: testNow, Now: testNow})
		require.NoError(t, err)
		assert.Equal(t, string(AppendJSON(nil, res.Series, RenderOptions{})), body)
		res.Release()
	}
}

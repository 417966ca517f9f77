package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// indexChunk is how much of the index answer is buffered before it is
// sent on.
const indexChunk = 64 << 10

// indexStream writes graphite-web's /metrics/index.json answer, a list of
// strings laid out as json.dumps does (", " between items, or an indent of
// two with pretty), to the response in chunks of about indexChunk bytes,
// so that a list of millions of metrics never sits in memory whole.
//
//	["servers.db01.cpu.idle", "servers.db01.cpu.user"]
//
// Nothing reaches the client before the first chunk is full, so an error
// until then still becomes a proper error answer; after it the answer is
// cut short, which no JSON parser accepts.
type indexStream struct {
	resp        *echo.Response
	contentType string
	callback    string // jsonp, "" for none
	pretty      bool
	b           []byte
	n           int  // paths written
	unescape    bool // write non-ASCII characters unescaped (see unescapeNonASCII)
}

// newIndexStream starts an answer in b's storage; callback wraps it for
// jsonp when not empty, and suffix extends the content type.
func newIndexStream(resp *echo.Response, b []byte, callback string, pretty bool, suffix string) *indexStream {
	s := &indexStream{resp: resp, contentType: "application/json" + suffix, callback: callback, pretty: pretty, b: b[:0], unescape: suffix != ""}
	if callback != "" {
		s.contentType = "text/javascript" + suffix
		s.b = append(append(s.b, callback...), '(')
	}
	s.b = append(s.b, '[')
	return s
}

// add appends one path, sending the buffer on once it holds a chunk.
func (s *indexStream) add(path string) error {
	switch {
	case s.pretty:
		if s.n > 0 {
			s.b = append(s.b, ',')
		}
		s.b = append(s.b, "\n  "...)
	case s.n > 0:
		s.b = append(s.b, ", "...)
	}
	s.n++
	s.b = appendJSONString(s.b, path)
	if len(s.b) >= indexChunk {
		return s.flush()
	}
	return nil
}

// finish closes the list (and the jsonp call) and sends the rest.
func (s *indexStream) finish() error {
	if s.pretty && s.n > 0 {
		s.b = append(s.b, '\n')
	}
	s.b = append(s.b, ']')
	if s.callback != "" {
		s.b = append(s.b, ')')
	}
	return s.flush()
}

// flush sends the buffer, with the status line and headers the first time.
func (s *indexStream) flush() error {
	if !s.resp.Committed {
		s.resp.Header().Set(echo.HeaderContentType, s.contentType)
		s.resp.WriteHeader(http.StatusOK)
	}
	out := s.b
	if s.unescape {
		out = unescapeNonASCII(out) // chunks end between paths, never inside an escape
	}
	_, err := s.resp.Write(out)
	s.b = s.b[:0]
	return err
}

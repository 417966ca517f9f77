package api

import (
	"net/http"
	"strconv"

	"github.com/graphite-render/graphite-render/query"

	"github.com/labstack/echo/v4"
)

// render serves /render: parse, evaluate, encode, send.
func (s *server) render(c echo.Context) error {
	form, err := formValues(c.Request(), s.maxBody)
	if err != nil {
		return err
	}
	p, err := parseRenderParams(form, s.clock(), s.loc)
	if err != nil {
		return err
	}
	p.req.Template = templateParams(form, formOrder(c.Request()))
	ctx := c.Request().Context()
	res, err := s.engine.Render(ctx, p.req)
	if err != nil {
		return err
	}
	defer res.Release()
	c.Set(statSeries, len(res.Series))
	c.Set(statPoints, res.Points)
	size := encodedSize(res.Series, p.format)
	if p.graph != nil {
		// The image being drawn and its encoding.
		size += int64(p.graph.Width) * int64(p.graph.Height) * 8
	}
	if err := res.Budget.Bytes(ctx, size, "the encoded answer"); err != nil {
		return err
	}

	if p.graph != nil {
		return s.renderImage(c, p, res.Series)
	}
	bp := getBuffer()
	defer putBuffer(bp)
	if p.format == "json" && !p.pretty {
		return streamJSON(c, bp, p, res.Series)
	}
	b := (*bp)[:0]
	contentType := "application/json"
	switch p.format {
	case "csv":
		b, contentType = AppendCSV(b, res.Series, RenderOptions{Location: p.loc}), "text/csv"
	case "raw":
		b, contentType = AppendRaw(b, res.Series), "text/plain"
	case "pickle":
		b, contentType = AppendPickleRender(b, res.Series), "application/pickle"
	case "msgpack":
		b, contentType = AppendMsgpackRender(b, res.Series), "application/x-msgpack"
	default:
		if p.jsonp != "" {
			b = append(append(b, p.jsonp...), '(')
		}
		switch p.format {
		case "dygraph":
			b = AppendDygraph(b, res.Series)
		case "rickshaw":
			b = AppendRickshaw(b, res.Series, p.pretty)
		default:
			b = AppendJSON(b, res.Series, RenderOptions{NoNullPoints: p.req.NoNullPoints, Pretty: p.pretty})
		}
		if p.jsonp != "" {
			b, contentType = append(b, ')'), "text/javascript"
		}
	}
	*bp = b
	return blob(c, http.StatusOK, contentType, b)
}

// streamChunk is the size of the pieces a streamed answer is written in.
const streamChunk = 256 << 10

// streamJSON sends the compact JSON answer (inside the jsonp call when
// asked) as AppendJSON writes it, in pieces of streamChunk bytes while it
// is encoded, with buffer bp, so that a large answer never sits whole in
// memory. Encoding cannot fail, so the 200 goes out with the first piece;
// an answer smaller than one piece is sent whole with its length.
func streamJSON(c echo.Context, bp *[]byte, p renderParams, series []*query.Series) error {
	b := (*bp)[:0]
	contentType := "application/json"
	if p.jsonp != "" {
		b, contentType = append(append(b, p.jsonp...), '('), "text/javascript"
	}
	res := c.Response()
	if res.Header().Get(echo.HeaderContentType) == "" {
		res.Header().Set(echo.HeaderContentType, contentType)
	}
	out := &flusher{w: res, size: streamChunk}
	b = appendJSON(b, series, RenderOptions{NoNullPoints: p.req.NoNullPoints}, out)
	if p.jsonp != "" {
		b = append(b, ')')
	}
	if !res.Committed {
		// Nothing was flushed: the answer fits one piece and goes out
		// whole with its Content-Length (see blob).
		res.Header()["Content-Length"] = []string{strconv.Itoa(len(b))}
		*bp = b
		return sendWhole(c, http.StatusOK, b)
	}
	if out.err == nil {
		_, out.err = res.Write(b)
	}
	*bp = b
	return out.err
}

// encodedSize is an upper estimate of the bytes of the answer in format,
// reserved from the server's memory before it is written: a JSON point
// such as "[1234.5678901234, 1700000000], " takes at most about 32 bytes
// (a pickle or msgpack value 9, a dygraph cell fewer than a JSON point), a
// rickshaw point such as {"x": 1700000000, "y": 1234.5678901234} about 48,
// a csv line the name plus a date and a value.
func encodedSize(series []*query.Series, format string) int64 {
	var n int64
	for _, s := range series {
		if s == nil {
			continue
		}
		per := int64(32)
		switch format {
		case "png", "svg", "pdf":
			// A drawn point is a few path bytes at most; the image itself
			// is bounded by its size (see graph.ParseOptions).
			per = 16
		case "csv":
			per += int64(len(s.Name))
		case "rickshaw":
			per = 48
		}
		n += int64(len(s.Name)) + 64 + per*int64(len(s.Values))
	}
	return n
}

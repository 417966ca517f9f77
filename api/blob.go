package api

import (
	"strconv"

	"github.com/labstack/echo/v4"
)

// blob sends b as the whole answer, as c.Blob does, with its
// Content-Length. Without it net/http sends an answer larger than its
// 2 kB buffer chunked, which costs one more write to the connection (the
// closing chunk) per request. The gzip middleware drops the header when it
// compresses.
func blob(c echo.Context, code int, contentType string, b []byte) error {
	h := c.Response().Header()
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	if h.Get(echo.HeaderContentType) == "" {
		h.Set(echo.HeaderContentType, contentType)
	}
	return sendWhole(c, code, b)
}

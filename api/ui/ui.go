// Package ui is the page served at "/": a metric tree read from
// /metrics/find, a graph of the picked metrics drawn by /render, a time
// range picker and the render URL to copy. The files are embedded; the
// page uses no framework and loads nothing from elsewhere.
package ui

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"
)

//go:embed static
var files embed.FS

// Register serves the page at "/" and its files under /ui/.
func Register(e *echo.Echo) {
	static, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embedded directory exists at build time
	}
	index, err := fs.ReadFile(static, "index.html")
	if err != nil {
		panic(err)
	}
	page := func(c echo.Context) error {
		c.Response().Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
		return c.HTMLBlob(http.StatusOK, index)
	}
	e.GET("/", page)
	e.HEAD("/", page)
	assets := http.StripPrefix("/ui/", http.FileServer(http.FS(static)))
	e.GET("/ui/*", echo.WrapHandler(assets))
	e.HEAD("/ui/*", echo.WrapHandler(assets))
}

package api

import (
	"encoding/json"
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/graphite-render/graphite-render/query"
)

// info serves /metrics/info?target=PATTERN: the explain report of every
// matched whisper file (go-carbon's /info/ fields plus observedInterval,
// archive fill ratios, the matching carbon rules and a diagnosis).
func (s *server) info(c echo.Context) error {
	form, err := formValues(c.Request(), s.maxBody)
	if err != nil {
		return err
	}
	pattern, _ := lastValue(form, "target")
	if pattern == "" {
		return paramError("target", pattern, "a metric pattern is required")
	}
	now, err := nowParam(form, s.clock(), s.loc)
	if err != nil {
		return err
	}
	infos := []query.MetricInfo{}
	if s.inspector != nil {
		if infos, err = s.inspector.Info(c.Request().Context(), pattern, now.Unix()); err != nil {
			return err
		}
	}
	if s.locator != nil {
		return s.frontInfo(c, form, pattern, infos)
	}
	b, err := json.Marshal(infos)
	if err != nil {
		return fmt.Errorf("encode info: %w", err)
	}
	return sendJSON(c, form, b)
}

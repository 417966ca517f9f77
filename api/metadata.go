package api

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// getMetadata serves /metrics/get-metadata as graphite-web 1.1.8 with a
// carbon-cache over the same files answers it: for each metric, the
// aggregation method its whisper header names when key is
// aggregationMethod (the one key carbon knows), and otherwise, or for a
// metric without a file, graphite-web's error object:
//
//	{"servers.web01.cpu.user": "average", "nope": {"error": "Unexpected error occurred in CarbonLink.get_metadata(nope, aggregationMethod)"}}
func (s *server) getMetadata(c echo.Context) error {
	form, err := formValues(c.Request(), s.maxBody)
	if err != nil {
		return err
	}
	metrics := form["metric"]
	if err := s.engine.CheckTargets(len(metrics), "metrics"); err != nil {
		return err
	}
	key, hasKey := lastValue(form, "key")
	keyText := key
	if !hasKey {
		keyText = "None" // Python's None, as graphite-web writes it
	}
	var out pyObject
	index := map[string]int{}
	for _, m := range metrics {
		var v any = pyObject{{key: "error", val: fmt.Sprintf("Unexpected error occurred in CarbonLink.get_metadata(%s, %s)", m, keyText)}}
		if hasKey && key == "aggregationMethod" && s.inspector != nil {
			if method, err := s.inspector.AggregationMethod(m); err == nil {
				v = method
			}
		}
		// A repeated metric keeps its first place, as in a Python dict.
		if i, ok := index[m]; ok {
			out[i].val = v
			continue
		}
		index[m] = len(out)
		out = append(out, pyMember{key: m, val: v})
	}
	pretty, _ := lastValue(form, "pretty")
	return sendMetricsJSON(c, form, appendPyInOrder(nil, out, pretty != "", 0))
}

// readOnlyMetadata is the text of the answer to /metrics/set-metadata.
const readOnlyMetadata = "graphite-render is read-only and does not change metadata: " +
	"on the host with the whisper files, run whisper-set-aggregation-method FILE METHOD [XFILESFACTOR] " +
	"or whisper-set-xfilesfactor FILE XFILESFACTOR"

// setMetadata serves /metrics/set-metadata, whatever the method: a 403
// in graphite-web's JSON error shape that names the whisper commands that
// do it.
func (s *server) setMetadata(c echo.Context) error {
	b := appendPy(nil, pyObject{{key: "error", val: readOnlyMetadata}}, false, 0)
	return c.Blob(http.StatusForbidden, "application/json", b)
}

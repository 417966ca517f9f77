package query

import "fmt"

// AggregationMethod returns the aggregation method the metric's whisper
// header names, such as "average": what carbon-cache answers graphite-web's
// /metrics/get-metadata with for the key aggregationMethod. The error wraps
// the file's: fs.ErrNotExist for an unknown metric, whisperfs.ErrBadName
// for a malformed name, whisperfs.ErrCorrupt for a damaged file.
func (in *Inspector) AggregationMethod(metric string) (string, error) {
	f, err := in.Files.Open(metric)
	if err != nil {
		return "", fmt.Errorf("aggregation method of %q: %w", metric, err)
	}
	defer f.Close()
	return f.Header().Aggregation.String(), nil
}

package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// parseFileArgs parses flags that may stand before or after the one FILE
// argument, as whisper-info and whisper-fetch accept.
func parseFileArgs(fs *flag.FlagSet, args []string) (string, error) {
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if fs.NArg() == 0 {
		return "", errors.New("missing FILE argument")
	}
	file := fs.Arg(0)
	if err := fs.Parse(fs.Args()[1:]); err != nil {
		return "", err
	}
	if fs.NArg() > 0 {
		return "", fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return file, nil
}

// infoJSON has whisper-info --json's fields in its order.
type infoJSON struct {
	AggregationMethod string        `json:"aggregationMethod"`
	MaxRetention      int64         `json:"maxRetention"`
	XFilesFactor      float64       `json:"xFilesFactor"`
	Archives          []archiveJSON `json:"archives"`
	FileSize          int64         `json:"fileSize"`
}

type archiveJSON struct {
	Offset          int64 `json:"offset"`
	SecondsPerPoint int64 `json:"secondsPerPoint"`
	Points          int64 `json:"points"`
	Retention       int64 `json:"retention"`
	Size            int64 `json:"size"`
}

// runInfo implements "graphite-render info FILE [-json]".
func runInfo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON like whisper-info --json")
	path, err := parseFileArgs(fs, args)
	if err != nil {
		fmt.Fprintf(stderr, "graphite-render info: %v\n", err)
		return 2
	}
	f, err := whisperfs.Open(path)
	if err != nil {
		fmt.Fprintf(stderr, "graphite-render info: %v\n", err)
		return 1
	}
	defer f.Close()
	st, err := os.Stat(path)
	if err != nil {
		fmt.Fprintf(stderr, "graphite-render info: %v\n", err)
		return 1
	}
	h := f.Header()
	info := infoJSON{
		AggregationMethod: h.Aggregation.String(),
		MaxRetention:      h.MaxRetention,
		XFilesFactor:      float64(h.XFilesFactor),
		FileSize:          st.Size(),
	}
	for _, a := range h.Archives {
		info.Archives = append(info.Archives, archiveJSON{
			Offset: a.Offset, SecondsPerPoint: a.SecondsPerPoint, Points: a.Points, Retention: a.Retention(), Size: a.Size(),
		})
	}
	if *asJSON {
		out, _ := json.MarshalIndent(info, "", "  ")
		fmt.Fprintf(stdout, "%s\n", out)
		return 0
	}
	fmt.Fprintf(stdout, "aggregationMethod: %s\nmaxRetention: %d\nxFilesFactor: %s\nfileSize: %d\n\n",
		info.AggregationMethod, info.MaxRetention, pyFloat(info.XFilesFactor), info.FileSize)
	for i, a := range info.Archives {
		fmt.Fprintf(stdout, "Archive %d\noffset: %d\nsecondsPerPoint: %d\npoints: %d\nretention: %d\nsize: %d\n\n",
			i, a.Offset, a.SecondsPerPoint, a.Points, a.Retention, a.Size)
	}
	return 0
}

// pyFloat formats f as Python's repr does for the values whisper prints.
func pyFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if f == math.Trunc(f) && !math.IsInf(f, 0) && len(s) < 16 {
		s += ".0"
	}
	return s
}

// runFetch implements "graphite-render fetch FILE [-from T] [-until T]
// [-now T] [-json]". Times are unix seconds or graphite-web at-times
// relative to -now (in UTC); -now defaults to the clock,
// -until to now and -from to 24 hours before now, as in whisper-fetch.
func runFetch(args []string, stdout, stderr io.Writer, clock func() time.Time) int {
	fs := flag.NewFlagSet("fetch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fromS := fs.String("from", "", "start of the range: unix seconds or an at-time such as -1h (default: 24 hours before now)")
	untilS := fs.String("until", "", "end of the range: unix seconds or an at-time (default: now)")
	nowS := fs.String("now", "", "the current time for archive selection: unix seconds or an at-time (default: the clock)")
	asJSON := fs.Bool("json", false, "print {\"start\",\"end\",\"step\",\"values\"} with null for missing values")
	path, err := parseFileArgs(fs, args)
	if err != nil {
		fmt.Fprintf(stderr, "graphite-render fetch: %v\n", err)
		return 2
	}
	clockNow := clock().Unix()
	now, err := timeFlag("now", *nowS, clockNow, clockNow)
	if err == nil {
		var from, until int64
		if from, err = timeFlag("from", *fromS, now, now-86400); err == nil {
			if until, err = timeFlag("until", *untilS, now, now); err == nil {
				return fetchAndPrint(path, from, until, now, *asJSON, stdout, stderr)
			}
		}
	}
	fmt.Fprintf(stderr, "graphite-render fetch: %v\n", err)
	return 2
}

// timeFlag parses the value of flag name as unix seconds or a graphite-web
// at-time such as -1h (relative to now, in UTC), or returns def when it is
// empty.
func timeFlag(name, value string, now, def int64) (int64, error) {
	if value == "" {
		return def, nil
	}
	t, err := query.ParseTimeParam("-"+name, value, time.Unix(now, 0), time.UTC)
	if err != nil {
		return 0, err
	}
	return t.Unix(), nil
}

func fetchAndPrint(path string, from, until, now int64, asJSON bool, stdout, stderr io.Writer) int {
	f, err := whisperfs.Open(path)
	if err != nil {
		fmt.Fprintf(stderr, "graphite-render fetch: %v\n", err)
		return 1
	}
	defer f.Close()
	s, err := f.Fetch(from, until, now)
	if errors.Is(err, whisperfs.ErrNoData) {
		fmt.Fprintln(stderr, "No data in selected timerange")
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "graphite-render fetch: %v\n", err)
		return 1
	}
	if asJSON {
		stdout.Write(appendFetchJSON(nil, s))
		return 0
	}
	b := make([]byte, 0, 24*len(s.Values))
	for i, v := range s.Values {
		b = strconv.AppendInt(b, s.Start+int64(i)*s.Step, 10)
		b = append(b, '\t')
		b = appendPercentF(b, v)
		b = append(b, '\n')
	}
	stdout.Write(b)
	return 0
}

// appendPercentF appends v as whisper-fetch prints a value: None for null,
// Python's "%f" otherwise, which writes nan, inf and -inf.
func appendPercentF(b []byte, v float64) []byte {
	switch {
	case whisperfs.IsNull(v):
		return append(b, "None"...)
	case v != v:
		return append(b, "nan"...)
	case math.IsInf(v, 1):
		return append(b, "inf"...)
	case math.IsInf(v, -1):
		return append(b, "-inf"...)
	}
	return strconv.AppendFloat(b, v, 'f', 6, 64)
}

// appendFetchJSON appends {"start","end","step","values"} with null for
// missing values and stored NaNs (JSON has no NaN) and floats that
// round-trip.
func appendFetchJSON(b []byte, s whisperfs.Series) []byte {
	b = fmt.Appendf(b, `{"start":%d,"end":%d,"step":%d,"values":[`, s.Start, s.End, s.Step)
	for i, v := range s.Values {
		if i > 0 {
			b = append(b, ',')
		}
		switch {
		case math.IsNaN(v):
			b = append(b, "null"...)
		case math.IsInf(v, 1):
			b = append(b, "1e9999"...)
		case math.IsInf(v, -1):
			b = append(b, "-1e9999"...)
		default:
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		}
	}
	return append(b, "]}\n"...)
}

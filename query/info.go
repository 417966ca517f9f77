package query

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/graphite-render/graphite-render/whisperfs"
)

// FileOpener is the storage the explain report needs: the metric's file.
// *whisperfs.Tree satisfies it.
type FileOpener interface {
	Open(metric string) (*whisperfs.File, error)
}

// SchemaRules tells which storage-schemas.conf rule carbon applies to a
// metric and its retentions as [secondsPerPoint, points] pairs.
type SchemaRules interface {
	SchemaFor(metric string) (rule string, retentions [][2]int64, ok bool)
}

// RetentionInfo is one archive of a file in go-carbon's /info/ shape.
type RetentionInfo struct {
	SecondsPerPoint int64 `json:"secondsPerPoint"`
	NumberOfPoints  int64 `json:"numberOfPoints"`
}

// ConfigInfo tells which carbon rules match a metric and how the file
// header differs from them.
type ConfigInfo struct {
	Schema      string   `json:"schema"`
	Aggregation string   `json:"aggregation"`
	Drift       []string `json:"drift"`
}

// MetricInfo is the explain report of one whisper file: go-carbon's /info/
// fields plus what the data shows and what is wrong.
type MetricInfo struct {
	Name              string          `json:"name"`
	AggregationMethod string          `json:"aggregationMethod"`
	XFilesFactor      float64         `json:"xFilesFactor"`
	MaxRetention      int64           `json:"maxRetention"`
	Retentions        []RetentionInfo `json:"retentions"`
	ObservedInterval  int64           `json:"observedInterval"`
	Archives          []ArchiveFill   `json:"archives"`
	Config            ConfigInfo      `json:"config"`
	Diagnosis         []Finding       `json:"diagnosis"`
}

// Inspector explains whisper files: their layout, their data and their
// drift from carbon's configuration.
type Inspector struct {
	Storage Storage
	Files   FileOpener
	Schemas SchemaRules      // nil: no storage-schemas.conf given
	Rules   AggregationRules // nil: no storage-aggregation.conf given
	// Logger receives one warning per file that Info skips; nil discards
	// them.
	Logger *slog.Logger

	logged sync.Map // metric → true once its skip was logged
}

// Explain reports on one metric at time now. With full it reads every
// archive's recent window for fill ratios; without it reads only the header
// and a tail of the finest archive (for the doctor's scans).
func (in *Inspector) Explain(metric string, now int64, full bool) (MetricInfo, error) {
	f, err := in.Files.Open(metric)
	if err != nil {
		return MetricInfo{}, err
	}
	defer f.Close()
	h := f.Header()
	info := MetricInfo{
		Name:              metric,
		AggregationMethod: h.Aggregation.String(),
		XFilesFactor:      roundFloat32(h.XFilesFactor),
		MaxRetention:      h.MaxRetention,
		Diagnosis:         []Finding{},
		Config:            ConfigInfo{Drift: []string{}},
	}
	for _, a := range h.Archives {
		info.Retentions = append(info.Retentions, RetentionInfo{SecondsPerPoint: a.SecondsPerPoint, NumberOfPoints: a.Points})
	}
	t, err := readTail(f, now)
	if err != nil {
		return MetricInfo{}, err
	}
	info.ObservedInterval = t.interval
	if full {
		if info.Archives, err = fillRatios(f, now); err != nil {
			return MetricInfo{}, err
		}
	}
	if t.newest == 0 {
		info.Diagnosis = append(info.Diagnosis, Finding{Code: CodeNoRecentData,
			Message: fmt.Sprintf("no point in the last %s of the finest archive (%s); the metric may no longer be written", durationText(t.window), durationText(h.Archives[0].SecondsPerPoint))})
	}
	if f, ok := starvation(h, t.interval); ok {
		info.Diagnosis = append(info.Diagnosis, f)
	}
	in.compareConfig(&info, h)
	return info, nil
}

// compareConfig fills info.Config and the drift findings.
func (in *Inspector) compareConfig(info *MetricInfo, h whisperfs.Header) {
	if in.Schemas != nil {
		rule, rets, ok := in.Schemas.SchemaFor(info.Name)
		info.Config.Schema = rule
		have := make([][2]int64, len(h.Archives))
		for i, a := range h.Archives {
			have[i] = [2]int64{a.SecondsPerPoint, a.Points}
		}
		if ok && !slices.Equal(have, rets) {
			d := fmt.Sprintf("retentions %s in the file, %s in rule [%s]", retentionText(have, ","), retentionText(rets, ","), rule)
			info.Config.Drift = append(info.Config.Drift, d)
			info.Diagnosis = append(info.Diagnosis, Finding{Code: CodeSchemaDrift,
				Message: d + "; carbon applies storage-schemas.conf only when it creates a file: run whisper-resize FILE " + retentionText(rets, " ") + " to apply it"})
		}
	}
	if in.Rules != nil {
		xff, method, rule, _ := in.Rules.MatchAggregation(info.Name)
		info.Config.Aggregation = rule
		if method != info.AggregationMethod {
			d := fmt.Sprintf("aggregationMethod %s in the file, %s in rule [%s]", info.AggregationMethod, method, rule)
			info.Config.Drift = append(info.Config.Drift, d)
			info.Diagnosis = append(info.Diagnosis, Finding{Code: CodeAggregationDrift,
				Message: d + "; run whisper-set-aggregation-method FILE " + method + ", or read with archives=stitch, which uses the rule"})
		}
		if math.Abs(xff-info.XFilesFactor) > 1e-6 {
			d := fmt.Sprintf("xFilesFactor %g in the file, %g in rule [%s]", info.XFilesFactor, xff, rule)
			info.Config.Drift = append(info.Config.Drift, d)
			info.Diagnosis = append(info.Diagnosis, Finding{Code: CodeAggregationDrift,
				Message: d + fmt.Sprintf("; run whisper-set-xfilesfactor FILE %g, or read with archives=stitch, which uses the rule", xff)})
		}
	}
}

// roundFloat32 returns the float64 closest to the decimal a float32 was
// written as (0.1 rather than 0.10000000149).
func roundFloat32(f float32) float64 {
	v, _ := parseFloatShort(f)
	return v
}

// retentionText writes retentions the way carbon does, such as
// "1s:30m,1m:1d", joined by sep.
func retentionText(rs [][2]int64, sep string) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = durationText(r[0]) + ":" + durationText(r[0]*r[1])
	}
	return strings.Join(parts, sep)
}

// Info explains every leaf matching pattern. Files that vanished, cannot
// be opened or are damaged are left out, as renders leave them out, and
// logged once per metric.
func (in *Inspector) Info(ctx context.Context, pattern string, now int64) ([]MetricInfo, error) {
	nodes, err := in.Storage.Find(ctx, pattern)
	if err != nil {
		return nil, storageError(pattern, err)
	}
	out := []MetricInfo{}
	for _, n := range nodes {
		if !n.Leaf {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		info, err := in.Explain(n.Path, now, true)
		switch {
		case errors.Is(err, whisperfs.ErrCorrupt), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
			in.skipped(n.Path, err)
			continue
		case err != nil:
			return nil, storageError(n.Path, err)
		}
		out = append(out, info)
	}
	return out, nil
}

// skipped logs, once per metric for the life of the inspector, that a file
// could not be read and is left out of answers.
func (in *Inspector) skipped(metric string, err error) {
	if in.Logger == nil {
		return
	}
	if _, seen := in.logged.LoadOrStore(metric, true); !seen {
		in.Logger.Warn("skipping unreadable whisper file", "metric", metric, "reason", err.Error())
	}
}

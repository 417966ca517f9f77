package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRequestLinesAsTextHandler writes records through requestLines and
// through slog's TextHandler: where requestLines writes a line it is the
// TextHandler's, byte for byte, and it declines the records it cannot
// write.
func TestRequestLinesAsTextHandler(t *testing.T) {
	kolkata := time.FixedZone("IST", 5*3600+1800)
	west := time.FixedZone("W", -7*3600)
	base := time.Date(2026, 11, 28, 0, 2, 54, 12_345_678, time.UTC)
	times := []time.Time{
		base, base.Add(time.Millisecond), base.Add(987 * time.Millisecond), base.Add(time.Second - 1),
		base.Add(time.Second), base.In(kolkata), base.Add(3 * time.Millisecond).In(west),
		time.Date(1999, 12, 31, 23, 59, 59, 999_999_999, time.UTC), time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC),
	}
	type rec struct {
		level slog.Level
		msg   string
		attrs []slog.Attr
		fast  bool
	}
	recs := []rec{
		{slog.LevelInfo, "request", []slog.Attr{slog.String("method", "GET"), slog.String("path", "/render"), slog.Int("status", 200),
			slog.Duration("duration", 11196*time.Nanosecond), slog.Int("series", 1), slog.Any("points", 360)}, true},
		{slog.LevelInfo, "request", []slog.Attr{slog.String("path", "/metrics/find"), slog.Duration("duration", 2*time.Second+5*time.Millisecond),
			slog.Uint64("u", 7), slog.Int64("neg", -3), slog.String("miss", "stale")}, true},
		{slog.LevelInfo, "request", []slog.Attr{slog.String("path", "/a b")}, false},
		{slog.LevelInfo, "request", []slog.Attr{slog.String("path", "")}, false},
		{slog.LevelInfo, "request", []slog.Attr{slog.String("path", "/é")}, false},
		{slog.LevelInfo, "request", []slog.Attr{slog.String("q", `a"b`)}, false},
		{slog.LevelInfo, "request", []slog.Attr{slog.String("q", "a=b")}, false},
		{slog.LevelInfo, "request", []slog.Attr{slog.Any("failed_backends", []string{"a", "b"})}, false},
		{slog.LevelInfo, "request", []slog.Attr{slog.String("error", errors.New("bad target").Error())}, false},
		{slog.LevelInfo, "request", []slog.Attr{slog.Float64("f", 1.5)}, false},
		{slog.LevelInfo, "request", []slog.Attr{slog.Group("g", slog.Int("a", 1))}, false},
		{slog.LevelError, "request", []slog.Attr{slog.Int("status", 500)}, false},
		{slog.LevelInfo, "a message", nil, false},
		{slog.LevelInfo, "request", nil, true},
	}
	lines := &requestLines{}
	for _, tm := range times {
		for i, rc := range recs {
			r := slog.NewRecord(tm, rc.level, rc.msg, 0)
			r.AddAttrs(rc.attrs...)
			var want bytes.Buffer
			require.NoError(t, slog.NewTextHandler(&want, nil).Handle(context.Background(), r))
			got, ok := lines.appendLine([]byte("kept"), r)
			assert.Equal(t, rc.fast, ok, "record %d at %v", i, tm)
			if ok {
				assert.Equal(t, "kept"+want.String(), string(got), "record %d at %v", i, tm)
			} else {
				assert.Equal(t, "kept", string(got), "a declined record appends nothing")
			}
		}
	}
	r := slog.NewRecord(time.Time{}, slog.LevelInfo, "request", 0)
	_, ok := lines.appendLine(nil, r)
	assert.False(t, ok, "a zero time, which the TextHandler leaves out")
}

// TestRequestLinesThroughTheLog checks that the server's log writes the
// request lines itself, held back as before, and passes everything else
// to the TextHandler.
func TestRequestLinesThroughTheLog(t *testing.T) {
	sink := &lockedBuffer{}
	out := newBufferedLog(sink, time.Hour)
	log := slog.New(flushOnWarn{Handler: slog.NewTextHandler(out, nil), out: out, lines: &requestLines{}})
	log.Info("request", "path", "/render", "status", 200)
	assert.Empty(t, sink.String(), "an Info request line waits in the buffer")
	log.Info("request", "path", "/a b")
	assert.Empty(t, sink.String(), "so does one the TextHandler writes")
	log.Error("request", "status", 500)
	assert.Contains(t, sink.String(), "level=INFO msg=request path=/render status=200\n")
	assert.Contains(t, sink.String(), `level=INFO msg=request path="/a b"`+"\n")
	assert.Contains(t, sink.String(), "level=ERROR msg=request status=500\n")
	require.NoError(t, out.Close())
}

// BenchmarkRequestLine writes a render's request line with slog's
// TextHandler and with requestLines.
func BenchmarkRequestLine(b *testing.B) {
	r := slog.NewRecord(time.Date(2026, 11, 28, 0, 2, 54, 12_345_678, time.UTC), slog.LevelInfo, "request", 0)
	r.AddAttrs(slog.String("method", "GET"), slog.String("path", "/render"), slog.Int("status", 200),
		slog.Duration("duration", 11196*time.Nanosecond), slog.Int("series", 1), slog.Any("points", 360))
	b.Run("TextHandler", func(b *testing.B) {
		var buf bytes.Buffer
		h := slog.NewTextHandler(&buf, nil)
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			_ = h.Handle(context.Background(), r)
		}
	})
	b.Run("requestLines", func(b *testing.B) {
		lines := &requestLines{}
		var buf []byte
		b.ReportAllocs()
		for b.Loop() {
			buf, _ = lines.appendLine(buf[:0], r)
		}
	})
}

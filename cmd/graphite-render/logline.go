package main

import (
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// requestLines writes the per-request log line itself, byte for byte as
// slog's TextHandler (without options) would, for the records whose
// values it can write without quoting: the time's date and second are
// formatted once a second instead of once a line. Any other record is
// left to the TextHandler.
type requestLines struct {
	stamp atomic.Pointer[secondStamp]
	bufs  sync.Pool // *[]byte
}

// write writes r to w as appendLine formats it, reporting false, having
// written nothing, when appendLine cannot.
func (l *requestLines) write(w *bufferedLog, r slog.Record) bool {
	bp, _ := l.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	b, ok := l.appendLine((*bp)[:0], r)
	if ok {
		_, _ = w.Write(b)
	}
	*bp = b
	l.bufs.Put(bp)
	return ok
}

// minStampSec and maxStampSec bound the times appendLine writes, a day
// inside the four-digit years whatever the zone.
const (
	minStampSec = -62135596800 + 86400 // 0001-01-02T00:00:00Z
	maxStampSec = 253402300799 - 86400 // 9999-12-30T23:59:59Z
)

// secondStamp is the formatted time of one second in one location.
type secondStamp struct {
	sec  int64
	loc  *time.Location
	date []byte // "2006-01-02T15:04:05"
	zone []byte // "Z" or "-07:00"
}

// appendLine appends r as one log line to b, reporting false (and b
// unchanged) when r holds a value that the TextHandler would quote or
// format in a way appendLine does not.
func (l *requestLines) appendLine(b []byte, r slog.Record) ([]byte, bool) {
	n := len(b)
	if sec := r.Time.Unix(); sec < minStampSec || sec > maxStampSec || !plainText(r.Message) || r.Level != slog.LevelInfo {
		return b, false
	}
	b = append(b, "time="...)
	b = l.appendTime(b, r.Time)
	b = append(b, " level=INFO msg="...)
	b = append(b, r.Message...)
	ok := true
	r.Attrs(func(a slog.Attr) bool {
		if !plainText(a.Key) {
			ok = false
			return false
		}
		b = append(append(append(b, ' '), a.Key...), '=')
		switch v := a.Value; v.Kind() {
		case slog.KindString:
			if ok = plainText(v.String()); ok {
				b = append(b, v.String()...)
			}
		case slog.KindInt64:
			b = strconv.AppendInt(b, v.Int64(), 10)
		case slog.KindUint64:
			b = strconv.AppendUint(b, v.Uint64(), 10)
		case slog.KindDuration:
			b = append(b, v.Duration().String()...)
		default:
			ok = false
		}
		return ok
	})
	if !ok {
		return b[:n], false
	}
	return append(b, '\n'), true
}

// appendTime appends t as the TextHandler does: RFC 3339 with the
// milliseconds, in t's location.
func (l *requestLines) appendTime(b []byte, t time.Time) []byte {
	sec := t.Unix()
	s := l.stamp.Load()
	if s == nil || s.sec != sec || s.loc != t.Location() {
		whole := t.Truncate(time.Second)
		s = &secondStamp{sec: sec, loc: t.Location(),
			date: whole.AppendFormat(nil, "2006-01-02T15:04:05"),
			zone: whole.AppendFormat(nil, "Z07:00")}
		l.stamp.Store(s)
	}
	ms := t.Nanosecond() / int(time.Millisecond)
	b = append(b, s.date...)
	b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	return append(b, s.zone...)
}

// plainText reports whether the TextHandler writes s as it is: not empty,
// and printable ASCII without a space, '=' or '"'.
func plainText(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' || c == '=' || c == '"' {
			return false
		}
	}
	return true
}

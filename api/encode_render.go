package api

import (
	"io"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/pyint"
)

// RenderOptions are the encoding choices of a render response.
type RenderOptions struct {
	// NoNullPoints drops null datapoints and the series left without any.
	NoNullPoints bool
	// Pretty indents JSON by two spaces, as graphite-web's pretty=1 does.
	Pretty bool
	// Location is the zone of csv timestamps; nil is UTC.
	Location *time.Location
}

// AppendJSON appends graphite-web 1.1.8's JSON render response
// (renderViewJson, json.dumps with Python's default separators):
//
//	[{"target": "a.b", "tags": {"name": "a.b"}, "datapoints": [[1.0, 1700000060], [null, 1700000120]]}]
//
// Keys come in graphite-web's order and tags sorted by key. Datapoints are
// [value, timestamp] with timestamp = Start + i*Step; values are written as
// Python's repr, NaN (null or stored) as null and infinities as 1e9999 and
// -1e9999, the way graphite-web patches Python's NaN and Infinity; with
// opt.NoNullPoints stored NaNs are dropped like nulls, as graphite-web
// does. Like graphite-web, which skips its loop when no series has a value
// (any(data) is false), it writes [] when every series is empty. Nil series are skipped. With opt.Pretty the
// layout is that of json.dumps(..., indent=2).
func AppendJSON(dst []byte, series []*query.Series, opt RenderOptions) []byte {
	return appendJSON(dst, series, opt, nil)
}

// appendJSON is AppendJSON handing the answer to out, when not nil, in
// pieces of at least out.size bytes as it goes (see flusher).
func appendJSON(dst []byte, series []*query.Series, opt RenderOptions, out *flusher) []byte {
	if !anyValues(series) {
		return append(dst, '[', ']')
	}
	if opt.Pretty {
		return appendJSONPretty(dst, series, opt.NoNullPoints)
	}
	dst = append(dst, '[')
	n := 0
	var endings *pointEndings
	if len(series) > 1 {
		// The series of a response usually share their timestamps: their
		// text is written once.
		endings = getPointEndings()
		defer putPointEndings(endings)
	}
	for _, s := range series {
		if s == nil || opt.NoNullPoints && !hasValue(s.Values) {
			continue
		}
		if n > 0 {
			dst = append(dst, ',', ' ')
		}
		n++
		dst = append(dst, `{"target": `...)
		dst = appendTarget(dst, s)
		dst = append(dst, `, "tags": `...)
		dst = appendTagsCompact(dst, s.Tags)
		dst = append(dst, `, "datapoints": [`...)
		dst = appendDatapoints(dst, s, opt.NoNullPoints, out, endings)
		dst = append(dst, ']', '}')
		dst = out.flush(dst)
	}
	return append(dst, ']')
}

// flusher writes an answer out in pieces while it is encoded, so that a
// large answer never sits whole in memory.
type flusher struct {
	w    io.Writer
	size int
	err  error
}

// flush writes dst to the writer when it holds at least f.size bytes and
// returns it emptied, or else returns it as it is; after a failed write it
// drops what it is given (the client is gone) and keeps the error.
func (f *flusher) flush(dst []byte) []byte {
	if f == nil || len(dst) < f.size {
		return dst
	}
	if f.err == nil {
		_, f.err = f.w.Write(dst)
	}
	return dst[:0]
}

// appendDatapoints appends the compact [value, timestamp] pairs of s,
// separated by ", ", handing them to out every 1,024 points. The text
// after each value comes from endings when it can hold s's timestamps.
func appendDatapoints(dst []byte, s *query.Series, noNulls bool, out *flusher, endings *pointEndings) []byte {
	if endings.prepare(s.Start, s.Step, len(s.Values)) {
		return appendDatapointsEndings(dst, s, noNulls, out, endings)
	}
	var ts tsCounter
	counting := ts.init(s.Start, s.Step, len(s.Values))
	first := true
	ints := s.Ints // nil unless a function made Python ints
	for i, v := range s.Values {
		if i&1023 == 1023 {
			dst = out.flush(dst)
		}
		if noNulls && v != v {
			if counting {
				ts.next()
			}
			continue
		}
		if !first {
			dst = append(dst, ',', ' ')
		}
		first = false
		dst = append(dst, '[')
		dst = appendJSONNumber(dst, v, ints != nil && ints.Int(i))
		dst = append(dst, ',', ' ')
		if counting {
			dst = ts.appendTo(dst)
			ts.next()
		} else {
			dst = strconv.AppendInt(dst, s.Start+int64(i)*s.Step, 10)
		}
		dst = append(dst, ']')
	}
	return dst
}

// appendDatapointsEndings is appendDatapoints with the text after each
// value taken from endings, prepared for s.
func appendDatapointsEndings(dst []byte, s *query.Series, noNulls bool, out *flusher, endings *pointEndings) []byte {
	first := true
	ints := s.Ints
	text, ends := endings.text, endings.ends
	vals := s.Values
	flushed := 0
	for i := 0; i < len(vals); {
		if i-flushed >= 1024 {
			dst = out.flush(dst)
			flushed = i
		}
		v := vals[i]
		if v != v && i+1 < len(vals) && vals[i+1] != vals[i+1] {
			// A run of nulls (any NaN, as appendJSONNumber writes it) is
			// copied whole from the endings' null text.
			j := i + 2
			for j < len(vals) && vals[j] != vals[j] {
				j++
			}
			if !noNulls {
				if !first {
					dst = append(dst, ',', ' ')
				}
				first = false
				dst = append(dst, endings.nullRun(i, j)...)
			}
			i = j
			continue
		}
		if noNulls && v != v {
			i++
			continue
		}
		if !first {
			dst = append(dst, ',', ' ')
		}
		first = false
		if v != v {
			dst = append(dst, '[', 'n', 'u', 'l', 'l') // as appendJSONNumber writes any NaN
		} else {
			dst = append(dst, '[')
			dst = appendJSONNumber(dst, v, ints != nil && ints.Int(i))
		}
		begin := int32(0)
		if i > 0 {
			begin = ends[i-1]
		}
		end := ends[i]
		if n := int(end - begin); n <= 16 {
			// One 16-byte move instead of a call to copy a dozen bytes:
			// text has 16 bytes past every ending's start (see prepare).
			dst = slices.Grow(dst, 16)
			*(*[16]byte)(dst[len(dst) : len(dst)+16]) = *(*[16]byte)(text[begin : begin+16])
			dst = dst[:len(dst)+n]
		} else {
			dst = append(dst, text[begin:end]...)
		}
		i++
	}
	return dst
}

// maxPointEndings is the most timestamps a pointEndings holds.
const maxPointEndings = 1 << 16

// pointEndings holds the text that follows the value of each datapoint
// of a series in compact JSON, ", <timestamp>]", for the timestamps
// start, start+step, ...: point i's is text[ends[i-1]:ends[i]] (from 0
// for the first). Sixteen zero bytes follow the last.
type pointEndings struct {
	start, step int64
	text        []byte
	ends        []int32
	// nulls holds "[null" + ending + ", " for every point, ending where
	// nullEnds says, so that a run of null points is one copy.
	nulls    []byte
	nullEnds []int32
}

// nullRun returns the compact JSON of null points i to j-1 (j > i),
// separated by ", ".
func (e *pointEndings) nullRun(i, j int) []byte {
	from := int32(0)
	if i > 0 {
		from = e.nullEnds[i-1]
	}
	return e.nulls[from : e.nullEnds[j-1]-2]
}

// prepare makes e hold the endings of n timestamps from start at step,
// keeping those it holds when they are the same, and reports whether it
// does; it reports false for a nil e and for more than maxPointEndings
// timestamps.
func (e *pointEndings) prepare(start, step int64, n int) bool {
	if e == nil || n > maxPointEndings {
		return false
	}
	if len(e.ends) > 0 && e.start == start && e.step == step && n <= len(e.ends) {
		return true
	}
	var ts tsCounter
	if !ts.init(start, step, n) {
		return false
	}
	e.start, e.step = start, step
	e.text, e.ends = e.text[:0], e.ends[:0]
	e.nulls, e.nullEnds = e.nulls[:0], e.nullEnds[:0]
	for range n {
		begin := len(e.text)
		e.text = append(e.text, ',', ' ')
		e.text = ts.appendTo(e.text)
		e.text = append(e.text, ']')
		e.ends = append(e.ends, int32(len(e.text)))
		e.nulls = append(e.nulls, "[null"...)
		e.nulls = append(e.nulls, e.text[begin:]...)
		e.nulls = append(e.nulls, ',', ' ')
		e.nullEnds = append(e.nullEnds, int32(len(e.nulls)))
		ts.next()
	}
	// Room for appendDatapointsEndings' 16-byte moves past the last one.
	e.text = append(e.text, make([]byte, 16)...)
	return true
}

// pointEndingsFree holds the endings of finished answers for reuse: a
// short list under a lock rather than a sync.Pool, which the race
// detector empties at random (an answer then allocates its tables anew).
var pointEndingsFree struct {
	sync.Mutex
	list []*pointEndings
}

// maxFreePointEndings is how many endings pointEndingsFree keeps.
const maxFreePointEndings = 16

func getPointEndings() *pointEndings {
	f := &pointEndingsFree
	f.Lock()
	defer f.Unlock()
	if n := len(f.list); n > 0 {
		e := f.list[n-1]
		f.list = f.list[:n-1]
		return e
	}
	return new(pointEndings)
}

func putPointEndings(e *pointEndings) {
	e.text, e.ends = e.text[:0], e.ends[:0]
	e.nulls, e.nullEnds = e.nulls[:0], e.nullEnds[:0]
	f := &pointEndingsFree
	f.Lock()
	defer f.Unlock()
	if f.list == nil {
		f.list = make([]*pointEndings, 0, maxFreePointEndings)
	}
	if len(f.list) < maxFreePointEndings {
		f.list = append(f.list, e)
	}
}

// appendJSONPretty is AppendJSON with opt.Pretty: Python's indent=2 layout.
func appendJSONPretty(dst []byte, series []*query.Series, noNulls bool) []byte {
	w := jsonWriter{b: dst, pretty: true}
	w.open('[')
	n := 0
	for _, s := range series {
		if s == nil || noNulls && !hasValue(s.Values) {
			continue
		}
		w.item(n)
		n++
		w.open('{')
		w.key(0, "target")
		w.b = appendTarget(w.b, s)
		w.key(1, "tags")
		w.tags(s.Tags)
		w.key(2, "datapoints")
		w.open('[')
		k := 0
		for i, v := range s.Values {
			if noNulls && v != v {
				continue
			}
			w.item(k)
			k++
			w.open('[')
			w.item(0)
			w.b = appendJSONNumber(w.b, v, s.Ints.Int(i))
			w.item(1)
			w.b = strconv.AppendInt(w.b, s.Start+int64(i)*s.Step, 10)
			w.close(']', false)
		}
		w.close(']', k == 0)
		w.close('}', false)
	}
	w.close(']', n == 0)
	return w.b
}

// anyValues reports whether some series has at least one value, null or not.
func anyValues(series []*query.Series) bool {
	for _, s := range series {
		if s != nil && len(s.Values) > 0 {
			return true
		}
	}
	return false
}

// hasValue reports whether values holds a non-null value.
func hasValue(values []float64) bool {
	for _, v := range values {
		if v == v {
			return true
		}
	}
	return false
}

// sortedTagKeys returns the keys of tags in order, in buf when they fit so
// that the common one- or two-tag case does not allocate.
func sortedTagKeys(buf *[8]string, tags map[string]string) []string {
	keys := buf[:0]
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// appendTagsCompact appends tags as a compact JSON object, keys sorted.
func appendTagsCompact(dst []byte, tags map[string]string) []byte {
	var buf [8]string
	dst = append(dst, '{')
	for i, k := range sortedTagKeys(&buf, tags) {
		if i > 0 {
			dst = append(dst, ',', ' ')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':', ' ')
		dst = appendJSONString(dst, tags[k])
	}
	return append(dst, '}')
}

// appendJSONNumber appends v as graphite-web's render JSON does: Python's
// repr for finite values (see pyNumber; isInt marks a Python int), null for
// NaN and ±1e9999 for infinities (JSON has neither NaN nor Infinity; 1e9999
// parses as +Inf in JavaScript and Python).
func appendJSONNumber(b []byte, v float64, isInt bool) []byte {
	switch {
	case v != v:
		return append(b, "null"...)
	case v > math.MaxFloat64:
		return append(b, "1e9999"...)
	case v < -math.MaxFloat64:
		return append(b, "-1e9999"...)
	case isInt:
		return pyNumber(b, v, true)
	}
	return pyFloat(b, v)
}

// pyNumber appends v as Python's repr writes it: an int ("3") when isInt
// marks it as one of graphite-web's Python ints (see pyint) and it is
// whole, a float ("3.0") otherwise (see pyFloat). An int beyond int64 is
// written as the whole number the float holds.
func pyNumber(b []byte, v float64, isInt bool) []byte {
	if !isInt || !pyint.Printable(v) {
		return pyFloat(b, v)
	}
	if math.Abs(v) < 1<<63 {
		return strconv.AppendInt(b, int64(v), 10)
	}
	return strconv.AppendFloat(b, v, 'f', 0, 64)
}

// pow10 holds the powers of ten of the short-decimal path of pyFloat.
var pow10 = [...]float64{1, 10, 100, 1000, 10000}

// pyFloat appends v as Python 3's repr(float) writes it, which is what
// graphite-web's JSON, csv and raw formats print: the shortest digits that
// read back as v; positional notation with at least one digit after the
// point ("1.0", "0.0001", "123456789012345.0") when the decimal exponent is
// from -4 to 15; otherwise scientific notation with a signed exponent of at
// least two digits and no ".0" ("1e+16", "1.5e-05", "5e-324"); and "nan",
// "inf" and "-inf".
//
// Values with at most four decimals below 1e11, which most stored metrics
// are, take a path without a shortest-digits search, see shortDecimal.
func pyFloat(b []byte, v float64) []byte {
	switch {
	case v != v:
		return append(b, "nan"...)
	case v > math.MaxFloat64:
		return append(b, "inf"...)
	case v < -math.MaxFloat64:
		return append(b, "-inf"...)
	}
	a := math.Abs(v)
	// int64 conversions instead of math.Trunc and math.Round, which are
	// function calls on plain amd64 (GOAMD64=v1): every value below 1e16
	// converts exactly.
	if a < 1e16 && v == float64(int64(v)) {
		// Every integer below 1e16 is written in full: no shorter string
		// reads back as the same double.
		if v == 0 && math.Signbit(v) {
			return append(b, "-0.0"...)
		}
		return append(strconv.AppendInt(b, int64(v), 10), '.', '0')
	}
	if a < 1e11 {
		if n, k := shortDecimal(a); k > 0 {
			if v < 0 {
				b = append(b, '-')
			}
			return appendDecimal(b, n, k)
		}
	}
	if a >= 1e-4 && a < 1e16 {
		// Non-integral in this range: positional, with a point.
		if v < 0 {
			b = append(b, '-')
		}
		d, e := shortestDigits(a)
		return appendPositional(b, d, e)
	}
	return strconv.AppendFloat(b, v, 'e', -1, 64)
}

// shortDecimal finds the shortest decimal n/10^k with 1 <= k <= 4 that
// reads back as a, for a non-integral 0 < a < 1e11; k is 0 when there is
// none.
//
// If n/10^k reads back as a, then |n*10^(4-k) - a*10^4| <= 10^4*ulp(a)/2,
// and rounding the product m = a*10^4 adds at most ulp(m)/2. Both are
// below m*2^-53, so m lies within m*2^-52 (less than 1/4, as m < 1e15) of
// the integer n*10^(4-k). The only candidate is thus Round(m) with its
// trailing zeros dropped, and one correctly rounded division tells whether
// it reads back as a, as Python's float() would read it. No other decimal
// with at most four places does, so none is shorter.
func shortDecimal(a float64) (n uint64, k int) {
	m := a * 1e4
	// Round(m) for 0 < m < 1e15: m+0.5 is exact there (ulp(m) <= 1/8),
	// and the conversion truncates. int64, not uint64, converts in one
	// instruction on amd64.
	c := int64(m + 0.5)
	if math.Abs(m-float64(c)) > m*0x1p-51 {
		return 0, 0
	}
	u := uint64(c)
	switch {
	case u%1000 == 0:
		u, k = u/1000, 1
	case u%100 == 0:
		u, k = u/100, 2
	case u%10 == 0:
		u, k = u/10, 3
	default:
		k = 4
	}
	// An integral candidate (u ending in 0 with k = 1) fails here, as a is
	// not integral.
	if float64(int64(u))/pow10[k] != a {
		return 0, 0
	}
	return u, k
}

// appendDecimal appends n/10^k in positional notation with exactly k
// decimals (1 <= k <= 4), such as 0.05 for n=5, k=2. The digits are
// written in place, two at a time, which small numbers (most of an
// answer) need faster than a copy or a division a digit.
func appendDecimal(b []byte, n uint64, k int) []byte {
	p := pow10u[k]
	whole, frac := n/p, n%p
	digits := decimalDigits(whole)
	total := digits + 1 + k
	b = slices.Grow(b, total)
	out := b[len(b) : len(b)+total]
	putDigits(out[:digits], whole)
	out[digits] = '.'
	putDigits(out[digits+1:], frac)
	return b[:len(b)+total]
}

// digitPairs holds the two digits of 00 to 99 in order.
const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// pow10u holds 10^0 to 10^19.
var pow10u = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// decimalDigits is the number of decimal digits of x (1 for 0).
func decimalDigits(x uint64) int {
	// bits.Len64(x)*1233>>12 is floor(log10(2^len)), at most one more
	// than the digits below x's.
	d := bits.Len64(x) * 1233 >> 12
	if x >= pow10u[d] {
		d++
	}
	return max(d, 1)
}

// tsCounter writes the timestamps Start, Start+Step, ... of a series in
// decimal. It keeps the digits of the current timestamp and adds the digits
// of Step to them, which is cheaper than formatting every timestamp anew.
type tsCounter struct {
	digits    [20]byte // ASCII digits, right-aligned, '0'-filled on the left
	first     int      // index of the most significant digit in digits
	step      [20]byte // the digits of Step, right-aligned, '0'-filled
	stepFirst int
}

// init sets the counter to start. It reports false, leaving the caller to
// compute timestamps itself, when start or step is negative or n steps
// could leave the range the counter covers.
func (c *tsCounter) init(start, step int64, n int) bool {
	const limit = 1 << 62
	if start < 0 || step < 0 || step > limit/int64(n+1) || start > limit-step*int64(n+1) {
		return false
	}
	c.first = fillDigits(&c.digits, uint64(start))
	c.stepFirst = fillDigits(&c.step, uint64(step))
	return true
}

// fillDigits writes v right-aligned into d, '0'-filled, and returns the
// index of its most significant digit.
func fillDigits(d *[20]byte, v uint64) int {
	for i := range d {
		d[i] = '0'
	}
	i := len(d)
	for {
		i--
		d[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return i
		}
	}
}

// appendTo appends the current timestamp.
func (c *tsCounter) appendTo(b []byte) []byte {
	return append(b, c.digits[c.first:]...)
}

// next advances the counter by Step.
func (c *tsCounter) next() {
	var carry byte
	i := len(c.digits) - 1
	for ; i >= c.stepFirst; i-- {
		d := c.digits[i] + c.step[i] - '0' + carry
		carry = 0
		if d > '9' {
			d -= 10
			carry = 1
		}
		c.digits[i] = d
	}
	for ; carry != 0; i-- {
		if c.digits[i] == '9' {
			c.digits[i] = '0'
		} else {
			c.digits[i]++
			carry = 0
		}
	}
	// Digits left of both the old first digit and the last one written are
	// still '0'; the sum only grows, so its first digit is not further right.
	f := min(c.first, i+1)
	for f < len(c.digits)-1 && c.digits[f] == '0' {
		f++
	}
	c.first = f
}

// AppendCSV appends graphite-web's csv response (renderViewCsv, Python's
// csv module with the excel dialect): one line per datapoint,
// name,YYYY-MM-DD HH:MM:SS,value with CRLF line ends, timestamps in
// opt.Location (UTC when nil), values as Python's repr (nan for a stored
// NaN; Python's str, which writes an int without ".0") and an empty field
// for null. The name is quoted only when it holds a comma, a quote, CR or
// LF, with quotes doubled.
func AppendCSV(dst []byte, series []*query.Series, opt RenderOptions) []byte {
	loc := opt.Location
	if loc == nil {
		loc = time.UTC
	}
	for _, s := range series {
		if s == nil {
			continue
		}
		nameAt := -1
		nameEnd := 0
		for i, v := range s.Values {
			if nameAt < 0 {
				nameAt = len(dst)
				dst = appendCSVField(dst, csvName(s))
				nameEnd = len(dst)
			} else {
				// Copying the field written first is safe even when append
				// grows dst: the source still points into the old array.
				dst = append(dst, dst[nameAt:nameEnd]...)
			}
			dst = append(dst, ',')
			dst = time.Unix(s.Start+int64(i)*s.Step, 0).In(loc).AppendFormat(dst, "2006-01-02 15:04:05")
			dst = append(dst, ',')
			if v == v || query.IsStoredNaN(v) {
				dst = pyNumber(dst, v, s.Ints.Int(i))
			}
			dst = append(dst, '\r', '\n')
		}
	}
	return dst
}

// appendCSVField appends s as Python's csv module writes a field with
// QUOTE_MINIMAL: quoted only when it holds the delimiter, the quote
// character or a line-terminator character, with quotes doubled.
func appendCSVField(dst []byte, s string) []byte {
	needs := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\r' || c == '\n' {
			needs = true
			break
		}
	}
	if !needs {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// AppendRaw appends graphite-web's raw response (renderViewRaw): per series
// the line name,start,end,step|v1,v2,... ending in "\n", with values as
// Python's repr (nan for a stored NaN) and None for null.
func AppendRaw(dst []byte, series []*query.Series) []byte {
	for _, s := range series {
		if s == nil {
			continue
		}
		dst = append(dst, s.Name...)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, s.Start, 10)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, s.End, 10)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, s.Step, 10)
		dst = append(dst, '|')
		for i, v := range s.Values {
			if i > 0 {
				dst = append(dst, ',')
			}
			if query.IsNull(v) {
				dst = append(dst, "None"...)
			} else {
				dst = pyNumber(dst, v, s.Ints.Int(i))
			}
		}
		dst = append(dst, '\n')
	}
	return dst
}

// ValidJSONPCallback reports whether name is safe as a jsonp callback: at
// most 128 bytes of dot-separated JavaScript identifiers made of ASCII
// letters, digits, _ and $, none starting with a digit, such as cb,
// jQuery123_456 or a.b_1. Empty segments ("a..b", ".a", "a.") and every
// other character are rejected. graphite-web writes any callback verbatim;
// this check keeps the response from being a script injection.
func ValidJSONPCallback(name string) bool {
	if name == "" || len(name) > 128 {
		return false
	}
	start := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '.':
			if start {
				return false
			}
			start = true
			continue
		case c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
		case c >= '0' && c <= '9':
			if start {
				return false
			}
		default:
			return false
		}
		start = false
	}
	return !start
}

// jsonWriter writes JSON in the layout of Python's json.dumps: compact with
// ", " and ": " separators, or, pretty, indented by two spaces per level
// with "," and ": " and empty containers written as [] and {}.
type jsonWriter struct {
	b      []byte
	pretty bool
	depth  int
}

// open starts a list or an object.
func (w *jsonWriter) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
}

// close ends the list or object open; empty tells that it had no element.
func (w *jsonWriter) close(c byte, empty bool) {
	w.depth--
	if w.pretty && !empty {
		w.newline()
	}
	w.b = append(w.b, c)
}

// item starts the i-th element of the open list or object.
func (w *jsonWriter) item(i int) {
	if i > 0 {
		w.b = append(w.b, ',')
		if !w.pretty {
			w.b = append(w.b, ' ')
		}
	}
	if w.pretty {
		w.newline()
	}
}

// key starts the i-th member of the open object.
func (w *jsonWriter) key(i int, k string) {
	w.item(i)
	w.b = appendJSONString(w.b, k)
	w.b = append(w.b, ':', ' ')
}

// tags writes tags as an object with its keys sorted.
func (w *jsonWriter) tags(tags map[string]string) {
	var buf [8]string
	keys := sortedTagKeys(&buf, tags)
	w.open('{')
	for i, k := range keys {
		w.key(i, k)
		w.b = appendJSONString(w.b, tags[k])
	}
	w.close('}', len(keys) == 0)
}

// newline starts a line indented for the current depth.
func (w *jsonWriter) newline() {
	w.b = append(w.b, '\n')
	for range w.depth {
		w.b = append(w.b, ' ', ' ')
	}
}

// appendTarget appends a series' JSON target: its name, or null for a
// series graphite-web names None.
func appendTarget(dst []byte, s *query.Series) []byte {
	if s.NoName {
		return append(dst, "null"...)
	}
	return appendJSONString(dst, s.Name)
}

// csvName is a series' name in csv: Python's csv writer writes None as an
// empty field.
func csvName(s *query.Series) string {
	if s.NoName {
		return ""
	}
	return s.Name
}

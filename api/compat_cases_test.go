package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// compatNow is the fixed now of the compatibility cases; the fixture tree
// is fixtures.Demo() and fixtures.NonFinite(compatNow) written at compatNow.
const compatNow int64 = 1_700_000_000

// compatCase is one request sent to graphite-web and to graphite-render.
type compatCase struct {
	path string     // path and query string, without now
	form url.Values // POST form body; nil for GET
	// known, when set, names a deliberate or inherited difference: values
	// are not compared, only that both answer (ours with a non-5xx).
	known string
	// names false skips comparing series names (carbonapi formats the
	// arguments of some functions differently from graphite-web).
	names bool
	// strict compares names, tags and the order of series as well as
	// values (the function suite).
	strict bool
	// random skips comparing values, which are random (randomWalk), but
	// not nulls, names, tags or timestamps.
	random bool
	// noDescriptions skips the description fields of /functions, which
	// are carbonapi's text, not graphite-web's (the README says so).
	noDescriptions bool
}

// compatFunctions are function targets over the Demo tree; every entry
// names at least one distinct function.
var compatFunctions = []string{
	"sumSeries(servers.*.cpu.user)", "averageSeries(servers.*.cpu.user)", "maxSeries(servers.*.cpu.user)",
	"minSeries(servers.*.cpu.user)", "diffSeries(servers.web01.cpu.user,servers.web02.cpu.user)",
	"divideSeries(servers.web01.cpu.user,servers.web02.cpu.user)", "multiplySeries(servers.web01.cpu.user,servers.web02.cpu.user)",
	"asPercent(servers.web01.cpu.user,servers.web01.cpu.idle)", "scale(servers.web01.cpu.user,2)", "offset(servers.web01.cpu.user,10)",
	"absolute(offset(servers.web01.cpu.user,-50))", "derivative(servers.web01.requests.count)", "nonNegativeDerivative(servers.web01.requests.count)",
	"perSecond(servers.web01.requests.count)", "integral(servers.web01.requests.count)", "movingAverage(servers.web01.cpu.user,5)",
	"movingSum(servers.web01.cpu.user,5)", "movingMin(servers.web01.cpu.user,5)", "movingMax(servers.web01.cpu.user,5)",
	"movingMedian(servers.web01.cpu.user,5)", "summarize(servers.web01.requests.count,'10min','sum')",
	"summarize(servers.web01.cpu.user,'15min','max',true)", "hitcount(servers.web01.requests.count,'10min')",
	"timeShift(servers.web01.cpu.user,'1h')", "alias(servers.web01.cpu.user,'cpu')", "aliasByNode(servers.*.cpu.user,1)",
	"aliasByMetric(servers.*.cpu.user)", "aliasSub(servers.web01.cpu.user,'^servers','srv')", "consolidateBy(servers.web01.cpu.user,'max')",
	"transformNull(servers.web02.cpu.user,0)", "keepLastValue(servers.web02.cpu.user)", "isNonNull(servers.web02.cpu.user)",
	"removeAboveValue(servers.web01.cpu.user,20)", "removeBelowValue(servers.web01.cpu.user,20)", "highestCurrent(servers.*.cpu.user,2)",
	"highestMax(servers.*.cpu.user,1)", "highestAverage(servers.*.cpu.user,2)", "lowestCurrent(servers.*.cpu.user,1)",
	"currentAbove(servers.*.cpu.user,5)", "currentBelow(servers.*.cpu.user,50)", "averageAbove(servers.*.cpu.user,5)",
	"maximumAbove(servers.*.cpu.user,5)", "sortByName(servers.*.cpu.*)", "sortByMaxima(servers.*.cpu.user)", "limit(servers.*.cpu.*,3)",
	"exclude(servers.*.cpu.*,'idle')", "grep(servers.*.cpu.*,'user')", "groupByNode(servers.*.cpu.*,1,'sumSeries')",
	"sumSeriesWithWildcards(servers.*.cpu.user,1)", "averageSeriesWithWildcards(servers.*.cpu.user,1)", "nPercentile(servers.web01.cpu.user,90)",
	"percentileOfSeries(servers.*.cpu.user,50)", "stdev(servers.web01.cpu.user,5)", "delay(servers.web01.cpu.user,3)",
	"pow(servers.web01.cpu.user,2)", "squareRoot(servers.web01.cpu.user)", "invert(servers.web01.cpu.user)", "constantLine(100)",
	"threshold(42)", "cumulative(servers.web01.requests.count)", "changed(servers.web01.disk.used)", "countSeries(servers.*.cpu.user)",
	"rangeOfSeries(servers.*.cpu.user)", "mostDeviant(servers.*.cpu.user,2)", "substr(servers.web01.cpu.user,1,3)",
	"xFilesFactor(servers.web02.cpu.user,0.9)", "sortBy(servers.*.cpu.user,'max')", "stddevSeries(servers.*.cpu.user)",
	"logarithm(servers.web01.cpu.user)", "sum(servers.*.cpu.user)", "avg(servers.*.cpu.user)", "removeEmptySeries(servers.*.cpu.user)",
	"lowestAverage(servers.*.cpu.user,1)", "minimumAbove(servers.*.cpu.user,5)", "averageBelow(servers.*.cpu.user,50)",
	"offsetToZero(servers.web01.cpu.user)", "scaleToSeconds(servers.web01.requests.count,1)", "group(servers.web01.cpu.user,servers.db01.cpu.user)",
	"applyByNode(servers.*.cpu.user,1,'sumSeries(%.cpu.*)')", "aggregate(servers.*.cpu.user,'sum')", "identity('x')",
	"movingAverage(servers.*.cpu.user,'5min')", "movingAverage(servers.web02.cpu.user,10,0.5)",
	"movingSum(servers.web02.requests.count,'2min',0.5)", "movingMin(servers.web02.cpu.idle,'90s',1)",
	"movingMax(servers.web02.disk.used,'1min',0.5)", "movingMedian(servers.web02.cpu.system,'5min',0.5)",
	"movingWindow(servers.*.cpu.user,5)", "movingWindow(servers.web02.cpu.user,'5min','median',0.5)",
	"movingWindow(servers.web02.cpu.user,5,'stddev')", "movingWindow(servers.web02.cpu.user,windowSize='1min',func='rangeOf',xFilesFactor=0.5)",
	"exponentialMovingAverage(servers.*.cpu.user,3)", "exponentialMovingAverage(servers.web02.cpu.user,'1min')",
	"color(servers.web01.cpu.user,'red')", "color(servers.*.cpu.*,'6464ffaa')", "alpha(servers.web01.cpu.user,0.5)",
	"lineWidth(servers.*.cpu.user,0.5)", "dashed(servers.web01.cpu.user,2.5)", "secondYAxis(servers.*.cpu.user)",
	"drawAsInfinite(servers.*.cpu.system)", "stacked(servers.*.cpu.user)", "stacked(servers.*.cpu.user,'tx')",
	"areaBetween(servers.web0*.cpu.user)", "threshold(42,'warn','red')", "constantLine(1.5)", "constantLine(-0.00001)",
	"verticalLine('1699998000','ev','blue')", "identity('the.time')", "aggregateLine(servers.*.cpu.user)",
	"aggregateLine(servers.web01.cpu.user,'max',true)", "holtWintersConfidenceArea(servers.web01.cpu.user)",
	"color(stacked(servers.*.cpu.user),'blue')",
	"summarize(servers.web02.cpu.user,'7min','avg')", "summarize(servers.*.cpu.user,intervalString='20min',func='median',alignToFrom=false)",
	"hitcount(servers.*.requests.count,'7min',true)", "smartSummarize(servers.web01.cpu.user,'10min')",
	"smartSummarize(servers.*.cpu.user,'1h','avg','hours')", "perSecond(servers.*.requests.count,maxValue=100000,minValue=0)",
	"scaleToSeconds(servers.*.cpu.user,seconds=7.5)", "nPercentile(servers.*.cpu.user,99.5)", "percentileOfSeries(servers.*.cpu.*,95,true)",
	"removeAbovePercentile(servers.web01.cpu.user,80)", "removeAbovePercentile(servers.*.cpu.user,n=50)",
	"removeBelowPercentile(servers.web01.cpu.user,20)", "removeBelowPercentile(servers.*.cpu.idle,75.5)",
	"sumSeries(servers.web01.cpu.user,servers.web01.requests.count)", "sum(servers.*.cpu.user,servers.*.requests.count)",
	"averageSeries(servers.*.cpu.user,servers.web01.requests.count)", "avg(servers.web0*.cpu.*)",
	"minSeries(servers.*.cpu.idle,servers.*.requests.count)", "maxSeries(servers.*.cpu.system,servers.web02.requests.count)",
	"diffSeries(servers.web01.requests.count,servers.web02.cpu.user)", "diffSeries(servers.*.cpu.idle)",
	"multiplySeries(servers.web01.cpu.user,servers.web02.requests.count)", "multiplySeries(servers.web01.cpu.user)",
	"stddevSeries(servers.*.cpu.user,servers.*.requests.count)", "rangeOfSeries(servers.*.cpu.system,servers.web01.requests.count)",
	"countSeries(servers.*.cpu.*)", "countSeries(servers.web01.cpu.user,servers.*.requests.count)",
	"aggregate(servers.*.cpu.user,'avg',0.7)", "aggregate(servers.*.cpu.*,'median',xFilesFactor=0.5)",
	"aggregate(servers.web0*.cpu.user,'count',1)", "aggregate(servers.*.requests.count,'last')",
	"aggregate(servers.*.cpu.user,'avg_zero')", "aggregate(servers.*.cpu.user,'maxSeries')", "aggregate(servers.web01.cpu.user,'rangeOf')",
	"aggregateSeriesLists(servers.*.cpu.user,servers.*.cpu.system,'max')",
	"aggregateSeriesLists(servers.*.cpu.user,servers.*.requests.count,'average',0.5)",
	"sumSeriesLists(servers.*.cpu.user,servers.*.cpu.system)", "sumSeriesLists(servers.*.cpu.user,servers.*.requests.count)",
	"diffSeriesLists(servers.*.cpu.idle,servers.*.requests.count)", "diffSeriesLists(servers.*.cpu.idle,servers.*.cpu.user)",
	"multiplySeriesLists(servers.*.cpu.user,servers.*.requests.count)", "multiplySeriesLists(servers.*.cpu.user,servers.*.cpu.system)",
	"divideSeries(servers.*.cpu.user,servers.web01.requests.count)", "divideSeries(servers.*.cpu.user,servers.none.cpu)",
	"divideSeriesLists(servers.*.cpu.user,servers.*.cpu.idle)", "divideSeriesLists(servers.*.requests.count,servers.*.cpu.user)",
	"asPercent(servers.web01.cpu.*)", "asPercent(servers.*.cpu.user,servers.web01.requests.count)",
	"asPercent(servers.*.cpu.user,servers.*.requests.count)", "asPercent(servers.web01.cpu.user,1500)",
	"asPercent(servers.web01.{cpu.user,requests.count},100.0)", "asPercent(servers.*.cpu.*,None,1)",
	"asPercent(servers.*.cpu.user,servers.*.requests.count,1)", "asPercent(servers.{web01,web02}.cpu.user,servers.{web01,db01}.cpu.idle,1)",
	"sumSeries(setXFilesFactor(servers.web02.cpu.user,0.9),servers.web01.requests.count)",
	"sumSeries(xFilesFactor(servers.web02.cpu.*,1),servers.db01.requests.count)",
	"groupByNode(servers.*.cpu.*,3)", "groupByNode(servers.*.{cpu.user,requests.count},1,'countSeries')",
	"groupByNodes(servers.*.cpu.*,'max',1,3)", "averageSeriesWithWildcards(servers.*.{cpu.user,requests.count},1)",
	"multiplySeriesWithWildcards(servers.web01.cpu.*,3)", "aggregateWithWildcards(servers.*.cpu.*,'stddev',1,3)",
	"asPercent(servers.*.cpu.user,sumSeries(servers.*.cpu.user))",
}

// knownFunctionDifferences are functions whose results differ from
// graphite-web 1.1.8 because graphite-render evaluates them with carbonapi
// 0.16.1; the README lists them.
var knownFunctionDifferences = map[string]string{
	"logarithm": "logarithm exists in carbonapi, not in graphite-web 1.1.8",
}

// compatCases lists the requests of the differential suite.
func compatCases() []compatCase {
	var cs []compatCase
	add := func(c compatCase) { cs = append(cs, c) }
	q := url.QueryEscape
	for _, f := range compatFunctions {
		name, _, _ := strings.Cut(f, "(")
		add(compatCase{path: "/render?format=json&from=-1h&target=" + q(f), known: knownFunctionDifferences[name]})
	}
	plain := "servers.web01.cpu.user"
	for _, p := range []string{
		"from=-1h", "from=-10minutes", "from=-5minute", "from=-1d2h&until=-1d", "from=-2h&until=-1h", "from=1699990000&until=1699999000",
		"from=1699996399&until=1700000001", "from=21:00_20231114&until=22:00_20231114", "from=20231114&until=21:00_20231114",
		"from=11/14/23&until=20231114", "from=midnight&until=noon", "from=noon&until=teatime", "from=yesterday&until=today",
		"from=nov14&until=nov14%2B6h", "from=tuesday&until=-20h", "from=6am&until=9am", "from=8pm_yesterday&until=-1d",
		"from=11/13/2023&until=11/14/2023", "from=-1w&until=-6d", "from=now-2h&until=now-1h",
		"from=-6h&tz=Europe/Berlin", "from=-3h&until=-1h&format=csv&tz=America/New_York", "from=-30min&format=raw", "from=-30min&format=csv",
		"from=-10min&pretty=1", "from=-10min&format=json&jsonp=cb", "from=-1h&maxDataPoints=1", "from=-1h&maxDataPoints=7",
		"from=-6h&maxDataPoints=100", "from=-2d&maxDataPoints=500", "from=-1d&maxDataPoints=333&xFilesFactor=0.5",
		"from=-6h&maxDataPoints=50&xFilesFactor=1", "from=-1h&noNullPoints", "from=-2d&until=-1d",
	} {
		if !strings.Contains(p, "format=") {
			p = "format=json&" + p
		}
		add(compatCase{path: "/render?target=" + plain + "&" + p, names: true})
	}
	for _, t := range []string{"servers.*.cpu.*", "servers.web0?.memory.*", "servers.{web01,db01}.disk.used", "servers.[wd]*.latency.p99",
		"collectd.test-java01.cpu-0.*", "servers.web02.cpu.user", "no.such.metric"} {
		add(compatCase{path: "/render?format=json&from=-6h&target=" + q(t), names: true})
		add(compatCase{path: "/render?format=raw&from=-3h&until=-2h&target=" + q(t), names: true})
	}
	add(compatCase{path: "/render?format=json&from=-1h&target=servers.web01.cpu.user&target=servers.db01.cpu.user", names: true})
	add(compatCase{path: "/render?format=json&from=-1h&target[]=servers.web01.cpu.user", names: true})
	add(compatCase{path: "/render", form: url.Values{"target": {"servers.web01.cpu.user", "sumSeries(servers.*.requests.count)"},
		"from": {"1699996399"}, "until": {"1700000001"}, "format": {"json"}, "maxDataPoints": {"300"}}})
	add(compatCase{path: "/render?from=-1h&target=servers.web02.cpu.user&format=json&noNullPoints", names: true})
	add(compatCase{path: "/render?from=-1h&target=servers.web02.cpu.user&format=json&drawNullAsZero=true", names: true,
		known: "drawNullAsZero applies to every format here; graphite-web applies it to images only"})
	add(compatCase{path: "/render?from=-1h&target=" + plain + "&tz=Nope/Zone&format=json", known: "an unknown tz is a 400 here; graphite-web ignores it"})
	// Requests without a format draw a PNG in both: TestGraphReferences
	// and TestCompatLiveGraphs compare images.
	for _, bad := range []string{"from=-1m", "from=garbage", "from=now&until=now"} {
		add(compatCase{path: "/render?format=json&target=" + plain + "&" + bad})
	}
	// A NaN stored in a file is a value: nan in csv and raw, null in JSON,
	// and Python's arithmetic in consolidation and functions.
	for _, p := range []string{"format=csv", "format=raw", "format=json", "format=json&noNullPoints=1", "format=json&pretty=1",
		"format=json&maxDataPoints=10"} {
		add(compatCase{path: "/render?target=nonfinite.test&from=1699999950&" + p, names: true})
	}
	for _, f := range []string{"nonfinite.mixed", "alias(nonfinite.mixed,'x')", "scale(nonfinite.mixed,-2)", "offset(nonfinite.mixed,1)",
		"absolute(nonfinite.mixed)", "sumSeries(nonfinite.mixed,scale(nonfinite.mixed,2))", "maxSeries(nonfinite.mixed,offset(nonfinite.mixed,1))",
		"keepLastValue(nonfinite.mixed)", "transformNull(nonfinite.mixed,0)", "derivative(nonfinite.mixed)", "integral(nonfinite.mixed)",
		"isNonNull(nonfinite.mixed)", "movingAverage(nonfinite.mixed,3)", "summarize(nonfinite.mixed,'1min','max')",
		"removeBelowValue(nonfinite.mixed,20)", "divideSeries(nonfinite.mixed,nonfinite.mixed)"} {
		add(compatCase{path: "/render?format=raw&from=-30min&target=" + q(f), names: true})
	}
	for _, cf := range []string{"average", "sum", "max", "min", "last", "first", "avg_zero"} {
		add(compatCase{path: "/render?format=json&from=-30min&maxDataPoints=20&target=" + q("consolidateBy(nonfinite.mixed,'"+cf+"')"), names: true})
	}
	add(compatCase{path: "/render?format=json&target=" + plain + "&target=sumSeries(" + plain,
		known: "an unbalanced target is a 400 here; graphite-web evaluates what it can parse"})
	for _, f := range []string{
		"query=*", "query=servers.*", "query=servers.*&wildcards=1", "query=servers.web01.*", "query=servers.*.cpu.*",
		"query=servers.web0?", "query=servers.{web01,db01}.disk.*", "query=servers.[!w]*", "query=collectd.*.cpu-0.*&wildcards=1",
		"query=servers.*&format=completer", "query=servers.web01.&format=completer", "query=servers.*&format=completer&wildcards=1",
		"query=servers.*.cpu.*&format=nodelist", "query=servers.*.cpu.*&format=nodelist&position=1", "query=servers.*.*&leavesOnly=1",
		"query=no.such.*", "query=servers.web01.cpu.user", "query=servers.*&jsonp=cb", "query=", "query=servers.*&format=xml",
	} {
		add(compatCase{path: "/metrics/find?" + f})
	}
	add(compatCase{path: "/metrics/find?from=1699996399&until=1700000001", form: url.Values{"query": {"servers.web01.*"}}})
	add(compatCase{path: "/metrics/find?query=servers.*&format=json", known: "find intervals start at now - retention with graphite-web's wall clock, not the request's now"})
	for _, e := range []string{"query=servers.*", "query=servers.*.cpu.*&leavesOnly=1", "query=servers.web0*&query=servers.db01",
		"query=servers.web0*&groupByExpr=1", "query=servers.*.cpu.user&groupByExpr=1&leavesOnly=1"} {
		add(compatCase{path: "/metrics/expand?" + e})
	}
	add(compatCase{path: "/metrics/index.json"})
	for _, p := range []string{"/functions", "/functions?grouped=true", "/functions?grouped=maybe", "/functions?pretty=1",
		"/functions?group=Combine", "/functions?group=", "/functions?grouped=1&group=Graph", "/functions?type=pie",
		"/functions?jsonp=cb", "/functions/interpolate", "/functions/movingAverage?pretty=1",
		"/functions/averageOutsidePercentile", "/functions/log"} {
		add(compatCase{path: p, noDescriptions: true})
	}
	for _, p := range []string{"/functions/sumSeries", "/functions/unknown", "/functions/unknown?pretty=1", "/functions/pearson",
		"/functions/max", "/functions/a/b", "/functions/%C3%A9"} {
		add(compatCase{path: p})
	}
	return cs
}

// request returns the case's path with now, as sent to both servers.
func (c compatCase) request() string {
	sep := "?"
	if strings.Contains(c.path, "?") {
		sep = "&"
	}
	return c.path + sep + "now=" + strconv.FormatInt(compatNow, 10)
}

// compatAnswer is what a server answered.
type compatAnswer struct {
	Status      int    `json:"status"`
	ContentType string `json:"contentType"`
	Body        string `json:"body"`
}

// compareAnswers returns "" when ours matches theirs, else the difference.
func compareAnswers(c compatCase, theirs, ours compatAnswer) string {
	if ours.Status >= 500 {
		return fmt.Sprintf("ours is a %d: %.200s", ours.Status, ours.Body)
	}
	if c.known != "" {
		return ""
	}
	tc, oc := theirs.Status/100, ours.Status/100
	if tc == 5 {
		// graphite-web crashes; we refuse the input or answer it (the
		// README lists these as deliberate differences).
		return ""
	}
	if tc != oc {
		return fmt.Sprintf("status %d vs ours %d: %.200s | %.200s", theirs.Status, ours.Status, theirs.Body, ours.Body)
	}
	if tc != 2 {
		return ""
	}
	switch {
	case strings.Contains(c.path, "format=raw"):
		return compareRaw(theirs.Body, ours.Body, c.names)
	case strings.Contains(c.path, "format=csv"):
		return compareCSV(theirs.Body, ours.Body)
	case strings.HasPrefix(c.path, "/render"):
		return compareRenderJSON(stripJSONP(theirs.Body), stripJSONP(ours.Body), c.names || c.strict, c.strict, !c.random)
	}
	return compareJSON(stripJSONP(theirs.Body), stripJSONP(ours.Body), c.noDescriptions)
}

func stripJSONP(s string) string {
	if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") && !strings.HasPrefix(s, "[") && !strings.HasPrefix(s, "{") {
		return s[i+1 : len(s)-1]
	}
	return s
}

// closeEnough compares values within 1e-9 relative; nulls and NaNs must
// match.
func closeEnough(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if *a == *b || *a != *a && *b != *b {
		return true
	}
	return math.Abs(*a-*b) <= 1e-9*math.Max(math.Abs(*a), math.Abs(*b))
}

func compareRenderJSON(theirs, ours string, names, tags, values bool) string {
	type series struct {
		Target     string            `json:"target"`
		Tags       map[string]string `json:"tags"`
		Datapoints [][2]*float64     `json:"datapoints"`
	}
	var t, o []series
	// Infinities are written 1e9999, which Go does not decode; both sides
	// read them as the largest float instead.
	inf := strings.NewReplacer("1e9999", "1.7976931348623157e308")
	theirs, ours = inf.Replace(theirs), inf.Replace(ours)
	if err := json.Unmarshal([]byte(theirs), &t); err != nil {
		return "theirs is not JSON: " + err.Error()
	}
	if err := json.Unmarshal([]byte(ours), &o); err != nil {
		return "ours is not JSON: " + err.Error()
	}
	if len(t) != len(o) {
		return fmt.Sprintf("%d series vs ours %d", len(t), len(o))
	}
	var tk, ok [][]bool
	if values {
		tk, ok = intTexts(theirs), intTexts(ours)
	}
	for i := range t {
		if names && t[i].Target != o[i].Target {
			return fmt.Sprintf("series %d: target %q vs ours %q", i, t[i].Target, o[i].Target)
		}
		if tags && fmt.Sprint(t[i].Tags) != fmt.Sprint(o[i].Tags) {
			return fmt.Sprintf("%s: tags %v vs ours %v", t[i].Target, t[i].Tags, o[i].Tags)
		}
		if len(t[i].Datapoints) != len(o[i].Datapoints) {
			return fmt.Sprintf("%s: %d points vs ours %d", t[i].Target, len(t[i].Datapoints), len(o[i].Datapoints))
		}
		for k := range t[i].Datapoints {
			tp, op := t[i].Datapoints[k], o[i].Datapoints[k]
			if !closeEnough(tp[1], op[1]) || values && !closeEnough(tp[0], op[0]) || (tp[0] == nil) != (op[0] == nil) {
				return fmt.Sprintf("%s: point %d %s vs ours %s", t[i].Target, k, fmtPoint(tp), fmtPoint(op))
			}
			if values && i < len(tk) && i < len(ok) && k < len(tk[i]) && k < len(ok[i]) && tk[i][k] != ok[i][k] {
				return fmt.Sprintf("%s: point %d is a Python %s vs ours %s (%s)", t[i].Target, k, pyKind(tk[i][k]), pyKind(ok[i][k]), fmtPoint(tp))
			}
		}
	}
	return ""
}

// intTexts reports, for each value of each series of a render JSON body,
// whether it is written as an int ("3": a Python int in graphite-web)
// rather than as a float ("3.0", "1e+16") or null; nil when the body does
// not parse.
func intTexts(body string) [][]bool {
	var ss []struct {
		Datapoints [][2]json.RawMessage `json:"datapoints"`
	}
	if json.Unmarshal([]byte(body), &ss) != nil {
		return nil
	}
	out := make([][]bool, len(ss))
	for i, s := range ss {
		out[i] = make([]bool, len(s.Datapoints))
		for k, p := range s.Datapoints {
			out[i][k] = len(p[0]) > 0 && !bytes.ContainsAny(p[0], ".eEnul")
		}
	}
	return out
}

func pyKind(isInt bool) string {
	if isInt {
		return "int"
	}
	return "float"
}

func fmtPoint(p [2]*float64) string {
	f := func(v *float64) string {
		if v == nil {
			return "null"
		}
		return strconv.FormatFloat(*v, 'g', -1, 64)
	}
	return "[" + f(p[0]) + ", " + f(p[1]) + "]"
}

func parseNum(s string) *float64 {
	if s == "" || s == "None" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil
	}
	return &v
}

func compareRaw(theirs, ours string, names bool) string {
	tl, ol := strings.Split(strings.TrimSpace(theirs), "\n"), strings.Split(strings.TrimSpace(ours), "\n")
	if len(tl) != len(ol) {
		return fmt.Sprintf("%d lines vs ours %d", len(tl), len(ol))
	}
	for i := range tl {
		th, tv, _ := strings.Cut(tl[i], "|")
		oh, ov, _ := strings.Cut(ol[i], "|")
		if names && th != oh || !names && th[strings.LastIndexByte(th[:strings.LastIndexByte(th, ',')], ','):] != oh[strings.LastIndexByte(oh[:strings.LastIndexByte(oh, ',')], ','):] {
			return fmt.Sprintf("header %q vs ours %q", th, oh)
		}
		a, b := strings.Split(tv, ","), strings.Split(ov, ",")
		if len(a) != len(b) {
			return fmt.Sprintf("%d values vs ours %d", len(a), len(b))
		}
		for k := range a {
			if !closeEnough(parseNum(a[k]), parseNum(b[k])) {
				return fmt.Sprintf("line %d value %d: %s vs ours %s", i, k, a[k], b[k])
			}
		}
	}
	return ""
}

func compareCSV(theirs, ours string) string {
	tl, ol := strings.Split(strings.TrimSpace(theirs), "\n"), strings.Split(strings.TrimSpace(ours), "\n")
	if len(tl) != len(ol) {
		return fmt.Sprintf("%d lines vs ours %d", len(tl), len(ol))
	}
	for i := range tl {
		t, o := strings.TrimRight(tl[i], "\r"), strings.TrimRight(ol[i], "\r")
		ti, oi := strings.LastIndexByte(t, ','), strings.LastIndexByte(o, ',')
		if t[:ti] != o[:oi] || !closeEnough(parseNum(t[ti+1:]), parseNum(o[oi+1:])) {
			return fmt.Sprintf("line %d: %q vs ours %q", i, t, o)
		}
	}
	return ""
}

func compareJSON(theirs, ours string, strip bool) string {
	var t, o any
	// graphite-web's /functions writes Python's infinity as Infinity
	// (compact) or 1e9999 (pretty), neither of which Go decodes.
	inf := strings.NewReplacer(": Infinity", `: "inf"`, ": 1e9999", `: "inf"`)
	theirs, ours = inf.Replace(theirs), inf.Replace(ours)
	if err := json.Unmarshal([]byte(theirs), &t); err != nil {
		return "theirs is not JSON: " + err.Error()
	}
	if err := json.Unmarshal([]byte(ours), &o); err != nil {
		return "ours is not JSON: " + err.Error()
	}
	if strip {
		dropDescriptions(t)
		dropDescriptions(o)
	}
	tb, _ := json.Marshal(t)
	ob, _ := json.Marshal(o)
	if string(tb) != string(ob) {
		return fmt.Sprintf("%.300s vs ours %.300s", tb, ob)
	}
	return ""
}

// dropDescriptions removes every "description" field of a decoded JSON
// value, at any depth.
func dropDescriptions(v any) {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "description")
		for _, y := range x {
			dropDescriptions(y)
		}
	case []any:
		for _, y := range x {
			dropDescriptions(y)
		}
	}
}

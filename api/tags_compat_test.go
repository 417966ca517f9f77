package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/graphite-render/graphite-render/fixtures"
	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/query/tagdb"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// tagCase is one request of the tag suite, sent in order to graphite-web
// and to graphite-render: the writes among them change what later ones
// see, on both sides alike.
type tagCase struct {
	method string // GET when empty
	path   string // path and query string; /render and /metrics get &now=compatNow
	form   url.Values
	// multipart sends form as multipart/form-data, as carbon does.
	multipart bool
	// crash names a case where graphite-web answers 500 for bad input and
	// graphite-render a 4xx: only that is checked.
	crash string
	// known names a deliberate difference: only that both answer is
	// checked (ours without a 5xx).
	known string
}

// request is the case's method, path and body as one line.
func (c tagCase) request() string {
	m := c.method
	if m == "" {
		m = http.MethodGet
		if c.form != nil {
			m = http.MethodPost
		}
	}
	p := c.path
	if strings.HasPrefix(p, "/render") || strings.HasPrefix(p, "/metrics") {
		p += "&now=" + fmt.Sprint(compatNow)
	}
	s := m + " " + p
	if c.form != nil {
		kind := "form"
		if c.multipart {
			kind = "multipart"
		}
		s += " " + kind + " " + c.form.Encode()
	}
	return s
}

// httpRequest builds the case's request against base ("" in-process).
func (c tagCase) httpRequest(base string) *http.Request {
	method, rest, _ := strings.Cut(c.request(), " ")
	target, _, _ := strings.Cut(rest, " ")
	var body io.Reader
	ct := ""
	if c.form != nil {
		if c.multipart {
			var b bytes.Buffer
			w := multipart.NewWriter(&b)
			for _, k := range sortedKeys(c.form) {
				for _, v := range c.form[k] {
					_ = w.WriteField(k, v)
				}
			}
			_ = w.Close()
			body, ct = &b, w.FormDataContentType()
		} else {
			body, ct = strings.NewReader(c.form.Encode()), "application/x-www-form-urlencoded"
		}
	}
	var r *http.Request
	if base == "" {
		r = httptest.NewRequest(method, target, body)
	} else {
		r, _ = http.NewRequest(method, base+target, body)
	}
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	return r
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

// q escapes a query-string value.
func qv(s string) string { return url.QueryEscape(s) }

// tagCases are the requests of the tag suite, in the order they are sent.
func tagCases() []tagCase {
	var cs []tagCase
	get := func(path string) { cs = append(cs, tagCase{path: path}) }
	crash := func(path, why string) { cs = append(cs, tagCase{path: path, crash: why}) }
	render := func(target, extra string) { get("/render?format=json&from=-10min&target=" + qv(target) + extra) }
	post := func(path string, form url.Values) { cs = append(cs, tagCase{path: path, form: form}) }
	method := func(m, path string) { cs = append(cs, tagCase{method: m, path: path}) }

	// /tags and /tags/<tag>
	get("/tags")
	get("/tags?filter=da")
	get("/tags?filter=^s&limit=1")
	get("/tags?filter=a")
	get("/tags?filter=e|s")
	get("/tags?limit=0")
	get("/tags?limit=-1")
	get("/tags?limit=3")
	get("/tags?limit=x")
	get("/tags?pretty=1")
	crash("/tags?filter=(", "a filter that does not compile")
	method(http.MethodPost, "/tags")
	get("/tags/server")
	get("/tags/server?filter=web0[12]")
	get("/tags/server?filter=" + qv("^web0[3-9]"))
	get("/tags/datacenter?limit=2")
	get("/tags/name?pretty=1")
	get("/tags/city")
	get("/tags/iface")
	get("/tags/nosuchtag")
	get("/tags/nosuchtag?pretty=1")
	method(http.MethodPost, "/tags/server")

	// findSeries: every operator, anchoring, empty-matching expressions
	find := func(exprs ...string) {
		p := "/tags/findSeries?"
		for i, e := range exprs {
			if i > 0 {
				p += "&"
			}
			p += "expr=" + qv(e)
		}
		get(p)
	}
	find("name=disk.used")
	find("name=disk.used", "datacenter=dc1")
	find("datacenter=dc1")
	find("name=~disk")
	find("name=~isk")
	find("name=~^d.*used$")
	find("datacenter=~dc1")
	find("datacenter=~dc1$")
	find("datacenter=~^dc2|web")
	find("name=disk.used", "datacenter!=dc1")
	find("name=cpu.load", "rack!=a1")
	find("name=disk.used", "server!=~web0[12]")
	find("name=disk.used", "rack=")
	find("rack!=")
	find("name=disk.used", "rack=~(a1)?$")
	find("name!=~.*")
	find("iface=eth0.100")
	find("iface=~eth0\\.1")
	find("city=zürich")
	find("server=web09")
	find("server=ghost")
	find("datacenter=")
	find("datacenter!=dc1", "rack!=~x")
	find("nonsense")
	find("")
	get("/tags/findSeries")
	get("/tags/findSeries?expr[]=name=cpu.load&expr[]=datacenter=dc2")
	get("/tags/findSeries?expr=name=cpu.load&pretty=1")
	crash("/tags/findSeries?expr="+qv("name=~("), "a regular expression that does not compile")
	post("/tags/findSeries", url.Values{"expr": {"name=disk.used", "server=~web0[34]"}})
	method(http.MethodPut, "/tags/findSeries?expr=name=disk.used")

	// autoComplete, as Grafana calls them
	get("/tags/autoComplete/tags")
	get("/tags/autoComplete/tags?tagPrefix=s")
	get("/tags/autoComplete/tags?expr=name=disk.used")
	get("/tags/autoComplete/tags?expr=name=disk.used&expr=datacenter=dc1")
	get("/tags/autoComplete/tags?expr=name=disk.used&tagPrefix=r&limit=5000&from=-6h&until=now")
	get("/tags/autoComplete/tags?expr=datacenter=")
	get("/tags/autoComplete/tags?limit=2")
	get("/tags/autoComplete/tags?limit=0")
	get("/tags/autoComplete/tags?limit=-2")
	get("/tags/autoComplete/tags?expr=name=disk.used&limit=-1")
	get("/tags/autoComplete/tags?limit=x")
	get("/tags/autoComplete/tags?limit=")
	get("/tags/autoComplete/tags?expr=bogus")
	post("/tags/autoComplete/tags", url.Values{"expr": {"name=cpu.load"}, "limit": {"10000"}})
	get("/tags/autoComplete/values?tag=server")
	get("/tags/autoComplete/values?tag=server&expr=datacenter=dc1")
	get("/tags/autoComplete/values?tag=server&valuePrefix=web0")
	get("/tags/autoComplete/values?tag=datacenter&expr=name=disk.used&limit=2")
	get("/tags/autoComplete/values?tag=name&limit=10000")
	get("/tags/autoComplete/values?tag=rack&expr=name=disk.used")
	get("/tags/autoComplete/values?tag=nosuchtag")
	get("/tags/autoComplete/values?tag=server&limit=0")
	get("/tags/autoComplete/values?tag=server&expr=name=disk.used&limit=-1")
	get("/tags/autoComplete/values")
	get("/tags/autoComplete/values?tag=server&expr=datacenter=")
	get("/tags/autoComplete/values?tag=city&pretty=1")
	post("/tags/autoComplete/values", url.Values{"tag": {"iface"}, "expr": {"name=net.rx"}})

	// render
	render("seriesByTag('name=disk.used')", "")
	render("seriesByTag('name=disk.used','datacenter=dc1')", "")
	render("seriesByTag('name=~cpu','datacenter=~dc1')", "")
	render("seriesByTag('name=disk.used','rack=')", "")
	render(`seriesByTag("name=net.rx","iface=eth0.100")`, "")
	render(`sumSeries(seriesByTag("name=disk.used", "datacenter=dc1"))`, "")
	render("sumSeries(seriesByTag( 'name=disk.used' , 'server=web01' ))", "")
	render("averageSeries(seriesByTag('name=cpu.load'))", "")
	render("sumSeries(seriesByTag('name=cpu.load'),seriesByTag('name=disk.used','datacenter=dc1'))", "")
	render("countSeries(seriesByTag('server=~web0'))", "")
	render("disk.used;datacenter=dc2;server=web03", "")
	render("disk.used;datacenter=dc1;rack=a1;server=web01", "")
	render("disk.used;server=web03;datacenter=dc2", "")
	cs = append(cs, tagCase{path: "/render?format=json&from=-10min&target=" + qv("weather.temp;city=zürich"),
		known: "graphite-web's grammar ends a path at its first character outside ASCII and looks up weather.temp;city=z"})
	render("seriesByTag('city=zürich')", "")
	render("seriesByTag('server=web09')", "")
	render("seriesByTag('name=mem.free')", "&from=-3h&until=-30min")
	render("mem.free;server=web05", "&from=-150min&until=-50min")
	render("_tagged.527.c9a.*", "")
	render("seriesByTag('name=cpu.load')", "&format=csv")
	render("seriesByTag('name=cpu.load')", "&maxDataPoints=3")
	cs = append(cs, tagCase{path: "/render?format=json&from=-10min", form: url.Values{"target": {"seriesByTag('name=app.requests','env=prod')"}}})
	cs = append(cs, tagCase{path: "/render?format=json&from=-10min&target=" + qv("seriesByTag('datacenter=')"), crash: "every expression matches the empty value"})
	cs = append(cs, tagCase{path: "/render?format=json&from=-10min&target=" + qv("seriesByTag()"), crash: "no expression"})
	cs = append(cs, tagCase{path: "/render?format=json&from=-10min&target=" + qv("seriesByTag('oops')"), crash: "an invalid tagspec"})

	// find
	get("/metrics/find?query=*")
	get("/metrics/find?query=_tagged.*")
	get("/metrics/find?query=" + qv("disk.used;datacenter=dc2;server=web03"))
	get("/metrics/find?query=" + qv("disk.used;datacenter=dc1;rack=a1;server=web01"))

	// registration, as carbon (multipart) and go-carbon (url-encoded) send it
	method(http.MethodGet, "/tags/tagMultiSeries")
	method(http.MethodGet, "/tags/tagSeries")
	method(http.MethodGet, "/tags/delSeries")
	post("/tags/tagMultiSeries", url.Values{"path": {"probe.x;b=2;a=1", "probe.y;z=9"}})
	cs = append(cs, tagCase{path: "/tags/tagMultiSeries", form: url.Values{"path": {"probe.m;k=v.1;j=2", "probe.n;k=v2"}}, multipart: true})
	post("/tags/tagSeries", url.Values{"path": {"probe.w;c=3"}})
	post("/tags/tagMultiSeries", url.Values{"path[]": {"probe.z;a=9", "probe.x;a=1;b=2"}})
	cs = append(cs, tagCase{path: "/tags/tagSeries", form: url.Values{"path": {"probe.bad;k=~v"}}, crash: "a value starting with ~"})
	cs = append(cs, tagCase{path: "/tags/tagMultiSeries", form: url.Values{"path": {"probe.ok;k=1", "probe.bad;=v"}}, crash: "an empty tag"})
	post("/tags/tagSeries", url.Values{"other": {"x"}})
	post("/tags/tagMultiSeries", url.Values{"other": {"x"}})
	find("name=~probe")
	get("/tags/a")
	get("/tags/k")
	render("seriesByTag('name=~probe')", "")
	post("/tags/tagSeries", url.Values{"path": {"disk.used;server=ghost;datacenter=dc9"}})
	render("seriesByTag('server=ghost')", "")
	post("/tags/delSeries", url.Values{"path": {"probe.x;a=1;b=2", "never.registered;x=y"}})
	post("/tags/delSeries", url.Values{"path[]": {"probe.y;z=9"}})
	post("/tags/delSeries", url.Values{"other": {"x"}})
	cs = append(cs, tagCase{path: "/tags/delSeries", form: url.Values{"path": {"probe.w;c=3", ";bad"}}, crash: "a name without metric"})
	find("name=~probe")
	get("/tags")
	get("/tags/a")
	get("/tags/autoComplete/tags?tagPrefix=z")
	get("/tags/autoComplete/values?tag=z")
	post("/tags/delSeries", url.Values{"path": {"disk.used;datacenter=dc2;server=web03"}})
	render("seriesByTag('name=disk.used','datacenter=dc2')", "")
	render("disk.used;datacenter=dc2;server=web03", "")
	return cs
}

// tagTree writes the Demo and Tagged trees at compatNow.
func tagTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fixtures.Write(dir, compatNow, fixtures.Demo()...))
	require.NoError(t, fixtures.WriteTagged(dir, compatNow))
	return dir
}

// ourTagServer serves dir with an in-memory tag database, as the binary
// does with -tagdb none, and registers the names of dir's .tagged-series
// through its own /tags/tagMultiSeries, as graphite-web-start.sh does for
// graphite-web.
func ourTagServer(t *testing.T, dir string) http.Handler {
	t.Helper()
	tree, err := whisperfs.NewTree(dir, whisperfs.TreeOptions{})
	require.NoError(t, err)
	tags, err := tagdb.Open(context.Background(), tagdb.Options{})
	require.NoError(t, err)
	engine, err := query.NewEngine(query.Options{Storage: tree, Tags: tags})
	require.NoError(t, err)
	h := New(Options{Engine: engine, Tags: tags, Clock: func() time.Time { return time.Unix(compatNow, 0) }})
	list, err := os.ReadFile(filepath.Join(dir, fixtures.TaggedListFile))
	require.NoError(t, err)
	reg := tagCase{path: "/tags/tagMultiSeries", form: url.Values{"path": strings.Split(strings.TrimSpace(string(list)), "\n")}}
	a := askTagHandler(h, reg)
	require.Equal(t, http.StatusOK, a.Status, a.Body)
	return h
}

// askTagHandler sends a case to an in-process handler.
func askTagHandler(h http.Handler, c tagCase) compatAnswer {
	return serveAnswer(h, c.httpRequest(""))
}

// askTagURL sends a case to a live server.
func askTagURL(t *testing.T, base string, c tagCase) compatAnswer {
	t.Helper()
	return liveAnswer(t, c.httpRequest(base))
}

// compareTagAnswers returns "" when ours matches theirs: the same status
// and content type, and bodies equal as JSON values once the "id" members
// are dropped (render answers as the other suites compare them). Where
// graphite-web crashes on bad input, ours must be a 4xx.
func compareTagAnswers(c tagCase, theirs, ours compatAnswer) string {
	if c.known != "" {
		if ours.Status >= 500 {
			return fmt.Sprintf("ours is a %d: %.200s", ours.Status, ours.Body)
		}
		return ""
	}
	if c.crash != "" {
		if theirs.Status != http.StatusInternalServerError {
			return fmt.Sprintf("listed as a graphite-web crash (%s) but graphite-web answered %d", c.crash, theirs.Status)
		}
		if ours.Status/100 != 4 {
			return fmt.Sprintf("graphite-web crashes (%s); ours must be a 4xx, not %d: %.200s", c.crash, ours.Status, ours.Body)
		}
		return ""
	}
	if theirs.Status != ours.Status {
		return fmt.Sprintf("status %d vs ours %d: %.300s | %.300s", theirs.Status, ours.Status, theirs.Body, ours.Body)
	}
	tct, _, _ := strings.Cut(theirs.ContentType, ";")
	oct, _, _ := strings.Cut(ours.ContentType, ";")
	if !strings.HasPrefix(c.path, "/render") && !strings.HasPrefix(c.path, "/metrics") && theirs.ContentType != ours.ContentType ||
		tct != oct {
		return fmt.Sprintf("content type %q vs ours %q", theirs.ContentType, ours.ContentType)
	}
	if theirs.Body == "" || ours.Body == "" {
		if theirs.Body != ours.Body {
			return fmt.Sprintf("body %.200q vs ours %.200q", theirs.Body, ours.Body)
		}
		return ""
	}
	switch {
	case strings.Contains(c.path, "format=csv"):
		return compareCSV(theirs.Body, ours.Body)
	case strings.HasPrefix(c.path, "/render"):
		return compareRenderJSON(theirs.Body, ours.Body, true, true, true)
	case strings.Contains(c.path, "pretty=1") && theirs.Status == http.StatusOK && !strings.Contains(theirs.Body, `"id"`):
		// Without ids, pretty output must be byte for byte.
		if theirs.Body != ours.Body {
			return fmt.Sprintf("body %.300q vs ours %.300q", theirs.Body, ours.Body)
		}
	}
	var t, o any
	if err := json.Unmarshal([]byte(theirs.Body), &t); err != nil {
		return "theirs is not JSON: " + err.Error()
	}
	if err := json.Unmarshal([]byte(ours.Body), &o); err != nil {
		return "ours is not JSON: " + err.Error()
	}
	dropIDs(t)
	dropIDs(o)
	if !reflect.DeepEqual(t, o) {
		return fmt.Sprintf("body %.400s vs ours %.400s", theirs.Body, ours.Body)
	}
	return ""
}

// dropIDs removes the "id" members of every object in v.
func dropIDs(v any) {
	switch v := v.(type) {
	case map[string]any:
		delete(v, "id")
		for _, e := range v {
			dropIDs(e)
		}
	case []any:
		for _, e := range v {
			dropIDs(e)
		}
	}
}

// checkTagCases sends every case in order and fails on each difference.
func checkTagCases(t *testing.T, cases []tagCase, theirs func(int, tagCase) compatAnswer, ours http.Handler) {
	t.Helper()
	matched, crashes, known, same := 0, 0, 0, 0
	for i, c := range cases {
		th, o := theirs(i, c), askTagHandler(ours, c)
		if th == o {
			same++
		}
		d := compareTagAnswers(c, th, o)
		switch {
		case d != "":
			t.Errorf("case %d %s: %s", i, c.request(), d)
		case c.crash != "":
			crashes++
		case c.known != "":
			known++
		default:
			matched++
		}
	}
	t.Logf("%d tag cases: %d identical to graphite-web (ids aside; %d byte for byte, ids included), %d where graphite-web crashes and we answer 4xx, %d deliberate differences",
		len(cases), matched, same, crashes, known)
}

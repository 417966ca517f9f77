package api

import (
	"net/url"
	"testing"
	"time"
)

// FuzzParseRenderParams checks that no query string panics the render
// parameter parser and that every refusal is a client error.
func FuzzParseRenderParams(f *testing.F) {
	for _, seed := range []string{
		"target=a.b&from=-1h&until=now&format=json&maxDataPoints=100",
		"target=x&from=1699996399&until=1700000001&tz=Europe/Berlin&xFilesFactor=0.5&noNullPoints",
		"target[]=x&format=json&jsonp=cb&pretty=1&drawNullAsZero=true&archives=stitch",
		"target=x&from=noon+yesterday&until=teatime&now=20240101",
		"format=csv&tz=Nope&from=-1m", "rawData&target=x", "%zz",
	} {
		f.Add(seed)
	}
	now := time.Unix(1_700_000_000, 0)
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := parseRenderParams(form, now, time.UTC)
		if err != nil {
			if statusOf(err) != 400 {
				t.Fatalf("status %d for %q: %v", statusOf(err), raw, err)
			}
			return
		}
		if p.req.From >= p.req.Until {
			t.Fatalf("accepted an empty or inverted range for %q", raw)
		}
		if p.req.XFilesFactor != nil && (*p.req.XFilesFactor < 0 || *p.req.XFilesFactor > 1) {
			t.Fatalf("accepted xFilesFactor %v", *p.req.XFilesFactor)
		}
		if p.jsonp != "" && !ValidJSONPCallback(p.jsonp) {
			t.Fatalf("accepted jsonp %q", p.jsonp)
		}
		if !renderFormats[p.format] {
			t.Fatalf("accepted format %q", p.format)
		}
	})
}

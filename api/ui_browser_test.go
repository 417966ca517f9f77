package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPageIsServed(t *testing.T) {
	e := newTestServer(t)
	code, ct, body := get(t, e, "/")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, ct, "text/html")
	assert.Contains(t, body, `<script src="/ui/app.js"`)
	assert.NotContains(t, body, "http://", "no resource from elsewhere")
	assert.NotContains(t, body, "https://", "no resource from elsewhere")
	for _, f := range []string{"/ui/app.js", "/ui/style.css"} {
		code, _, body := get(t, e, f)
		assert.Equal(t, http.StatusOK, code, f)
		assert.NotEmpty(t, body, f)
		assert.NotContains(t, body, "https://", f)
	}
	code, _, _ = get(t, e, "/ui/nope.js")
	assert.Equal(t, http.StatusNotFound, code)
}

// browserDriver is served next to the page: it loads "/" in a frame,
// opens the tree down to servers.web01.cpu.user, picks it and waits for
// the graph to load, then writes what it saw as JSON into #out.
const browserDriver = `<!DOCTYPE html><html><body>
<iframe id="f" src="/" width="1200" height="800"></iframe><pre id="out">pending</pre>
<script>
const out = document.getElementById("out");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what, f) {
  for (let i = 0; i < 400; i++) { const v = f(); if (v) return v; await sleep(50); }
  throw new Error("timed out waiting for " + what);
}
document.getElementById("f").addEventListener("load", async () => {
  const d = document.getElementById("f").contentDocument;
  const item = (p) => waitFor(p, () => d.querySelector('[data-path="' + p + '"]'));
  try {
    for (const p of ["servers", "servers.web01", "servers.web01.cpu"]) (await item(p)).click();
    (await item("servers.web01.cpu.user")).click();
    const img = d.getElementById("graph");
    await waitFor("the graph", () => img.complete && img.naturalWidth > 0);
    out.textContent = JSON.stringify({ok: true, width: img.naturalWidth, height: img.naturalHeight,
      src: img.getAttribute("src"), url: d.getElementById("url").value, hint: d.getElementById("hint").textContent});
  } catch (e) {
    out.textContent = JSON.stringify({ok: false, error: String(e)});
  }
});
</script></body></html>`

var driverOut = regexp.MustCompile(`(?s)<pre id="out">(.*?)</pre>`)

// TestPageInBrowser loads the page in a headless Chromium (Debian's
// chromium package), picks a metric in the tree and checks that the graph
// image loads with the metric's render URL.
func TestPageInBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is required in CI (apt-get install chromium): %v", err)
		}
		t.Skipf("chromium not available: %v", err)
	}
	h := ourServer(t, compatTree(t))
	mux := http.NewServeMux()
	mux.HandleFunc("/__test/driver.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(browserDriver))
	})
	mux.Handle("/", h)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--user-data-dir="+t.TempDir(), "--virtual-time-budget=30000", "--dump-dom", srv.URL+"/__test/driver.html")
	dom, err := cmd.Output()
	require.NoError(t, err, "chromium: %s", dom)
	m := driverOut.FindSubmatch(dom)
	require.NotNil(t, m, "no result in %.2000s", dom)
	var got struct {
		OK            bool
		Error         string
		Width, Height int
		Src, URL      string
		Hint          string
	}
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(string(m[1]))), &got), string(m[1]))
	require.True(t, got.OK, got.Error)
	assert.Equal(t, 800, got.Width, "the graph has the page's default width")
	assert.Equal(t, 400, got.Height)
	assert.Contains(t, got.Src, "target=servers.web01.cpu.user")
	assert.True(t, strings.HasPrefix(got.URL, srv.URL+"/render?target=servers.web01.cpu.user"), got.URL)
	assert.Empty(t, got.Hint, "no error shown")
}

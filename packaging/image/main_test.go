package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var epoch = time.Unix(1_700_000_000, 0).UTC()

func TestBuildIsReproducible(t *testing.T) {
	a, err := build([]byte("binary one"), "0.1.0", "amd64", epoch)
	require.NoError(t, err)
	b, err := build([]byte("binary one"), "0.1.0", "amd64", epoch)
	require.NoError(t, err)
	da, err := a.Digest()
	require.NoError(t, err)
	db, err := b.Digest()
	require.NoError(t, err)
	assert.Equal(t, da, db, "the same binary gives the same digest")

	c, err := build([]byte("binary two"), "0.1.0", "amd64", epoch)
	require.NoError(t, err)
	dc, err := c.Digest()
	require.NoError(t, err)
	assert.NotEqual(t, da, dc, "another binary gives another digest")
}

func TestConfig(t *testing.T) {
	img, err := build([]byte("binary"), "0.1.0", "arm64", epoch)
	require.NoError(t, err)
	cf, err := img.ConfigFile()
	require.NoError(t, err)
	assert.Equal(t, []string{"/usr/bin/graphite-render", "-listen", "0.0.0.0:8082", "-whisper-dir", "/var/lib/graphite/whisper",
		"-carbon-conf-dir", "/etc/carbon", "-tagdb", "/var/lib/graphite-render/graphite.db"}, cf.Config.Entrypoint)
	assert.Empty(t, cf.Config.Cmd, "arguments after the image name are added flags")
	assert.Equal(t, "65534:65534", cf.Config.User)
	assert.Contains(t, cf.Config.ExposedPorts, "8082/tcp")
	assert.Contains(t, cf.Config.Volumes, "/var/lib/graphite-render")
	assert.Equal(t, "linux", cf.OS)
	assert.Equal(t, "arm64", cf.Architecture)
	assert.True(t, cf.Created.Time.Equal(epoch), "created at SOURCE_DATE_EPOCH, not now: %v", cf.Created)
	assert.Equal(t, "0.1.0", cf.Config.Labels["org.opencontainers.image.version"])
	m, err := img.Manifest()
	require.NoError(t, err)
	assert.Equal(t, "application/vnd.oci.image.manifest.v1+json", string(m.MediaType))
	require.Len(t, m.Layers, 1)
	assert.Equal(t, "application/vnd.oci.image.layer.v1.tar+gzip", string(m.Layers[0].MediaType))
}

func TestRootfs(t *testing.T) {
	bin := []byte("\x7fELF static binary")
	data, err := rootfs(bin, epoch)
	require.NoError(t, err)
	tr := tar.NewReader(bytes.NewReader(data))
	seen := map[string]*tar.Header{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		assert.True(t, h.ModTime.Equal(epoch), "%s: mtime %v", h.Name, h.ModTime)
		seen[h.Name] = h
		if h.Name == "usr/bin/graphite-render" {
			got, err := io.ReadAll(tr)
			require.NoError(t, err)
			assert.Equal(t, bin, got)
		}
	}
	require.Contains(t, seen, "usr/bin/graphite-render")
	assert.Equal(t, int64(0o755), seen["usr/bin/graphite-render"].Mode)
	assert.Equal(t, 0, seen["usr/bin/graphite-render"].Uid, "root owns the binary")
	require.Contains(t, seen, "var/lib/graphite-render/")
	assert.Equal(t, 65534, seen["var/lib/graphite-render/"].Uid, "the user owns the state volume")
	assert.Contains(t, seen, "var/lib/graphite/whisper/")
	assert.Contains(t, seen, "tmp/")
	assert.NotContains(t, seen, "usr/share/zoneinfo/", "the binary embeds its time zone data")
}

func TestRunWritesLayoutAndTarball(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "graphite-render")
	require.NoError(t, os.WriteFile(bin, []byte("binary"), 0o755))
	out := filepath.Join(dir, "out")
	require.NoError(t, os.Mkdir(out, 0o755))
	var stdout strings.Builder
	require.NoError(t, run([]string{"-binary", bin, "-version", "0.1.0+git1", "-epoch", "1700000000", "-arch", "amd64", "-out", out}, &stdout))
	fields := strings.Fields(stdout.String())
	require.Len(t, fields, 4, stdout.String())
	assert.Equal(t, "graphite-render:0.1.0_git1", fields[1])

	p, err := layout.FromPath(filepath.Join(out, "oci"))
	require.NoError(t, err)
	idx, err := p.ImageIndex()
	require.NoError(t, err)
	im, err := idx.IndexManifest()
	require.NoError(t, err)
	require.Len(t, im.Manifests, 1)
	assert.Equal(t, fields[0], im.Manifests[0].Digest.String(), "the layout holds the printed digest")
	assert.Equal(t, "graphite-render:0.1.0_git1", im.Manifests[0].Annotations["org.opencontainers.image.ref.name"])
	st, err := os.Stat(filepath.Join(out, "graphite-render-image_0.1.0+git1_amd64.tar"))
	require.NoError(t, err)
	assert.Positive(t, st.Size())

	err = run([]string{"-binary", bin}, io.Discard)
	assert.ErrorContains(t, err, "-epoch")
	err = run([]string{"-binary", filepath.Join(dir, "missing"), "-version", "1", "-epoch", "1", "-out", out}, io.Discard)
	assert.ErrorContains(t, err, "missing")
}

func TestTagSafe(t *testing.T) {
	for in, want := range map[string]string{
		"0.1.0":                 "0.1.0",
		"0.1.0+git20250101.abc": "0.1.0_git20250101.abc",
		"0.2.0~rc1":             "0.2.0-rc1",
		"1:0.1.0":               "1_0.1.0",
	} {
		assert.Equal(t, want, tagSafe(in), in)
	}
}

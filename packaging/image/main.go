// Command image builds graphite-render's container image without Docker:
// a scratch image holding only the static binary, run as the unprivileged
// uid 65534, written as an OCI image layout directory and as a tarball
// that docker load and podman load read.
//
// It is its own Go module, so that the product's go.mod does not carry
// go-containerregistry. Every timestamp is -epoch (SOURCE_DATE_EPOCH)
// and every file has fixed owner and mode, so the same binary gives the
// same image digest on every build:
//
//	go run . -binary ../../dist/graphite-render -version 0.1.0 -epoch 1700000000 -out ../../dist
package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// What the image holds and how it runs.
const (
	binaryPath = "/usr/bin/graphite-render"
	whisperDir = "/var/lib/graphite/whisper"
	stateDir   = "/var/lib/graphite-render"
	carbonConf = "/etc/carbon"
	listen     = "0.0.0.0:8082"
	port       = "8082/tcp"
	uid        = 65534 // nobody: owns only the state volume
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "image: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	binary := fs.String("binary", "", "the static graphite-render binary (required)")
	version := fs.String("version", "", "the version, for the image's labels and tag (required)")
	epoch := fs.Int64("epoch", -1, "SOURCE_DATE_EPOCH: the time of every file and of the image (required)")
	out := fs.String("out", "", "directory to write oci/ and graphite-render-image_VERSION_ARCH.tar into (required)")
	arch := fs.String("arch", runtime.GOARCH, "the binary's GOARCH")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *binary == "" || *version == "" || *epoch < 0 || *out == "" || fs.NArg() > 0 {
		return errors.New("-binary, -version, -epoch and -out are required and there are no other arguments")
	}
	bin, err := os.ReadFile(*binary)
	if err != nil {
		return fmt.Errorf("read -binary: %w", err)
	}
	created := time.Unix(*epoch, 0).UTC()
	img, err := build(bin, *version, *arch, created)
	if err != nil {
		return err
	}
	digest, err := img.Digest()
	if err != nil {
		return fmt.Errorf("image digest: %w", err)
	}
	ociDir := filepath.Join(*out, "oci")
	if err := os.RemoveAll(ociDir); err != nil {
		return fmt.Errorf("clear %s: %w", ociDir, err)
	}
	p, err := layout.Write(ociDir, empty.Index)
	if err != nil {
		return fmt.Errorf("write %s: %w", ociDir, err)
	}
	tag := "graphite-render:" + tagSafe(*version)
	if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": tag})); err != nil {
		return fmt.Errorf("write %s: %w", ociDir, err)
	}
	ref, err := name.NewTag(tag)
	if err != nil {
		return fmt.Errorf("tag %q: %w", tag, err)
	}
	tarPath := filepath.Join(*out, fmt.Sprintf("graphite-render-image_%s_%s.tar", *version, *arch))
	if err := tarball.WriteToFile(tarPath, ref, img); err != nil {
		return fmt.Errorf("write %s: %w", tarPath, err)
	}
	fmt.Fprintf(stdout, "%s %s %s %s\n", digest, tag, ociDir, tarPath)
	return nil
}

// build assembles the image: one layer with the binary and the
// directories it uses, and a config that runs it as uid 65534.
func build(bin []byte, version, arch string, created time.Time) (v1.Image, error) {
	layerTar, err := rootfs(bin, created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("layer: %w", err)
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{Layer: layer, History: v1.History{
		Created: v1.Time{Time: created}, CreatedBy: "packaging/image: " + binaryPath, Comment: "graphite-render " + version,
	}})
	if err != nil {
		return nil, fmt.Errorf("append layer: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS = arch, "linux"
	cf.Created = v1.Time{Time: created}
	cf.Config = v1.Config{
		User: fmt.Sprintf("%d:%d", uid, uid),
		Entrypoint: []string{binaryPath, "-listen", listen, "-whisper-dir", whisperDir,
			"-carbon-conf-dir", carbonConf, "-tagdb", stateDir + "/graphite.db"},
		WorkingDir:   "/",
		ExposedPorts: map[string]struct{}{port: {}},
		Volumes:      map[string]struct{}{stateDir: {}},
		StopSignal:   "SIGTERM",
		Labels: map[string]string{
			"org.opencontainers.image.title":       "graphite-render",
			"org.opencontainers.image.description": "Graphite render API server for whisper files",
			"org.opencontainers.image.version":     version,
			"org.opencontainers.image.created":     created.Format(time.RFC3339),
		},
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, fmt.Errorf("set config: %w", err)
	}
	return img, nil
}

// rootfs is the layer's tar: the binary, the whisper mount point, the
// state volume owned by uid 65534, and /tmp. Every entry has the same
// time and fixed owners, so the tar depends on the binary alone.
func rootfs(bin []byte, mtime time.Time) ([]byte, error) {
	type entry struct {
		name      string
		mode      int64
		uid       int
		directory bool
		data      []byte
	}
	entries := []entry{
		{name: "etc/", mode: 0o755, directory: true},
		{name: "etc/carbon/", mode: 0o755, directory: true},
		{name: "tmp/", mode: 0o1777, directory: true},
		{name: "usr/", mode: 0o755, directory: true},
		{name: "usr/bin/", mode: 0o755, directory: true},
		{name: "usr/bin/graphite-render", mode: 0o755, data: bin},
		{name: "var/", mode: 0o755, directory: true},
		{name: "var/lib/", mode: 0o755, directory: true},
		{name: "var/lib/graphite/", mode: 0o755, directory: true},
		{name: "var/lib/graphite/whisper/", mode: 0o755, directory: true},
		{name: "var/lib/graphite-render/", mode: 0o750, uid: uid, directory: true},
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, Uid: e.uid, Gid: e.uid, ModTime: mtime, Format: tar.FormatPAX, Typeflag: tar.TypeReg, Size: int64(len(e.data))}
		if e.directory {
			h.Typeflag, h.Size = tar.TypeDir, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("tar %s: %w", e.name, err)
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, fmt.Errorf("tar %s: %w", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("tar: %w", err)
	}
	return buf.Bytes(), nil
}

// tagSafe turns a Debian version into a valid image tag: '+' and '~'
// become '_' and '-'.
func tagSafe(v string) string {
	b := []byte(v)
	for i, c := range b {
		switch {
		case c == '+':
			b[i] = '_'
		case c == '~':
			b[i] = '-'
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
		default:
			b[i] = '_'
		}
	}
	return string(b)
}

#!/usr/bin/env bash
# Builds graphite-render's release artifacts, reproducibly:
#   OUT/graphite-render                          the static binary (CGO_ENABLED=0, -trimpath, version injected)
#   OUT/graphite-render_VERSION_ARCH.deb         the Debian package (dpkg-deb --root-owner-group from a staged tree)
#   OUT/oci/ and OUT/graphite-render-image_UPSTREAM_ARCH.tar
#                                                the container image (packaging/image: go-containerregistry, no Docker)
#
# Usage: bash packaging/build.sh [bin] [deb] [image]     (default: all three)
# Environment:
#   OUT                directory to write into (default dist)
#   VERSION            the Debian version, UPSTREAM-REVISION (default: the first entry of
#                      packaging/deb/changelog); the program reports UPSTREAM. Another version
#                      gets a changelog entry of its own
#   SOURCE_DATE_EPOCH  the time of every file (default: the last commit's time)
# The same commit, Go toolchain and dpkg give the same bytes on every build.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 022
export LC_ALL=C TZ=UTC

out=${OUT:-dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
export SOURCE_DATE_EPOCH
changelog_version=$(sed -n '1s/^graphite-render (\([^)]*\)).*/\1/p' packaging/deb/changelog)
version=${VERSION:-$changelog_version}
case $version in
  *-*) upstream=${version%-*} ;;
  *) echo "build.sh: VERSION=$version needs a Debian revision (UPSTREAM-REVISION, e.g. 0.1.0-1)" >&2; exit 2 ;;
esac
maintainer=$(sed -n 's/^ -- \(.*>\)  .*/\1/p' packaging/deb/changelog | head -1)
goarch=$(go env GOARCH)
case $goarch in
  386) arch=i386 ;;
  arm) arch=armhf ;;
  *) arch=$goarch ;;
esac
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(bin deb image)

build_bin() {
  CGO_ENABLED=0 go build -trimpath -buildvcs=false \
    -ldflags "-s -w -X main.version=$upstream" \
    -o "$out/graphite-render" ./cmd/graphite-render
  echo "binary: $out/graphite-render ($("$out/graphite-render" -version))"
}

# copyright writes the package's copyright file: the project's notice, then
# the licence of everything linked into the static binary (the Go
# toolchain's library and each Go module), as each ships it.
copyright() {
  cat <<TXT
graphite-render

$(cat NOTICE)

/usr/bin/graphite-render is statically linked. It contains the Go standard
library and runtime ($(go env GOVERSION)) and the Go modules listed below;
the licence of each follows, as it ships it.

TXT
  echo "=== Go $(go env GOVERSION): standard library and runtime"
  echo
  cat "$(go env GOROOT)/LICENSE"
  CGO_ENABLED=0 go list -deps -f '{{with .Module}}{{if not .Main}}{{.Path}}@{{.Version}} {{.Dir}}{{end}}{{end}}' ./cmd/graphite-render |
    sort -u | while read -r mod dir; do
      echo
      echo "=== $mod"
      echo
      found=
      for f in "$dir"/LICENSE* "$dir"/LICENCE* "$dir"/COPYING* "$dir"/License* "$dir"/license* "$dir"/NOTICE*; do
        [ -f "$f" ] || continue
        found=1
        cat "$f"
        echo
      done
      [ -n "$found" ] || echo "(the module ships no licence file)"
    done
}

# apache_by_reference replaces each full copy of the Apache License 2.0 by
# a reference to Debian's copy, as Debian policy asks.
apache_by_reference() {
  perl -0777 -pe 's{[ \t]*Apache License\s+Version 2\.0, January 2004.*?END OF TERMS AND CONDITIONS}{Licensed under the Apache License, Version 2.0. On Debian systems, the\ncomplete text is in /usr/share/common-licenses/Apache-2.0.}gs'
}

# changelog prints the Debian changelog, with an entry for VERSION on top
# when it is not the changelog's own.
changelog() {
  if [ "$version" != "$changelog_version" ]; then
    printf 'graphite-render (%s) unstable; urgency=medium\n\n  * Build of commit %s.\n\n -- %s  %s\n\n' \
      "$version" "$(git rev-parse --short=12 HEAD)" "$maintainer" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
  fi
  cat packaging/deb/changelog
}

build_deb() {
  [ -x "$out/graphite-render" ] || build_bin
  local stage root
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' RETURN
  root=$stage/root
  install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/default" \
    "$root/usr/share/doc/graphite-render" "$root/usr/share/lintian/overrides" "$root/usr/share/man/man1"
  install -m 0755 "$out/graphite-render" "$root/usr/bin/graphite-render"
  install -m 0644 packaging/deb/graphite-render.service "$root/lib/systemd/system/graphite-render.service"
  install -m 0644 packaging/deb/default "$root/etc/default/graphite-render"
  install -m 0644 packaging/deb/lintian-overrides "$root/usr/share/lintian/overrides/graphite-render"
  copyright | apache_by_reference >"$root/usr/share/doc/graphite-render/copyright"
  changelog | gzip -9n >"$root/usr/share/doc/graphite-render/changelog.Debian.gz"
  gzip -9n <packaging/deb/graphite-render.1 >"$root/usr/share/man/man1/graphite-render.1.gz"
  chmod 0644 "$root/usr/share/doc/graphite-render/"* "$root/usr/share/man/man1/"*
  for f in postinst prerm postrm; do
    install -m 0755 "packaging/deb/$f" "$root/DEBIAN/$f"
  done
  install -m 0644 packaging/deb/conffiles "$root/DEBIAN/conffiles"
  (cd "$root" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\n' | sort | xargs md5sum) >"$root/DEBIAN/md5sums"
  chmod 0644 "$root/DEBIAN/md5sums"
  local size
  size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
  sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@MAINTAINER@/$maintainer/" -e "s/@SIZE@/$size/" \
    packaging/deb/control.in >"$root/DEBIAN/control"
  find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  deb=$out/graphite-render_${version}_${arch}.deb
  dpkg-deb --root-owner-group --threads-max=1 -Zxz --build "$root" "$deb" >/dev/null
  echo "deb: $deb ($(stat -c %s "$deb") bytes, sha256 $(sha256sum "$deb" | cut -d' ' -f1))"
}

build_image() {
  [ -x "$out/graphite-render" ] || build_bin
  local line
  line=$(cd packaging/image && go run . -binary "$out/graphite-render" -version "$upstream" -epoch "$SOURCE_DATE_EPOCH" -arch "$goarch" -out "$out")
  echo "image: $line"
}

for step in "${steps[@]}"; do
  case $step in
    bin) build_bin ;;
    deb) build_deb ;;
    image) build_image ;;
    *) echo "build.sh: unknown step $step (want bin, deb or image)" >&2; exit 2 ;;
  esac
done

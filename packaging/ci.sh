#!/usr/bin/env bash
# Proves the packaging of issue 16, as root on Debian 12 (called by .ci/run):
#   0. packaging/image's go vet and go test;
#   1. the .deb, the binary and the image rebuild byte for byte;
#   2. lintian passes the .deb (errors and warnings fail; the overrides are
#      documented in packaging/deb/lintian-overrides);
#   3. systemd-analyze security --offline=true scores the unit <= 2.0;
#   4. the image's config runs the binary as uid 65534 with the documented
#      arguments, and its unpacked root (no zoneinfo, no shell) serves
#      /render with tz=Europe/Berlin;
#   5. a minimal Debian 12 tree (mmdebstrap, cached under
#      $HOME/.cache/graphite-render-packaging) booted with systemd-nspawn:
#      the .deb installs, the service runs as _graphite, renders a whisper
#      file written beforehand, cannot write the whisper tree, survives an
#      upgrade keeping a locally edited /etc/default/graphite-render, and
#      purges cleanly. Where systemd cannot boot in a container, the script
#      says why and checks the package in a chroot instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

need=()
command -v lintian >/dev/null || need+=(lintian)
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
command -v systemd-nspawn >/dev/null || need+=(systemd-container)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/graphite-render-pkg.XXXXXX)
nspawn_pid=
cleanup() {
  if [ -n "$nspawn_pid" ]; then
    stop_container
  fi
  rm -rf "$work"
}
# stop_container powers the container off and waits for systemd-nspawn;
# a container that does not stop within 30 s is killed.
stop_container() {
  local init i
  [ -n "$nspawn_pid" ] || return 0
  if init=$(container_init); then
    nsenter --target "$init" --all -- systemctl poweroff >/dev/null 2>&1 || kill -KILL "$init" 2>/dev/null || true
  fi
  for i in $(seq 1 300); do
    kill -0 "$nspawn_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$nspawn_pid" 2>/dev/null; then
    init=$(container_init) && kill -KILL "$init" 2>/dev/null || true
    kill -KILL "$nspawn_pid" 2>/dev/null || true
  fi
  wait "$nspawn_pid" 2>/dev/null || true
  nspawn_pid=
}
trap cleanup EXIT

fail() { echo "packaging: FAIL: $*" >&2; exit 1; }
ok() { echo "packaging: ok: $*"; passed=$((passed + 1)); }
passed=0

# The data every check renders: the seed's 1-second metric, ending at now.
now=1700000000
metric=collectd.test-java01.cpu-0.cpu-user-1s
render_query="/render?target=$metric&from=-10min&format=json&now=$now"

# --- 0. the image builder's own tests (a Go module of its own) --------------
(cd packaging/image && go vet ./... && go test -count=1 ./...)

# --- 1. reproducible builds -------------------------------------------------
OUT=$work/a bash packaging/build.sh
OUT=$work/b bash packaging/build.sh >/dev/null
deb=$(ls "$work"/a/graphite-render_*.deb)
debname=$(basename "$deb")
cmp "$deb" "$work/b/$debname" || fail "two builds of $debname differ"
cmp "$work/a/graphite-render" "$work/b/graphite-render" || fail "two builds of the binary differ"
imgtar=$(ls "$work"/a/graphite-render-image_*.tar)
cmp "$imgtar" "$work/b/$(basename "$imgtar")" || fail "two builds of the image tarball differ"
cmp "$work/a/oci/index.json" "$work/b/oci/index.json" || fail "two builds of the OCI layout differ"
ok "two builds are byte-identical: $debname ($(stat -c %s "$deb") bytes, sha256 $(sha256sum "$deb" | cut -c1-16)…), $(basename "$imgtar") ($(stat -c %s "$imgtar") bytes)"

version=$(dpkg-deb -f "$deb" Version)
"$work/a/graphite-render" -version | grep -qx "graphite-render ${version%-*}" || fail "the binary does not report ${version%-*}"
file "$work/a/graphite-render" 2>/dev/null | grep -q 'statically linked' || ! command -v file >/dev/null || fail "the binary is not static"
ok "the binary reports its version ${version%-*} (package $version)"

# --- 2. lintian --------------------------------------------------------------
lintian --fail-on error,warning --suppress-tags spelling-error-in-binary "$deb" 2>&1 | grep -v 'running with root privileges' || true
lintian --fail-on error,warning "$deb" >/dev/null 2>&1 || fail "lintian reports errors or warnings on $debname"
ok "lintian passes $debname"

# --- 3. the unit's exposure score --------------------------------------------
unit=packaging/deb/graphite-render.service
score_line=$(systemd-analyze security --offline=true "$unit" 2>&1 | grep 'Overall exposure level') || fail "systemd-analyze security gave no score for $unit"
score=$(echo "$score_line" | sed -n 's/.*: \([0-9.]*\) .*/\1/p')
awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "exposure score $score > 2.0"
ok "systemd-analyze security --offline=true: $score (≤ 2.0)"

# A whisper tree written beforehand, as carbon would have.
"$work/a/graphite-render" gen -set seed -dir "$work/whisper" -now "$now" >/dev/null

# get URL retries until the server answers, then prints the body.
get() {
  local i
  for i in $(seq 1 100); do
    if curl -sf "$1"; then return 0; fi
    sleep 0.1
  done
  return 1
}

# --- 4. the image ------------------------------------------------------------
python3 - "$work/a/oci" <<'PY' || fail "the image's config is not the documented one"
import json, sys, os
root = sys.argv[1]
def blob(d):
    algo, h = d.split(":")
    return json.load(open(os.path.join(root, "blobs", algo, h)))
index = json.load(open(os.path.join(root, "index.json")))
manifest = blob(index["manifests"][0]["digest"])
cfg = blob(manifest["config"]["digest"])
c = cfg["config"]
want_ep = ["/usr/bin/graphite-render", "-listen", "0.0.0.0:8082", "-whisper-dir", "/var/lib/graphite/whisper",
           "-carbon-conf-dir", "/etc/carbon", "-tagdb", "/var/lib/graphite-render/graphite.db"]
assert c["Entrypoint"] == want_ep, c["Entrypoint"]
assert c["User"] == "65534:65534", c["User"]
assert "8082/tcp" in c["ExposedPorts"], c
assert "/var/lib/graphite-render" in c["Volumes"], c
assert cfg["os"] == "linux" and len(manifest["layers"]) == 1, manifest
print("image: digest", index["manifests"][0]["digest"], "entrypoint", " ".join(c["Entrypoint"]), "user", c["User"])
json.dump(c["Entrypoint"], open(os.path.join(os.path.dirname(root), "entrypoint.json"), "w"))
PY
ok "the image's config: entrypoint with the documented arguments, user 65534:65534"

# Unpack the image's only layer and run it in a chroot, so that neither a
# zoneinfo nor a shell exists: only what the image holds.
rootfs=$work/rootfs
mkdir -p "$rootfs"
layer=$(python3 -c 'import json,sys; r=sys.argv[1]; i=json.load(open(r+"/index.json")); m=json.load(open(r+"/blobs/"+i["manifests"][0]["digest"].replace(":","/"))); print(r+"/blobs/"+m["layers"][0]["digest"].replace(":","/"))' "$work/a/oci")
tar -xzf "$layer" -C "$rootfs"
[ ! -e "$rootfs/usr/share/zoneinfo" ] && [ ! -e "$rootfs/bin/sh" ] || fail "the image holds more than the binary"
[ "$(stat -c %u "$rootfs/var/lib/graphite-render")" = 65534 ] || fail "the image's state volume is not owned by 65534"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/bin/graphite-render | cmp - "$rootfs/usr/bin/graphite-render" ||
  fail "the image and the .deb hold different binaries"
cp -a "$work/whisper/." "$rootfs/var/lib/graphite/whisper/"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mapfile -t entrypoint < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))))' "$work/a/entrypoint.json")
env -i ZONEINFO=/nonexistent "$(command -v chroot)" --userspec=65534:65534 "$rootfs" "${entrypoint[@]}" -listen "127.0.0.1:$port" >"$work/image.log" 2>&1 &
image_pid=$!
body=$(get "http://127.0.0.1:$port$render_query") || { cat "$work/image.log"; fail "the image's binary does not serve /render"; }
first_ts() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[0]["datapoints"][0][1], sum(1 for v,t in d[0]["datapoints"] if v is not None))'; }
read -r _ nonnull <<<"$(echo "$body" | first_ts)"
[ "$nonnull" -ge 590 ] || fail "the image's render has $nonnull values, want 600"
utc=$(get "http://127.0.0.1:$port/render?target=$metric&from=21:00_20231114&until=21:10_20231114&format=json&now=$now&tz=UTC" | first_ts)
berlin=$(get "http://127.0.0.1:$port/render?target=$metric&from=21:00_20231114&until=21:10_20231114&format=json&now=$now&tz=Europe/Berlin" | first_ts) ||
  { cat "$work/image.log"; fail "tz=Europe/Berlin fails in the image"; }
[ $(( ${utc%% *} - ${berlin%% *} )) -eq 3600 ] || fail "tz=Europe/Berlin starts at ${berlin%% *}, tz=UTC at ${utc%% *}: want one hour apart"
grep -q 'graphite.db' <(ls "$rootfs/var/lib/graphite-render") || fail "the image's tag database was not created in its state volume"
kill "$image_pid"; wait "$image_pid" 2>/dev/null || true
ok "the unpacked image serves /render ($nonnull values) as uid 65534 and tz=Europe/Berlin (21:00 CET = ${berlin%% *}) without any zoneinfo"

# --- 5. the package in a booted Debian 12 -------------------------------------
# A second package with a higher version, for the upgrade.
upgrade_version=${version%-*}+ci1-1
OUT=$work/up VERSION=$upgrade_version bash packaging/build.sh deb >/dev/null
deb2=$(ls "$work"/up/graphite-render_*.deb)

cache=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/graphite-render-packaging
base=$cache/bookworm-$(date -u +%G%V).tar # rebuilt weekly
if [ ! -s "$base" ]; then
  mkdir -p "$cache"
  rm -rf "$cache"/bookworm-*.tar "$cache/partial.tar"
  mmdebstrap --quiet --variant=apt --include=systemd,systemd-sysv,adduser,curl bookworm "$cache/partial.tar"
  mv "$cache/partial.tar" "$base"
fi
tree=$work/tree
mkdir -p "$tree"
tar -xf "$base" -C "$tree"
mkdir -p "$tree/var/lib/graphite/whisper"
cp -a "$work/whisper/." "$tree/var/lib/graphite/whisper/"
cp "$deb" "$deb2" "$tree/root/"
# Carbon's configuration as Debian's graphite-carbon ships it: a
# storage-schemas.conf and no storage-aggregation.conf.
mkdir -p "$tree/etc/carbon"
printf '[collectd]\npattern = ^collectd\\.\nretentions = 1s:30m,1m:1d,5m:2y\n' >"$tree/etc/carbon/storage-schemas.conf"
# What the binary renders from the same tree when run directly.
"$work/a/graphite-render" -whisper-dir "$work/whisper" -tagdb none -listen 127.0.0.1:0 >/dev/null 2>"$work/ref.log" &
ref_pid=$!
ref_addr=
for i in $(seq 1 100); do
  ref_addr=$(sed -n 's/.*msg="graphite-render listening" addr=\(http:[^ ]*\).*/\1/p' "$work/ref.log" 2>/dev/null) || true
  [ -n "$ref_addr" ] && break
  sleep 0.1
done
expected=$(get "$ref_addr$render_query") || true
kill "$ref_pid"
wait "$ref_pid" 2>/dev/null || true
[ -n "$expected" ] || fail "the reference render failed"

# PACKAGING_NO_BOOT=1 takes the chroot path below, as a machine that
# cannot boot systemd in a container does.
if [ -z "${PACKAGING_NO_BOOT:-}" ]; then
  systemd-nspawn --quiet --register=no --keep-unit --private-network --console=read-only \
    -D "$tree" --machine=graphite-render-ci --boot </dev/null >"$work/nspawn.log" 2>&1 &
  nspawn_pid=$!
else
  echo "PACKAGING_NO_BOOT is set: not booting" >"$work/nspawn.log"
  nspawn_pid=
fi
# container_init prints the container's systemd, the child of
# systemd-nspawn named systemd (nspawn forks short-lived helpers too).
container_init() {
  local c
  for c in $(cat /proc/"$nspawn_pid"/task/*/children 2>/dev/null); do
    if [ "$(cat /proc/"$c"/comm 2>/dev/null)" = systemd ]; then
      echo "$c"
      return 0
    fi
  done
  return 1
}
# inside runs a command in the booted container.
leader=
inside() { nsenter --target "$leader" --all -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C "$@"; }
booted=
state=
# Until systemd listens, systemctl fails at once; then --wait waits for
# the boot to finish.
for i in $(seq 1 120); do
  [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null || break
  if leader=$(container_init); then
    state=$(timeout 120 nsenter --target "$leader" --all -- systemctl is-system-running --wait 2>/dev/null) || true
    case $state in running | degraded) booted=yes && break ;; esac
  fi
  sleep 1
done

if [ -n "$booted" ]; then
  ok "systemd-nspawn --boot: Debian 12 booted under systemd ($state)"
  inside apt-get install -y -qq "/root/$debname" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "apt install $debname"; }
  for i in $(seq 1 100); do
    inside systemctl is-active --quiet graphite-render && break
    sleep 0.1
  done
  inside systemctl is-active --quiet graphite-render || { inside systemctl status graphite-render || true; fail "the service is not running after apt install"; }
  inside systemctl is-enabled --quiet graphite-render || fail "the service is not enabled"
  pid=$(inside systemctl show -p MainPID --value graphite-render)
  uid=$(inside awk '/^Uid:/ {print $2}' "/proc/$pid/status")
  [ "$uid" = "$(inside id -u _graphite)" ] || fail "the service runs as uid $uid, not _graphite"
  inside getent passwd _graphite | grep -q ':/var/lib/graphite:/bin/false$' || fail "_graphite is not Debian's graphite user"
  ok "apt install: graphite-render.service enabled and running as _graphite (uid $uid)"

  # The files now belong to _graphite, as carbon-cache leaves them.
  inside chown -R _graphite:_graphite /var/lib/graphite
  body=$(inside curl -sf --retry 20 --retry-connrefused --retry-delay 1 "http://127.0.0.1:8082$render_query") || fail "the service does not answer on 127.0.0.1:8082"
  [ "$body" = "$expected" ] || fail "the service renders $metric differently from the binary run directly"
  inside test -f /var/lib/graphite-render/graphite.db || fail "no tag database in the state directory"
  [ "$(inside stat -c %U /var/lib/graphite-render/graphite.db)" = _graphite ] || fail "the tag database is not _graphite's"
  info=$(inside curl -sf "http://127.0.0.1:8082/metrics/info?target=$metric&now=$now") || fail "/metrics/info fails"
  echo "$info" | grep -q '"config":{"schema":"collectd","aggregation":""' || fail "the service did not read /etc/carbon/storage-schemas.conf: $info"
  inside journalctl -u graphite-render --no-pager | grep -q 'carbon configuration file not found.*/etc/carbon/storage-aggregation.conf' ||
    fail "the missing /etc/carbon/storage-aggregation.conf was not logged"
  ok "the service renders the whisper file written beforehand on 127.0.0.1:8082, reads /etc/carbon/storage-schemas.conf, logs the missing storage-aggregation.conf and keeps its tag database in /var/lib/graphite-render"

  # _graphite may write the tree outside the service, but not inside it.
  inside runuser -u _graphite -- touch /var/lib/graphite/whisper/probe || fail "_graphite cannot write its own tree (test setup)"
  inside rm /var/lib/graphite/whisper/probe
  if msg=$(inside nsenter --target "$pid" --all --setuid "$uid" --setgid "$(inside id -g _graphite)" -- touch /var/lib/graphite/whisper/probe 2>&1); then
    fail "the service can write the whisper tree"
  fi
  echo "$msg" | grep -q 'Read-only file system' || fail "writing the tree failed for another reason: $msg"
  online=$(inside systemd-analyze security graphite-render.service 2>/dev/null | sed -n 's/.*Overall exposure level for graphite-render.service: \(.*\)/\1/p')
  ok "inside the service the whisper tree is read-only ($msg); online exposure score $online"

  # A local edit of the conffile survives the upgrade and is used.
  inside sed -i 's/^LISTEN=.*/LISTEN=127.0.0.1:8083/' /etc/default/graphite-render
  inside dpkg -i "/root/$(basename "$deb2")" </dev/null >"$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log"; fail "upgrade to $upgrade_version"; }
  [ "$(inside dpkg-query -W -f '${Version}' graphite-render)" = "$upgrade_version" ] || fail "the upgrade did not install $upgrade_version"
  inside grep -qx 'LISTEN=127.0.0.1:8083' /etc/default/graphite-render || fail "the upgrade lost the local edit of /etc/default/graphite-render"
  body=$(inside curl -sf --retry 20 --retry-connrefused --retry-delay 1 "http://127.0.0.1:8083$render_query") || fail "after the upgrade the service does not answer on the edited address"
  [ "$body" = "$expected" ] || fail "after the upgrade the service renders differently"
  newpid=$(inside systemctl show -p MainPID --value graphite-render)
  [ "$newpid" != "$pid" ] || fail "the upgrade did not restart the service"
  # journald may take a moment to store the start-up line.
  for _ in $(seq 20); do
    inside journalctl -u graphite-render --no-pager | grep -q "version=${upgrade_version%-*}" && break
    sleep 0.5
  done
  inside journalctl -u graphite-render --no-pager | grep -q "version=${upgrade_version%-*}" || fail "the restarted service is not $upgrade_version"
  ok "upgrade to $upgrade_version: restarted, kept LISTEN=127.0.0.1:8083 from the edited /etc/default/graphite-render and serves there"

  inside dpkg --purge graphite-render >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "purge"; }
  inside systemctl is-active --quiet graphite-render && fail "the service still runs after purge"
  for f in /usr/bin/graphite-render /lib/systemd/system/graphite-render.service /etc/default/graphite-render \
    /var/lib/graphite-render /etc/systemd/system/multi-user.target.wants/graphite-render.service; do
    inside test ! -e "$f" || fail "$f is still there after purge"
  done
  inside test -f "/var/lib/graphite/whisper/collectd/test-java01/cpu-0/cpu-user-1s.wsp" || fail "purge removed carbon's whisper files"
  ok "purge: service stopped, unit, binary, conffile, enablement and state directory gone; carbon's files and _graphite kept"
  stop_container
else
  echo "packaging: SKIP the booted checks: systemd-nspawn --boot cannot boot systemd on this machine. Its output:" >&2
  tail -n 20 "$work/nspawn.log" >&2
  stop_container
  echo "packaging: checking the package in a chroot instead (dpkg in the tree, the binary run as _graphite)" >&2
  chroot "$tree" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin dpkg -i "/root/$debname" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i $debname in a chroot"; }
  chroot "$tree" getent passwd _graphite | grep -q ':/var/lib/graphite:/bin/false$' || fail "_graphite is not Debian's graphite user"
  [ -L "$tree/etc/systemd/system/multi-user.target.wants/graphite-render.service" ] || fail "the unit is not enabled"
  cport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  chroot --userspec=_graphite:_graphite "$tree" /usr/bin/graphite-render -listen "127.0.0.1:$cport" \
    -whisper-dir /var/lib/graphite/whisper -carbon-conf-dir /etc/carbon -tagdb none >"$work/chroot.log" 2>&1 &
  cpid=$!
  body=$(get "http://127.0.0.1:$cport$render_query") || { cat "$work/chroot.log"; fail "the packaged binary does not serve as _graphite"; }
  kill "$cpid"; wait "$cpid" 2>/dev/null || true
  [ "$body" = "$expected" ] || fail "the packaged binary renders differently"
  chroot "$tree" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin dpkg -i "/root/$(basename "$deb2")" >"$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log"; fail "upgrade in a chroot"; }
  chroot "$tree" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin dpkg --purge graphite-render >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "purge in a chroot"; }
  [ ! -e "$tree/etc/default/graphite-render" ] && [ ! -e "$tree/usr/bin/graphite-render" ] || fail "purge left files"
  ok "in a chroot: install (as _graphite), render, upgrade and purge (the unit's confinement was not checked: no systemd)"
fi

echo "packaging: $passed passed, 0 failed"

#!/usr/bin/env bash
# Builds and runs the servers graphite-render is compared with as a
# cluster node and front: carbonapi v0.16.1 and go-carbon v0.18.0, built
# from their Go modules (through the Go module proxy) in a scratch copy
# outside the repository, and cached by version.
#
#   cluster-peers.sh bin carbonapi|go-carbon          build if needed, print the binary's path
#   cluster-peers.sh start-go-carbon WHISPER_DIR PORT  carbonserver over WHISPER_DIR on 127.0.0.1:PORT
#   cluster-peers.sh start-carbonapi PORT PROTOCOL URL...
#                                                      carbonapi on 127.0.0.1:PORT over the URLs, one
#                                                      broadcast group speaking PROTOCOL, no cache
#   cluster-peers.sh stop PORT                         stop what was started on PORT
#
# The binaries are kept under $GRAPHITE_RENDER_PEERS_CACHE (default
# $HOME/.cache/graphite-render-peers), in a directory named for the module
# and version; delete it to rebuild. Each server's configuration and log are
# in ${TMPDIR:-/tmp}/graphite-render-peers/PORT. Started servers print their
# PID; "stop" kills that PID only.
set -euo pipefail

CARBONAPI_VERSION=v0.16.1
GOCARBON_VERSION=v0.18.0
CACHE=${GRAPHITE_RENDER_PEERS_CACHE:-$HOME/.cache/graphite-render-peers}
STATE_ROOT=${TMPDIR:-/tmp}/graphite-render-peers

# build MODULE VERSION PACKAGE OUT: copies the module's source out of the
# module cache, drops its vendor directory (the module zip carries only its
# modules.txt), and builds PACKAGE with the module's own go.mod and go.sum.
build() {
  local module=$1 version=$2 pkg=$3 out=$4 dir scratch
  [ -x "$out" ] && return 0
  mkdir -p "$(dirname "$out")"
  exec 9>"$(dirname "$out")/.lock"
  flock 9
  [ -x "$out" ] && return 0
  scratch=$(mktemp -d)
  dir=$(cd "$scratch" && GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { echo "cannot download $module@$version" >&2; rm -rf "$scratch"; return 1; }
  cp -r "$dir" "$scratch/src"
  chmod -R u+w "$scratch/src"
  rm -rf "$scratch/src/vendor"
  (cd "$scratch/src" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -o "$out.tmp" "$pkg") || { rm -rf "$scratch"; return 1; }
  mv "$out.tmp" "$out"
  rm -rf "$scratch"
}

bin() {
  case $1 in
    carbonapi)
      local out=$CACHE/carbonapi-$CARBONAPI_VERSION/carbonapi
      build github.com/go-graphite/carbonapi "$CARBONAPI_VERSION" ./cmd/carbonapi "$out" >&2
      echo "$out" ;;
    go-carbon)
      local out=$CACHE/go-carbon-$GOCARBON_VERSION/go-carbon
      build github.com/go-graphite/go-carbon "$GOCARBON_VERSION" . "$out" >&2
      echo "$out" ;;
    *) echo "unknown peer $1" >&2; return 2 ;;
  esac
}

# wait_port PORT: waits until 127.0.0.1:PORT accepts connections.
wait_port() {
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}

# run PORT LOG BINARY ARGS...: starts the server in the background in its
# own session, records and prints its PID.
run() {
  local port=$1 log=$2; shift 2
  setsid nohup "$@" </dev/null >"$log" 2>&1 &
  echo $! >"$STATE_ROOT/$port/pid"
}

start_go_carbon() {
  local wd port sd exe
  wd=$(cd "$1" && pwd -P); port=$2; sd=$STATE_ROOT/$port
  exe=$(bin go-carbon)
  stop "$port" >/dev/null 2>&1 || true
  mkdir -p "$sd"
  printf '[default]\npattern = .*\nretentions = 1m:1d\n' >"$sd/storage-schemas.conf"
  printf '[default]\npattern = .*\nxFilesFactor = 0.5\naggregationMethod = average\n' >"$sd/storage-aggregation.conf"
  cat >"$sd/go-carbon.conf" <<EOF
[common]
user = ""
max-cpu = 2
metric-interval = "1h0m0s"
[whisper]
data-dir = "$wd"
schemas-file = "$sd/storage-schemas.conf"
aggregation-file = "$sd/storage-aggregation.conf"
enabled = false
[cache]
max-size = 1000
[udp]
enabled = false
[tcp]
enabled = false
[pickle]
enabled = false
[carbonlink]
enabled = false
[grpc]
enabled = false
[tags]
enabled = false
[carbonserver]
listen = "127.0.0.1:$port"
enabled = true
query-cache-enabled = false
find-cache-enabled = false
glob-cache-enabled = false
trigram-index = false
trie-index = true
scan-frequency = "10m0s"
max-metrics-rendered = 100000
max-metrics-globbed = 1000000
[dump]
enabled = false
[pprof]
enabled = false
[[logging]]
logger = ""
file = "$sd/go-carbon.log"
level = "warn"
encoding = "json"
EOF
  run "$port" "$sd/stdout.log" "$exe" -config "$sd/go-carbon.conf"
  # Until its first scan is indexed, carbonserver globs the disk and names
  # its find answers with "/" for "."; wait for the index.
  if ! wait_port "$port" || ! /usr/bin/python3 - "$port" <<'PYEOF'
import sys, time, urllib.request, urllib.error
url = 'http://127.0.0.1:%s/metrics/find/?format=json&query=*.*' % sys.argv[1]
for _ in range(300):
    try:
        if b'"name":"*.*"' in urllib.request.urlopen(url, timeout=2).read():
            sys.exit(0)
    except (urllib.error.URLError, OSError):
        pass
    time.sleep(0.1)
sys.exit(1)
PYEOF
  then
    tail -20 "$sd/stdout.log" "$sd/go-carbon.log" >&2 || true
    echo "go-carbon did not start on 127.0.0.1:$port" >&2
    return 1
  fi
  cat "$sd/pid"
}

start_carbonapi() {
  local port=$1 protocol=$2 sd exe servers=""; shift 2
  sd=$STATE_ROOT/$port
  exe=$(bin carbonapi)
  stop "$port" >/dev/null 2>&1 || true
  mkdir -p "$sd"
  for u in "$@"; do servers+="          - \"$u\""$'\n'; done
  cat >"$sd/carbonapi.yaml" <<EOF
listen: "127.0.0.1:$port"
concurency: 100
cache:
  type: "null"
backendCache:
  type: "null"
cpus: 2
tz: ""
maxBatchSize: 0
notFoundStatusCode: 200
idleConnections: 10
expvar:
  enabled: false
upstreams:
  tldCacheDisabled: true
  timeouts:
    find: "10s"
    render: "30s"
    connect: "500ms"
  keepAliveInterval: "30s"
  maxIdleConnsPerHost: 100
  backendsv2:
    backends:
      - groupName: "nodes"
        protocol: "$protocol"
        lbMethod: "broadcast"
        maxTries: 1
        maxBatchSize: 0
        servers:
$servers
logger:
  - logger: ""
    file: "$sd/carbonapi.log"
    level: "warn"
    encoding: "json"
EOF
  run "$port" "$sd/stdout.log" "$exe" -config "$sd/carbonapi.yaml"
  if ! wait_port "$port"; then
    tail -20 "$sd/stdout.log" "$sd/carbonapi.log" >&2 || true
    echo "carbonapi did not start on 127.0.0.1:$port" >&2
    return 1
  fi
  cat "$sd/pid"
}

stop() {
  local f=$STATE_ROOT/$1/pid
  [ -s "$f" ] || return 0
  kill "$(cat "$f")" 2>/dev/null || true
  rm -f "$f"
}

case ${1:-} in
  bin) bin "$2" ;;
  start-go-carbon) start_go_carbon "$2" "$3" ;;
  start-carbonapi) shift; start_carbonapi "$@" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 bin carbonapi|go-carbon | start-go-carbon WHISPER_DIR PORT | start-carbonapi PORT PROTOCOL URL... | stop PORT" >&2; exit 2 ;;
esac

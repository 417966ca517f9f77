#!/usr/bin/env bash
# Starts Debian's carbon-cache (graphite-carbon) writing into WHISPER_DIR,
# listening for plaintext lines on 127.0.0.1:LINE_PORT (and its pickle and
# cache-query ports on PICKLE_PORT and QUERY_PORT), registering tagged names
# with the tag database at GRAPHITE_URL, for the live carbon test; prints
# its PID. "stop STATE_DIR" stops it.
#
#   carbon-start.sh start STATE_DIR WHISPER_DIR LINE_PORT PICKLE_PORT QUERY_PORT GRAPHITE_URL
#   carbon-start.sh stop STATE_DIR
#
# Installs graphite-carbon with apt-get when missing (needs root). Nothing
# under /etc/carbon is read or written: carbon.conf and storage-schemas.conf
# are written into STATE_DIR. Series are kept 10s:1d.
set -euo pipefail

start() {
  local sd=$1 wd=$2 line=$3 pickle=$4 query=$5 url=$6
  if ! dpkg-query -W -f='${Status}\n' graphite-carbon 2>/dev/null | grep -q 'install ok installed'; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends graphite-carbon >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends graphite-carbon >/dev/null; }
  fi
  mkdir -p "$sd/log"
  cat > "$sd/carbon.conf" <<CONF
[cache]
STORAGE_DIR = $sd/
LOCAL_DATA_DIR = $wd/
CONF_DIR = $sd/
LOG_DIR = $sd/log/
PID_DIR = $sd/
USER =
ENABLE_LOGROTATION = False
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = $line
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = $pickle
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = $query
LOG_LISTENER_CONN_SUCCESS = False
GRAPHITE_URL = $url
ENABLE_TAGS = True
TAG_HASH_FILENAMES = True
TAG_UPDATE_INTERVAL = 100
CONF
  cat > "$sd/storage-schemas.conf" <<CONF
[default]
pattern = .*
retentions = 10s:1d
CONF
  rm -f "$sd/carbon.pid"
  setsid nohup /usr/bin/carbon-cache --config="$sd/carbon.conf" --pidfile="$sd/carbon.pid" --nodaemon start \
    </dev/null >"$sd/log/stdout.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 150); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -20 "$sd/log/stdout.log" >&2 || true
      echo "carbon-cache exited during start-up" >&2
      return 1
    fi
    if /usr/bin/python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1).close()" "$line" 2>/dev/null; then
      echo "$pid" > "$sd/started.pid"
      echo "$pid"
      return 0
    fi
    sleep 0.2
  done
  kill "$pid" 2>/dev/null || true
  echo "carbon-cache did not listen on 127.0.0.1:$line" >&2
  return 1
}

stop() {
  local sd=$1
  [ -s "$sd/started.pid" ] || return 0
  kill "$(cat "$sd/started.pid")" 2>/dev/null || true
  rm -f "$sd/started.pid"
}

case ${1:-} in
  start) [ $# = 7 ] || { echo "usage: $0 start STATE_DIR WHISPER_DIR LINE_PORT PICKLE_PORT QUERY_PORT GRAPHITE_URL" >&2; exit 2; }
         start "$2" "$3" "$4" "$5" "$6" "$7" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start STATE_DIR WHISPER_DIR LINE_PORT PICKLE_PORT QUERY_PORT GRAPHITE_URL | stop STATE_DIR" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Brings up the servers graphite-render bench compares with, in one command:
# go-carbon 0.18.0's carbonserver over a whisper tree and carbonapi 0.16.1
# over it (carbonapi_v3_pb, no cache), through cluster-peers.sh.
#
#   bench-peers.sh start WHISPER_DIR [GOCARBON_PORT] [CARBONAPI_PORT]
#       writes the perf tree into WHISPER_DIR at the current time first when
#       the directory does not exist (carbonapi has no now parameter, so the
#       data must end now), starts both servers (default ports 18190 and
#       18191) and prints carbonapi's URL and PID and the bench command
#   bench-peers.sh stop [GOCARBON_PORT] [CARBONAPI_PORT]
#       stops both
#
# Serve the same directory with graphite-render, then run the printed
# command, for example:
#   graphite-render -whisper-dir DIR -listen 127.0.0.1:18100 -cache-size-mb 0 -tagdb none &
#   graphite-render bench -url http://127.0.0.1:18100 -pid $! -carbonapi-url http://127.0.0.1:18191 -carbonapi-pid N
# go-carbon's memory is not counted in carbonapi's peak RSS.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
peers=$here/cluster-peers.sh

case ${1:-} in
  start)
    dir=${2:?usage: $0 start WHISPER_DIR [GOCARBON_PORT] [CARBONAPI_PORT]}
    gc=${3:-18190}; ca=${4:-18191}
    if [ ! -e "$dir" ]; then
      (cd "$here/../.." && go run ./cmd/graphite-render gen -set perf -dir "$dir")
    fi
    gcpid=$(bash "$peers" start-go-carbon "$dir" "$gc")
    capid=$(bash "$peers" start-carbonapi "$ca" carbonapi_v3_pb "http://127.0.0.1:$gc")
    echo "go-carbon http://127.0.0.1:$gc pid $gcpid"
    echo "carbonapi http://127.0.0.1:$ca pid $capid"
    echo "graphite-render bench -url http://OURS -pid OURPID -carbonapi-url http://127.0.0.1:$ca -carbonapi-pid $capid"
    ;;
  stop)
    bash "$peers" stop "${3:-18191}"
    bash "$peers" stop "${2:-18190}"
    ;;
  *)
    echo "usage: $0 start WHISPER_DIR [GOCARBON_PORT] [CARBONAPI_PORT] | stop [GOCARBON_PORT] [CARBONAPI_PORT]" >&2
    exit 2
    ;;
esac

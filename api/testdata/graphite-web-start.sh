#!/usr/bin/env bash
# Starts Debian's graphite-web 1.1.8 on 127.0.0.1:PORT over WHISPER_DIR, for
# the compatibility tests, and prints its PID. "stop PORT" stops it.
#
#   graphite-web-start.sh start WHISPER_DIR PORT
#   graphite-web-start.sh stop PORT
#
# Installs graphite-web, gunicorn and python3-whisper with apt-get when
# missing (needs root). Nothing under /etc/graphite is read or written: an
# isolated settings module lives in a state directory.
#
# When WHISPER_DIR/.tagged-series exists (one tagged name a line), those
# names are registered in graphite-web's tag database once it answers, as
# carbon registers the series it writes; the database starts empty.
#
# GRAPHITE_WEB_CLUSTER_SERVERS, when set at start, is a comma-separated list
# of CLUSTER_SERVERS entries (e.g. "127.0.0.1:8080?format=msgpack"): the
# server is then a cluster front that also asks those members (give it an
# empty WHISPER_DIR to read only them), and fails rather than drops a member
# that errs.
set -euo pipefail
PY=/usr/bin/python3
STATE_ROOT=${TMPDIR:-/tmp}/graphite-render-compat

start() {
  local wd port sd
  wd=$(cd "$1" && pwd -P); port=$2; sd=$STATE_ROOT/$port
  if [ "$(dpkg-query -W -f='${Status}\n' graphite-web gunicorn python3-whisper 2>/dev/null | grep -c 'install ok installed')" != 3 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends graphite-web gunicorn python3-whisper >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends graphite-web gunicorn python3-whisper >/dev/null; }
  fi
  stop "$port" >/dev/null 2>&1 || true
  mkdir -p "$sd/log"
  local cluster
  cluster=$("$PY" -c 'import sys; print(", ".join(repr(s.strip()) for s in sys.argv[1].split(",") if s.strip()))' \
    "${GRAPHITE_WEB_CLUSTER_SERVERS:-}")
  cat > "$sd/compat_settings.py" <<PYEOF
import inspect as _inspect
import logging as _logging
SECRET_KEY = 'graphite-render-compat'
TIME_ZONE = 'UTC'
WHISPER_DIR = '$wd'
STANDARD_DIRS = [WHISPER_DIR]
STORAGE_DIR = '$sd'
LOG_DIR = '$sd/log'
INDEX_FILE = '$sd/index'
CONF_DIR = '$sd'
STATIC_ROOT = '/usr/share/graphite-web/static'
DATABASES = {'default': {'NAME': '$sd/graphite.db', 'ENGINE': 'django.db.backends.sqlite3',
                         'USER': '', 'PASSWORD': '', 'HOST': '', 'PORT': ''}}
CLUSTER_SERVERS = [$cluster]
if CLUSTER_SERVERS:
    STORE_FAIL_ON_ERROR = True
    FIND_TIMEOUT = FETCH_TIMEOUT = 60.0
# Debian's bundled umsgpack uses collections.Hashable, gone in Python 3.10:
# without this a front cannot decode a member's msgpack maps.
import collections as _collections, collections.abc as _cabc
if not hasattr(_collections, 'Hashable'):
    _collections.Hashable = _cabc.Hashable
CARBONLINK_HOSTS = []
DEFAULT_XFILES_FACTOR = 0
ALLOWED_HOSTS = ['*']
LOG_ROTATION = False
_logging.getLogger('exception').addFilter(lambda r: not str(r.msg).startswith('Failed CarbonLink query'))
# /functions uses inspect.getargspec and formatargspec, gone in Python 3.11.
if not hasattr(_inspect, 'getargspec'):
    def _getargspec(f):
        s = _inspect.getfullargspec(f)
        return (s.args, s.varargs, s.varkw, s.defaults)
    _inspect.getargspec = _getargspec
if not hasattr(_inspect, 'formatargspec'):
    def _formatargspec(args, varargs=None, varkw=None, defaults=None):
        n = len(args) - len(defaults or ())
        parts = [a if i < n else a + '=' + repr(defaults[i - n]) for i, a in enumerate(args)]
        parts += ['*' + varargs] if varargs else []
        parts += ['**' + varkw] if varkw else []
        return '(' + ', '.join(parts) + ')'
    _inspect.formatargspec = _formatargspec
PYEOF
  local env=(env -u PYTHONHOME -u VIRTUAL_ENV PYTHONPATH="$sd" PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1
             DJANGO_SETTINGS_MODULE=graphite.settings GRAPHITE_SETTINGS_MODULE=compat_settings)
  rm -f "$sd/graphite.db"
  (cd "$sd" && "${env[@]}" "$PY" -m django migrate --run-syncdb -v 0 >"$sd/log/migrate.log" 2>&1)
  "${env[@]}" setsid nohup /usr/bin/gunicorn --bind "127.0.0.1:$port" --workers 2 --timeout 120 \
    --chdir "$sd" --pythonpath "$sd" --pid "$sd/gunicorn.pid" \
    --error-logfile "$sd/log/gunicorn.log" graphite.wsgi:application </dev/null >"$sd/log/stdout.log" 2>&1 &
  for _ in $(seq 1 300); do
    if "$PY" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/version', timeout=2)" 2>/dev/null; then
      if [ -s "$wd/.tagged-series" ]; then
        register_tagged "$port" "$wd/.tagged-series" || { echo "registering $wd/.tagged-series failed" >&2; return 1; }
      fi
      cat "$sd/gunicorn.pid"; echo; return 0
    fi
    sleep 0.2
  done
  tail -20 "$sd/log/gunicorn.log" >&2 || true
  echo "graphite-web did not start on 127.0.0.1:$port" >&2
  return 1
}

# register_tagged PORT FILE posts the names in FILE to /tags/tagMultiSeries,
# in order, 500 a request.
register_tagged() {
  "$PY" - "$1" "$2" <<'PYEOF'
import sys, urllib.parse, urllib.request
names = [l.strip() for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
for i in range(0, len(names), 500):
    body = urllib.parse.urlencode([("path", n) for n in names[i:i + 500]]).encode()
    with urllib.request.urlopen("http://127.0.0.1:%s/tags/tagMultiSeries" % sys.argv[1], body, timeout=60) as r:
        r.read()
PYEOF
}

stop() {
  local sd=$STATE_ROOT/$1
  [ -s "$sd/gunicorn.pid" ] || return 0
  kill "$(cat "$sd/gunicorn.pid")" 2>/dev/null || true
  rm -f "$sd/gunicorn.pid"
}

case ${1:-} in
  start) start "$2" "$3" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start WHISPER_DIR PORT | stop PORT" >&2; exit 2 ;;
esac

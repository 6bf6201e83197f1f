# serve.sh (sourced, not run): serve a generated site on 127.0.0.1 for the benchmarks and the
# report comparison, and stop exactly what was started.
#
#   serve_site DOCROOT WORKDIR [DELAY_MS [PORT]]
#     DELAY_MS 0 (default): nginx, config and pid file in WORKDIR/nginx, one worker (the other core
#     is the client's), sendfile. DELAY_MS > 0: bench/slow_server.py, which answers each request
#     after DELAY_MS. Either way WORKDIR/access.log gets "STATUS PATH" per request.
#     Sets SITE_PORT (PORT, or a free one) and SITE_URL (the start page). Fails if nothing answers
#     in 5 s.
#   stop_site      ends the server serve_site started (by its pid); safe to call twice.
# nginx comes from Debian (nginx-light) when missing.

bench_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
site_pid="" site_kind=""

# free_port [PREFERRED]: PREFERRED if nothing listens there on 127.0.0.1, else any free port. Sites
# name their own absolute URLs (sitemap, canonical links), so a stable port lets a generated site
# be reused.
free_port() {
  python3 - "${1:-0}" <<'PY'
import socket, sys
for port in (int(sys.argv[1]), 0):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        print(s.getsockname()[1])
        break
    except OSError:
        continue
    finally:
        s.close()
PY
}

ensure_nginx() {
  command -v nginx >/dev/null && return 0
  echo "serve: installing nginx-light from Debian" >&2
  apt-get install -y -qq nginx-light >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; }
}

write_nginx_conf() {  # DOCROOT DIR PORT
  local types="types { text/html html; text/css css; application/javascript js; application/xml xml; text/plain txt; }"
  # run as root, nginx's workers would switch to an unprivileged user that cannot read a private
  # temp dir: keep them as the invoking user
  local user=""
  [ "$(id -u)" = 0 ] && user="user root;"
  cat >"$2/nginx.conf" <<CONF
$user
worker_processes 1;
pid $2/nginx.pid;
error_log $2/error.log warn;
events { worker_connections 4096; }
http {
  $types
  default_type application/octet-stream;
  log_format short '\$status \$uri';
  access_log $2/../access.log short;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 65; keepalive_requests 1000000;
  open_file_cache max=4000 inactive=60s;
  client_body_temp_path $2/tmp/body; proxy_temp_path $2/tmp/proxy; fastcgi_temp_path $2/tmp/fcgi;
  uwsgi_temp_path $2/tmp/uwsgi; scgi_temp_path $2/tmp/scgi;
  server {
    listen 127.0.0.1:$3;
    root $1;
    location / { try_files \$uri \$uri/ =404; }
  }
}
CONF
}

serve_site() {
  local root work delay=${3:-0}
  root=$(realpath "$1") work=$2
  [ -f "$root/index.html" ] || { echo "serve: no index.html in $root" >&2; return 1; }
  SITE_PORT=${4:-$(free_port)}
  SITE_URL=http://127.0.0.1:$SITE_PORT/index.html
  if [ "$delay" = 0 ]; then
    ensure_nginx || return 1
    mkdir -p "$work/nginx/tmp" && : >"$work/access.log"
    write_nginx_conf "$root" "$work/nginx" "$SITE_PORT"
    nginx -e "$work/nginx/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" || return 1
    for _ in $(seq 50); do [ -s "$work/nginx/nginx.pid" ] && break; sleep 0.1; done
    site_pid=$(cat "$work/nginx/nginx.pid") site_kind=nginx
  else
    python3 "$bench_lib_dir/../slow_server.py" --root "$root" --port "$SITE_PORT" --delay-ms "$delay" \
      --access-log "$work/access.log" 2>"$work/slow_server.log" &
    site_pid=$! site_kind=python
  fi
  for _ in $(seq 50); do  # bounded: 5 s
    curl -fso /dev/null --max-time 1 "$SITE_URL" && return 0
    sleep 0.1
  done
  echo "serve: nothing answers on $SITE_URL" >&2
  stop_site
  return 1
}

stop_site() {
  [ -n "$site_pid" ] || return 0
  if kill -0 "$site_pid" 2>/dev/null; then
    # nginx's master ends its workers on QUIT; the Python server ends on TERM
    if [ "$site_kind" = nginx ]; then kill -QUIT "$site_pid"; else kill -TERM "$site_pid"; fi
    for _ in $(seq 50); do kill -0 "$site_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$site_pid" 2>/dev/null && kill -KILL "$site_pid"
  fi
  site_pid=""
}

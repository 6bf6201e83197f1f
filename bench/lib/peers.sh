# peers.sh (sourced by compare.sh, not run): install the tools compare.sh measures, and the one
# place their command lines are written. Needs $repo, $here, $peers, $bin and $only.

debian_install() {  # PACKAGE...: apt-get install what is missing
  echo "compare.sh: installing $* from Debian" >&2
  apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$@" >/dev/null; }
}

install_peers() {
  [ -x /usr/bin/time ] || debian_install time
  if wants wget2 && ! command -v wget2 >/dev/null; then debian_install wget2; fi
  if wants crawlee && [ ! -d "$peers/node_modules/crawlee" ]; then
    command -v npm >/dev/null || debian_install nodejs npm
    mkdir -p "$peers"
    cp "$here/peers/package.json" "$peers/package.json"
    echo "compare.sh: installing crawlee from npm into $peers" >&2
    (cd "$peers" && npm install --no-audit --no-fund --silent >/dev/null)
  fi
  if wants crawlee; then cp "$here/peers/crawlee_crawl.mjs" "$peers/"; fi
  if wants gumbo; then
    [ -f "$repo/build/build.ninja" ] || [ -f "$repo/build/Makefile" ] ||
      cmake -S "$repo" -B "$repo/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    nice cmake --build "$repo/build" -j2 --target gumbo_ceiling >/dev/null
  fi
  if wants tagwarden || wants tagwarden-default; then
    [ -x "$bin" ] || { echo "compare.sh: no tagwarden binary at $bin (cmake --build build, or --bin)" >&2; exit 2; }
  fi
}

# A closed port on 127.0.0.1: where the default scan's vendor requests go if the vendor hosts
# resolve on this machine, so the benchmark never leaves loopback.
unreachable_proxy_env() {
  if getent hosts www.googletagmanager.com >/dev/null 2>&1; then
    env_prefix=(http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 no_proxy=127.0.0.1)
  fi
}

# tool_command TOOL DOCROOT: sets cmd (and env_prefix) for one run against $SITE_URL.
tool_command() {
  case $1 in
    gumbo) cmd=("$repo/build/bench/gumbo_ceiling" --threads 2 "$2" "$2.urls") ;;
    wget2) cmd=(wget2 --recursive --level=inf --no-parent --delete-after --max-threads=8
                --progress=none --quiet "$SITE_URL") ;;
    crawlee) cmd=(node "$peers/crawlee_crawl.mjs" "$SITE_URL" 16) ;;
    tagwarden) cmd=("$bin" scan "$SITE_URL" --max-pages 0 --concurrency 64 --per-host 64
                    --format console --no-fetch-third-party --db '') ;;
    tagwarden-default) cmd=("$bin" scan "$SITE_URL" --max-pages 0 --concurrency 64 --per-host 64)
                       unreachable_proxy_env ;;
  esac
}

#!/usr/bin/env bash
# What `npm test` needs besides npm packages, checked (and on a Debian machine, as root,
# installed) before the tests start:
#   - Debian packages: chromium (browser tests), openssl (the independent certificate and
#     signature checker), poppler-utils (pdftotext) and zbar-tools (zbarimg) for licence files;
#   - PostgreSQL accepting connections on 127.0.0.1:5432 (the replica tests share one server;
#     with DATABASE_URL set, every test runs on that server instead).
# As root with apt-get, missing packages are installed and a stopped local PostgreSQL cluster is
# started; otherwise the script stops at once and prints the one command that fixes it.
set -euo pipefail

# command → Debian package
declare -A PACKAGE_OF=(
  [chromium]=chromium
  [openssl]=openssl
  [pdftotext]=poppler-utils
  [zbarimg]=zbar-tools
)

missing=()
for cmd in chromium openssl pdftotext zbarimg; do
  if [ "$cmd" = chromium ]; then
    [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && continue
  elif command -v "$cmd" >/dev/null 2>&1; then
    continue
  fi
  missing+=("${PACKAGE_OF[$cmd]}")
done

is_root() { [ "$(id -u)" = 0 ]; }

if [ "${#missing[@]}" -gt 0 ]; then
  if is_root && command -v apt-get >/dev/null 2>&1; then
    echo "test prerequisites: installing ${missing[*]} (apt-get)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The tests need these Debian packages: ${missing[*]}. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# PostgreSQL: DATABASE_URL's server when set, else the local one the replica tests use.
pg_host=127.0.0.1
pg_port=5432
if [ -n "${DATABASE_URL:-}" ]; then
  rest="${DATABASE_URL#*://}"
  rest="${rest#*@}"
  hostport="${rest%%/*}"
  case "$hostport" in
    *%2F* | '') pg_host='' ;; # a Unix socket: pg_isready below is not asked
    *:*) pg_host="${hostport%%:*}" pg_port="${hostport##*:}" ;;
    *) pg_host="$hostport" ;;
  esac
fi

pg_up() { (exec 3<>"/dev/tcp/$pg_host/$pg_port") 2>/dev/null; }

if [ -n "$pg_host" ] && ! pg_up; then
  if is_root && [ "$pg_host:$pg_port" = 127.0.0.1:5432 ] && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    echo "test prerequisites: starting the PostgreSQL $version cluster" >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do
      pg_up && break
      sleep 1
    done
  fi
  if ! pg_up; then
    echo "The tests need PostgreSQL accepting connections on $pg_host:$pg_port (the replica tests; every test with DATABASE_URL). Start it, e.g.:" >&2
    echo "  sudo pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
    exit 1
  fi
fi

#!/usr/bin/env bash
# with-postgres.sh CMD...: runs CMD beside a throwaway PostgreSQL cluster. It initialises a cluster in a
# fresh temporary directory, starts it listening on a unix socket in that directory and on 127.0.0.1
# only (a free port), exports ICB_TEST_POSTGRES_URL, runs CMD, then stops and removes the cluster,
# whatever CMD's outcome. Exits with CMD's status. Works as a normal user and as root (initdb and
# pg_ctl then run as the `postgres` user via runuser, on a directory chowned to it).
#   scripts/with-postgres.sh build/release/tests/server_tests --gtest_filter='AppStoreTest/postgresql*'
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 64
fi

PG_BIN="${PG_BIN:-}"
if [[ -z "$PG_BIN" ]]; then
  for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/initdb" ]] && PG_BIN="$d"; done
fi
if [[ -z "$PG_BIN" || ! -x "$PG_BIN/initdb" ]]; then
  echo "with-postgres: initdb not found (install the postgresql package, or set PG_BIN)" >&2
  exit 3
fi

as_owner=()
db_user="$(id -un)"
if [[ "$(id -u)" -eq 0 ]]; then
  # PostgreSQL refuses to run as root.
  as_owner=(runuser -u postgres --)
  db_user=postgres
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/icb-pg-XXXXXX")"
chmod 700 "$tmp"
[[ "$(id -u)" -eq 0 ]] && chown postgres: "$tmp"
data="$tmp/data"

cleanup() {
  "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# A free port on 127.0.0.1 (bind to port 0 and read back what the kernel chose).
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

"${as_owner[@]}" "$PG_BIN/initdb" -D "$data" -U "$db_user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
  >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; exit 3; }
"${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$data" -l "$tmp/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off" start >/dev/null \
  || { cat "$tmp/server.log" >&2; exit 3; }

export ICB_TEST_POSTGRES_URL="postgresql://${db_user}@127.0.0.1:${port}/postgres"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (socket in $tmp)" >&2
set +e
"$@"
rc=$?
set -e
exit $rc

#!/usr/bin/env bash
# Load benchmark of GET /api/v1/me on SQLite and PostgreSQL: requests/s, p50/p99 latency and the
# server's peak RSS, with wrk at 64 and 16 connections. Run from anywhere: `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
EMAIL=${BENCH_EMAIL:-pat.plus@demo.example}
DURATION=${BENCH_DURATION:-20s}

cargo build --release -p clientdesk-server --bin clientdesk
BIN=$PWD/target/release/clientdesk

if ! command -v wrk >/dev/null 2>&1; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/clientdesk-bench.XXXXXX")
SERVER_PID=""
PG_DATA=""
AS_PG=()
if [ "$(id -u)" = 0 ]; then
    # initdb and postgres refuse to run as root.
    AS_PG=(runuser -u postgres --)
fi

cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
        "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m immediate >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
        || echo $((20000 + RANDOM % 20000))
}

# Sets PG_URL (and PG_DATA for the cleanup): no command substitution, which would lose PG_DATA.
start_postgres() {
    local dir=$WORK/pg port
    mkdir -p "$dir"
    if [ "${#AS_PG[@]}" -gt 0 ]; then chmod 755 "$WORK"; chown postgres:postgres "$dir"; fi
    PG_DATA=$dir/data
    port=$(free_port)
    "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
    "${AS_PG[@]}" "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -qc 'CREATE DATABASE clientdesk_bench' >/dev/null
    PG_URL="postgres://postgres@127.0.0.1:$port/clientdesk_bench"
}

# wrk's latency distribution prints e.g. "     50%    1.23ms"; Requests/sec on its own line.
field() { awk -v k="$2" '$1 == k { print $2; exit }' "$1"; }

declare -a SUMMARY=()

bench_backend() {
    local name=$1 url=$2 port data log token rss
    port=$(free_port)
    data=$WORK/data-$name
    log=$WORK/server-$name.log
    mkdir -p "$data"
    export CLIENTDESK_DATABASE_URL=$url CLIENTDESK_LISTEN=127.0.0.1:$port CLIENTDESK_DATA_DIR=$data

    "$BIN" serve --demo >"$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then break; fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "server ($name) died:" >&2; cat "$log" >&2; exit 1; fi
        sleep 0.1
    done
    curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "server ($name) not ready" >&2; cat "$log" >&2; exit 1; }

    token=$("$BIN" token --email "$EMAIL" | tail -n 1 | tr -d '[:space:]')
    [ -n "$token" ] || { echo "no token for $EMAIL" >&2; exit 1; }

    for conns in 64 16; do
        local out=$WORK/wrk-$name-$conns.txt
        echo "== $name, $conns connections"
        wrk -t2 -c"$conns" -d"$DURATION" --latency -H "Authorization: Bearer $token" \
            "http://127.0.0.1:$port/api/v1/me" | tee "$out"
        if grep -q 'Non-2xx' "$out"; then echo "warning: non-2xx responses ($name, $conns connections)" >&2; fi
        SUMMARY+=("$(printf '%-10s %6s %12s %10s %10s' "$name" "$conns" "$(field "$out" Requests/sec:)" \
            "$(field "$out" 50%)" "$(field "$out" 99%)")")
    done

    rss=$(awk '/^VmHWM:/ { print $2 " " $3 }' "/proc/$SERVER_PID/status")
    SUMMARY+=("$(printf '%-10s peak RSS %s' "$name" "$rss")")
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    unset CLIENTDESK_DATABASE_URL CLIENTDESK_LISTEN CLIENTDESK_DATA_DIR
}

bench_backend sqlite "$WORK/bench.db"
start_postgres
bench_backend postgres "$PG_URL"

echo
printf '%-10s %6s %12s %10s %10s\n' backend conns requests/s p50 p99
for line in "${SUMMARY[@]}"; do echo "$line"; done

# Shared by the benchmark scripts: a release build, wrk, a scratch directory, a throwaway
# PostgreSQL cluster and a server per backend. Source it; it sets BIN (the server), DEV (the
# development tools: data loaders, tokens), WORK and the helpers below.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DURATION=${BENCH_DURATION:-20s}

cargo build --release -p clientdesk-server -p clientdesk-devtools --bin clientdesk --bin clientdesk-dev
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
BIN=$TARGET/release/clientdesk
DEV=$TARGET/release/clientdesk-dev

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
declare -a SUMMARY=()
AUTOGROUP=/proc/sys/kernel/sched_autogroup_enabled
AUTOGROUP_WAS=""

cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
        "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m immediate >/dev/null 2>&1 || true
    fi
    if [ -n "$AUTOGROUP_WAS" ]; then echo "$AUTOGROUP_WAS" >"$AUTOGROUP"; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
        || echo $((20000 + RANDOM % 20000))
}

# Every PostgreSQL backend starts a session of its own, so with the kernel's autogroup scheduling
# each one is a scheduling group as heavy as all the server's and wrk's threads together. With
# PostgreSQL on the same 2 cores as the server and wrk, that made a few requests wait 0.1-2 s
# (`host42` at 16 connections: p99 88-820 ms, 12-13 ms without). Database hosts turn it off
# (usual PostgreSQL tuning); so does the benchmark, while it runs, where it may.
autogroup_off() {
    local was
    was=$(cat "$AUTOGROUP" 2>/dev/null) || return 0
    [ "$was" != 0 ] || return 0
    if echo 0 2>/dev/null >"$AUTOGROUP"; then
        AUTOGROUP_WAS=$was
        echo "kernel.sched_autogroup_enabled set to 0 until the benchmark ends"
    else
        echo "warning: kernel.sched_autogroup_enabled is on and cannot be changed here:" \
            "expect PostgreSQL latencies of 0.1-2 s at the tail" >&2
    fi
}

# Sets PG_URL (and PG_DATA for the cleanup): no command substitution, which would lose PG_DATA.
# PG_PORT is kept for psql; PG_OPTS, when set, adds server settings.
start_postgres() {
    local dir=$WORK/pg port
    autogroup_off
    mkdir -p "$dir"
    if [ "${#AS_PG[@]}" -gt 0 ]; then chmod 755 "$WORK"; chown postgres:postgres "$dir"; fi
    PG_DATA=$dir/data
    port=$(free_port)
    "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 ${PG_OPTS:-}" start >/dev/null
    "${AS_PG[@]}" "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -qc 'CREATE DATABASE clientdesk_bench' >/dev/null
    PG_URL="postgres://postgres@127.0.0.1:$port/clientdesk_bench"
    PG_PORT=$port
}

# Starts `clientdesk serve --demo` on a fresh data directory against database URL $2; sets PORT
# and SERVER_PID, and exports the CLIENTDESK_* variables so that `$DEV` subcommands use the same
# database.
start_server() {
    local name=$1 url=$2 data log
    PORT=$(free_port)
    data=$WORK/data-$name
    log=$WORK/server-$name.log
    mkdir -p "$data"
    # One load generator stands for many clients: no per-address connection cap.
    export CLIENTDESK_DATABASE_URL=$url CLIENTDESK_LISTEN=127.0.0.1:$PORT CLIENTDESK_DATA_DIR=$data CLIENTDESK_LOG=warn \
        CLIENTDESK_MAX_CONNECTIONS_PER_CLIENT=0
    "$BIN" serve --demo >"$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        if curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; then return; fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "server ($name) died:" >&2; cat "$log" >&2; exit 1; fi
        sleep 0.1
    done
    echo "server ($name) not ready" >&2; cat "$log" >&2; exit 1
}

# Adds the server's peak RSS to the summary and stops it.
stop_server() {
    local name=$1
    SUMMARY+=("$(printf '%-34s peak RSS %s' "$name" "$(awk '/^VmHWM:/ { print $2 " " $3 }' "/proc/$SERVER_PID/status")")")
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    unset CLIENTDESK_DATABASE_URL CLIENTDESK_LISTEN CLIENTDESK_DATA_DIR
}

token_for() {
    "$DEV" token --email "$1" | tail -n 1 | tr -d '[:space:]'
}

# wrk's latency distribution prints e.g. "     50%    1.23ms"; Requests/sec on its own line.
field() { awk -v k="$2" '$1 == k { print $2; exit }' "$1"; }

# measure LABEL CONNS TOKEN URL [wrk options...]: one wrk run, summarised (TOKEN `-`: no
# Authorization header). Non-2xx answers fail the benchmark: a fast error is not a result.
measure() {
    local label=$1 conns=$2 token=$3 url=$4 out auth=()
    shift 4
    out=$WORK/wrk-$RANDOM.txt
    if [ "$token" != - ]; then auth=(-H "Authorization: Bearer $token"); fi
    echo "== $label, $conns connections"
    wrk -t2 -c"$conns" -d"$DURATION" --latency "${auth[@]}" "$@" "$url" | tee "$out"
    if grep -q 'Non-2xx' "$out"; then echo "error: non-2xx responses ($label)" >&2; exit 1; fi
    SUMMARY+=("$(printf '%-34s %6s %12s %10s %10s' "$label" "$conns" "$(field "$out" Requests/sec:)" \
        "$(field "$out" 50%)" "$(field "$out" 99%)")")
}

# Runs the script's bench_backend on each backend of BENCH_BACKENDS (default both; "postgres"
# or "sqlite" measures one).
each_backend() {
    local backend
    for backend in ${BENCH_BACKENDS:-sqlite postgres}; do
        case $backend in
            sqlite) bench_backend sqlite "$WORK/bench.db" ;;
            postgres) start_postgres; bench_backend postgres "$PG_URL" ;;
            *) echo "unknown backend: $backend" >&2; exit 1 ;;
        esac
    done
}

print_summary() {
    echo
    printf '%-34s %6s %12s %10s %10s\n' measurement conns requests/s p50 p99
    for line in "${SUMMARY[@]}"; do echo "$line"; done
}

# ticket_read_script TOKEN COMPANY: a wrk script reading random tickets among the first page of
# 200 of the company's list; prints its path.
ticket_read_script() {
    local token=$1 company=$2 script=$WORK/get.lua
    curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/companies/$company/tickets?limit=200" \
        | python3 -c 'import json,sys; ids=[str(t["id"]) for t in json.load(sys.stdin)["items"]]; print("ids = {" + ",".join(ids) + "}")' \
        >"$script"
    cat >>"$script" <<'LUA'
request = function()
    return wrk.format("GET", "/api/v1/tickets/" .. ids[math.random(#ids)])
end
LUA
    echo "$script"
}

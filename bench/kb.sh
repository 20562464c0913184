#!/usr/bin/env bash
# Knowledge-base benchmark on SQLite and PostgreSQL: with BENCH_KB_ARTICLES (100,000) generated
# articles of several audiences, search and ticket suggestions as a Contoso user (who may see
# about half of them): throughput at 32 connections, p50/p99 latency at 8, with wrk against a
# release build. The queries and drafts are samples the generator makes from its own words
# (bench/kb-search.lua, bench/kb-suggest.lua); "specific" runs only the sample queries that name
# an article's subject (a product or system name), the selective end of the mix. Run from
# anywhere: `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
EMAIL=${BENCH_EMAIL:-pat.plus@demo.example}
DURATION=${BENCH_DURATION:-20s}
ARTICLES=${BENCH_KB_ARTICLES:-100000}
# A production-like PostgreSQL: the articles and their search index fit in shared buffers.
PG_OPTS=${BENCH_PG_OPTS:--c shared_buffers=1GB -c effective_cache_size=4GB -c work_mem=16MB}

cargo build --release -p clientdesk-server --bin clientdesk
BIN=$PWD/target/release/clientdesk

if ! command -v wrk >/dev/null 2>&1; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/clientdesk-kb-bench.XXXXXX")
SERVER_PID=""
PG_DATA=""
PG_PORT=""
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
    local dir=$WORK/pg
    mkdir -p "$dir"
    if [ "${#AS_PG[@]}" -gt 0 ]; then chmod 755 "$WORK"; chown postgres:postgres "$dir"; fi
    PG_DATA=$dir/data
    PG_PORT=$(free_port)
    "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 $PG_OPTS" start >/dev/null
    "${AS_PG[@]}" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc 'CREATE DATABASE clientdesk_bench' >/dev/null
    PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/clientdesk_bench"
}

# wrk's latency distribution prints e.g. "     50%    1.23ms"; Requests/sec on its own line.
field() { awk -v k="$2" '$1 == k { print $2; exit }' "$1"; }

declare -a SUMMARY=()

run_wrk() {
    local name=$1 what=$2 conns=$3 port=$4 token=$5 out=$WORK/wrk-$1-$2-$3.txt script=$2
    echo "== $name, $what, $conns connections"
    # "specific": the search script with only the sample queries that name an article's subject.
    if [ "$what" = specific ]; then script=search; fi
    KB_QUERIES=$([ "$what" = specific ] && echo "$KB_SPECIFIC" || echo "$KB_QUERIES") \
        wrk -t2 -c"$conns" -d"$DURATION" --latency -s "bench/kb-$script.lua" -H "Authorization: Bearer $token" \
        "http://127.0.0.1:$port" | tee "$out"
    if grep -q 'Non-2xx' "$out"; then echo "warning: non-2xx responses ($name, $what, $conns connections)" >&2; fi
    SUMMARY+=("$(printf '%-10s %-8s %6s %12s %10s %10s' "$name" "$what" "$conns" "$(field "$out" Requests/sec:)" \
        "$(field "$out" 50%)" "$(field "$out" 99%)")")
}

bench_backend() {
    local name=$1 url=$2 port data log token company rss
    port=$(free_port)
    data=$WORK/data-$name
    log=$WORK/server-$name.log
    mkdir -p "$data"
    export CLIENTDESK_DATABASE_URL=$url CLIENTDESK_LISTEN=127.0.0.1:$port CLIENTDESK_DATA_DIR=$data
    export KB_QUERIES=$WORK/queries.txt KB_DRAFTS=$WORK/drafts.jsonl KB_SPECIFIC=$WORK/specific.txt

    echo "== $name: generating $ARTICLES articles"
    local started=$SECONDS
    "$BIN" demo-kb --articles "$ARTICLES" --queries "$KB_QUERIES" --drafts "$KB_DRAFTS" --specific "$KB_SPECIFIC" \
        2>&1 | tail -n 1
    SUMMARY+=("$(printf '%-10s generated %s articles in %ss' "$name" "$ARTICLES" $((SECONDS - started)))")
    if [ "$name" = postgres ]; then
        # What autovacuum would have done by now: statistics and the visibility map.
        "${AS_PG[@]}" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d clientdesk_bench -qc 'VACUUM ANALYZE'
    fi

    "$BIN" serve >"$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then break; fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "server ($name) died:" >&2; cat "$log" >&2; exit 1; fi
        sleep 0.1
    done
    curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "server ($name) not ready" >&2; cat "$log" >&2; exit 1; }

    token=$("$BIN" token --email "$EMAIL" | tail -n 1 | tr -d '[:space:]')
    [ -n "$token" ] || { echo "no token for $EMAIL" >&2; exit 1; }
    company=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/me" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["companies"][0]["id"])')
    export KB_COMPANY=$company

    # How broad the sample queries are: matches among the articles this user may see.
    for sample in "$KB_QUERIES" "$KB_SPECIFIC"; do
        python3 - "$port" "$token" "$company" "$sample" <<'PY'
import json, os, statistics, sys, urllib.request
port, token, company, path = sys.argv[1:5]
totals = []
for q in open(path).read().split()[:100]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/companies/{company}/kb/search?q={q}",
                                 headers={"Authorization": f"Bearer {token}"})
    totals.append(json.load(urllib.request.urlopen(req))["total"])
totals.sort()
p90 = totals[int(len(totals) * 0.9)]
print(f"{os.path.basename(path)}: visible matches per query (first {len(totals)}): "
      f"median {statistics.median(totals):.0f}, p90 {p90}, max {totals[-1]}, none {sum(1 for t in totals if t == 0)}")
PY
    done

    run_wrk "$name" search 32 "$port" "$token"
    run_wrk "$name" search 8 "$port" "$token"
    run_wrk "$name" specific 32 "$port" "$token"
    run_wrk "$name" specific 8 "$port" "$token"
    run_wrk "$name" suggest 32 "$port" "$token"
    run_wrk "$name" suggest 8 "$port" "$token"

    rss=$(awk '/^VmHWM:/ { print $2 " " $3 }' "/proc/$SERVER_PID/status")
    SUMMARY+=("$(printf '%-10s peak RSS %s' "$name" "$rss")")
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    unset CLIENTDESK_DATABASE_URL CLIENTDESK_LISTEN CLIENTDESK_DATA_DIR
}

BACKENDS=${BENCH_BACKENDS:-sqlite postgres}
for backend in $BACKENDS; do
    case $backend in
        sqlite) bench_backend sqlite "$WORK/bench.db" ;;
        postgres) start_postgres; bench_backend postgres "$PG_URL" ;;
    esac
done

echo
printf '%-10s %-8s %6s %12s %10s %10s\n' backend what conns requests/s p50 p99
for line in "${SUMMARY[@]}"; do echo "$line"; done

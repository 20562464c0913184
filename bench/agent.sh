#!/usr/bin/env bash
# GET /api/v1/rmm/agent-login with Accept: application/json on SQLite and PostgreSQL: each request
# a signed link with a nonce of its own (checked, stored, an agent session issued and audited).
# Throughput at 64 connections, latency at 16. BENCH_LINKS signed links (default 200,000) are made
# right before each run: they expire after 5 minutes, and each works once.
source "$(dirname "$0")/lib.sh"
LINKS=${BENCH_LINKS:-200000}
export LINKS_THREADS=2 # wrk -t2, in lib.sh

bench_backend() {
    local name=$1 url=$2 client secret guid machine group probe
    start_server "$name" "$url"
    read -r client secret guid machine group < <("$DEV" bench-agent-setup | tail -n 1)
    for conns in 64 16; do
        export LINKS_FILE=$WORK/links-$name-$conns.txt
        python3 bench/agent-links.py "$client" "$secret" "$guid" "$machine" "$group" "$LINKS" >"$LINKS_FILE"
        # A sign-in-required answer is a 200 too: check, with a link of its own, that links open
        # an agent session.
        probe=$(python3 bench/agent-links.py "$client" "$secret" "$guid" "$machine" "$group" 1)
        curl -fsS -H 'Accept: application/json' "http://127.0.0.1:$PORT$probe" | grep -q '"status":"agent_session"' \
            || { echo "error: the links do not open an agent session" >&2; exit 1; }
        measure "$name agent-login" "$conns" - "http://127.0.0.1:$PORT/" -s bench/agent.lua
    done
    stop_server "$name"
}

bench_backend sqlite "$WORK/bench.db"
start_postgres
bench_backend postgres "$PG_URL"
print_summary

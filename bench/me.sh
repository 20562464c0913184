#!/usr/bin/env bash
# GET /api/v1/me on SQLite and PostgreSQL: throughput at 64 connections, latency at 16.
source "$(dirname "$0")/lib.sh"
EMAIL=${BENCH_EMAIL:-pat.plus@demo.example}

bench_backend() {
    local name=$1 url=$2 token
    start_server "$name" "$url"
    token=$(token_for "$EMAIL")
    for conns in 64 16; do
        measure "$name GET /me" "$conns" "$token" "http://127.0.0.1:$PORT/api/v1/me"
    done
    stop_server "$name"
}

each_backend
print_summary

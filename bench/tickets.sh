#!/usr/bin/env bash
# Tickets on SQLite and PostgreSQL with 1,000,000 tickets over 1,000 companies: one ticket by id,
# the first page of 50 of a company's list with a status filter (also at 10,000 tickets, to see
# how it grows), text searches (whole words, and a prefix as type-ahead sends) and ticket
# creation, then the list again once the creations have made the company's open tickets few and
# old. Throughput at 64 connections, latency at 16.
source "$(dirname "$0")/lib.sh"
EMAIL=${BENCH_EMAIL:-pat.plus@demo.example}
TICKETS=${BENCH_TICKETS:-1000000}

company_of() {
    curl -fsS -H "Authorization: Bearer $1" "http://127.0.0.1:$PORT/api/v1/me" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["companies"][0]["id"])'
}

create_script() {
    local script=$WORK/create.lua
    cat >"$script" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title": "Benchmark ticket", "description": "Opened by wrk.", "priority": "normal"}'
LUA
    echo "$script"
}

bench_backend() {
    local name=$1 url=$2 token company base pages
    start_server "$name" "$url"
    token=$(token_for "$EMAIL")
    company=$(company_of "$token")
    base=http://127.0.0.1:$PORT/api/v1
    pages="$base/companies/$company/tickets?status=open&limit=50"

    # The list is measured on the same company at both sizes with a full page each time: first
    # 10,000 tickets over 10 companies (1,000 in the measured one, 1 in 6 open), then the rest
    # over 1,000 companies.
    "$DEV" bench-data --companies 10 --tickets 10000
    for conns in 64 16; do measure "$name page@10k" "$conns" "$token" "$pages"; done

    # A BENCH_TICKETS of 10,000 or fewer (a quick check of the script) stops at the first size.
    if [ "$TICKETS" -gt 10000 ]; then "$DEV" bench-data --companies 1000 --tickets $((TICKETS - 10000)); fi
    for conns in 64 16; do measure "$name page@1M" "$conns" "$token" "$pages"; done
    for conns in 64 16; do measure "$name GET ticket" "$conns" "$token" "$base/tickets/1" -s "$(ticket_read_script "$token" "$company")"; done
    for conns in 64 16; do measure "$name search 'printer jams'" "$conns" "$token" "$base/companies/$company/tickets?q=printer%20jams"; done
    for conns in 64 16; do measure "$name search 'printer jams*'" "$conns" "$token" "$base/companies/$company/tickets?q=printer%20jams*"; done
    for conns in 64 16; do measure "$name search 'host42'" "$conns" "$token" "$base/companies/$company/tickets?q=host42"; done
    for conns in 64 16; do measure "$name create" "$conns" "$token" "$base/companies/$company/tickets" -s "$(create_script)"; done
    # The creations made the company's 'new' tickets its bulk (the open ones are now few and old)
    # and the company big: lists over it and its subsidiary once sorted all its tickets, or walked
    # the primary key on PostgreSQL (see tickets::list).
    for conns in 64 16; do measure "$name page after creations" "$conns" "$token" "$pages"; done
    for conns in 64 16; do measure "$name unfiltered page after creations" "$conns" "$token" "$base/companies/$company/tickets?limit=50"; done
    stop_server "$name"
}

each_backend
print_summary

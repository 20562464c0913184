#!/usr/bin/env bash
# Outbox delivery on SQLite and PostgreSQL: BENCH_MESSAGES e-mails (default 20,000) queued in the
# demo tenant and delivered over SMTP to the in-process sink of `clientdesk-dev bench-outbox`, by one
# worker and then by two (each with its own pool, as two processes would). Prints messages/s.
source "$(dirname "$0")/lib.sh"
MESSAGES=${BENCH_MESSAGES:-20000}

# bench_backend NAME URL WORKERS [DATA]: the demo tenant, MESSAGES queued, delivered by WORKERS.
# DATA names the data directory (its master key): the one of the run that sealed the database's
# secrets, when a run reuses a database.
bench_backend() {
    local name=$1 url=$2 workers=$3 data=$WORK/data-${4:-$1} result
    mkdir -p "$data"
    result=$(CLIENTDESK_DATABASE_URL=$url CLIENTDESK_DATA_DIR=$data CLIENTDESK_LOG=warn \
        "$DEV" bench-outbox --messages "$MESSAGES" --workers "$workers" | tail -n 1)
    echo "$result"
    SUMMARY+=("$(printf '%-34s %s' "$name outbox, $workers worker(s)" "${result#*: }")")
}

bench_backend sqlite "$WORK/outbox-1.db" 1
bench_backend sqlite "$WORK/outbox-2.db" 2
start_postgres
bench_backend postgres "$PG_URL" 1
bench_backend postgres-2 "$PG_URL" 2 postgres

echo
for line in "${SUMMARY[@]}"; do echo "$line"; done

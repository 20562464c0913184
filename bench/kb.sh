#!/usr/bin/env bash
# Knowledge-base benchmark on SQLite and PostgreSQL: with BENCH_KB_ARTICLES (100,000) generated
# articles of several audiences, search and ticket suggestions as a Contoso user (who may see
# about half of them): throughput at 32 connections, p50/p99 latency at 8, with wrk against a
# release build. Each is measured twice on the same data: "cold", with the servers' answer cache
# off (CLIENTDESK_KB_SEARCH_CACHE=0: every request ranks in the database), then "cached", as
# served (the 1,000 samples repeat, so after the first round every answer comes from the cache;
# that is the figure for questions people ask again, cold the one for new ones). The queries and
# drafts are samples the generator makes from its own words
# (bench/kb-search.lua, bench/kb-suggest.lua); "specific" runs only the sample queries that name
# an article's subject (a product or system name), the selective end of the mix. Run from
# anywhere: `make bench`. BENCH_KB_CACHED=0 measures cold only.
source "$(dirname "$0")/lib.sh"
EMAIL=${BENCH_EMAIL:-pat.plus@demo.example}
ARTICLES=${BENCH_KB_ARTICLES:-100000}
# A production-like PostgreSQL: the articles and their search index fit in shared buffers.
PG_OPTS=${BENCH_PG_OPTS:--c shared_buffers=1GB -c effective_cache_size=4GB -c work_mem=16MB}

bench_backend() {
    local name=$1 url=$2 token company base
    export CLIENTDESK_KB_SEARCH_CACHE=0
    start_server "$name" "$url"
    export KB_QUERIES=$WORK/queries.txt KB_DRAFTS=$WORK/drafts.jsonl KB_SPECIFIC=$WORK/specific.txt
    echo "== $name: generating $ARTICLES articles"
    local started=$SECONDS
    "$DEV" demo-kb --articles "$ARTICLES" --queries "$KB_QUERIES" --drafts "$KB_DRAFTS" --specific "$KB_SPECIFIC" \
        2>&1 | tail -n 1
    SUMMARY+=("$(printf '%-10s generated %s articles in %ss' "$name" "$ARTICLES" $((SECONDS - started)))")
    if [ "$name" = postgres ]; then
        # What autovacuum would have done by now: statistics and the visibility map.
        "${AS_PG[@]}" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d clientdesk_bench -qc 'VACUUM ANALYZE'
    fi

    token=$(token_for "$EMAIL")
    [ -n "$token" ] || { echo "no token for $EMAIL" >&2; exit 1; }
    company=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/me" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["companies"][0]["id"])')
    export KB_COMPANY=$company

    # How broad the sample queries are: matches among the articles this user may see.
    for sample in "$KB_QUERIES" "$KB_SPECIFIC"; do
        python3 - "$PORT" "$token" "$company" "$sample" <<'PY'
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

    runs "$name cold" "$token"
    stop_server "$name cold"
    unset CLIENTDESK_KB_SEARCH_CACHE
    # BENCH_KB_CACHED=0: the cold figures only.
    [ "${BENCH_KB_CACHED:-1}" != 0 ] || return 0
    start_server "$name" "$url"
    warm "$token"
    runs "$name cached" "$token"
    stop_server "$name cached"
}

# warm TOKEN: asks every sample query and draft once, so that "cached" measures answers served
# from the cache rather than how long the first round of 1,000 takes.
warm() {
    python3 - "$PORT" "$1" "$KB_COMPANY" "$KB_QUERIES" "$KB_SPECIFIC" "$KB_DRAFTS" <<'PY'
import sys, urllib.request
port, token, company, queries, specific, drafts = sys.argv[1:7]
base = f"http://127.0.0.1:{port}/api/v1/companies/{company}/kb"
auth = {"Authorization": f"Bearer {token}"}
for path in (queries, specific):
    for q in open(path).read().split():
        urllib.request.urlopen(urllib.request.Request(f"{base}/search?q={q}", headers=auth)).read()
for line in open(drafts):
    req = urllib.request.Request(f"{base}/suggestions", data=line.strip().encode(),
                                 headers={**auth, "Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
PY
}

# runs LABEL TOKEN: search, specific and suggestions against the running server.
runs() {
    local label=$1 token=$2 base=http://127.0.0.1:$PORT
    for conns in 32 8; do measure "$label search" "$conns" "$token" "$base" -s bench/kb-search.lua; done
    # "specific": the search script with only the sample queries that name an article's subject.
    for conns in 32 8; do
        KB_QUERIES=$KB_SPECIFIC measure "$label specific" "$conns" "$token" "$base" -s bench/kb-search.lua
    done
    for conns in 32 8; do measure "$label suggest" "$conns" "$token" "$base" -s bench/kb-suggest.lua; done
}

each_backend
print_summary

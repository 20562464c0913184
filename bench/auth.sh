#!/usr/bin/env bash
# A signed-in GET /api/v1/me (16 connections) while 400 connections flood the unauthenticated
# sign-in endpoints, on SQLite and PostgreSQL. The per-address request rate is lifted, so that the
# flood reaches the work it would cause from many addresses:
# - POST /auth/password with tokens that do not exist (a database read each; no hash);
# - POST /auth/login from a new address and for an unknown user each time (attempts counted in
#   the database, and a password verified within the hashing permits).
source "$(dirname "$0")/lib.sh"
EMAIL=${BENCH_EMAIL:-pat.plus@demo.example}
FLOOD=${BENCH_FLOOD_CONNECTIONS:-400}

# flood LABEL SCRIPT PATH: the flood in the background for as long as the measurement, and a bit more.
flood() {
    local label=$1 script=$2 path=$3 secs
    secs=${DURATION%s}
    FLOOD_LABEL=$label
    FLOOD_OUT=$WORK/flood-$RANDOM.txt
    echo "== flood: $label, $FLOOD connections"
    wrk -t1 -c"$FLOOD" -d"$((secs + 4))s" --latency -s "$script" "http://127.0.0.1:$PORT$path" >"$FLOOD_OUT" 2>&1 &
    FLOOD_PID=$!
    sleep 2
}

# Waits for the flood and adds its own throughput (refusals included) to the summary.
flood_done() {
    wait "$FLOOD_PID" || true
    cat "$FLOOD_OUT"
    SUMMARY+=("$(printf '%-34s %6s %12s %10s %10s' "  flood $FLOOD_LABEL" "$FLOOD" "$(field "$FLOOD_OUT" Requests/sec:)" \
        "$(field "$FLOOD_OUT" 50%)" "$(field "$FLOOD_OUT" 99%)")")
}

bench_backend() {
    local name=$1 url=$2 token
    export CLIENTDESK_AUTH_REQUESTS_PER_MINUTE=1000000000 CLIENTDESK_TRUSTED_PROXIES=127.0.0.1
    start_server "$name" "$url"
    token=$(token_for "$EMAIL")
    measure "$name GET /me, quiet" 16 "$token" "http://127.0.0.1:$PORT/api/v1/me"
    flood "POST /auth/password" bench/auth-password.lua /api/v1/auth/password
    measure "$name GET /me, password flood" 16 "$token" "http://127.0.0.1:$PORT/api/v1/me"
    flood_done
    flood "POST /auth/login" bench/auth-login.lua /api/v1/auth/login
    measure "$name GET /me, login flood" 16 "$token" "http://127.0.0.1:$PORT/api/v1/me"
    flood_done
    stop_server "$name"
    unset CLIENTDESK_AUTH_REQUESTS_PER_MINUTE CLIENTDESK_TRUSTED_PROXIES
}

each_backend
print_summary

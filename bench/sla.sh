#!/usr/bin/env bash
# SLA on SQLite and PostgreSQL: 100,000 tickets opened in one company over November 2026, each
# with the history an SLA report reads (`clientdesk-dev bench-sla`). A ticket read and the page
# of 50 are measured before the tenant has an SLA plan and again once a default plan applies (a
# ticket read then carries its computed SLA state), then the company's monthly report (target:
# under 200 ms) one at a time and four at once.
source "$(dirname "$0")/lib.sh"
TICKETS=${BENCH_TICKETS:-100000}

post() {
    curl -fsS -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$3" \
        "http://127.0.0.1:$PORT/api/v1$2"
}

bench_backend() {
    local name=$1 url=$2 admin reader company base calendar script
    start_server "$name" "$url"
    admin=$(token_for admin@demo.example)
    reader=$(token_for pat.plus@demo.example)
    company=$("$DEV" bench-sla --tickets "$TICKETS" --month-start 2026-11-01 | tail -n 1)
    base=http://127.0.0.1:$PORT/api/v1
    script=$(ticket_read_script "$reader" "$company")
    # The company shows due dates, so that its members' ticket reads carry the SLA state.
    curl -fsS -H "Authorization: Bearer $admin" "$base/companies/$company/settings" \
        | python3 -c 'import json,sys; o=json.load(sys.stdin)["overrides"]; o["due_dates_shown"]=True; print(json.dumps(o))' \
        | curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
            --data-binary @- "$base/companies/$company/settings"

    measure "$name GET ticket, no plan" 16 "$reader" "$base/tickets/1" -s "$script"
    measure "$name page of 50, no plan" 16 "$reader" "$base/companies/$company/tickets?limit=50"

    calendar=$(post "$admin" /sla/calendars '{"name": "Office", "time_zone": "Europe/Zurich",
        "hours": {"monday": [{"start": "08:00", "end": "18:00"}], "tuesday": [{"start": "08:00", "end": "18:00"}],
            "wednesday": [{"start": "08:00", "end": "18:00"}], "thursday": [{"start": "08:00", "end": "18:00"}],
            "friday": [{"start": "08:00", "end": "17:00"}]},
        "holidays": ["2026-11-01", "2026-12-25"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    post "$admin" /sla/plans "{\"name\": \"Standard\", \"calendar_id\": $calendar, \"default\": true,
        \"targets\": {\"low\": {\"first_response_minutes\": 480, \"resolution_minutes\": 2400},
            \"normal\": {\"first_response_minutes\": 240, \"resolution_minutes\": 960},
            \"high\": {\"first_response_minutes\": 60, \"resolution_minutes\": 480},
            \"urgent\": {\"first_response_minutes\": 15, \"resolution_minutes\": 240}},
        \"pause_statuses\": [\"waiting_customer\"]}" >/dev/null

    curl -fsS -H "Authorization: Bearer $reader" "$base/tickets/$(sed -n 's/^ids = {\([0-9]*\).*/\1/p' "$script")" \
        | python3 -c 'import json,sys; s=json.load(sys.stdin)["sla"]; assert s, "no SLA state"; print("a ticket SLA state:", json.dumps(s)[:200])'
    measure "$name GET ticket with SLA" 16 "$reader" "$base/tickets/1" -s "$script"
    measure "$name page of 50, with a plan" 16 "$reader" "$base/companies/$company/tickets?limit=50"
    curl -fsS -H "Authorization: Bearer $admin" "$base/companies/$company/sla-report?month=2026-11" \
        | python3 -c 'import json,sys; r=json.load(sys.stdin); print("report:", r["tickets"], "tickets,", r["first_response"], r["resolution"], len(r["breaches"]), "breaches listed")'
    # One report at a time (one wrk thread), then four at once.
    for conns in 1 4; do
        measure "$name SLA report, $TICKETS tickets" "$conns" "$admin" "$base/companies/$company/sla-report?month=2026-11" -t1
    done
    stop_server "$name"
}

each_backend
print_summary

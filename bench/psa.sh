#!/usr/bin/env bash
# The PSA's records on SQLite and PostgreSQL: a sync of 10,000 invoices (two lines each) in
# batches of 500 with the PSA's sync credential, timed from the first request to the last answer
# (the target is under 10 s), then the first page of 50 of a company's invoices as its
# controller reads it, at 32 connections (targets: 3,000/s on SQLite, 2,000/s on PostgreSQL).
source "$(dirname "$0")/lib.sh"
INVOICES=${BENCH_INVOICES:-10000}
BATCH=500

# Writes the batches as files batch-N.json under $WORK/batches (the company of every invoice is
# $1), so that the timed part sends bytes only.
write_batches() {
    local company=$1
    mkdir -p "$WORK/batches"
    python3 - "$company" "$INVOICES" "$BATCH" "$WORK/batches" <<'PY'
import json, sys
company, total, batch, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
for start in range(0, total, batch):
    rows = []
    for i in range(start, min(start + batch, total)):
        day = 1 + i % 28
        rows.append({"psa_id": f"INV-{i:06d}", "company_id": company, "number": f"2026-{i:06d}",
            "issued_on": f"2026-11-{day:02d}", "due_on": f"2026-12-{day:02d}", "currency": "CHF",
            "net_minor": 100000, "tax_minor": 8100, "total_minor": 108100, "paid_minor": 0,
            "status": "open", "payment_url": f"https://pay.example.com/i/{i}",
            "lines": [{"description": "Managed services", "quantity": 1, "unit_price_minor": 80000, "amount_minor": 80000},
                      {"description": "Backup", "quantity": 2.5, "unit_price_minor": 8000, "amount_minor": 20000}]})
    with open(f"{out}/batch-{start // batch:04d}.json", "w") as f:
        json.dump({"upsert": rows}, f)
PY
}

company_of() {
    curl -fsS -H "Authorization: Bearer $1" "http://127.0.0.1:$PORT/api/v1/me" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["companies"][0]["id"])'
}

bench_backend() {
    local name=$1 url=$2 admin sync reader company start end ms
    start_server "$name" "$url"
    admin=$(token_for admin@demo.example)
    reader=$(token_for chris.controller@demo.example)
    company=$(company_of "$reader")
    sync=$(curl -fsS -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d '{}' \
        "http://127.0.0.1:$PORT/api/v1/psa/integration/sync-token" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
    rm -rf "$WORK/batches"
    write_batches "$company"
    for pass in first again; do
        start=$(date +%s%N)
        for file in "$WORK"/batches/batch-*.json; do
            curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $sync" -H 'Content-Type: application/json' \
                --data-binary "@$file" "http://127.0.0.1:$PORT/api/v1/psa/invoices"
        done
        end=$(date +%s%N)
        ms=$(((end - start) / 1000000))
        echo "== $name sync of $INVOICES invoices ($pass pass): $ms ms"
        SUMMARY+=("$(printf '%-34s %6s %12s' "$name sync ${INVOICES} ($pass)" 1 "${ms} ms")")
    done
    measure "$name invoice page of 50" 32 "$reader" "http://127.0.0.1:$PORT/api/v1/companies/$company/invoices?limit=50"
    measure "$name open page of 50 (filtered)" 32 "$reader" "http://127.0.0.1:$PORT/api/v1/companies/$company/invoices?status=open&limit=50"
    stop_server "$name"
}

each_backend
print_summary

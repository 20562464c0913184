#!/usr/bin/env bash
# Runs the example scripts against a server started here on SQLite with the demo data, and checks
# what they print:
#  - psa_push_companies.py creates companies and invites contacts, and a second run changes nothing;
#  - rmm_push_devices.py syncs devices, and its signed link answers a browser with a redirect to
#    the front end carrying a one-time code, once (the nonce is then spent);
#  - report_updated_tickets.py, paging two tickets at a time, lists a ticket made here and every
#    ticket once;
#  - webhook_receiver.py, subscribed to new tickets, verifies the signature of the delivery of a
#    ticket opened here.
# Uses the contract checks' venv when it exists (target/contract/venv), else makes one with httpx.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$PWD/target/examples"
mkdir -p "$work"
started=$SECONDS

if [ -x target/contract/venv/bin/python ]; then
    py=target/contract/venv/bin/python
else
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet --disable-pip-version-check "$(grep -i '^httpx==' clients/python/requirements.txt)"
    py="$work/venv/bin/python"
fi

cargo build --quiet -p clientdesk-server --bin clientdesk
rm -rf "$work/data" && mkdir -p "$work/data"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Own data dir and port, so that this runs beside clients/check or a developer's server.
export CLIENTDESK_DATA_DIR="$work/data" CLIENTDESK_LISTEN="127.0.0.1:$port" CLIENTDESK_LOG=warn \
    CLIENTDESK_AGENT_LOGIN_URL="http://front.example/agent-login"
url="http://127.0.0.1:$port"
target/debug/clientdesk demo > "$work/demo.txt" 2> "$work/demo.log"
target/debug/clientdesk serve > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    curl -fsS "$url/health/ready" >/dev/null 2>&1 && break
    sleep 0.2
done
secret() { awk -v who="$1" '$1 == who { print $NF }' "$work/demo.txt"; }
export CLIENTDESK_URL="$url" CLIENTDESK_TENANT=demo CLIENTDESK_PASSWORD="demo-portal-2026" \
    CLIENTDESK_EMAIL=admin@demo.example CLIENTDESK_TOTP_SECRET=$(secret admin@demo.example)
fail() { echo "examples: $*" >&2; exit 1; }

echo "== psa_push_companies.py"
"$py" examples/psa_push_companies.py | tee "$work/psa-1.txt"
[ "$(grep -c ': created$' "$work/psa-1.txt")" = 2 ] || fail "the first PSA run creates both companies"
[ "$(grep -c ': invited$' "$work/psa-1.txt")" = 3 ] || fail "the first PSA run invites the three contacts"
# Signing in again within the same TOTP step would reuse its code: wait for the next step.
sleep $((31 - $(date +%s) % 30))
"$py" examples/psa_push_companies.py | tee "$work/psa-2.txt"
! grep -qE ': (created|invited)' "$work/psa-2.txt" || fail "a second PSA run changes nothing"
[ "$(grep -c ': exists' "$work/psa-2.txt")" = 5 ] || fail "a second PSA run finds everything"

echo "== rmm_push_devices.py"
sleep $((31 - $(date +%s) % 30))
RMM_COMPANY="Fabrikam Inc" RMM_USER_EMAIL=fred.fabrikam@demo.example \
    "$py" examples/rmm_push_devices.py | tee "$work/rmm.txt"
[ "$(grep -c ', created$' "$work/rmm.txt")" = 2 ] || fail "the RMM run creates both devices"
link=$(tail -n 1 "$work/rmm.txt")
case "$link" in "$url/api/v1/rmm/agent-login?"*"&sig="*) ;; *) fail "the RMM run prints a signed link: $link" ;; esac
# A browser opening the link is sent to the front end with a one-time code...
answer=$(curl -sS -o /dev/null -w '%{http_code} %header{location}' "$link")
case "$answer" in "303 http://front.example/agent-login#code="?*) ;; *) fail "the link redirects with a code: $answer" ;; esac
# ... once: its nonce is spent.
again=$(curl -sS -o /dev/null -w '%{http_code} %header{location}' "$link")
[ "$again" = "303 http://front.example/agent-login#error=invalid_link" ] || fail "a link works once: $again"

echo "== report_updated_tickets.py"
# A customer without a second factor opens a ticket; the report must list it.
title="Printer jams on tray 2 ($RANDOM)"
number=$(TITLE="$title" "$py" - <<'PY'
import os, httpx
with httpx.Client(base_url=os.environ["CLIENTDESK_URL"], timeout=30) as api:
    body = {"tenant": "demo", "email": "fred.fabrikam@demo.example", "password": os.environ["CLIENTDESK_PASSWORD"]}
    api.headers["Authorization"] = "Bearer " + api.post("/api/v1/auth/login", json=body).raise_for_status().json()["access_token"]
    company = api.get("/api/v1/me").raise_for_status().json()["companies"][0]["id"]
    ticket = api.post(f"/api/v1/companies/{company}/tickets", json={"title": os.environ["TITLE"], "description": "Since Monday."})
    print(ticket.raise_for_status().json()["number"])
PY
)
sleep $((31 - $(date +%s) % 30))
SINCE=2000-01-01T00:00:00Z PAGE_SIZE=2 "$py" examples/report_updated_tickets.py > "$work/report.csv"
head -n 3 "$work/report.csv"
grep -q "^$number,.*,$title," "$work/report.csv" || fail "the report lists ticket $number"
rows=$(($(wc -l < "$work/report.csv") - 1))
[ "$rows" -ge 3 ] || fail "the report pages through several tickets ($rows)"
[ "$(cut -d, -f2 "$work/report.csv" | sort | uniq -d)" = "" ] || fail "the report lists each ticket once"
[ "$(tail -n 1 "$work/report.csv" | cut -d, -f1)" = "$number" ] || fail "the newest change comes last"

echo "== webhook_receiver.py"
# The tenant lets webhooks reach its own network (the receiver is on loopback); an admin
# subscribes it to new tickets; a customer opens one; the receiver verifies the delivery.
hook_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sleep $((31 - $(date +%s) % 30))
secret=$(HOOK_URL="http://127.0.0.1:$hook_port/hooks" PYTHONPATH=examples "$py" - <<'PY'
import os, httpx
from report_updated_tickets import sign_in
with httpx.Client(base_url=os.environ["CLIENTDESK_URL"], timeout=30) as api:
    api.headers["Authorization"] = "Bearer " + sign_in(api)
    api.put("/api/v1/rmm/integration", json={"enabled": True, "allow_private_targets": True}).raise_for_status()
    hook = api.post("/api/v1/webhooks", json={"url": os.environ["HOOK_URL"], "event_types": ["ticket.created"],
                                              "description": "examples"})
    print(hook.raise_for_status().json()["secret"])
PY
)
WEBHOOK_SECRET="$secret" PORT=$hook_port MAX_EVENTS=1 timeout 60 "$py" examples/webhook_receiver.py > "$work/hook.txt" 2>&1 &
receiver=$!
sleep 1
hook_title="Webhook check ($RANDOM)" "$py" - <<'PY'
import os, httpx
with httpx.Client(base_url=os.environ["CLIENTDESK_URL"], timeout=30) as api:
    body = {"tenant": "demo", "email": "fred.fabrikam@demo.example", "password": os.environ["CLIENTDESK_PASSWORD"]}
    api.headers["Authorization"] = "Bearer " + api.post("/api/v1/auth/login", json=body).raise_for_status().json()["access_token"]
    company = api.get("/api/v1/me").raise_for_status().json()["companies"][0]["id"]
    api.post(f"/api/v1/companies/{company}/tickets", json={"title": os.environ["hook_title"], "description": "Hook."}).raise_for_status()
PY
wait $receiver || fail "the receiver got no verified delivery: $(cat "$work/hook.txt")"
cat "$work/hook.txt"
grep -q '^verified ticket.created ' "$work/hook.txt" || fail "the receiver verifies the ticket.created delivery"

echo "examples passed ($rows tickets reported) in $((SECONDS - started)) s"

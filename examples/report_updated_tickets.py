"""A report of every ticket updated since a given time, as CSV on standard output.

Signs in as staff (password + TOTP) and pages through `GET /api/v1/tickets` with
`updated_from`, `sort=updated` (oldest change first) and `limit`, following `next_cursor` until
it is null; a ticket changed while it pages comes again, and is written once, where it last
came. Keep the `updated_at` of the last row to start the next run from it.

    CLIENTDESK_URL=http://127.0.0.1:8080 CLIENTDESK_TENANT=demo \
    CLIENTDESK_EMAIL=admin@demo.example CLIENTDESK_PASSWORD=demo-portal-2026 \
    CLIENTDESK_TOTP_SECRET=<base32 secret> \
    SINCE=2026-12-01T00:00:00Z python examples/report_updated_tickets.py > tickets.csv

SINCE is an RFC 3339 time (default: 24 hours ago); PAGE_SIZE is 1 to 200 (default 100).
"""

import base64
import csv
import datetime
import hashlib
import hmac
import os
import struct
import sys
import time

import httpx


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if not value:
        raise SystemExit(f"set {name}")
    return value


def totp(secret: str, step: int) -> str:
    """The RFC 6238 code of `secret` (base32) for the 30-second step `step`."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def sign_in(api: httpx.Client) -> str:
    body = {
        "tenant": env("CLIENTDESK_TENANT", "demo"),
        "email": env("CLIENTDESK_EMAIL"),
        "password": env("CLIENTDESK_PASSWORD"),
    }
    answer = api.post("/api/v1/auth/login", json=body).raise_for_status().json()
    if answer["status"] == "authenticated":
        return answer["access_token"]
    step = int(time.time()) // 30
    for s in (step, step + 1):
        verified = api.post(
            "/api/v1/auth/mfa/verify",
            json={"mfa_token": answer["mfa_token"], "code": totp(env("CLIENTDESK_TOTP_SECRET"), s)},
        )
        if verified.status_code == 200:
            return verified.json()["access_token"]
    raise SystemExit(f"the TOTP step failed: {verified.text}")


def main() -> None:
    default_since = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # httpx encodes the query, so an offset such as +01:00 arrives as a `+`, not as a space.
    params = {"updated_from": env("SINCE", default_since), "sort": "updated", "limit": env("PAGE_SIZE", "100")}
    # A ticket changed while we page moves behind the cursor and comes again: keep its last copy.
    tickets: dict[int, dict] = {}
    with httpx.Client(base_url=env("CLIENTDESK_URL"), timeout=30) as api:
        api.headers["Authorization"] = f"Bearer {sign_in(api)}"
        while True:
            page = api.get("/api/v1/tickets", params=params).raise_for_status().json()
            for t in page["items"]:
                tickets.pop(t["id"], None)
                tickets[t["id"]] = t
            if not page.get("next_cursor"):
                break
            params["cursor"] = page["next_cursor"]
    out = csv.writer(sys.stdout)
    out.writerow(["number", "id", "company_id", "status", "priority", "title", "requester", "created_at", "updated_at"])
    for t in tickets.values():
        status, priority, title = t.get("status") or "", t.get("priority") or "", t.get("title") or ""
        out.writerow(
            [
                t["number"],
                t["id"],
                t["company_id"],
                status,
                priority,
                title,
                t["requester"]["name"],
                t["created_at"],
                t["updated_at"],
            ]
        )
    rows = len(tickets)
    print(f"{rows} tickets updated since {params['updated_from']}", file=sys.stderr)


if __name__ == "__main__":
    main()

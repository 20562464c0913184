"""A PSA pushing its companies and their contacts into clientdesk.

Signs in as a provider admin (password, then the current code of the TOTP secret), creates
each company unless one of that name exists (`POST /api/v1/companies`), and invites each
contact as a portal user of its company (`POST /api/v1/users` with `memberships`). Running it
again changes nothing: companies and contacts are looked up first, and a 409 (created meanwhile
by someone else) counts as already there.

    CLIENTDESK_URL=http://127.0.0.1:8080 CLIENTDESK_TENANT=demo \
    CLIENTDESK_EMAIL=admin@demo.example CLIENTDESK_PASSWORD=demo-portal-2026 \
    CLIENTDESK_TOTP_SECRET=<base32 secret> python examples/psa_push_companies.py [companies.json]

`companies.json` (optional, else the sample below): a list of
`{"name": ..., "territory": ..., "contacts": [{"name": ..., "email": ..., "roles": [...]}]}`.
Prints one line per company and contact: `created`, `invited` or `exists`.
"""

import base64
import hashlib
import hmac
import json
import os
import struct
import sys
import time

import httpx

SAMPLE = [
    {
        "name": "Northwind Traders",
        "territory": "EMEA",
        "contacts": [
            {"name": "Nora North", "email": "nora@northwind.example", "roles": ["portal_user_plus"]},
            {"name": "Wes Wind", "email": "wes@northwind.example"},
        ],
    },
    {
        "name": "Tailspin Toys",
        "contacts": [{"name": "Tia Tail", "email": "tia@tailspin.example", "roles": ["customer_approver"]}],
    },
]


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
    """Password, then TOTP: the access token (15 minutes, enough for a batch)."""
    body = {
        "tenant": env("CLIENTDESK_TENANT", "demo"),
        "email": env("CLIENTDESK_EMAIL"),
        "password": env("CLIENTDESK_PASSWORD"),
    }
    answer = api.post("/api/v1/auth/login", json=body).raise_for_status().json()
    if answer["status"] == "authenticated":
        return answer["access_token"]
    step = int(time.time()) // 30
    for s in (step, step + 1):  # a code made at the end of a step may arrive in the next one
        code = totp(env("CLIENTDESK_TOTP_SECRET"), s)
        verified = api.post("/api/v1/auth/mfa/verify", json={"mfa_token": answer["mfa_token"], "code": code})
        if verified.status_code == 200:
            return verified.json()["access_token"]
    raise SystemExit(f"the TOTP step failed: {verified.text}")


def pages(api: httpx.Client, path: str, **params):
    """Every item of a paged list, following `next_cursor`."""
    params["limit"] = 200
    while True:
        page = api.get(path, params=params).raise_for_status().json()
        yield from page["items"]
        if not page.get("next_cursor"):
            return
        params["cursor"] = page["next_cursor"]


def ensure_company(api: httpx.Client, company: dict) -> int:
    # `q` matches names containing the text: keep the exact match only.
    found = [c for c in pages(api, "/api/v1/companies", q=company["name"]) if c["name"] == company["name"]]
    if not found:
        fields = {k: company[k] for k in ("name", "territory", "classification") if k in company}
        created = api.post("/api/v1/companies", json=fields)
        if created.status_code == 201:
            print(f"company {company['name']}: created")
            return created.json()["id"]
        if created.status_code != 409:
            created.raise_for_status()
        found = [c for c in pages(api, "/api/v1/companies", q=company["name"]) if c["name"] == company["name"]]
    print(f"company {company['name']}: exists")
    return found[0]["id"]


def ensure_contact(api: httpx.Client, company_id: int, contact: dict, members: set[str]) -> None:
    email = contact["email"].lower()
    if email in members:
        print(f"  contact {email}: exists")
        return
    membership = {"company_id": company_id}
    if "roles" in contact:
        membership["roles"] = contact["roles"]
    body = {"email": email, "name": contact["name"], "memberships": [membership]}
    invited = api.post("/api/v1/users", json=body)
    if invited.status_code == 409:
        # The address is taken in the tenant, possibly as a member of another company.
        print(f"  contact {email}: exists ({invited.json()['detail']})")
        return
    invited.raise_for_status()
    print(f"  contact {email}: invited")


def main() -> None:
    companies = json.load(open(sys.argv[1])) if len(sys.argv) > 1 else SAMPLE
    with httpx.Client(base_url=env("CLIENTDESK_URL"), timeout=30) as api:
        api.headers["Authorization"] = f"Bearer {sign_in(api)}"
        for company in companies:
            company_id = ensure_company(api, company)
            members = {u["email"].lower() for u in pages(api, "/api/v1/users", company_id=company_id)}
            for contact in company.get("contacts", []):
                ensure_contact(api, company_id, contact, members)


if __name__ == "__main__":
    main()

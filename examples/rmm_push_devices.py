"""An RMM pushing its devices into clientdesk and building a signed agent link.

1. As a provider admin (password + TOTP), turns agent portal access on if it is off (keeping the
   integration's other settings), and makes a new link-signing secret and a new sync credential
   (`POST /api/v1/rmm/integration/secret` and `.../sync-token`; each is shown once and replaces the
   previous one, so a real RMM does this once and stores both). Skipped when RMM_SECRET and
   RMM_SYNC_TOKEN are given.
2. With the sync credential, upserts the devices by agent GUID (`PUT /api/v1/rmm/devices`).
3. Prints the agent link of the first device (`GET /api/v1/rmm/agent-login`), signed with
   HMAC-SHA256 over its six parameters in alphabetical order, form-encoded, with a timestamp and
   a single-use nonce: valid for 5 minutes, once.

    CLIENTDESK_URL=http://127.0.0.1:8080 CLIENTDESK_TENANT=demo \
    CLIENTDESK_EMAIL=admin@demo.example CLIENTDESK_PASSWORD=demo-portal-2026 \
    CLIENTDESK_TOTP_SECRET=<base32 secret> \
    RMM_COMPANY="Fabrikam Inc" RMM_USER_EMAIL=fred.fabrikam@demo.example python examples/rmm_push_devices.py

RMM_COMPANY names the devices' company (exactly); RMM_USER_EMAIL (optional) is the portal user
working on the first device, who must be a member of that company.
"""

import base64
import hashlib
import hmac
import os
import secrets
import struct
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


def set_up_integration(api: httpx.Client) -> tuple[str, str]:
    """Agent access on; a new signing secret and sync credential."""
    api.headers["Authorization"] = f"Bearer {sign_in(api)}"
    current = api.get("/api/v1/rmm/integration")
    settings = current.json() if current.status_code == 200 else {"enabled": False}
    if not settings["enabled"]:
        # PUT replaces every setting: send the current ones back, with access turned on.
        keep = ("webhook_url", "allow_unsigned_links", "allow_private_targets")
        body = {"enabled": True} | {k: settings[k] for k in keep if k in settings}
        api.put("/api/v1/rmm/integration", json=body).raise_for_status()
    secret = api.post("/api/v1/rmm/integration/secret").raise_for_status().json()["secret"]
    sync_token = api.post("/api/v1/rmm/integration/sync-token").raise_for_status().json()["secret"]
    return secret, sync_token


def company_id(api: httpx.Client, name: str) -> int:
    page = api.get("/api/v1/companies", params={"q": name, "limit": 200}).raise_for_status().json()
    exact = [c["id"] for c in page["items"] if c["name"] == name]
    if not exact:
        raise SystemExit(f"no company named {name!r}")
    return exact[0]


def form_encode(value: str) -> str:
    """WHATWG application/x-www-form-urlencoded, as the server signs: `*-._` and alphanumerics
    kept, a space as `+`, every other UTF-8 byte as %XX. (Python's urlencode keeps `~` and
    escapes `*`, so a value with either would not match.)"""
    keep = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-._"
    return "".join(chr(b) if b in keep else "+" if b == 0x20 else f"%{b:02X}" for b in value.encode())


def agent_link(base_url: str, tenant: str, secret: str, device: dict) -> str:
    """The signed link the agent's tray menu opens; `client` is the tenant's slug or name."""
    params = {
        "agentguid": device["agent_guid"],
        "client": tenant,
        "groupid": device["group_id"],
        "machineid": device["machine_id"],
        "nonce": secrets.token_urlsafe(16),
        "ts": str(int(time.time())),
    }
    canonical = "&".join(f"{k}={form_encode(v)}" for k, v in sorted(params.items()))
    # The key is the secret's text as given (its ASCII bytes), not the base64 it looks like decoded.
    sig = hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()
    return f"{base_url}/api/v1/rmm/agent-login?{canonical}&sig={sig}"


def main() -> None:
    base_url = env("CLIENTDESK_URL").rstrip("/")
    tenant = env("CLIENTDESK_TENANT", "demo")
    with httpx.Client(base_url=base_url, timeout=30) as api:
        secret, sync_token = os.environ.get("RMM_SECRET"), os.environ.get("RMM_SYNC_TOKEN")
        if not (secret and sync_token):
            secret, sync_token = set_up_integration(api)
        else:
            api.headers["Authorization"] = f"Bearer {sign_in(api)}"
        company = company_id(api, env("RMM_COMPANY"))
        devices = [
            {
                "agent_guid": "5d1a7c42-0b9e-4f3a-8c11-2e7f90a1b001",
                "machine_id": "PC-FRONTDESK",
                "group_id": "office.reception",
                "hostname": "pc-frontdesk.local",
                "platform": "windows",
                "company_id": company,
                "contact": {"name": "Front Desk", "phone": "+41 44 555 00 01"},
            },
            {
                "agent_guid": "5d1a7c42-0b9e-4f3a-8c11-2e7f90a1b002",
                "machine_id": "MAC-DESIGN",
                "group_id": "office.studio",
                "hostname": "mac-design.local",
                "platform": "mac",
                "company_id": company,
            },
        ]
        if os.environ.get("RMM_USER_EMAIL"):
            devices[0]["user_email"] = os.environ["RMM_USER_EMAIL"]
        # The sync credential, not a user's token: this is what the RMM itself holds.
        synced = api.put(
            "/api/v1/rmm/devices", json={"devices": devices}, headers={"Authorization": f"Bearer {sync_token}"}
        )
        if synced.status_code == 422:
            raise SystemExit(f"refused: {synced.json().get('errors')}")
        for result in synced.raise_for_status().json()["devices"]:
            print(f"device {result['agent_guid']}: id {result['id']}, {'created' if result['created'] else 'updated'}")
        print(agent_link(base_url, tenant, secret, devices[0]))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Signed agent links for bench/agent.sh, one a line: each with a fresh nonce and ts = now,
signed as an RMM script would (HMAC-SHA256 under the integration's secret of the six parameters
in alphabetical order, form-encoded). Signing inside wrk's Lua would measure the Lua, not the
server. Links stay valid 5 minutes and each nonce works once: generate right before a run.

usage: agent-links.py CLIENT SECRET AGENTGUID MACHINEID GROUPID COUNT
"""
import hashlib
import hmac
import sys
import time
import uuid
from urllib.parse import quote_plus


def main():
    client, secret, guid, machine, group, count = sys.argv[1:7]
    ts = str(int(time.time()))
    key = secret.encode()
    prefix = f"agentguid={quote_plus(guid)}&client={quote_plus(client)}&groupid={quote_plus(group)}" \
        f"&machineid={quote_plus(machine)}&nonce="
    query = f"/api/v1/rmm/agent-login?client={quote_plus(client)}&agentguid={quote_plus(guid)}" \
        f"&machineid={quote_plus(machine)}&groupid={quote_plus(group)}&ts={ts}"
    run = uuid.uuid4().hex[:12]
    out = sys.stdout
    for n in range(int(count)):
        nonce = f"bench-{run}-{n}"
        sig = hmac.new(key, f"{prefix}{nonce}&ts={ts}".encode(), hashlib.sha256).hexdigest()
        out.write(f"{query}&nonce={nonce}&sig={sig}\n")


if __name__ == "__main__":
    main()

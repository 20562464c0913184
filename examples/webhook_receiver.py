"""A webhook receiver that checks every delivery's signature (Standard Webhooks), then prints it.

clientdesk signs each delivery with the subscription's secret (`whsec_...`, shown when the
subscription is made or rotated): `webhook-signature` holds `v1,<base64 HMAC-SHA256>` of
`{webhook-id}.{webhook-timestamp}.{body}`, keyed by the base64-decoded part after `whsec_`; for
a day after a rotation it holds two signatures, space-separated, and one matching is enough.
A delivery is answered 204 once verified; a bad signature or a timestamp more than five minutes
away is answered 401, and a `webhook-id` seen before is acknowledged without being handled again
(delivery is at least once).

    WEBHOOK_SECRET=whsec_... PORT=8099 python examples/webhook_receiver.py

MAX_EVENTS stops it after that many verified events (for scripts); it uses the standard library only.
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

TOLERANCE_SECONDS = 300


def verify(secret: str, headers, body: bytes) -> bool:
    """Whether one of the delivery's signatures is the HMAC of its id, timestamp and body."""
    msg_id, timestamp = headers.get("webhook-id"), headers.get("webhook-timestamp")
    signatures = (headers.get("webhook-signature") or "").split()
    if not msg_id or not timestamp or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        version == "v1" and hmac.compare_digest(value, expected)
        for version, _, value in (s.partition(",") for s in signatures)
    )


class Receiver(BaseHTTPRequestHandler):
    secret = os.environ.get("WEBHOOK_SECRET", "")
    seen: set[str] = set()
    handled = 0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if not verify(self.secret, self.headers, body):
            print("refused: bad signature or timestamp", file=sys.stderr, flush=True)
            self.send_response(401)
            self.end_headers()
            return
        msg_id = self.headers["webhook-id"]
        if msg_id not in Receiver.seen:
            Receiver.seen.add(msg_id)
            event = json.loads(body)
            print(f"verified {event['type']} {msg_id} {json.dumps(event['data'], sort_keys=True)}", flush=True)
            Receiver.handled += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:  # the lines above say what happened
        pass


def main() -> None:
    if not Receiver.secret.startswith("whsec_"):
        raise SystemExit("set WEBHOOK_SECRET to the subscription's whsec_... secret")
    max_events = int(os.environ.get("MAX_EVENTS", "0"))
    server = HTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8099"))), Receiver)
    print(f"listening on {server.server_address[1]}", flush=True)
    while not max_events or Receiver.handled < max_events:
        server.handle_request()


if __name__ == "__main__":
    main()

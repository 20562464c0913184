"""What an integration script does first, through a client generated from the contract alone:
sign in with a password and a TOTP code, page through tickets, open one with an
Idempotency-Key, change it with If-Match, attach a file and read it back, and search the
knowledge base.

Run against a started server: CLIENTDESK_URL, CLIENTDESK_EMAIL, CLIENTDESK_PASSWORD and
CLIENTDESK_TOTP_SECRET (base32) name the server and a customer of the demo tenant.
"""

import base64
import hashlib
import hmac
import io
import os
import struct
import time
import uuid

from clientdesk_client import AuthenticatedClient, Client
from clientdesk_client.api.auth import login, verify_mfa
from clientdesk_client.api.knowledge_base import search_kb
from clientdesk_client.api.me import get_me
from clientdesk_client.api.tickets import (
    create_ticket,
    download_attachment,
    get_ticket,
    list_company_tickets,
    update_ticket,
    upload_ticket_attachments,
)
from clientdesk_client.models import (
    AttachmentView,
    LoginRequest,
    LoginResponseMfaRequired,
    Me,
    MfaVerifyRequest,
    NewTicketInput,
    PagedTicketView,
    Problem,
    SearchPage,
    TicketPatch,
    TicketView,
    TokenPair,
    UploadForm,
)
from clientdesk_client.types import UNSET, File


def env(name: str) -> str:
    value = os.environ.get(name)
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


def sign_in(anonymous: Client) -> str:
    answer = login.sync(
        client=anonymous,
        body=LoginRequest(tenant="demo", email=env("CLIENTDESK_EMAIL"), password=env("CLIENTDESK_PASSWORD")),
    )
    assert isinstance(answer, LoginResponseMfaRequired), f"the password step asks for the code: {answer}"
    step = int(time.time()) // 30
    # A code made at the very end of a step may arrive in the next: the next step's code then fits.
    for s in (step, step + 1):
        verified = verify_mfa.sync(
            client=anonymous,
            body=MfaVerifyRequest(mfa_token=answer.mfa_token, code=totp(env("CLIENTDESK_TOTP_SECRET"), s)),
        )
        if isinstance(verified, TokenPair):
            return verified.access_token
    raise AssertionError("the TOTP step failed")


def main() -> None:
    base_url = env("CLIENTDESK_URL")
    token = sign_in(Client(base_url=base_url))
    api = AuthenticatedClient(base_url=base_url, token=token)

    me = get_me.sync(client=api)
    assert isinstance(me, Me), me
    company_id = me.companies[0].id

    # Open a ticket twice with one Idempotency-Key: one ticket, the same answer.
    key = str(uuid.uuid4())
    body = NewTicketInput(title="VPN drops every hour", description="Since the update on Monday.")
    first = create_ticket.sync_detailed(company_id, client=api, body=body, idempotency_key=key)
    again = create_ticket.sync(company_id, client=api, body=body, idempotency_key=key)
    assert first.status_code == 201 and isinstance(first.parsed, TicketView), first.parsed
    assert isinstance(again, TicketView) and again.id == first.parsed.id, "a retried creation gives the same ticket"
    created = first.parsed

    # Page through the company's tickets, two at a time, until the new one shows.
    cursor: str | None = None
    seen, found = 0, False
    while True:
        page = list_company_tickets.sync(
            company_id, client=api, limit=2, cursor=cursor if cursor is not None else UNSET
        )
        assert isinstance(page, PagedTicketView), page
        seen += len(page.items)
        found = found or any(t.id == created.id for t in page.items)
        if not isinstance(page.next_cursor, str):
            break
        cursor = page.next_cursor
    assert found, f"the new ticket is listed among {seen}"

    # Change it with If-Match: the current ETag wins, a stale one is refused with 412.
    read = get_ticket.sync_detailed(created.id, client=api)
    etag = read.headers.get("ETag")
    assert read.status_code == 200 and etag, "a ticket is read with its ETag"
    changed = update_ticket.sync(created.id, client=api, body=TicketPatch(title="VPN drops every hour (site B)"), if_match=etag)
    assert isinstance(changed, TicketView) and changed.title == "VPN drops every hour (site B)", changed
    stale = update_ticket.sync_detailed(created.id, client=api, body=TicketPatch(title="Lost update"), if_match=etag)
    assert stale.status_code == 412 and isinstance(stale.parsed, Problem), "a stale If-Match is refused"
    assert stale.headers.get("Content-Type") == "application/problem+json"

    # Attach a file and download it again.
    text = b"ping loss after 60 minutes\n"
    upload = upload_ticket_attachments.sync(
        created.id,
        client=api,
        body=UploadForm(file=[File(payload=io.BytesIO(text), file_name="ping.txt", mime_type="text/plain")]),
    )
    assert isinstance(upload, list) and isinstance(upload[0], AttachmentView), upload
    download = download_attachment.sync_detailed(upload[0].id, client=api)
    assert download.status_code == 200 and download.content == text, "the file comes back as uploaded"

    # Search the knowledge base published for the company.
    search = search_kb.sync(company_id, client=api, q="password", limit=5)
    assert isinstance(search, SearchPage) and len(search.items) > 0, search

    print(f"python client: ok (ticket {created.number}, {seen} tickets paged, {len(search.items)} articles)")


if __name__ == "__main__":
    main()

// What a front end does first, through a client generated from the contract alone: sign in
// with a password and a TOTP code, page through tickets, open one with an Idempotency-Key,
// change it with If-Match, attach a file and read it back, and search the knowledge base.
//
// Run against a started server: CLIENTDESK_URL, CLIENTDESK_EMAIL, CLIENTDESK_PASSWORD and
// CLIENTDESK_TOTP_SECRET (base32) name the server and a customer of the demo tenant.
import { createHmac, randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import createClient from "openapi-fetch";
import type { paths, components } from "./generated/schema";

type Ticket = components["schemas"]["TicketView"];

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

/** The RFC 6238 code of `secret` (base32) for the 30-second step `step`. */
function totp(secret: string, step: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return code.toString().padStart(6, "0");
}

const baseUrl = env("CLIENTDESK_URL");
const anonymous = createClient<paths>({ baseUrl });

async function signIn(): Promise<string> {
  const email = env("CLIENTDESK_EMAIL");
  const login = await anonymous.POST("/api/v1/auth/login", {
    body: { tenant: "demo", email, password: env("CLIENTDESK_PASSWORD") },
  });
  assert.equal(login.response.status, 200, JSON.stringify(login.error));
  const answer = login.data;
  assert.ok(answer && answer.status === "mfa_required", `the password step asks for the code: ${JSON.stringify(answer)}`);
  const step = Math.floor(Date.now() / 30_000);
  // A code made at the very end of a step may arrive in the next: the next step's code then fits.
  for (const s of [step, step + 1]) {
    const verified = await anonymous.POST("/api/v1/auth/mfa/verify", {
      body: { mfa_token: answer.mfa_token, code: totp(env("CLIENTDESK_TOTP_SECRET"), s) },
    });
    if (verified.data) return verified.data.access_token;
  }
  throw new Error("the TOTP step failed");
}

const token = await signIn();
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

const me = await api.GET("/api/v1/me");
assert.ok(me.data, JSON.stringify(me.error));
const company = me.data.companies[0];
assert.ok(company, "the customer belongs to a company");
const company_id = company.id;

// Open a ticket twice with one Idempotency-Key: one ticket, the same answer.
const key = randomUUID();
const open = () =>
  api.POST("/api/v1/companies/{company_id}/tickets", {
    params: { path: { company_id }, header: { "Idempotency-Key": key } },
    body: { title: "Printer on floor 2 jams", description: "Since Monday, every second page." },
  });
const first = await open();
assert.equal(first.response.status, 201, JSON.stringify(first.error));
const again = await open();
assert.ok(first.data && again.data);
assert.equal(again.data.id, first.data.id, "a retried creation gives the same ticket");
const created: Ticket = first.data;

// Page through the company's tickets, two at a time, until the new one shows.
let cursor: string | undefined;
let seen = 0;
let found = false;
do {
  const page = await api.GET("/api/v1/companies/{company_id}/tickets", {
    params: { path: { company_id }, query: { limit: 2, ...(cursor ? { cursor } : {}) } },
  });
  assert.ok(page.data, JSON.stringify(page.error));
  seen += page.data.items.length;
  found ||= page.data.items.some((t) => t.id === created.id);
  cursor = page.data.next_cursor ?? undefined;
} while (cursor);
assert.ok(found && seen >= 1, `the new ticket is listed among ${seen}`);

// Change it with If-Match: the current ETag wins, a stale one is refused with 412.
const read = await api.GET("/api/v1/tickets/{ticket_id}", { params: { path: { ticket_id: created.id } } });
const etag = read.response.headers.get("ETag");
assert.ok(read.data && etag, "a ticket is read with its ETag");
const changed = await api.PATCH("/api/v1/tickets/{ticket_id}", {
  params: { path: { ticket_id: created.id }, header: { "If-Match": etag } },
  body: { title: "Printer on floor 2 jams (tray 2)" },
});
assert.equal(changed.response.status, 200, JSON.stringify(changed.error));
assert.equal(changed.data?.title, "Printer on floor 2 jams (tray 2)");
const stale = await api.PATCH("/api/v1/tickets/{ticket_id}", {
  params: { path: { ticket_id: created.id }, header: { "If-Match": etag } },
  body: { title: "Lost update" },
});
assert.equal(stale.response.status, 412, "a stale If-Match is refused");
assert.equal(stale.response.headers.get("Content-Type"), "application/problem+json");

// Attach a file and download it again.
const text = "paper jam at tray 2\n";
const upload = await api.POST("/api/v1/tickets/{ticket_id}/attachments", {
  params: { path: { ticket_id: created.id } },
  body: { file: [] },
  bodySerializer: () => {
    const form = new FormData();
    form.append("file", new Blob([text], { type: "text/plain" }), "jam.txt");
    return form;
  },
});
assert.equal(upload.response.status, 201, JSON.stringify(upload.error));
const attachment = upload.data?.[0];
assert.ok(attachment, "the stored attachment is answered");
const download = await api.GET("/api/v1/attachments/{attachment_id}", {
  params: { path: { attachment_id: attachment.id } },
  parseAs: "text",
});
assert.equal(download.data, text, "the file comes back as uploaded");

// Search the knowledge base published for the company.
const search = await api.GET("/api/v1/companies/{company_id}/kb/search", {
  params: { path: { company_id }, query: { q: "password", limit: 5 } },
});
assert.equal(search.response.status, 200, JSON.stringify(search.error));
assert.ok(search.data && search.data.items.length > 0, "the demo knowledge base answers");

console.log(`typescript client: ok (ticket ${created.number}, ${seen} tickets paged, ${search.data.items.length} articles)`);

-- A step-up counts for the sign-in session that proved it (the refresh family), not for every
-- session of the user; `factor` says how (otp or sms).
CREATE TABLE step_ups (
    session_id TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    factor TEXT NOT NULL,
    proven_at TIMESTAMP NOT NULL
);
CREATE INDEX step_ups_user_idx ON step_ups (user_id);

-- When the verified phone last changed (set, replaced or removed): SMS step-up waits a day.
ALTER TABLE users ADD COLUMN phone_changed_at TIMESTAMP;

-- SMS sent per user, company and tenant in fixed hour and day windows, counted before sending.
CREATE TABLE sms_counters (
    counter_key TEXT PRIMARY KEY NOT NULL,
    sent INTEGER NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sms_counters_expires_idx ON sms_counters (expires_at);

-- The calling-code prefixes (e.g. +41) a tenant's SMS may go to; no row: anywhere.
CREATE TABLE sms_policies (
    tenant_id BIGINT PRIMARY KEY NOT NULL REFERENCES tenants (id),
    allowed_prefixes TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

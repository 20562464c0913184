-- The RMM integration: its settings and secrets, the devices synced from it, agent logins (nonces
-- and one-time codes), verification codes (phone, step-up, registration), the software catalogue
-- and self-service actions.

CREATE TABLE rmm_integrations (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id),
    -- Agent portal access: off, every agent link is refused.
    enabled BOOLEAN NOT NULL DEFAULT FALSE,
    -- HMAC-SHA256 keys shared with the RMM (signed links, webhooks, callbacks): the current one
    -- and, while a rotation rolls out, the previous one. Kept in clear: HMAC needs the key.
    secret TEXT NOT NULL,
    previous_secret TEXT,
    -- The RMM's endpoint for dispatching self-service actions.
    webhook_url TEXT,
    -- Unsigned legacy links (ids only): unsafe, off unless the tenant opts in.
    allow_unsigned_links BOOLEAN NOT NULL DEFAULT FALSE,
    -- SHA-256 of the credential the RMM syncs devices with.
    sync_token_hash TEXT UNIQUE,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE devices (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    user_id BIGINT REFERENCES users (id),
    hostname TEXT NOT NULL,
    platform TEXT NOT NULL,
    agent_guid TEXT NOT NULL,
    machine_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    -- The RMM's contact details for the machine, to prefill self-registration.
    contact_name TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    -- SHA-256 of the device's link token (for RMMs that can only fill a fixed link template).
    token_hash TEXT UNIQUE,
    last_seen_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, agent_guid)
);
CREATE INDEX devices_user_idx ON devices (user_id);
CREATE INDEX devices_company_idx ON devices (company_id, id);

-- Nonces of signed agent links seen within their validity, so a link works once.
CREATE TABLE agent_nonces (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    nonce TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, nonce)
);

-- Codes proven by a person: a one-time login code handed to a browser, a code sent by SMS or
-- e-mail (phone verification, step-up, registration). Only the SHA-256 is kept.
CREATE TABLE verification_codes (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    user_id BIGINT REFERENCES users (id),
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    -- What the code proves or carries (e.g. the phone number, the login answer), as JSON.
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX verification_codes_hash_idx ON verification_codes (code_hash);
CREATE INDEX verification_codes_user_idx ON verification_codes (user_id, purpose);

ALTER TABLE users ADD COLUMN phone_verified_at TIMESTAMP;
-- When the user last proved a second factor for a sensitive action (step-up).
ALTER TABLE users ADD COLUMN step_up_at TIMESTAMP;

CREATE TABLE software (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    chocolatey_id TEXT,
    homebrew_formula TEXT,
    homebrew_cask TEXT,
    -- Offered to every company, or only to those in software_companies.
    all_companies BOOLEAN NOT NULL DEFAULT TRUE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE software_companies (
    software_id BIGINT NOT NULL REFERENCES software (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    PRIMARY KEY (software_id, company_id)
);

CREATE TABLE device_actions (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    device_id BIGINT NOT NULL REFERENCES devices (id),
    requested_by BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    software_id BIGINT REFERENCES software (id),
    status TEXT NOT NULL,
    result TEXT,
    created_at TIMESTAMP NOT NULL,
    dispatched_at TIMESTAMP,
    finished_at TIMESTAMP,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX device_actions_device_idx ON device_actions (device_id, id);
CREATE INDEX device_actions_user_idx ON device_actions (requested_by, created_at);
CREATE INDEX device_actions_open_idx ON device_actions (expires_at) WHERE status IN ('queued', 'dispatched');

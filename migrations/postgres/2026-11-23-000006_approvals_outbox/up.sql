-- Validation requests on tickets, change requests, the single-use decision links sent by e-mail,
-- and the outbox of messages written in the same transaction as the change that causes them.

-- A validation asks the company's approvers to accept or reject something about a ticket. It is
-- stored as pending until decided or cancelled; past its deadline it reads as expired, and the
-- first touch after the deadline stores that.
CREATE TABLE validations (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    question TEXT NOT NULL,
    decision_rule TEXT NOT NULL,
    status TEXT NOT NULL,
    deadline TIMESTAMP,
    requested_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX validations_company_idx ON validations (company_id, id);
CREATE INDEX validations_ticket_idx ON validations (ticket_id, id);
-- One open question per ticket at a time.
CREATE UNIQUE INDEX validations_one_pending_idx ON validations (ticket_id) WHERE status = 'pending';

-- Each approver decides once per validation.
CREATE TABLE validation_decisions (
    id BIGSERIAL PRIMARY KEY,
    validation_id BIGINT NOT NULL REFERENCES validations (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    decision TEXT NOT NULL,
    comment TEXT,
    decided_at TIMESTAMP NOT NULL,
    UNIQUE (validation_id, user_id)
);

CREATE TABLE change_requests (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    reason TEXT NOT NULL,
    risk TEXT NOT NULL,
    planned_start TIMESTAMP,
    planned_end TIMESTAMP,
    estimated_cost_cents BIGINT,
    currency TEXT,
    status TEXT NOT NULL,
    requested_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decision_comment TEXT,
    decided_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX change_requests_company_idx ON change_requests (company_id, id);

-- Accept / reject links mailed to one approver: the token is random (256 bits) and only its
-- SHA-256 is kept; a link is used at most once.
CREATE TABLE decision_links (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    token_hash TEXT NOT NULL UNIQUE,
    validation_id BIGINT NOT NULL REFERENCES validations (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    decision TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

-- Messages to deliver (e-mail, SMS, webhooks). A worker claims due messages by moving their
-- next_attempt_at past the delivery timeout (a lease: a crashed worker's messages come due
-- again), then marks them sent, schedules a retry with backoff, or marks them dead.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    language TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_tenant_idx ON outbox (tenant_id, id);

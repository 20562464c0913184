-- Tickets: settings, catalogues, the tickets with their notes, history and attachments, and the
-- idempotency keys of create requests.
CREATE TABLE ticket_settings (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id),
    settings TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The next ticket number of each tenant; taken with an upsert inside the creating transaction,
-- so numbers are unique per tenant and never handed out twice.
CREATE TABLE ticket_counters (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id),
    next_number BIGINT NOT NULL
);

CREATE TABLE request_types (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE queues (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE custom_fields (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    field_key TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '[]',
    required BOOLEAN NOT NULL DEFAULT FALSE,
    customer_visibility TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, field_key)
);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    priority INTEGER NOT NULL,
    provider_priority INTEGER,
    request_type_id BIGINT REFERENCES request_types (id),
    queue_id BIGINT REFERENCES queues (id),
    requester_id BIGINT NOT NULL REFERENCES users (id),
    contact_id BIGINT REFERENCES users (id),
    assignee_id BIGINT REFERENCES users (id),
    device_id BIGINT,
    due_at TIMESTAMP,
    worked_minutes BIGINT NOT NULL DEFAULT 0,
    billed_minutes BIGINT NOT NULL DEFAULT 0,
    billed BOOLEAN NOT NULL DEFAULT FALSE,
    custom_values TEXT NOT NULL DEFAULT '{}',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    UNIQUE (tenant_id, number)
);
-- Company lists sort by id (creation order), last update or priority; staff lists by tenant.
CREATE INDEX tickets_company_idx ON tickets (company_id, id);
CREATE INDEX tickets_company_status_idx ON tickets (company_id, status, id);
CREATE INDEX tickets_company_updated_idx ON tickets (company_id, updated_at, id);
CREATE INDEX tickets_requester_idx ON tickets (requester_id, id);
CREATE INDEX tickets_contact_idx ON tickets (contact_id);
CREATE INDEX tickets_assignee_idx ON tickets (assignee_id);

CREATE TABLE ticket_notes (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    internal BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ticket_notes_ticket_idx ON ticket_notes (ticket_id, id);

-- One row per changed field (or per note, attachment, creation), so that what a customer may not
-- see can be left out row by row.
CREATE TABLE ticket_events (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    actor_id BIGINT REFERENCES users (id),
    kind TEXT NOT NULL,
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    internal BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    note_id BIGINT REFERENCES ticket_notes (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_ticket_idx ON attachments (ticket_id, id);

-- Create requests sent with an Idempotency-Key: the claim, then the answer once there is one.
CREATE TABLE idempotency_keys (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER,
    response_body TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Text search over title and description (SQLite only: an external-content FTS5 table kept in
-- step by triggers; PostgreSQL uses a GIN expression index instead).
CREATE VIRTUAL TABLE tickets_fts USING fts5(
    title, description, content='tickets', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, title, description)
    VALUES ('delete', old.id, old.title, old.description);
END;
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF title, description ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, title, description)
    VALUES ('delete', old.id, old.title, old.description);
    INSERT INTO tickets_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
END;

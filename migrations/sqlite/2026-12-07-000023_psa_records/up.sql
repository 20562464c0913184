-- Records the provider's PSA owns and the portal shows: invoices (with lines and an optional PDF),
-- block-hour and retainer contracts with the time entries that used them, and projects (phases,
-- tasks, team, notes). Rows the PSA syncs carry its own id (`psa_id`, unique per tenant); rows
-- staff enter by hand may have none. Money is in integer minor units of `currency`; dates are
-- ISO 8601 calendar dates (YYYY-MM-DD) as text, which compare in order on both backends.

CREATE TABLE psa_integrations (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id),
    -- SHA-256 of the credential the PSA syncs with.
    sync_token_hash TEXT UNIQUE,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    psa_id TEXT,
    number TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    currency TEXT NOT NULL,
    net_minor BIGINT NOT NULL,
    tax_minor BIGINT NOT NULL,
    total_minor BIGINT NOT NULL,
    paid_minor BIGINT NOT NULL,
    -- open, paid or void; overdue is computed from due_on when read.
    status TEXT NOT NULL,
    payment_url TEXT,
    -- The PDF in the attachment storage, if any.
    pdf_key TEXT,
    pdf_size BIGINT,
    pdf_sha256 TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX invoices_psa_id_idx ON invoices (tenant_id, psa_id);
CREATE INDEX invoices_company_idx ON invoices (company_id, id);

CREATE TABLE invoice_lines (
    id INTEGER PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    -- Thousandths of a unit (1.5 hours = 1500).
    quantity_milli BIGINT NOT NULL,
    unit_price_minor BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL
);
CREATE INDEX invoice_lines_invoice_idx ON invoice_lines (invoice_id, position);

-- A block of hours (purchased and used in minutes) or a retainer (in minor units of currency).
CREATE TABLE contracts (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    psa_id TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    currency TEXT,
    period_start TEXT NOT NULL,
    period_end TEXT,
    purchased BIGINT NOT NULL,
    used BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX contracts_psa_id_idx ON contracts (tenant_id, psa_id);
CREATE INDEX contracts_company_idx ON contracts (company_id, id);

-- Work recorded against a contract (or none), on a ticket or a project as the PSA names them.
CREATE TABLE time_entries (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    contract_id BIGINT REFERENCES contracts (id) ON DELETE SET NULL,
    psa_id TEXT,
    worked_on TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    description TEXT NOT NULL,
    technician_name TEXT,
    ticket_ref TEXT,
    project_ref TEXT,
    billable BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX time_entries_psa_id_idx ON time_entries (tenant_id, psa_id);
CREATE INDEX time_entries_contract_idx ON time_entries (contract_id, worked_on);

-- A project of a company: hours in minutes, charges in minor units of currency.
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    psa_id TEXT,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    starts_on TEXT,
    ends_on TEXT,
    estimated_minutes BIGINT NOT NULL,
    used_minutes BIGINT NOT NULL,
    currency TEXT,
    charges_minor BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX projects_psa_id_idx ON projects (tenant_id, psa_id);
CREATE INDEX projects_company_idx ON projects (company_id, id);

-- Phases (phase_position NULL) and their tasks (phase_position naming their phase), in order.
CREATE TABLE project_tasks (
    id INTEGER PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    phase_position INTEGER,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    starts_on TEXT,
    ends_on TEXT,
    percent_done INTEGER NOT NULL
);
CREATE INDEX project_tasks_project_idx ON project_tasks (project_id, position);

-- The team: the provider's technicians (by name) and the company's contacts (user_id when the
-- e-mail is a member's login).
CREATE TABLE project_members (
    id INTEGER PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id),
    name TEXT NOT NULL,
    email TEXT,
    technician BOOLEAN NOT NULL
);
CREATE INDEX project_members_project_idx ON project_members (project_id);
CREATE INDEX project_members_user_idx ON project_members (user_id, project_id);

-- Notes on a project; those written in the portal are what the PSA reads back, in id order.
CREATE TABLE project_notes (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    author_user_id BIGINT REFERENCES users (id),
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    from_portal BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX project_notes_project_idx ON project_notes (project_id, id);
CREATE INDEX project_notes_tenant_idx ON project_notes (tenant_id, id);

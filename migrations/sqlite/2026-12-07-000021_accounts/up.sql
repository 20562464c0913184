-- A user is invited until its first credential is set (a password, or an agent registration);
-- `disabled` wins over both. Users with a password, staff and users without a pending
-- invitation count as active.
ALTER TABLE users ADD COLUMN activated_at TIMESTAMP;
UPDATE users SET activated_at = updated_at
WHERE password_hash IS NOT NULL OR staff_role IS NOT NULL
   OR NOT EXISTS (SELECT 1 FROM password_tokens t WHERE t.user_id = users.id AND t.used_at IS NULL);

-- What a set-password link is for: a first password (invitation) or a forgotten one (reset).
ALTER TABLE password_tokens ADD COLUMN purpose TEXT NOT NULL DEFAULT 'invitation';
CREATE INDEX password_tokens_user_idx ON password_tokens (user_id);

-- A new sign-in address waits here until a link mailed to it is followed.
CREATE TABLE email_changes (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    new_email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX email_changes_user_idx ON email_changes (user_id);

-- A user asks for other roles in a company; a customer approver or portal admin decides.
CREATE TABLE role_change_requests (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    roles TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    comment TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX role_change_requests_company_idx ON role_change_requests (company_id, status, id);
CREATE INDEX role_change_requests_user_idx ON role_change_requests (user_id, id);

-- Verified e-mail domains: an address in one joins its company. One company per domain and tenant.
CREATE TABLE company_email_domains (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    domain TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, domain)
);
CREATE INDEX company_email_domains_company_idx ON company_email_domains (company_id);

-- The company's primary and billing contacts, marked by staff.
ALTER TABLE companies ADD COLUMN primary_contact_id BIGINT REFERENCES users (id);
ALTER TABLE companies ADD COLUMN billing_contact_id BIGINT REFERENCES users (id);

-- Sign-ins and failed attempts of portal users, kept 30 days for the company's sign-in log.
CREATE TABLE signin_events (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    method TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    ip TEXT,
    user_agent TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX signin_events_user_idx ON signin_events (user_id, id);
CREATE INDEX signin_events_created_idx ON signin_events (created_at);

-- What customers may do with accounts in a tenant; no row: the defaults (both off).
CREATE TABLE account_policies (
    tenant_id BIGINT PRIMARY KEY NOT NULL REFERENCES tenants (id),
    customers_grant_portal_admin BOOLEAN NOT NULL,
    staff_names_for_customers BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A company's portal admin suspends a login's access to that company only: the person's other
-- companies, which this company must not see, keep working.
ALTER TABLE memberships ADD COLUMN suspended_at TIMESTAMP;

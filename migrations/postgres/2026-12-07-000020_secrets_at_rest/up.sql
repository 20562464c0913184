-- Each tenant's data key, wrapped (AES-256-GCM) by the deployment's master key, with the tenant as
-- associated data. Secrets the portal must use again (TOTP secrets, RMM HMAC keys) are sealed
-- under it; see docs/decisions/0004-secrets-at-rest.md. Values stored in clear before this
-- migration are sealed when the server starts.
CREATE TABLE tenant_data_keys (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id),
    wrapped_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

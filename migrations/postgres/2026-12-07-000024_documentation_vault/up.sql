-- The documentation vault's credential entries. See docs/decisions/0046-documentation-vault.md.

-- Each tenant's vault data keys, wrapped (AES-256-GCM) by the master key with
-- `vault_keys:<tenant>:<version>` as associated data. New secrets are sealed under the newest
-- version; rotating the data key adds a version and re-encrypts the entries in batches.
CREATE TABLE vault_keys (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    version INTEGER NOT NULL,
    wrapped_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, version)
);

CREATE TABLE vault_entries (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    title TEXT NOT NULL,
    username TEXT,
    url TEXT,
    notes TEXT,
    -- Lower-case words separated by single spaces.
    tags TEXT NOT NULL DEFAULT '',
    folder TEXT,
    -- Sealed (`vault:v2:<key version>:<nonce and ciphertext>`) with the entry's tenant and id as
    -- associated data; never in clear.
    secret TEXT,
    totp_seed TEXT,
    -- The data key version both secrets are sealed under.
    key_version INTEGER NOT NULL,
    -- Bumped by every change, so that a re-encryption batch never overwrites an edit.
    revision INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX vault_entries_company ON vault_entries (company_id, id);
CREATE INDEX vault_entries_key_version ON vault_entries (tenant_id, key_version);

-- Who revealed which entry's secrets, when and from where: read by the company's portal admin
-- and listed on the entry. Kept when the entry is deleted.
CREATE TABLE vault_reveals (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    entry_id BIGINT NOT NULL,
    entry_title TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    ip TEXT,
    revealed_at TIMESTAMP NOT NULL
);
CREATE INDEX vault_reveals_entry ON vault_reveals (entry_id, id);
CREATE INDEX vault_reveals_company ON vault_reveals (company_id, id);

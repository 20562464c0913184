-- The documentation vault's documents: a title and a Markdown body, published for an audience as
-- the knowledge base's articles are (status, audience, audience_label and audience_key mean what
-- they mean on kb_articles), with revisions and attachments. See
-- docs/decisions/0052-vault-documents.md.
CREATE TABLE vault_documents (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    audience TEXT NOT NULL,
    audience_label TEXT,
    audience_key TEXT,
    -- The company the document belongs to: the one company its audience names, if it names one
    -- alone (its vault editors write it and see its drafts); null for the provider's documents.
    owner_company_id BIGINT REFERENCES companies (id),
    revision BIGINT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX vault_documents_tenant_idx ON vault_documents (tenant_id, status, id);
CREATE INDEX vault_documents_owner_idx ON vault_documents (owner_company_id, id);

-- The chosen companies of a document whose audience is `companies`.
CREATE TABLE vault_document_companies (
    document_id BIGINT NOT NULL REFERENCES vault_documents (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    PRIMARY KEY (document_id, company_id)
);
CREATE INDEX vault_document_companies_company_idx ON vault_document_companies (company_id, document_id);

-- Every version of a document, whole: revision 1 is the creation, and each edit, publication
-- and withdrawal adds one.
CREATE TABLE vault_document_revisions (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    document_id BIGINT NOT NULL REFERENCES vault_documents (id),
    revision BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    audience TEXT NOT NULL,
    audience_label TEXT,
    audience_companies TEXT NOT NULL DEFAULT '',
    edited_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX vault_document_revisions_idx ON vault_document_revisions (document_id, revision);

-- Files attached to a document: the contents in the attachment storage under storage_key (as the
-- tickets' and the articles' attachments), read with the document's visibility.
CREATE TABLE vault_document_attachments (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    document_id BIGINT NOT NULL REFERENCES vault_documents (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX vault_document_attachments_document_idx ON vault_document_attachments (document_id, id);

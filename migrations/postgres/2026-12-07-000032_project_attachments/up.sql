-- Files attached to a project: the contents in the attachment storage under storage_key (as the
-- tickets' attachments), read by whoever reads the project.
CREATE TABLE project_attachments (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX project_attachments_project_idx ON project_attachments (project_id, id);

-- What the portal changed for the PSA to read back (GET /api/v1/psa/changes): a note written in
-- the portal or a file attached to a project, in one sequence whose id is the PSA's cursor.
-- The notes already written keep their id as their place, so a cursor given out before stays
-- valid.
CREATE TABLE psa_changes (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    note_id BIGINT REFERENCES project_notes (id) ON DELETE CASCADE,
    attachment_id BIGINT REFERENCES project_attachments (id) ON DELETE CASCADE
);
CREATE INDEX psa_changes_tenant_idx ON psa_changes (tenant_id, id);
INSERT INTO psa_changes (id, tenant_id, project_id, note_id)
    SELECT id, tenant_id, project_id, id FROM project_notes WHERE from_portal;
SELECT setval(pg_get_serial_sequence('psa_changes', 'id'), COALESCE((SELECT MAX(id) FROM psa_changes), 0) + 1, false);

-- A version per invoice, contract and project, raised by every write: their ETag, checked
-- against If-Match.
ALTER TABLE invoices ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE contracts ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE projects ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

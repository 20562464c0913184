ALTER TABLE projects DROP COLUMN version;
ALTER TABLE contracts DROP COLUMN version;
ALTER TABLE invoices DROP COLUMN version;
DROP TABLE psa_changes;
DROP TABLE project_attachments;

ALTER TABLE tenants DROP COLUMN kb_version;

ALTER TABLE tenants DROP COLUMN catalog_version;

-- Rises with every change of the tenant's request types, queues, custom fields or ticket
-- settings. Every request reads the tenant row anyway, so server processes cache the ticket
-- catalogue per (tenant, version) and still see each change at once.
ALTER TABLE tenants ADD COLUMN catalog_version BIGINT NOT NULL DEFAULT 1;

-- Rises with every change of one of the tenant's knowledge-base articles (written, published,
-- withdrawn, deleted). Every request reads the tenant row anyway, so server processes cache
-- search results per (tenant, version) and still see each change at once.
ALTER TABLE tenants ADD COLUMN kb_version BIGINT NOT NULL DEFAULT 1;

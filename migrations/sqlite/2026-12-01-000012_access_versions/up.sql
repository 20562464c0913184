-- Versions of what an authenticated request loads about its caller, so that server processes can
-- keep that in memory and still see every change at once: a request reads the two versions (two
-- primary-key lookups) instead of the user, its tenant and its companies with their settings.
-- Triggers raise them, so no write path can forget to:
-- - a user's version, with every change of the user row or of one of its memberships;
-- - a tenant's version, with every change of the tenant row (its settings, its catalogue and
--   knowledge-base versions) or of one of its companies.
ALTER TABLE users ADD COLUMN access_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE tenants ADD COLUMN access_version BIGINT NOT NULL DEFAULT 1;

-- A row's own change raises its version unless the change was that raise.
CREATE TRIGGER users_access_version AFTER UPDATE ON users
WHEN NEW.access_version = OLD.access_version
BEGIN
    UPDATE users SET access_version = OLD.access_version + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER tenants_access_version AFTER UPDATE ON tenants
WHEN NEW.access_version = OLD.access_version
BEGIN
    UPDATE tenants SET access_version = OLD.access_version + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER memberships_access_version_insert AFTER INSERT ON memberships
BEGIN
    UPDATE users SET access_version = access_version + 1 WHERE id = NEW.user_id;
END;

CREATE TRIGGER memberships_access_version_update AFTER UPDATE ON memberships
BEGIN
    UPDATE users SET access_version = access_version + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;

CREATE TRIGGER memberships_access_version_delete AFTER DELETE ON memberships
BEGIN
    UPDATE users SET access_version = access_version + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER companies_access_version_insert AFTER INSERT ON companies
BEGIN
    UPDATE tenants SET access_version = access_version + 1 WHERE id = NEW.tenant_id;
END;

CREATE TRIGGER companies_access_version_update AFTER UPDATE ON companies
BEGIN
    UPDATE tenants SET access_version = access_version + 1 WHERE id IN (OLD.tenant_id, NEW.tenant_id);
END;

CREATE TRIGGER companies_access_version_delete AFTER DELETE ON companies
BEGIN
    UPDATE tenants SET access_version = access_version + 1 WHERE id = OLD.tenant_id;
END;

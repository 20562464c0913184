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
CREATE FUNCTION raise_own_access_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.access_version := OLD.access_version + 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER users_access_version BEFORE UPDATE ON users
FOR EACH ROW WHEN (NEW.access_version = OLD.access_version) EXECUTE FUNCTION raise_own_access_version();

CREATE TRIGGER tenants_access_version BEFORE UPDATE ON tenants
FOR EACH ROW WHEN (NEW.access_version = OLD.access_version) EXECUTE FUNCTION raise_own_access_version();

CREATE FUNCTION raise_member_access_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE users SET access_version = access_version + 1 WHERE id = OLD.user_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id <> OLD.user_id) THEN
        UPDATE users SET access_version = access_version + 1 WHERE id = NEW.user_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER memberships_access_version AFTER INSERT OR UPDATE OR DELETE ON memberships
FOR EACH ROW EXECUTE FUNCTION raise_member_access_version();

CREATE FUNCTION raise_company_tenant_access_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE tenants SET access_version = access_version + 1 WHERE id = OLD.tenant_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.tenant_id <> OLD.tenant_id) THEN
        UPDATE tenants SET access_version = access_version + 1 WHERE id = NEW.tenant_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER companies_access_version AFTER INSERT OR UPDATE OR DELETE ON companies
FOR EACH ROW EXECUTE FUNCTION raise_company_tenant_access_version();

DROP TRIGGER companies_access_version ON companies;
DROP FUNCTION raise_company_tenant_access_version();
DROP TRIGGER memberships_access_version ON memberships;
DROP FUNCTION raise_member_access_version();
DROP TRIGGER tenants_access_version ON tenants;
DROP TRIGGER users_access_version ON users;
DROP FUNCTION raise_own_access_version();
ALTER TABLE tenants DROP COLUMN access_version;
ALTER TABLE users DROP COLUMN access_version;

DROP INDEX companies_parent_idx;
CREATE INDEX companies_parent_idx ON companies (parent_company_id);

-- A company's invoices, contracts and projects are listed newest first within the tenant: the
-- index names every column the list filters on, so that PostgreSQL reads a page straight from it
-- even before its statistics know the table (without, it ANDed two bitmap scans and sorted every
-- row of the company: 5 ms instead of 0.06 ms for a page of 50 among 10,000 invoices).

DROP INDEX invoices_company_idx;
CREATE INDEX invoices_company_idx ON invoices (tenant_id, company_id, id);
DROP INDEX contracts_company_idx;
CREATE INDEX contracts_company_idx ON contracts (tenant_id, company_id, id);
DROP INDEX projects_company_idx;
CREATE INDEX projects_company_idx ON projects (tenant_id, company_id, id);

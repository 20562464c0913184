DROP INDEX invoices_company_idx;
CREATE INDEX invoices_company_idx ON invoices (company_id, id);
DROP INDEX contracts_company_idx;
CREATE INDEX contracts_company_idx ON contracts (company_id, id);
DROP INDEX projects_company_idx;
CREATE INDEX projects_company_idx ON projects (company_id, id);

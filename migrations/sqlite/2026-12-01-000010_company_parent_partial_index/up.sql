-- Most companies have no parent. Counted with them, the NULLs made SQLite's statistics say that
-- a parent has half the companies as subsidiaries, so it scanned every company of the tenant to
-- find a member's subsidiaries on every ticket list. Without them the index is small and exact.
DROP INDEX companies_parent_idx;
CREATE INDEX companies_parent_idx ON companies (parent_company_id) WHERE parent_company_id IS NOT NULL;

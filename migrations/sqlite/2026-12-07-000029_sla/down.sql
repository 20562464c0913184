DROP INDEX tickets_company_created_idx;
DROP TABLE company_sla_plans;
DROP TABLE sla_plans;
DROP TABLE sla_calendars;

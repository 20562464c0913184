-- SLA: business-hours calendars, plans (targets per priority in business minutes, pause
-- statuses, a calendar), the tenant's default plan and a plan given to a company. A ticket's SLA
-- state is computed from its history when read (docs/decisions/0050-sla-computed-from-history.md).

CREATE TABLE sla_calendars (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    -- An IANA zone name: opening hours are wall-clock times there.
    time_zone TEXT NOT NULL,
    -- JSON: seven lists (Monday first) of [start, end] minutes after local midnight.
    hours TEXT NOT NULL,
    -- JSON: local dates (YYYY-MM-DD) on which the calendar stays closed.
    holidays TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE sla_plans (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    calendar_id BIGINT NOT NULL REFERENCES sla_calendars (id),
    -- JSON: priority -> [first-response minutes or null, resolution minutes or null].
    targets TEXT NOT NULL,
    -- JSON: the statuses that pause the resolution clock.
    pause_statuses TEXT NOT NULL,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE INDEX sla_plans_calendar_idx ON sla_plans (calendar_id);
-- At most one default plan per tenant.
CREATE UNIQUE INDEX sla_plans_default_idx ON sla_plans (tenant_id) WHERE is_default;

-- The plan given to a company; a company without one follows the tenant's default plan.
CREATE TABLE company_sla_plans (
    company_id BIGINT PRIMARY KEY REFERENCES companies (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    plan_id BIGINT NOT NULL REFERENCES sla_plans (id)
);
CREATE INDEX company_sla_plans_plan_idx ON company_sla_plans (plan_id);

-- The monthly SLA report reads the tickets a company opened in a month.
CREATE INDEX tickets_company_created_idx ON tickets (company_id, created_at);

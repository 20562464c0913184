ALTER TABLE tickets DROP COLUMN sla_trail;

DROP INDEX tickets_queue_status_idx;
DROP INDEX tickets_tenant_status_idx;

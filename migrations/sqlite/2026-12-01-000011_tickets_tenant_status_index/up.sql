-- Staff lists of the whole tenant by status ("every open ticket") and of a queue. Without them
-- both databases walked the primary key backwards and filtered: on 1,200,000 tickets whose open
-- ones are old, 223,000 rows and 790 ms on PostgreSQL for one page (0.15 ms with the index). The
-- queue index holds only tickets in a queue, so that creations without one do not pay for it.
CREATE INDEX tickets_tenant_status_idx ON tickets (tenant_id, status, id);
CREATE INDEX tickets_queue_status_idx ON tickets (queue_id, status, id) WHERE queue_id IS NOT NULL;

-- Each ticket keeps the lines of its history that move its SLA clocks (see domain::sla_trail):
-- `micros:tag:old:new;` per line, appended as the history is written. Existing tickets get theirs
-- from their history: status and priority changes, and public notes by staff.

ALTER TABLE tickets ADD COLUMN sla_trail TEXT NOT NULL DEFAULT '';

UPDATE tickets SET sla_trail = t.trail
FROM (
    SELECT e.ticket_id,
        string_agg(
            (EXTRACT(EPOCH FROM e.created_at) * 1000000)::bigint::text
            || ':' || CASE WHEN e.kind = 'note' THEN 'n'
                           WHEN e.field = 'status' THEN 's'
                           WHEN e.field = 'priority' THEN 'p'
                           ELSE 'v' END
            || ':' || CASE WHEN e.kind = 'note' THEN '' ELSE COALESCE(e.old_value, '') END
            || ':' || CASE WHEN e.kind = 'note' THEN '' ELSE COALESCE(e.new_value, '') END
            || ';', '' ORDER BY e.id) AS trail
    FROM ticket_events e
    WHERE e.field IN ('status', 'priority', 'provider_priority')
        OR (e.kind = 'note' AND NOT e.internal
            AND e.actor_id IN (SELECT id FROM users WHERE staff_role IS NOT NULL))
    GROUP BY e.ticket_id
) t
WHERE tickets.id = t.ticket_id;

-- Ticket settings name the default fields as tickets do (request_type_id, contact_id,
-- assignee_id, due_at, worked_minutes).
UPDATE ticket_settings SET settings = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(settings,
    '"request_type":', '"request_type_id":'),
    '"contact":', '"contact_id":'),
    '"assignee":', '"assignee_id":'),
    '"due_date":', '"due_at":'),
    '"worked_hours":', '"worked_minutes":');
-- A ticket's history names its due date as the ticket does.
UPDATE ticket_events SET field = 'due_at' WHERE field = 'due_date';

UPDATE ticket_settings SET settings = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(settings,
    '"request_type_id":', '"request_type":'),
    '"contact_id":', '"contact":'),
    '"assignee_id":', '"assignee":'),
    '"due_at":', '"due_date":'),
    '"worked_minutes":', '"worked_hours":');
UPDATE ticket_events SET field = 'due_date' WHERE field = 'due_at';

DROP TABLE sms_policies;
DROP INDEX sms_counters_expires_idx;
DROP TABLE sms_counters;
ALTER TABLE users DROP COLUMN phone_changed_at;
DROP INDEX step_ups_user_idx;
DROP TABLE step_ups;

DROP TABLE notice_opt_outs;
DROP INDEX outbox_fold_idx;
ALTER TABLE outbox DROP COLUMN fold_state;
ALTER TABLE outbox DROP COLUMN fold_key;

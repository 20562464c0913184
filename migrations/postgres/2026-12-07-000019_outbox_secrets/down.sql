DROP INDEX decision_links_expiry_idx;
DROP INDEX verification_codes_expiry_idx;
ALTER TABLE rmm_integrations DROP COLUMN allow_private_targets;
ALTER TABLE outbox DROP COLUMN redacted_body;

-- What staff see of a message whose body is sealed: the text with its secrets replaced.
ALTER TABLE outbox ADD COLUMN redacted_body TEXT;
-- Webhooks to private, loopback or link-local addresses only where the tenant allows them.
ALTER TABLE rmm_integrations ADD COLUMN allow_private_targets BOOLEAN NOT NULL DEFAULT FALSE;
-- The sweep of spent verification codes and decision links walks their expiry.
CREATE INDEX verification_codes_expiry_idx ON verification_codes (expires_at);
CREATE INDEX decision_links_expiry_idx ON decision_links (expires_at);

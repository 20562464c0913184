-- Messages about a ticket wait a short while so that a burst of events folds into one message
-- per recipient: `fold_key` names ticket and recipient, `fold_state` holds the messages folded
-- so far (JSON), to write the folded text again when one more joins.
ALTER TABLE outbox ADD COLUMN fold_key TEXT;
ALTER TABLE outbox ADD COLUMN fold_state TEXT;
CREATE INDEX outbox_fold_idx ON outbox (fold_key) WHERE status = 'pending' AND fold_key IS NOT NULL;

-- The kinds of ticket message each user switched off for itself (absent: on).
CREATE TABLE notice_opt_outs (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, kind)
);

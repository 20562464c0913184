-- Webhook subscriptions for integrators, their deliveries and each delivery's attempts.
-- See docs/decisions/0049-webhooks-for-integrators.md.

CREATE TABLE webhook_subscriptions (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    url TEXT NOT NULL,
    -- A JSON array of event type names.
    event_types TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    enabled BOOLEAN NOT NULL,
    -- Whether internal notes are sent (an integrator of the provider's own, not a customer's).
    internal BOOLEAN NOT NULL,
    -- The signing secret (whsec_...), sealed under the tenant's data key with the row as
    -- associated data; never in clear.
    secret TEXT NOT NULL,
    -- The secret a rotation replaced, sealed likewise; it signs beside the new one until
    -- previous_secret_until.
    previous_secret TEXT,
    previous_secret_until TIMESTAMP,
    -- The provider admin who created it, told by e-mail when it is disabled for failing.
    created_by BIGINT NOT NULL REFERENCES users (id),
    -- Since when every attempt has failed; NULL after a success.
    failing_since TIMESTAMP,
    disabled_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_subscriptions_tenant ON webhook_subscriptions (tenant_id, id);

CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    -- The webhook-id header: the same for every attempt and redelivery of one event.
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    -- Deliveries of one subscription with the same key go out in id order ('ticket:<id>').
    ordering_key TEXT,
    body TEXT NOT NULL,
    -- pending, delivered or failed (given up).
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (subscription_id, ordering_key, id)
    WHERE status = 'pending';

CREATE TABLE webhook_attempts (
    id BIGSERIAL PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at TIMESTAMP NOT NULL,
    -- The receiver's HTTP status; NULL when no answer came (refused, timed out).
    response_status INTEGER,
    duration_ms BIGINT NOT NULL,
    error TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

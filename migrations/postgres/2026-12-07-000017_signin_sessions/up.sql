-- One row per sign-in: the refresh-token family, which its access tokens name as `sid`. It keeps
-- when the sign-in began, so that refreshes never carry it past its maximum age, and when it
-- ended, so that the access tokens of an ended sign-in are refused at once.
CREATE TABLE signin_sessions (
    sid TEXT PRIMARY KEY NOT NULL,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
-- A user's sign-ins ended lately, read when its session is loaded.
CREATE INDEX signin_sessions_user_ended_idx ON signin_sessions (user_id, ended_at);

-- The families issued so far: begun with their first token, ended when one was revoked.
INSERT INTO signin_sessions (sid, tenant_id, user_id, started_at, ended_at)
SELECT family, MIN(tenant_id), MIN(user_id), MIN(created_at), MAX(revoked_at)
FROM refresh_tokens
GROUP BY family;

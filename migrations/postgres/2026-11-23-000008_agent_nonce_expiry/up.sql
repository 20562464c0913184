-- Each agent login drops the nonces past their validity: without this index that delete read
-- every nonce of the last minutes (hundreds of thousands at a thousand logins a second).
CREATE INDEX agent_nonces_expiry_idx ON agent_nonces (expires_at);

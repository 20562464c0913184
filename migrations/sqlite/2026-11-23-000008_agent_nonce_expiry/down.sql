DROP INDEX agent_nonces_expiry_idx;

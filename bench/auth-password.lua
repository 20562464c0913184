-- POST /api/v1/auth/password with a token that does not exist: unauthenticated, every request
-- read against the database (the token is checked before any hash).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"token": "not-a-set-password-token", "password": "a long enough passphrase"}'

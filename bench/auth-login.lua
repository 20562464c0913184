-- POST /api/v1/auth/login with a wrong password for an unknown user, each request from an address
-- of its own (X-Forwarded-For through a trusted proxy), so that no throttle turns it away: every
-- request is counted in the database and verifies a password (the dummy hash).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
    wrk.headers["X-Forwarded-For"] =
        string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
    local body = string.format(
        '{"tenant": "demo", "email": "nobody%d@demo.example", "password": "wrong password!"}',
        math.random(1, 100000000))
    return wrk.format(nil, nil, nil, body)
end

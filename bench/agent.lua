-- Walks the pre-signed agent links of $LINKS_FILE (see agent-links.py), each wrk thread its own
-- share of them, so that no nonce is sent twice. Run out of links and they come round again:
-- the server refuses them (401) and the benchmark fails, rather than measure refusals.
local threads = tonumber(os.getenv("LINKS_THREADS") or "2")
local next_id = 0

function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
end

function init(args)
    links = {}
    local n = 0
    for line in io.lines(os.getenv("LINKS_FILE")) do
        if n % threads == id then
            links[#links + 1] = line
        end
        n = n + 1
    end
    i = 0
end

function request()
    i = i + 1
    if i > #links then
        i = 1
    end
    return wrk.format("GET", links[i], { ["Accept"] = "application/json" })
end

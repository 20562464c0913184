-- wrk script: GET one company's knowledge-base search with the sample queries of KB_QUERIES
-- (one URL-encoded query a line), each thread starting at a different place in the list.
local queries = {}
for line in io.lines(os.getenv("KB_QUERIES")) do
    queries[#queries + 1] = line
end
local base = "/api/v1/companies/" .. os.getenv("KB_COMPANY") .. "/kb/search?q="
local i = 0

function init(args)
    i = math.random(#queries)
end

function request()
    i = i % #queries + 1
    return wrk.format("GET", base .. queries[i])
end

-- wrk script: POST one company's knowledge-base suggestions with the sample ticket drafts of
-- KB_DRAFTS (one JSON body a line), each thread starting at a different place in the list.
local drafts = {}
for line in io.lines(os.getenv("KB_DRAFTS")) do
    drafts[#drafts + 1] = line
end
local path = "/api/v1/companies/" .. os.getenv("KB_COMPANY") .. "/kb/suggestions"
local headers = {}
local i = 0

function init(args)
    i = math.random(#drafts)
    -- A request's own headers replace wrk's (-H), so carry those over.
    for name, value in pairs(wrk.headers) do
        headers[name] = value
    end
    headers["Content-Type"] = "application/json"
end

function request()
    i = i % #drafts + 1
    return wrk.format("POST", path, headers, drafts[i])
end

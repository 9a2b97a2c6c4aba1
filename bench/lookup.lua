-- wrk script for bench/lookup-http.sh: cycles through the request paths in a file (one per line),
-- each thread from its own offset, with an optional bearer key.
-- usage: wrk ... -s bench/lookup.lua URL -- PATHS_FILE [API_KEY]
local paths = {}
local at = 0

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  if args[2] and args[2] ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. args[2]
  end
  at = math.random(#paths)
end

function request()
  at = at % #paths + 1
  return wrk.format("GET", paths[at])
end

-- wrk script for bench/newsroom.py: requests the paths of BENCH_PATHS_FILE (one a line, the
-- reader traffic already drawn with its skew) in turn, each thread from its own offset, and
-- counts the page cache's answers (X-Page-Cache: hit or miss) and statuses.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS_FILE")) do
  table.insert(paths, line)
end
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  hits, misses, bad = 0, 0, 0
  index = (id * 7919) % #paths
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
  local cached = headers["X-Page-Cache"]
  if cached == "hit" then hits = hits + 1 elseif cached == "miss" then misses = misses + 1 end
end

function done(summary, latency, requests)
  local h, m, b = 0, 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits"); m = m + thread:get("misses"); b = b + thread:get("bad")
  end
  io.write(string.format("RESULT requests=%d hits=%d misses=%d not_200=%d errors=%d p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, h, m, b,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end

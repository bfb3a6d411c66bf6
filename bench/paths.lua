-- wrk script: rotate over the public pages and count responses by status class.
-- Each thread keeps its own counts; done() adds them up.
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "/", "[^,]+") do
  table.insert(paths, path)
end
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  s2, s3, s4, s5 = 0, 0, 0, 0
  index = id
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  if status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1
  else s2 = s2 + 1 end
end

function done(summary, latency, requests)
  local t2, t3, t4, t5 = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    t2 = t2 + thread:get("s2"); t3 = t3 + thread:get("s3")
    t4 = t4 + thread:get("s4"); t5 = t5 + thread:get("s5")
  end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_s=%.1f rps=%.1f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
  io.write(string.format("RESULT status_2xx=%d status_3xx=%d status_4xx=%d status_5xx=%d\n",
    t2, t3, t4, t5))
  io.write(string.format("RESULT socket_errors connect=%d read=%d write=%d timeout=%d\n",
    e.connect, e.read, e.write, e.timeout))
  io.write(string.format("RESULT latency_ms p50=%.1f p90=%.1f p99=%.1f max=%.1f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("RESULT latency_p95_ms p95=%.1f\n", latency:percentile(95) / 1000))
end

-- wrk script for bench/server_load.sh: each request goes out as one of the logged-in users (tokens from
-- $TOKENS_FILE, one per line) to one of the aggregate endpoints ($PATHS_FILE, one per line), in turn, and
-- the summary prints the latency percentiles and every kind of error wrk counts (non-2xx included).
local tokens, paths = {}, {}
for line in io.lines(os.getenv("TOKENS_FILE")) do tokens[#tokens + 1] = line end
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
local counter = 0

function setup(thread)
  thread:set("id", math.random(1, 1000000))
end

function request()
  counter = counter + 1
  local token = tokens[((counter + (id or 0)) % #tokens) + 1]
  local path = paths[(counter % #paths) + 1]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests %d\nduration_s %.1f\nrps %.1f\n", summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6)))
  io.write(string.format("errors_status %d\nerrors_connect %d\nerrors_read %d\nerrors_write %d\nerrors_timeout %d\n",
    e.status, e.connect, e.read, e.write, e.timeout))
  for _, p in ipairs({ 50, 90, 95, 99, 99.9 }) do
    io.write(string.format("p%s_ms %.1f\n", tostring(p), latency:percentile(p) / 1000))
  end
  io.write(string.format("max_ms %.1f\n", latency.max / 1000))
end

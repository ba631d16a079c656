-- wrk script: each connection walks through a list of requests (path, cookies, method, body)
-- read from the file named after `--`, every thread from its own starting point, and counts
-- every response that is not a 200. `done` prints one JSON line for bench/http_bench.py.
--
-- File format, one request per line, fields separated by tabs:
--   METHOD  PATH  COOKIE-HEADER  CSRF-TOKEN  BODY
-- COOKIE-HEADER, CSRF-TOKEN and BODY may be empty; BODY is sent as JSON.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local requests = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      local f = split(line)
      local headers = {}
      if f[3] ~= nil and f[3] ~= "" then headers["Cookie"] = f[3] end
      if f[4] ~= nil and f[4] ~= "" then headers["X-CSRFToken"] = f[4] end
      local body = nil
      if f[5] ~= nil and f[5] ~= "" then
        body = f[5]
        headers["Content-Type"] = "application/json"
      end
      table.insert(requests, wrk.format(f[1], f[2], headers, body))
    end
  end
  if #requests == 0 then error("no requests in " .. args[1]) end
  wrk_requests = requests
  -- Threads start at different places so that they do not ask for the same page together.
  position = ((id - 1) * 7919) % #requests
  non200 = 0
  statuses = ""
end

function request()
  position = position % #wrk_requests + 1
  return wrk_requests[position]
end

function response(status, headers, body)
  -- A write answers 201 Created.
  if status ~= 200 and status ~= 201 then
    non200 = non200 + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end

function done(summary, latency, requests)
  local bad = 0
  local seen = ""
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
    seen = seen .. thread:get("statuses")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "non200": %d, "statuses": "%s", "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "status_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, bad, seen, e.connect, e.read, e.write, e.timeout,
    e.status))
end

-- wrk script: each connection walks through a list of requests (path, cookies, method, body)
-- read from the file named after `--`, every thread from its own starting point, and counts
-- every response that is not a 200. `done` prints one JSON line for bench/http_bench.py.
--
-- File format, one request per line, fields separated by tabs:
--   METHOD  PATH  COOKIE-HEADER  CSRF-TOKEN  BODY
-- COOKIE-HEADER, CSRF-TOKEN and BODY may be empty; BODY is sent as JSON.
--
-- With `timed` after the file name (one connection only, so that each answer follows its own
-- request), each request's latency is also kept by its kind: reads (GET) apart from the writes
-- mixed into them (POST), whose p50 and p99 `done` prints too.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

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
  writes = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      local f = split(line)
      table.insert(writes, f[1] == "POST")
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
  timed = args[2] == "timed"
  read_us, write_us = {}, {}
end

function request()
  position = position % #wrk_requests + 1
  if timed then
    sent_at, sent_write = now_us(), writes[position]
  end
  return wrk_requests[position]
end

function response(status, headers, body)
  if timed and sent_at then
    table.insert(sent_write and write_us or read_us, now_us() - sent_at)
    sent_at = nil
  end
  -- A write answers 201 Created.
  if status ~= 200 and status ~= 201 then
    non200 = non200 + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end

local function percentile(values, p)
  if #values == 0 then return 0 end
  table.sort(values)
  return math.floor(values[math.max(1, math.ceil(#values * p / 100))])
end

function done(summary, latency, requests)
  local bad = 0
  local seen = ""
  local reads, writes_seen = {}, {}
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
    seen = seen .. thread:get("statuses")
    for _, v in ipairs(thread:get("read_us") or {}) do table.insert(reads, v) end
    for _, v in ipairs(thread:get("write_us") or {}) do table.insert(writes_seen, v) end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "non200": %d, "statuses": "%s", "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "status_errors": %d, ' ..
    '"reads": %d, "reads_p50_us": %d, "reads_p99_us": %d, ' ..
    '"writes": %d, "writes_p50_us": %d, "writes_p99_us": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, bad, seen, e.connect, e.read, e.write, e.timeout,
    e.status, #reads, percentile(reads, 50), percentile(reads, 99),
    #writes_seen, percentile(writes_seen, 50), percentile(writes_seen, 99)))
end

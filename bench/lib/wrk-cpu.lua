-- Loaded by runWrk (bench/lib/seraphim-processes.ts) with `wrk -s`: when the run ends, prints
-- wrk's own CPU time, user and system, all its threads together, in clock ticks (USER_HZ, 100 on
-- Linux), from /proc/self/stat. Only `done` is defined, so wrk calls no Lua per request: the
-- script costs nothing under load. The line lets a run say what receiving the responses cost the
-- client, which bounds requests per second when the client is the bottleneck.
done = function(summary, latency, requests)
  local file = io.open("/proc/self/stat", "r")
  if file == nil then return end
  local stat = file:read("*a")
  file:close()
  -- The fields after the command name, which may hold spaces and ends at the last ')'.
  local fields = {}
  for field in stat:match(".*%) (.*)"):gmatch("%S+") do fields[#fields + 1] = field end
  -- stat(5): utime and stime are fields 14 and 15, the 12th and 13th after the name.
  io.write(string.format("wrk cpu ticks: user %s system %s\n", fields[12], fields[13]))
end

-- Appends a batch of durable messages to a room's history and publishes
-- it, as one atomic step (see broker_lua.go for the keys).
--
-- KEYS[1] the room's meta hash (e epoch, s last sequence number, r last
-- revision), KEYS[2] its stream.
-- ARGV[1] an epoch for the room if it has none (random, from the caller)
-- ARGV[2] the batch's revision (0: not a store event)
-- ARGV[3] the history's length, ARGV[4] its age (ms, 0: no limit)
-- ARGV[5] the room's channel ('': do not publish)
-- ARGV[6] how long the room's position outlives its last use (ms)
-- ARGV[7…] each message's JSON without its opening brace and without
-- seq and epoch, which the script puts first.
--
-- Returns {1, epoch, last seq} when appended, {0, epoch, last seq} for a
-- redelivered revision, {-1, epoch, last seq, last revision} for a
-- revision past a gap.
local M, S = KEYS[1], KEYS[2]
local rev, history, maxAge, channel = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]

-- A room Redis does not know (new, or lost with its data) starts a new
-- epoch; a stream left from an old one goes with it.
if redis.call('HSETNX', M, 'e', ARGV[1]) == 1 then
  redis.call('DEL', S)
end
local meta = redis.call('HMGET', M, 'e', 's', 'r')
local epoch, seq, last = meta[1], tonumber(meta[2] or '0'), tonumber(meta[3] or '0')
redis.call('PEXPIRE', M, tonumber(ARGV[6]))

if rev > 0 then
  if last > 0 and rev <= last then
    return {0, epoch, seq}
  end
  if last > 0 and rev > last + 1 then
    return {-1, epoch, seq, last}
  end
  redis.call('HSET', M, 'r', rev)
end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local frames = {}
for i = 7, #ARGV do
  seq = seq + 1
  local frame = '{"seq":' .. seq .. ',"epoch":"' .. epoch .. '",' .. ARGV[i]
  redis.call('XADD', S, 'MAXLEN', '~', history, seq .. '-0', 'm', frame, 't', now)
  frames[#frames + 1] = frame
end
redis.call('HSET', M, 's', seq)

-- Entries older than the history's age go; the stream is in time order,
-- so the first young entry is where it starts. A few are looked at per
-- call: the next calls take the rest.
if maxAge > 0 then
  local cutoff = now - maxAge
  for _ = 1, 4 do
    local first = redis.call('XRANGE', S, '-', '+', 'COUNT', 1)
    if #first == 0 or tonumber(first[1][2][4]) >= cutoff then
      break
    end
    local chunk = redis.call('XRANGE', S, '-', '+', 'COUNT', 32)
    local cut = nil
    for _, e in ipairs(chunk) do
      if tonumber(e[2][4]) >= cutoff then
        cut = e[1]
        break
      end
    end
    if cut then
      redis.call('XTRIM', S, 'MINID', cut)
      break
    end
    local id = chunk[#chunk][1]
    redis.call('XTRIM', S, 'MINID', (tonumber(string.match(id, '^(%d+)')) + 1) .. '-0')
  end
end

-- Once its newest entry is older than the age, the whole stream is: a
-- quiet room's history goes with it (its position stays).
if maxAge > 0 then
  redis.call('PEXPIRE', S, maxAge)
end

if channel ~= '' then
  redis.call('PUBLISH', channel, '\n[' .. table.concat(frames, ',') .. ']')
end
return {1, epoch, seq}

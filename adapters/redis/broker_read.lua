-- Reads a room's position and the durable messages after a sequence
-- number (see broker_lua.go for the keys).
--
-- KEYS[1] the room's meta hash, KEYS[2] its stream.
-- ARGV[1] an epoch for the room if it has none (random, from the caller)
-- ARGV[2] the epoch the caller knows ('': any)
-- ARGV[3] after: the last sequence number the caller has (< 0: none
-- wanted, only the position)
-- ARGV[4] at most this many messages (≤ 0: all)
-- ARGV[5] the history's length, ARGV[6] its age (ms, 0: no limit)
-- ARGV[7] how long the room's position outlives its last use (ms)
--
-- Returns {code, epoch, last seq, last revision, frames…}: code 1 with
-- the frames after `after`; -1 when the epoch is not the room's; -2 when
-- after is past the last; -3 when the history no longer holds after+1.
local M, S = KEYS[1], KEYS[2]
local after, limit, history, maxAge = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])

if redis.call('HSETNX', M, 'e', ARGV[1]) == 1 then
  redis.call('DEL', S)
end
local meta = redis.call('HMGET', M, 'e', 's', 'r')
local epoch, last, rev = meta[1], tonumber(meta[2] or '0'), tonumber(meta[3] or '0')
redis.call('PEXPIRE', M, tonumber(ARGV[7]))
local head = {0, epoch, last, rev}

if ARGV[2] ~= '' and ARGV[2] ~= epoch then
  head[1] = -1
  return head
end
if after < 0 or after == last then
  head[1] = 1
  return head
end
if after > last then
  head[1] = -2
  return head
end
-- The history holds the last `history` messages, whatever the stream
-- (trimmed approximately) still has.
if after + 1 <= last - history then
  head[1] = -3
  return head
end
if limit <= 0 or limit > last - after then
  limit = last - after
end
local entries = redis.call('XRANGE', S, (after + 1) .. '-0', '+', 'COUNT', limit)
if #entries == 0 or entries[1][1] ~= (after + 1) .. '-0' then
  head[1] = -3
  return head
end
if maxAge > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if tonumber(entries[1][2][4]) < now - maxAge then
    head[1] = -3
    return head
  end
end
head[1] = 1
for _, e in ipairs(entries) do
  head[#head + 1] = e[2][2]
end
return head

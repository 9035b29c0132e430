package redis

import goredis "github.com/redis/go-redis/v9"

// The queue's keys, all under the base B = prefix + "{" + queue + "}:"
// (one hash slot per queue, for Redis Cluster):
//
//	B n          string  jobs held (ready, scheduled, running): the size
//	B id         string  the last job ID given
//	B j:<id>     hash    a job: k kind, p payload, r priority, m max
//	                     attempts, o timeout (ns), u/ut unique key and its
//	                     time to live (ms), c coalescing key, e enqueued
//	                     (ms), t run at (ms), a attempts made, h history
//	                     (JSON), st state (w ready, l scheduled, h held,
//	                     r running, d dead), sid its stream entry, s start
//	                     of its try (ms), x canceled, err and died (dead),
//	                     pj its project (when it has one)
//	B lanes      zset    the priorities that have a stream
//	B s:<prio>   stream  ready jobs of one priority (field i: the ID),
//	                     consumer group g; a delivered entry is a try
//	                     held by its consumer (the lease: its idle time)
//	B later      zset    scheduled jobs by run-at time (ms)
//	B dead       zset    dead jobs by time of death (ms)
//	B stat       hash    c completed and f failed tries
//	B rate       hash    the token bucket: tok tokens, last (ms)
//	B u:<key>    string  a unique key: "<id>|<until ms, 0: job's end>"
//	B co:<key>   string  the waiting job of a coalescing key
//	B run:<key>  string  the running job of a coalescing key
//	B held:<key> string  the job of a coalescing key held back while one
//	                     runs
//
// Times are the queue's clock's (jobs.Config.Clock), passed in by the
// caller; only the lease is measured by Redis's own clock (the stream's
// idle times). Events are published to the channel prefix + "events" as
// JSON (see wireEvent); cancellations of running jobs to prefix +
// "control".

// luaCommon is the prelude of every script: ARGV[1] the base, ARGV[2]
// the queue's name, ARGV[3] the event channel, ARGV[4] now (ms).
const luaCommon = `
local B, Q, EV, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
-- ev publishes an event of job id, with the job's project while its
-- hash is there (publish before the hash goes).
local function ev(kind, id, jk, attempt, extra)
  local e = {k = kind, q = Q, i = id, j = jk, a = attempt, t = now}
  local pj = redis.call('HGET', B .. 'j:' .. id, 'pj')
  if pj then e.pj = pj end
  if extra then for key, v in pairs(extra) do e[key] = v end end
  redis.call('PUBLISH', EV, cjson.encode(e))
end
local function push(id, prio)
  local lane = B .. 's:' .. prio
  if redis.call('ZADD', B .. 'lanes', 'NX', prio, prio) == 1 then
    redis.call('XGROUP', 'CREATE', lane, 'g', '0', 'MKSTREAM')
  end
  local sid = redis.call('XADD', lane, '*', 'i', id)
  redis.call('HSET', B .. 'j:' .. id, 'st', 'w', 'sid', sid)
end
local function holdUnique(ukey, uttl, id)
  if ukey == '' then return end
  uttl = tonumber(uttl)
  if uttl > 0 then
    redis.call('SET', B .. 'u:' .. ukey, id .. '|' .. (now + uttl), 'PX', uttl + 60000)
  else
    redis.call('SET', B .. 'u:' .. ukey, id .. '|0')
  end
end
local function releaseUnique(ukey, id)
  if not ukey or ukey == '' then return end
  if redis.call('GET', B .. 'u:' .. ukey) == id .. '|0' then redis.call('DEL', B .. 'u:' .. ukey) end
end
-- gone forgets a job that ends (done, canceled, superseded).
local function gone(id, ukey, ckey)
  redis.call('DEL', B .. 'j:' .. id)
  redis.call('DECR', B .. 'n')
  releaseUnique(ukey, id)
  if ckey and ckey ~= '' and redis.call('GET', B .. 'co:' .. ckey) == id then redis.call('DEL', B .. 'co:' .. ckey) end
end
local function appendHistory(id, entry)
  local J = B .. 'j:' .. id
  local h = redis.call('HGET', J, 'h')
  if not h or h == '' then h = '[' .. entry .. ']' else h = string.sub(h, 1, -2) .. ',' .. entry .. ']' end
  redis.call('HSET', J, 'h', h)
end
local function die(id, jk, attempt, err, ukey, ckey, maxDead)
  local J = B .. 'j:' .. id
  redis.call('HSET', J, 'st', 'd', 'err', err, 'died', now)
  redis.call('ZADD', B .. 'dead', now, id)
  redis.call('DECR', B .. 'n')
  releaseUnique(ukey, id)
  if ckey and ckey ~= '' and redis.call('GET', B .. 'co:' .. ckey) == id then redis.call('DEL', B .. 'co:' .. ckey) end
  local over = redis.call('ZCARD', B .. 'dead') - maxDead
  if over > 0 then
    local popped = redis.call('ZPOPMIN', B .. 'dead', over)
    for k = 1, #popped, 2 do redis.call('DEL', B .. 'j:' .. popped[k]) end
  end
  ev('dead', id, jk, attempt, {e = err})
end
`

// enqueueScript: KEYS[1] B n; ARGV 5 max size, 6 kind, 7 payload, 8
// priority, 9 max attempts, 10 timeout, 11 unique key, 12 its ttl, 13
// coalescing key, 14 run at, 15 project. Returns {0, id} (accepted), {1, id} (merged
// into a waiting job), {-1, id} (duplicate of job id), {-2, size}
// (full).
var enqueueScript = goredis.NewScript(luaCommon + `
local kind, payload, prio = ARGV[6], ARGV[7], ARGV[8]
local ukey, uttl, ckey, runat = ARGV[11], ARGV[12], ARGV[13], tonumber(ARGV[14])
if ukey ~= '' then
  local u = redis.call('GET', B .. 'u:' .. ukey)
  if u then
    local holder, untl = string.match(u, '^(.*)|(%d+)$')
    untl = tonumber(untl)
    if untl == 0 or now < untl then return {-1, holder} end
  end
end
if ckey ~= '' then
  local w = redis.call('GET', B .. 'co:' .. ckey)
  if w then
    redis.call('HSET', B .. 'j:' .. w, 'p', payload)
    holdUnique(ukey, uttl, w)
    ev('queued', w, redis.call('HGET', B .. 'j:' .. w, 'k'), 0, {c = 1})
    return {1, w}
  end
end
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local max = tonumber(ARGV[5])
if max > 0 and n >= max then return {-2, tostring(n)} end
local id = tostring(redis.call('INCR', B .. 'id'))
redis.call('INCR', KEYS[1])
local J = B .. 'j:' .. id
redis.call('HSET', J, 'k', kind, 'p', payload, 'r', prio, 'm', ARGV[9], 'e', now, 'a', 0)
if ARGV[10] ~= '0' then redis.call('HSET', J, 'o', ARGV[10]) end
if ARGV[15] ~= '' then redis.call('HSET', J, 'pj', ARGV[15]) end
if ukey ~= '' then redis.call('HSET', J, 'u', ukey, 'ut', uttl) end
if ckey ~= '' then
  redis.call('HSET', J, 'c', ckey)
  redis.call('SET', B .. 'co:' .. ckey, id)
end
holdUnique(ukey, uttl, id)
if runat > now then
  redis.call('HSET', J, 't', runat, 'st', 'l')
  redis.call('ZADD', B .. 'later', runat, id)
else
  push(id, prio)
end
ev('queued', id, kind, 0)
return {0, id}
`)

// stepScript settles finished tries and hands out new ones, in one round
// trip. KEYS[1] B n; ARGV 5 consumer, 6 how many to hand out, 7 rate, 8
// burst, 9 minimum idle time (ms) of a lease to take over (0: none), 10
// max dead, 11 number of settlements, then 7 values for each: id, stream
// entry, priority, attempt, outcome (c completed, x canceled, b back to
// the queue, r retry at, d dead), run at (r), error (r, d). Returns
// {jobs, next run-at (ms, or -1), ms until the next token (or -1), lanes
// and their last entries (when idle)}; each job is {id, entry, priority,
// attempt, kind, payload, timeout, enqueued, run at, max attempts,
// unique key, its ttl, coalescing key, reclaimed, project}.
var stepScript = goredis.NewScript(luaCommon + `
local consumer, want = ARGV[5], tonumber(ARGV[6])
local rate, burst, claimIdle, maxDead = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local ns = tonumber(ARGV[11])
local function release(ckey)
  if not ckey or ckey == '' then return end
  redis.call('DEL', B .. 'run:' .. ckey)
  local h = redis.call('GET', B .. 'held:' .. ckey)
  if h then
    redis.call('DEL', B .. 'held:' .. ckey)
    local r = redis.call('HGET', B .. 'j:' .. h, 'r')
    if r then push(h, r) end
  end
end
for i = 0, ns - 1 do
  local o = 12 + i * 7
  local id, sid, prio, attempt, code, runat, err = ARGV[o], ARGV[o+1], ARGV[o+2], ARGV[o+3], ARGV[o+4], tonumber(ARGV[o+5]), ARGV[o+6]
  local J = B .. 'j:' .. id
  local lane = B .. 's:' .. prio
  local f = redis.call('HMGET', J, 'a', 'sid', 'x', 'k', 'c', 'u', 'ut', 'st')
  if f[1] == attempt and f[2] == sid and f[8] == 'r' then
    local jk, ckey, ukey = f[4], f[5], f[6]
    redis.call('XACK', lane, 'g', sid)
    redis.call('XDEL', lane, sid)
    release(ckey)
    if f[3] == '1' then code = 'x'; err = 'jobs: job canceled' end
    local a = tonumber(attempt)
    if code == 'c' then
      ev('completed', id, jk, a)
      gone(id, ukey, ckey)
      redis.call('HINCRBY', B .. 'stat', 'c', 1)
    elseif code == 'x' then
      ev('canceled', id, jk, a, {e = err})
      gone(id, ukey, ckey)
    elseif code == 'b' then
      redis.call('HINCRBY', J, 'a', -1)
      if ckey and ckey ~= '' and not redis.call('GET', B .. 'co:' .. ckey) then redis.call('SET', B .. 'co:' .. ckey, id) end
      push(id, prio)
    else
      redis.call('HINCRBY', B .. 'stat', 'f', 1)
      local s = redis.call('HGET', J, 's')
      appendHistory(id, cjson.encode({attempt = a, started = tonumber(s), ended = now, error = err}))
      ev('failed', id, jk, a, {e = err})
      local waiting = ckey and ckey ~= '' and redis.call('GET', B .. 'co:' .. ckey)
      if code == 'r' and waiting then
        ev('canceled', id, jk, a, {e = 'jobs: superseded by job ' .. waiting .. ' of the same coalescing key'})
        gone(id, ukey, ckey)
      elseif code == 'r' then
        if ckey and ckey ~= '' then redis.call('SET', B .. 'co:' .. ckey, id) end
        if runat > now then
          redis.call('HSET', J, 't', runat, 'st', 'l')
          redis.call('ZADD', B .. 'later', runat, id)
        else
          push(id, prio)
        end
        ev('retried', id, jk, a, {r = runat})
      else
        die(id, jk, a, err, ukey, ckey, maxDead)
      end
    end
  end
end

-- Scheduled jobs whose time has come join their lanes.
for _, id in ipairs(redis.call('ZRANGEBYSCORE', B .. 'later', '-inf', now, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', B .. 'later', id)
  local r = redis.call('HGET', B .. 'j:' .. id, 'r')
  if r then push(id, r) end
end

local out = {}
local tokenWait = -1
local tok, last
if rate > 0 and want > 0 then
  local b = redis.call('HMGET', B .. 'rate', 'tok', 'last')
  tok, last = tonumber(b[1]) or burst, tonumber(b[2]) or now
  if now > last then tok = math.min(burst, tok + (now - last) / 1000 * rate); last = now end
  local avail = math.floor(tok + 1e-9)
  if avail < want then want = avail end
  if want == 0 then tokenWait = math.ceil((1 - tok) / rate * 1000) end
end

local function deliver(prio, sid, id, reclaimed)
  local lane = B .. 's:' .. prio
  local J = B .. 'j:' .. id
  local f = redis.call('HMGET', J, 'k', 'p', 'o', 'e', 't', 'm', 'u', 'ut', 'c', 'st')
  if not f[1] or f[10] == 'd' then
    redis.call('XACK', lane, 'g', sid)
    redis.call('XDEL', lane, sid)
    return
  end
  local ckey = f[9]
  if ckey and ckey ~= '' then
    local holder = redis.call('GET', B .. 'run:' .. ckey)
    if holder and holder ~= id then
      redis.call('XACK', lane, 'g', sid)
      redis.call('XDEL', lane, sid)
      redis.call('HSET', J, 'st', 'h')
      redis.call('SET', B .. 'held:' .. ckey, id)
      return
    end
  end
  local a = redis.call('HINCRBY', J, 'a', 1)
  if reclaimed then
    local s = redis.call('HGET', J, 's')
    local err = 'jobs: lease lapsed (its worker stopped renewing it)'
    appendHistory(id, cjson.encode({attempt = a - 1, started = tonumber(s), ended = now, error = err}))
    redis.call('HINCRBY', B .. 'stat', 'f', 1)
    ev('failed', id, f[1], a - 1, {e = err})
    if a > tonumber(f[6]) then
      redis.call('XACK', lane, 'g', sid)
      redis.call('XDEL', lane, sid)
      release(ckey)
      die(id, f[1], a - 1, err, f[7], ckey, maxDead)
      return
    end
    ev('retried', id, f[1], a - 1, {r = now})
  end
  redis.call('HSET', J, 'st', 'r', 'sid', sid, 's', now)
  if ckey and ckey ~= '' then
    redis.call('SET', B .. 'run:' .. ckey, id)
    if redis.call('GET', B .. 'co:' .. ckey) == id then redis.call('DEL', B .. 'co:' .. ckey) end
  end
  ev('started', id, f[1], a)
  out[#out + 1] = {id, sid, prio, a, f[1], f[2], f[3] or '0', f[4], f[5] or '0', f[6], f[7] or '', f[8] or '0', ckey or '', reclaimed and 1 or 0,
    redis.call('HGET', J, 'pj') or ''}
end

local lanes = redis.call('ZREVRANGE', B .. 'lanes', 0, -1)
if claimIdle > 0 then
  -- Consumers of processes gone, with nothing pending, are forgotten (a
  -- live one is made again by its next read).
  for _, prio in ipairs(lanes) do
    for _, info in ipairs(redis.call('XINFO', 'CONSUMERS', B .. 's:' .. prio, 'g')) do
      local c = {}
      for k = 1, #info, 2 do c[info[k]] = info[k + 1] end
      if c['name'] ~= consumer and c['pending'] == 0 and c['idle'] > 10 * claimIdle then
        redis.call('XGROUP', 'DELCONSUMER', B .. 's:' .. prio, 'g', c['name'])
      end
    end
  end
end
if claimIdle > 0 and want > 0 then
  for _, prio in ipairs(lanes) do
    if #out >= want then break end
    local res = redis.call('XAUTOCLAIM', B .. 's:' .. prio, 'g', consumer, claimIdle, '0-0', 'COUNT', want - #out)
    for _, e in ipairs(res[2]) do
      if e and e[2] then deliver(prio, e[1], e[2][2], true) end
    end
  end
end
for _, prio in ipairs(lanes) do
  while #out < want do
    local res = redis.call('XREADGROUP', 'GROUP', 'g', consumer, 'COUNT', want - #out, 'STREAMS', B .. 's:' .. prio, '>')
    if not res then break end
    for _, e in ipairs(res[1][2]) do deliver(prio, e[1], e[2][2], false) end
  end
end
if tok then
  redis.call('HSET', B .. 'rate', 'tok', tok - #out, 'last', last)
end

local nextAt = -1
local first = redis.call('ZRANGE', B .. 'later', 0, 0, 'WITHSCORES')
if first[2] then nextAt = tonumber(first[2]) end
local idle = {}
if #out < want then
  for _, prio in ipairs(lanes) do
    local last = redis.call('XREVRANGE', B .. 's:' .. prio, '+', '-', 'COUNT', 1)
    idle[#idle + 1] = B .. 's:' .. prio
    idle[#idle + 1] = last[1] and last[1][1] or '0-0'
  end
end
return {out, nextAt, tokenWait, idle}
`)

// renewScript resets the idle time of the tries this consumer still
// holds. ARGV 5 consumer, then triples: id, stream entry, priority,
// attempt.
var renewScript = goredis.NewScript(luaCommon + `
local consumer = ARGV[5]
local n = 0
for o = 6, #ARGV, 4 do
  local id, sid, prio, attempt = ARGV[o], ARGV[o+1], ARGV[o+2], ARGV[o+3]
  local f = redis.call('HMGET', B .. 'j:' .. id, 'a', 'sid', 'st')
  if f[1] == attempt and f[2] == sid and f[3] == 'r' then
    redis.call('XCLAIM', B .. 's:' .. prio, 'g', consumer, 0, sid, 'JUSTID')
    n = n + 1
  end
end
return n
`)

// cancelScript: ARGV 5 job ID, 6 control channel. Returns 0 (no such
// job), 1 (running: its worker is told) or 2 (removed).
var cancelScript = goredis.NewScript(luaCommon + `
local id = ARGV[5]
local J = B .. 'j:' .. id
local f = redis.call('HMGET', J, 'st', 'k', 'u', 'c', 'a')
local st = f[1]
if not st or st == 'd' then return 0 end
if st == 'r' then
  redis.call('HSET', J, 'x', '1')
  redis.call('PUBLISH', ARGV[6], cjson.encode({q = Q, i = id}))
  return 1
end
if st == 'l' then redis.call('ZREM', B .. 'later', id) end
if st == 'h' then redis.call('DEL', B .. 'held:' .. f[4]) end
ev('canceled', id, f[2], tonumber(f[5]), {e = 'jobs: job canceled'})
gone(id, f[3], f[4])
return 2
`)

// statsScript returns {size, scheduled, dead, completed, failed,
// running}.
var statsScript = goredis.NewScript(luaCommon + `
local running = 0
for _, prio in ipairs(redis.call('ZRANGE', B .. 'lanes', 0, -1)) do
  local p = redis.call('XPENDING', B .. 's:' .. prio, 'g')
  running = running + p[1]
end
local st = redis.call('HMGET', B .. 'stat', 'c', 'f')
return {tonumber(redis.call('GET', B .. 'n') or '0'), redis.call('ZCARD', B .. 'later'), redis.call('ZCARD', B .. 'dead'),
  tonumber(st[1] or '0'), tonumber(st[2] or '0'), running}
`)

// retryDeadScript: ARGV 5 job ID, 6 max size. Returns 0 (no such dead
// job), -2 (full) or 1.
var retryDeadScript = goredis.NewScript(luaCommon + `
local id = ARGV[5]
if not redis.call('ZSCORE', B .. 'dead', id) then return 0 end
local n = tonumber(redis.call('GET', B .. 'n') or '0')
local max = tonumber(ARGV[6])
if max > 0 and n >= max then return -2 end
redis.call('ZREM', B .. 'dead', id)
local J = B .. 'j:' .. id
local f = redis.call('HMGET', J, 'k', 'r', 'c')
redis.call('HSET', J, 'a', 0, 't', 0)
redis.call('HDEL', J, 'err', 'died')
redis.call('INCR', B .. 'n')
if f[3] and f[3] ~= '' and not redis.call('GET', B .. 'co:' .. f[3]) then redis.call('SET', B .. 'co:' .. f[3], id) end
push(id, f[2])
ev('queued', id, f[1], 0)
return 1
`)

// discardDeadScript: ARGV 5 job ID. Returns 0 (no such dead job) or 1.
var discardDeadScript = goredis.NewScript(luaCommon + `
local id = ARGV[5]
if redis.call('ZREM', B .. 'dead', id) == 0 then return 0 end
redis.call('DEL', B .. 'j:' .. id)
return 1
`)

"""The Lua scripts: each checks and writes in one atomic step (keys: see keys.py).

Every script takes KEYS[1] = the meeting's ledger (it fixes the cluster slot) and
ARGV[1] = the meeting's key prefix `pk:{m}:`; the other keys are built from the prefix,
and declared too, after the ledger (keys.cast_keys, keys.emit_keys): on a cluster whose
slot is being moved, a script that met a moved key half-way would stop with its earlier
writes kept, so the server must see every key before it starts."""

# A batch of ballots (and show-of-hands tallies) for one meeting: the group commit.
# ARGV[2..] = 2 per ballot: its id (the client's, any text), then "<question> <voter>
# <record>" (one argument instead of three: a client packs each argument at some cost;
# question ids and voters hold no spaces). The record is the JSON
# that `store.record` writes, {"c": {key: delta}, "w": weight, "t": table, "a": answer},
# in that order, so that the script reads c, w and t with two string patterns instead
# of cjson (anything else, e.g. a record stored by an older version, falls back to cjson).
# Redis time goes mostly to redis.call itself (a few µs each), so the calls are made per
# batch, not per ballot: per question one HGET of its state, one HMGET of the batch's
# ballot ids and one of its voters' records; at the end one HSET of each, the tally's and
# the tables' sums (one HMGET and one HSET each, or HINCRBY when only one or two fields
# change), the version and the voters. Per ballot only the ledger's XADD. Ballots are
# still applied one by one, in order: a voter or an id seen twice in a batch sees the
# first one's effect, and the ledger's order is the order they were applied in.
# Returns one outcome per ballot, space-separated in one string (a client parses one
# string faster than an array): counted | replaced | dup:<first outcome> | not_open.
CAST = r"""
local P, ledger = ARGV[1], KEYS[1]
local n = (#ARGV - 1) / 2
local CHUNK = 1000  -- unpack() takes a few thousand values at most

local function parse(rec)  -- contribution {key: delta}, weight, table
  local c, w, t = string.match(rec, '^{"c":{([^}]*)},"w":(%-?%d+),"t":(%-?%d+)')
  if c and not string.find(c, '\\', 1, true) then
    local contribution = {}
    for k, v in string.gmatch(c, '"([^"]*)":(%-?%d+)') do contribution[k] = tonumber(v) end
    return contribution, tonumber(w), t
  end
  local r = cjson.decode(rec)
  return r.c, r.w, tostring(r.t)
end

local function hmget(key, fields)
  local got = {}
  for from = 1, #fields, CHUNK do
    local part = redis.call('HMGET', key, unpack(fields, from, math.min(from + CHUNK - 1, #fields)))
    for j = 1, #part do got[from + j - 1] = part[j] end
  end
  return got
end

local function hset(key, flat)
  for from = 1, #flat, CHUNK do
    redis.call('HSET', key, unpack(flat, from, math.min(from + CHUNK - 1, #flat)))
  end
end

-- add deltas to a hash of integers; a field whose total fails keep(total) is deleted
local function add(key, deltas, keep)
  local fields = {}
  for k, d in pairs(deltas) do
    if d ~= 0 then fields[#fields + 1] = k end
  end
  if #fields <= 2 then  -- one call per field, or two calls for them all
    for _, k in ipairs(fields) do
      if not keep(redis.call('HINCRBY', key, k, deltas[k])) then redis.call('HDEL', key, k) end
    end
    return
  end
  local now, set, gone = hmget(key, fields), {}, {}
  for j, k in ipairs(fields) do
    local total = (tonumber(now[j]) or 0) + deltas[k]
    if keep(total) then
      set[#set + 1] = k
      set[#set + 1] = string.format('%d', total)
    else
      gone[#gone + 1] = k
    end
  end
  if #set > 0 then hset(key, set) end
  for from = 1, #gone, CHUNK do
    redis.call('HDEL', key, unpack(gone, from, math.min(from + CHUNK - 1, #gone)))
  end
end
local function nonzero(v) return v ~= 0 end
local function positive(v) return v > 0 end

-- the questions in this batch, with their ballot ids and voters
local Q, qs, voters, records = {}, {}, {}, {}
for i = 1, n do
  local q, voter, rec = string.match(ARGV[2 * i + 1], '^(%S+) (%S+) (.*)$')
  qs[i], voters[i], records[i] = q, voter, rec
  local s = Q[q]
  if not s then
    s = {bids = {}, voters = {}}
    Q[q] = s
  end
  s.bids[#s.bids + 1] = ARGV[2 * i]
  s.voters[#s.voters + 1] = voter
end

-- reads: one call each per question
for q, s in pairs(Q) do
  s.qp = P .. 'q:' .. q .. ':'
  s.open = redis.call('HGET', P .. 'qstate', q) == 'open'
  s.first, s.current = {}, {}
  local got = hmget(s.qp .. 'ids', s.bids)
  for j, bid in ipairs(s.bids) do
    if got[j] then s.first[bid] = got[j] end
  end
  if s.open then
    got = hmget(s.qp .. 'votes', s.voters)
    for j, voter in ipairs(s.voters) do
      if got[j] then s.current[voter] = got[j] end
    end
  end
  s.tally, s.tables, s.records, s.ids = {}, {}, {}, {}
  s.version, s.voters_delta = 0, 0
end

-- each ballot in order
local out = {}
for i = 1, n do
  local bid, q, voter, rec = ARGV[2 * i], qs[i], voters[i], records[i]
  local s = Q[q]
  local first = s.first[bid]
  if first then
    out[i] = 'dup:' .. first
  elseif not s.open then
    out[i] = 'not_open'
  else
    local c, w, t = parse(rec)
    local status, delta = 'counted', w
    local old = s.current[voter]
    if old then
      status = 'replaced'
      local oc, ow
      if type(old) == 'string' then oc, ow = parse(old) else oc, ow = old[1], old[2] end
      for k, v in pairs(oc) do s.tally[k] = (s.tally[k] or 0) - v end
      delta = w - ow
    end
    for k, v in pairs(c) do s.tally[k] = (s.tally[k] or 0) + v end
    s.current[voter] = {c, w}
    s.records[voter] = rec
    s.first[bid] = status
    s.ids[#s.ids + 1] = bid
    s.ids[#s.ids + 1] = status
    if delta ~= 0 then
      s.voters_delta = s.voters_delta + delta
      s.tables[t] = (s.tables[t] or 0) + delta
    end
    s.version = s.version + 1
    redis.call('XADD', ledger, '*', 'type', 'ballot', 'id', bid, 'q', q, 'voter', voter,
      'status', status, 'rec', rec)
    out[i] = status
  end
end

-- writes: once per question (and tally key, and table)
for q, s in pairs(Q) do
  if s.version > 0 then
    local records = {}
    for voter, rec in pairs(s.records) do
      records[#records + 1] = voter
      records[#records + 1] = rec
    end
    hset(s.qp .. 'votes', records)
    hset(s.qp .. 'ids', s.ids)
    add(s.qp .. 'tally', s.tally, nonzero)
    add(s.qp .. 'tables', s.tables, positive)
    redis.call('HINCRBY', P .. 'ver', q, s.version)
    if s.voters_delta ~= 0 then redis.call('HINCRBY', P .. 'voters', q, s.voters_delta) end
  end
end
return table.concat(out, ' ')
"""

# A control event: optionally a write that must happen with it, then the event gets the
# next seq, is kept for replay, written to the ledger and published, all in one step, so
# the publish order is the seq order.
# ARGV: prefix, channel, event JSON (without seq), events kept, ledger type,
#       guard ('' | 'hsetnx' | 'hset' | 'state'), key, field, value
# 'hsetnx': only if the field is new (an idea id seen twice is emitted once);
# 'new_question': a new draft question (definition, state and agenda place), once;
# 'state': a question's state change; refused (returns the error) unless allowed.
# Returns {seq, ''} or {0, reason}.
EMIT = r"""
local P, channel, event, kept, kind = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local guard, key, field, value = ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local to_ledger = ARGV[10] ~= 'derived'  -- derived data (suggestions) is no decision to audit
if guard == 'hsetnx' then
  if redis.call('HSETNX', key, field, value) == 0 then return {0, 'duplicate'} end
elseif guard == 'new_question' then
  if redis.call('HSETNX', key, field, value) == 0 then return {0, 'duplicate'} end
  redis.call('HSET', P .. 'qstate', field, 'draft')
  redis.call('RPUSH', P .. 'qorder', field)
elseif guard == 'hset' then
  redis.call('HSET', key, field, value)
elseif guard == 'state' then
  local current = redis.call('HGET', key, field)
  if not current then return {0, 'not_found'} end
  if current == value then return {0, 'unchanged'} end
  if value == 'closed' and current ~= 'open' then return {0, 'not_open'} end
  redis.call('HSET', key, field, value)
end
local seq = redis.call('INCR', P .. 'seq')
redis.call('XADD', P .. 'events', 'MAXLEN', '~', kept, '*', 'seq', seq, 'e', event)
if to_ledger then redis.call('XADD', KEYS[1], '*', 'type', kind, 'seq', seq, 'e', event) end
redis.call('SPUBLISH', channel, seq .. ' ' .. event)
return {seq, ''}
"""

# Claim a meeting's join codes, all or none: KEYS[1] = the codes hash (global: a slot of
# its own on a cluster, so this is one step apart from the meeting's own keys).
# ARGV = code, principal JSON, code, principal JSON, ... Returns 1, or 0 if one is taken.
CLAIM_CODES = r"""
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then return 0 end
end
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
"""

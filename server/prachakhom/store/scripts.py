"""The Lua scripts: each checks and writes in one atomic step (keys: see keys.py).

Every script takes KEYS[1] = the meeting's ledger (it fixes the cluster slot) and
ARGV[1] = the meeting's key prefix `pk:{m}:`; the other keys are built from the prefix.
"""

# A batch of ballots (and show-of-hands tallies) for one meeting: the group commit.
# ARGV[2] = now (ms); then 6 fields per ballot: id, question, voter, table, weight, record
# (JSON {a, c, w, t}; c is the contribution {key: delta}, w the voters it stands for).
# Returns one outcome per ballot: counted | replaced | dup:<first outcome> | not_open.
CAST = r"""
local P = ARGV[1]
local ledger = KEYS[1]
local out = {}
local open, versions, voters = {}, {}, {}
local n = (#ARGV - 2) / 6
for i = 0, n - 1 do
  local b = 3 + i * 6
  local bid, q, voter, tbl = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  local weight, record = tonumber(ARGV[b + 4]), ARGV[b + 5]
  local qp = P .. 'q:' .. q .. ':'
  if open[q] == nil then open[q] = redis.call('HGET', P .. 'qstate', q) == 'open' end
  local first = redis.call('HGET', qp .. 'ids', bid)
  if first then
    out[#out + 1] = 'dup:' .. first
  elseif not open[q] then
    out[#out + 1] = 'not_open'
  else
    local tally = qp .. 'tally'
    local status, delta = 'counted', weight
    local old = redis.call('HGET', qp .. 'votes', voter)
    if old then
      status = 'replaced'
      local prev = cjson.decode(old)
      for k, v in pairs(prev.c) do
        if redis.call('HINCRBY', tally, k, -v) == 0 then redis.call('HDEL', tally, k) end
      end
      delta = weight - prev.w
    end
    for k, v in pairs(cjson.decode(record).c) do
      if redis.call('HINCRBY', tally, k, v) == 0 then redis.call('HDEL', tally, k) end
    end
    redis.call('HSET', qp .. 'votes', voter, record)
    redis.call('HSET', qp .. 'ids', bid, status)
    if delta ~= 0 then
      voters[q] = (voters[q] or 0) + delta
      if redis.call('HINCRBY', qp .. 'tables', tbl, delta) <= 0 then
        redis.call('HDEL', qp .. 'tables', tbl)
      end
    end
    versions[q] = (versions[q] or 0) + 1
    redis.call('XADD', ledger, '*', 'type', 'ballot', 'id', bid, 'q', q, 'voter', voter,
      'status', status, 'rec', record, 'at', ARGV[2])
    out[#out + 1] = status
  end
end
for q, v in pairs(versions) do redis.call('HINCRBY', P .. 'ver', q, v) end
for q, d in pairs(voters) do
  if d ~= 0 then redis.call('HINCRBY', P .. 'voters', q, d) end
end
return out
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
redis.call('XADD', KEYS[1], '*', 'type', kind, 'seq', seq, 'e', event)
redis.call('PUBLISH', channel, seq .. ' ' .. event)
return {seq, ''}
"""

package redisbroker

import "github.com/redis/go-redis/v9"

// publishScript numbers, stores and publishes one publication atomically,
// unless it runs after its deadline (Redis's clock): a publish whose caller
// gave up must not happen later, when a delayed request reaches Redis.
// KEYS: 1 meta hash, 2 stream, 3 idempotency key (or "" unused)
// ARGV: 1 data, 2 maxlen, 3 stream ttl ms, 4 meta ttl ms, 5 epoch candidate,
//
//	6 channel, 7 now ms, 8 idempotency ttl ms (0 = none), 9 deadline (unix ms)
var publishScript = redis.NewScript(publishSource)

const publishSource = `
local now = redis.call('TIME')
if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[9]) then
  return redis.error_reply('LATE the publish reached Redis after its deadline')
end
if ARGV[8] ~= '0' then
  local prev = redis.call('GET', KEYS[3])
  if prev then
    local sep = string.find(prev, ':', 1, true)
    return {string.sub(prev, 1, sep - 1), tonumber(string.sub(prev, sep + 1))}
  end
end
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then
  epoch = ARGV[5]
  redis.call('HSET', KEYS[1], 'e', epoch)
  redis.call('DEL', KEYS[2]) -- history of a lost epoch is not continued
end
local off = redis.call('HINCRBY', KEYS[1], 'o', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], off .. '-0', 'd', ARGV[1], 't', ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', ARGV[6], 'p' .. epoch .. ':' .. off .. ':' .. ARGV[1])
if ARGV[8] ~= '0' then
  redis.call('SET', KEYS[3], epoch .. ':' .. off, 'PX', ARGV[8])
end
return {epoch, off}
`

// historyScript returns the position (creating the epoch) and, when
// ARGV[3] > 0, up to ARGV[3] stream entries after offset ARGV[2].
// KEYS: 1 meta, 2 stream. ARGV: 1 epoch candidate, 2 since offset, 3 limit, 4 meta ttl ms
var historyScript = redis.NewScript(`
if redis.call('HSETNX', KEYS[1], 'e', ARGV[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  redis.call('DEL', KEYS[2])
end
local pos = redis.call('HMGET', KEYS[1], 'e', 'o')
local entries = {}
if tonumber(ARGV[3]) > 0 then
  entries = redis.call('XRANGE', KEYS[2], '(' .. ARGV[2] .. '-0', '+', 'COUNT', ARGV[3])
end
return {pos[1], pos[2] or '0', entries}
`)

// presenceAddScript: KEYS 1 hash, 2 zset; ARGV 1 client, 2 info, 3 expire-at ms, 4 key ttl ms, 5 channel
var presenceAddScript = redis.NewScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], 'j' .. ARGV[2])
return 1
`)

// presenceRemoveScript: KEYS 1 hash, 2 zset; ARGV 1 client, 2 channel
var presenceRemoveScript = redis.NewScript(`
local info = redis.call('HGET', KEYS[1], ARGV[1])
if not info then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[2], 'l' .. info)
return 1
`)

// presenceSweepScript expires stale entries (publishing leave events for
// them) and returns the live ones. KEYS 1 hash, 2 zset; ARGV 1 now ms, 2 channel
var presenceSweepScript = redis.NewScript(`
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
for _, c in ipairs(stale) do
  local info = redis.call('HGET', KEYS[1], c)
  redis.call('HDEL', KEYS[1], c)
  redis.call('ZREM', KEYS[2], c)
  if info then redis.call('PUBLISH', ARGV[2], 'l' .. info) end
end
return redis.call('HVALS', KEYS[1])
`)

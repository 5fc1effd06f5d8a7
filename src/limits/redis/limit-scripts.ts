/**
 * The Lua scripts of the Redis LimitStore. Redis runs a script atomically, so a check and its
 * reservation cannot interleave with another replica's. Amounts and scores are passed to Redis as
 * the caller's strings, never as Lua numbers (which Lua would print in exponent form past 1e14).
 */

/** Keys per scope in the acquire script, in this order. */
export const ACQUIRE_KEYS_PER_SCOPE = 7;
/** Counters per scope in the acquire script's reply. */
export const COUNTERS_PER_SCOPE = 7;
/** Fixed arguments before the per-scope ones. */
export const ACQUIRE_FIXED_ARGS = 10;

/**
 * Checks every limit of every scope; if all fit, reserves them all.
 *
 * KEYS, per scope: requests(current minute), requests(previous minute), tokens(current),
 *   tokens(previous), concurrency lease set, spend(day), spend(month).
 * ARGV: now, windowMs, tokens, costMicros, reservationId, leaseExpiry, leaseTtlMs, dayTtlMs,
 *   monthTtlMs, scopeCount; then per scope: rpm, tpm, concurrency, dayLimit, dayHard, monthLimit,
 *   monthHard.
 * Returns {rejectedScope (0 = allowed), dimension, then 7 counters per scope}: requests current and
 *   previous, tokens current and previous, leases held, spend day, spend month — after the
 *   reservation when allowed. The checks are `checkScope` (check-scope.ts), same order, same formula.
 */
export const ACQUIRE_SCRIPT = `
local now = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local tokens = tonumber(ARGV[3])
local scopeCount = tonumber(ARGV[10])
local fraction = (now % windowMs) / windowMs
local windowTtl = 2 * windowMs + 1000

local function read(key)
  return tonumber(redis.call('GET', key) or '0')
end

local counters, limits = {}, {}
local rejectedScope, rejectedDimension = 0, ''
for i = 1, scopeCount do
  local k = (i - 1) * 7
  local a = 10 + (i - 1) * 7
  local l = {}
  for j = 1, 7 do l[j] = tonumber(ARGV[a + j]) end
  limits[i] = l
  redis.call('ZREMRANGEBYSCORE', KEYS[k + 5], '-inf', now)
  local c = { read(KEYS[k + 1]), read(KEYS[k + 2]), read(KEYS[k + 3]), read(KEYS[k + 4]),
    redis.call('ZCARD', KEYS[k + 5]), read(KEYS[k + 6]), read(KEYS[k + 7]) }
  counters[i] = c
  if rejectedScope == 0 then
    local dimension = nil
    if l[1] >= 0 and c[2] * (1 - fraction) + c[1] + 1 > l[1] then dimension = 'requests'
    elseif l[2] >= 0 and c[4] * (1 - fraction) + c[3] + tokens > l[2] then dimension = 'tokens'
    elseif l[3] >= 0 and c[5] + 1 > l[3] then dimension = 'concurrency'
    elseif l[4] >= 0 and l[5] == 1 and c[6] >= l[4] then dimension = 'budget-day'
    elseif l[6] >= 0 and l[7] == 1 and c[7] >= l[6] then dimension = 'budget-month'
    end
    if dimension then
      rejectedScope = i
      rejectedDimension = dimension
    end
  end
end

if rejectedScope == 0 then
  for i = 1, scopeCount do
    local k = (i - 1) * 7
    local l, c = limits[i], counters[i]
    if l[1] >= 0 then
      c[1] = redis.call('INCR', KEYS[k + 1])
      redis.call('PEXPIRE', KEYS[k + 1], windowTtl)
    end
    if l[2] >= 0 then
      c[3] = redis.call('INCRBY', KEYS[k + 3], ARGV[3])
      redis.call('PEXPIRE', KEYS[k + 3], windowTtl)
    end
    if l[3] >= 0 then
      redis.call('ZADD', KEYS[k + 5], ARGV[6], ARGV[5])
      redis.call('PEXPIRE', KEYS[k + 5], ARGV[7])
      c[5] = c[5] + 1
    end
    if l[4] >= 0 then
      c[6] = redis.call('INCRBY', KEYS[k + 6], ARGV[4])
      redis.call('PEXPIRE', KEYS[k + 6], ARGV[8])
    end
    if l[6] >= 0 then
      c[7] = redis.call('INCRBY', KEYS[k + 7], ARGV[4])
      redis.call('PEXPIRE', KEYS[k + 7], ARGV[9])
    end
  end
end

local reply = { rejectedScope, rejectedDimension }
for i = 1, scopeCount do
  for j = 1, 7 do reply[#reply + 1] = counters[i][j] end
end
return reply
`;

/**
 * Adds a signed delta to counters that still exist (a counter that expired belongs to a minute or
 * period nobody checks any more), never going below zero, keeping the TTL.
 *
 * KEYS: counters. ARGV: one integer delta per key.
 */
export const ADJUST_SCRIPT = `
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    local value = redis.call('INCRBY', key, ARGV[i])
    if value < 0 then redis.call('SET', key, '0', 'KEEPTTL') end
  end
end
return 1
`;

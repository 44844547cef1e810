-- Dedup index in Redis: storage for dedupe/engine.py's decisions. The key names and value layouts come
-- from dedupe/keys.py, rendered above this line (key(), shard(), F.*, SIZE.*). ARGV[1] is the prefix,
-- ARGV[2] the operation; each operation reads its own arguments from ARGV[3] on.
-- Every call is bounded by construction: the Python side sends at most a fixed number of documents or
-- writes per call, and each of them touches at most `bands` buckets of at most `bucket_cap` handles.

local op = ARGV[2]
local pos = 3
local function arg()
  local v = ARGV[pos]
  pos = pos + 1
  return v
end
local function num() return tonumber(arg()) end

-- LSH fields live in hash shards that grow by linear hashing: shard n splits into n and n + M
-- (M = S0 * 2^level) when the split pointer reaches it, one at a time as the index grows, so a field is
-- always one lookup in one small listpack whatever the size of the index.
local ENTRIES_PER_SHARD = 64
local MAX_SPLITS = 32 -- per call (a call adds at most 50 documents' fields: about 25 splits)
-- Work budget of one prepare or lookup call: a band costs 1, every 64 bytes of bucket read 1 more (about 2 ms
-- in all). A call stops after the entry that spends it; the caller sends the rest again.
local BUDGET = 1600
local LH = redis.call("HMGET", key("meta"), "lsh_level", "lsh_split", "lsh_shards0")
local S0 = tonumber(LH[3]) or 1
local LEVEL = tonumber(LH[1]) or 0
local M = S0 * 2 ^ LEVEL
local SPLIT = tonumber(LH[2]) or 0
local function field_x(field)
  local b, c1, c2, c3, c4 = string.byte(field, 1, 5)
  return (((c1 * 256 + c2) * 256 + c3) * 256 + c4) + b * 40503
end
local function lsh_key(field)
  local x = field_x(field)
  local n = x % M
  if n < SPLIT then n = x % (2 * M) end
  return key("lsh", n)
end
local function grow(fields_wanted)
  local target = math.ceil(fields_wanted / ENTRIES_PER_SHARD)
  local splits = 0
  while M + SPLIT < target and splits < MAX_SPLITS do
    local src, dst = key("lsh", SPLIT), key("lsh", SPLIT + M)
    local all = redis.call("HGETALL", src)
    local moved, kept = {}, {}
    for i = 1, #all, 2 do
      local t = kept
      if field_x(all[i]) % (2 * M) ~= SPLIT then t = moved end
      t[#t + 1] = all[i]
      t[#t + 1] = all[i + 1]
    end
    if #moved > 0 then
      redis.call("HSET", dst, unpack(moved))
      redis.call("DEL", src) -- writing the kept half afresh costs less than deleting fields one by one
      if #kept > 0 then redis.call("HSET", src, unpack(kept)) end
    end
    SPLIT = SPLIT + 1
    splits = splits + 1
    if SPLIT == M then
      LEVEL = LEVEL + 1
      M = 2 * M
      SPLIT = 0
    end
  end
  if splits > 0 then redis.call("HSET", key("meta"), "lsh_level", LEVEL, "lsh_split", SPLIT) end
end

local function hget(name, h)
  local k, f = shard(name, h)
  return redis.call("HGET", k, f)
end
local function hset(name, h, v)
  local k, f = shard(name, h)
  return redis.call("HSET", k, f, v)
end
local function hdel(name, h)
  local k, f = shard(name, h)
  return redis.call("HDEL", k, f)
end
local function own_lock(token)
  if redis.call("GET", key("lock")) ~= token then return redis.error_reply("LOCKLOST the batch lock expired") end
  redis.call("PEXPIRE", key("lock"), 15000)
  return nil
end
-- the buckets of one document's band fields (5 bytes each: band byte + u32 value), as band byte, count
-- byte and the handles, for every bucket that holds any; with `me`, the document is appended to each
-- bucket that is not full
local spent = 0
local function buckets(fields, cap, me)
  local out = {}
  for i = 1, #fields, 5 do
    local field = string.sub(fields, i, i + 4)
    local k = lsh_key(field)
    local v = redis.call("HGET", k, field)
    spent = spent + 1
    if v then
      spent = spent + #v / 64
      out[#out + 1] = string.sub(field, 1, 1) .. string.char(#v / 4) .. v
      if me and #v / 4 < cap then redis.call("HSET", k, field, v .. me) end
    elseif me then
      redis.call("HSET", k, field, me)
    end
  end
  return table.concat(out)
end
local function record_fields(blob)
  local _, _, _, nb = struct.unpack(F.RecordHeader, blob)
  local out = {}
  for b = 0, nb - 1 do
    local at = SIZE.RecordHeader + 1 + 4 * b
    out[#out + 1] = string.char(b) .. string.sub(blob, at, at + 3)
  end
  return table.concat(out)
end

-- operations -------------------------------------------------------------------------------------------
if op == "prepare" then
  -- token, bucket_cap, bands, n, then per entry: id, id shard, kind ("i" | "s"), fingerprint, band fields.
  -- Per entry done: state ("new" | "same" | "rejected" | "same_rejected"), handle, old handle, buckets.
  local token, cap, bands, n = arg(), num(), num(), num()
  local err = own_lock(token)
  if err then return err end
  local out = {}
  for e = 1, n do
    if spent >= BUDGET then break end
    local id, idkey, kind, fp, fields = arg(), key("id", arg()), arg(), arg(), arg()
    local prev = redis.call("HGET", idkey, id)
    local state, handle, old, hits = "new", 0, 0, ""
    if kind == "s" then state = "rejected" end
    if prev then
      if string.sub(prev, 1, 1) == "s" then
        if kind == "s" and string.sub(prev, 2, 9) == fp then state, hits = "same_rejected", string.sub(prev, 10) end
      else
        local h, pfp = struct.unpack(F.IdEntry, prev, 2)
        if kind == "i" and pfp == fp then state, handle = "same", h else old = h end
      end
    end
    if state == "new" then
      handle = redis.call("INCR", key("seq"))
      hits = buckets(fields, cap, struct.pack(F.handle, handle))
    end
    out[e] = {state, handle, old, hits}
  end
  grow(tonumber(redis.call("GET", key("seq")) or 0) * bands)
  return out

elseif op == "lookup" then
  -- handles: the buckets of each indexed document's stored bands ("" when it has no record), for as many
  -- handles as the budget allows
  local out = {}
  while pos <= #ARGV and spent < BUDGET do
    local blob = hget("rec", num())
    out[#out + 1] = blob and buckets(record_fields(blob), 0, nil) or ""
  end
  return out

elseif op == "load" then
  -- handles (negative: the record is not needed). Per handle: record, name, member entry; then the
  -- states of their clusters as (number, state) pairs; then the same row for each original not asked for.
  local rows, asked, clusters, cluster_ids = {}, {}, {}, {}
  while pos <= #ARGV do
    local h = num()
    local want = h > 0
    if not want then h = -h end
    asked[h] = true
    local m = hget("member", h)
    rows[#rows + 1] = {h, want and (hget("rec", h) or "") or "-", hget("name", h) or "", m or ""}
    if m then
      local c = struct.unpack(F.Member, m)
      if not clusters[c] then
        clusters[c] = hget("cluster", c) or ""
        cluster_ids[#cluster_ids + 1] = c
      end
    end
  end
  local states, extra = {}, {}
  for _, c in ipairs(cluster_ids) do
    states[#states + 1] = c
    states[#states + 1] = clusters[c]
    if clusters[c] ~= "" then
      local o = struct.unpack(F.ClusterState, clusters[c])
      if not asked[o] then
        asked[o] = true
        extra[#extra + 1] = {o, hget("rec", o) or "", hget("name", o) or "", hget("member", o) or ""}
      end
    end
  end
  return {rows, states, extra}

elseif op == "commit" then
  -- token, release (1 on the last call of a batch), bucket_cap, then operations until the end:
  -- R id shard value (an id recorded unindexed) | D handle id shard entry sketch name (a new document) |
  -- X handle band-fields (a replaced text leaves its buckets) | M handle value ("" deletes) |
  -- C cluster value ("" dissolves it) | L cluster handle (leaves its set) | J cluster handle (joins)
  local token, release, cap = arg(), num(), num()
  local err = own_lock(token)
  if err then return err end
  while pos <= #ARGV do
    local code = arg()
    if code == "R" then
      local id, idkey, value = arg(), key("id", arg()), arg()
      redis.call("HSET", idkey, id, value)
    elseif code == "D" then
      local h, id, idkey, entry, blob, name = num(), arg(), key("id", arg()), arg(), arg(), arg()
      redis.call("HSET", idkey, id, entry)
      hset("rec", h, blob)
      hset("name", h, name)
      redis.call("INCR", key("docs"))
    elseif code == "X" then
      local h, fields = num(), arg()
      local me = struct.pack(F.handle, h)
      for i = 1, #fields, 5 do
        local field = string.sub(fields, i, i + 4)
        local k = lsh_key(field)
        local v = redis.call("HGET", k, field)
        if v then
          local parts = {}
          for j = 1, #v, 4 do
            local chunk = string.sub(v, j, j + 3)
            if chunk ~= me then parts[#parts + 1] = chunk end
          end
          if #parts > 0 then redis.call("HSET", k, field, table.concat(parts)) else redis.call("HDEL", k, field) end
        end
      end
      if hdel("rec", h) == 1 then redis.call("DECR", key("docs")) end
      hdel("name", h)
    elseif code == "M" then
      local h, value = num(), arg()
      if value == "" then hdel("member", h) else hset("member", h, value) end
    elseif code == "C" then
      local c, value = num(), arg()
      if value == "" then
        if hdel("cluster", c) == 1 then redis.call("DECR", key("clusters")) end
        redis.call("DEL", key("set", c))
      elseif hset("cluster", c, value) == 1 then
        redis.call("INCR", key("clusters"))
      end
    elseif code == "L" then
      local c, h = num(), num()
      redis.call("SREM", key("set", c), h)
    elseif code == "J" then
      local c, h = num(), num()
      redis.call("SADD", key("set", c), h)
    else
      return redis.error_reply("unknown commit operation " .. tostring(code))
    end
  end
  if release == 1 then redis.call("DEL", key("lock")) end
  return 1

elseif op == "decisions" then
  -- ids with their id shards. Per id: kind ("" unknown, "s" + reason, "h"), member entry, original's name
  local out = {}
  while pos <= #ARGV do
    local id, idkey = arg(), key("id", arg())
    local prev = redis.call("HGET", idkey, id)
    if not prev then
      out[#out + 1] = {""}
    elseif string.sub(prev, 1, 1) == "s" then
      out[#out + 1] = {"s" .. string.sub(prev, 10)}
    else
      local h = struct.unpack(F.IdEntry, prev, 2)
      local m = hget("member", h)
      if not m then
        out[#out + 1] = {"h"}
      else
        local cs = hget("cluster", (struct.unpack(F.Member, m)))
        local original = cs and struct.unpack(F.ClusterState, cs)
        out[#out + 1] = {"h", m, original and hget("name", original) or ""}
      end
    end
  end
  return out

elseif op == "names" then
  -- handles: each one's name value (published time, then the id; "" when gone)
  local out = {}
  while pos <= #ARGV do out[#out + 1] = hget("name", num()) or "" end
  return out
end
return redis.error_reply("unknown operation " .. tostring(op))

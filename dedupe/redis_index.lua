-- Dedup index in Redis: storage for dedupe/engine.py's decisions. The key names and value layouts come
-- from dedupe/keys.py, rendered above this line (key(), shard(), F.*, SIZE.*). ARGV[1] is the prefix,
-- ARGV[2] the operation; each operation reads its own arguments from ARGV[3] on.
-- Every call is bounded by its batch (the Python side sends at most 50 documents a call), and joining a
-- cluster touches its state and appends to its member list, whatever its size.

local op = ARGV[2]
local pos = 3
local function arg()
  local v = ARGV[pos]
  pos = pos + 1
  return v
end
local function num() return tonumber(arg()) end

-- LSH and rarity fields live in hash shards that grow by linear hashing: shard n splits into n and n + M
-- (M = S0 * 2^level) when the split pointer reaches it, one at a time as the index grows, so a field is
-- always one lookup in one small listpack whatever the size of the index.
local ENTRIES_PER_SHARD = 64
local LH = redis.call("HMGET", key("meta"), "lsh_level", "lsh_split", "lsh_shards0")
local S0 = tonumber(LH[3]) or 1
local LEVEL = tonumber(LH[1]) or 0
local M = S0 * 2 ^ LEVEL
local SPLIT = tonumber(LH[2]) or 0
local LH_DIRTY = false
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
  while M + SPLIT < target do
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
    if SPLIT == M then
      LEVEL = LEVEL + 1
      M = 2 * M
      SPLIT = 0
    end
    LH_DIRTY = true
  end
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
  return nil
end
local function popcount(x)
  local c = 0
  while x ~= 0 do
    x = bit.band(x, x - 1)
    c = c + 1
  end
  return c
end

-- a document leaves the index (its id is being re-added with other text) ------------------------------
local function leave_cluster(h)
  local raw = hget("member", h)
  if not raw then return end
  hdel("member", h)
  local cluster = struct.unpack(F.Member, raw)
  local ck, cf = shard("cluster", cluster)
  local original = struct.unpack(F.ClusterState, redis.call("HGET", ck, cf))
  local lk = key("members", cluster)
  local list = redis.call("GET", lk) or ""
  local rest, best, best_pub, best_name = {}, nil, nil, nil
  for i = 1, #list, SIZE.MemberEntry do
    local m, published = struct.unpack(F.MemberEntry, list, i)
    if m ~= h then
      rest[#rest + 1] = string.sub(list, i, i + SIZE.MemberEntry - 1)
      local name = hget("name", m)
      if best == nil or published < best_pub or (published == best_pub and name < best_name) then
        best, best_pub, best_name = m, published, name
      end
    end
  end
  if #rest >= 2 then
    if original == h then original = best end
    redis.call("SET", lk, table.concat(rest))
    redis.call("HSET", ck, cf, struct.pack(F.ClusterState, original, #rest))
  else
    for _, e in ipairs(rest) do hdel("member", (struct.unpack(F.MemberEntry, e))) end
    redis.call("DEL", lk)
    redis.call("HDEL", ck, cf)
    redis.call("DECR", key("clusters"))
  end
end

local function remove(h)
  local blob = hget("rec", h)
  if blob then
    local _, _, _, _, nb = struct.unpack(F.RecordHeader, blob)
    local me = struct.pack(F.handle, h)
    for b = 0, nb - 1 do
      local at = SIZE.RecordHeader + 1 + 4 * b
      local field = string.char(b) .. string.sub(blob, at, at + 3)
      local k = lsh_key(field)
      local v = redis.call("HGET", k, field)
      if v then
        local parts = {}
        for i = 1, #v, 4 do
          local chunk = string.sub(v, i, i + 3)
          if chunk ~= me then parts[#parts + 1] = chunk end
        end
        if #parts > 0 then redis.call("HSET", k, field, table.concat(parts)) else redis.call("HDEL", k, field) end
      end
    end
    redis.call("DECR", key("docs"))
  end
  leave_cluster(h)
  hdel("rec", h)
  hdel("name", h)
end

-- operations -------------------------------------------------------------------------------------------
if op == "prepare" then
  -- token, bucket_cap, max_candidates, bands, n, then per entry: id, id shard, kind ("i"|"s"),
  -- fingerprint, band fields (5 bytes each, concatenated), rarity fields (5 bytes each, concatenated)
  local token, cap, max_cand, B, n = arg(), num(), num(), num(), num()
  local err = own_lock(token)
  if err then return err end
  local states, cands, fulls, rarity = {}, {}, {}, {}
  local load, loaded = {}, {}
  local function want(h)
    if not loaded[h] then
      loaded[h] = true
      load[#load + 1] = h
    end
  end
  for e = 1, n do
    local id, idkey, kind, fp, bands, tracked = arg(), key("id", arg()), arg(), arg(), arg(), arg()
    local prev = redis.call("HGET", idkey, id)
    local state = "new"
    if prev then
      if string.sub(prev, 1, 1) == "s" then
        if kind == "s" and string.sub(prev, 2, 9) == fp then state = "rejected:" .. string.sub(prev, 10) end
      else
        local h, pfp = struct.unpack(F.IdEntry, prev, 2)
        if kind == "i" and pfp == fp then
          state = "same:" .. h
          want(h)
        else
          remove(h)
          redis.call("HDEL", idkey, id)
        end
      end
    end
    local masks, order = {}, {}
    local full = 0
    if state == "new" and kind == "i" then
      state = "new:" .. redis.call("INCR", key("seq"))
      for b = 0, B - 1 do
        local field = string.sub(bands, 5 * b + 1, 5 * b + 5)
        local v = redis.call("HGET", lsh_key(field), field)
        if v then
          if #v / 4 >= cap then
            full = bit.bor(full, bit.lshift(1, b))
          else
            for i = 1, #v, 4 do
              local c = struct.unpack(F.handle, v, i)
              if not masks[c] then
                masks[c] = 0
                order[#order + 1] = c
              end
              masks[c] = bit.bor(masks[c], bit.lshift(1, b))
            end
          end
        end
      end
      table.sort(order, function(x, y)
        local px, py = popcount(masks[x]), popcount(masks[y])
        if px ~= py then return px > py end
        return x < y
      end)
    end
    local packed = {}
    for i = 1, math.min(#order, max_cand) do
      local c = order[i]
      packed[#packed + 1] = struct.pack(F.handle, c) .. struct.pack("<i4", masks[c])
      want(c)
    end
    states[e], cands[e], fulls[e] = state, table.concat(packed), full
    for i = 1, #tracked, 5 do
      local field = string.sub(tracked, i, i + 4)
      rarity[#rarity + 1] = tonumber(redis.call("HGET", lsh_key(field), field) or 0)
    end
  end
  -- the clusters of everything loaded, and their originals
  local members, clusters, cluster_ids = {}, {}, {}
  local i = 1
  while i <= #load do
    local h = load[i]
    local raw = hget("member", h)
    members[i] = raw or ""
    if raw then
      local c = struct.unpack(F.Member, raw)
      if not clusters[c] then
        local cs = hget("cluster", c)
        clusters[c] = cs
        cluster_ids[#cluster_ids + 1] = c
        want((struct.unpack(F.ClusterState, cs)))
      end
    end
    i = i + 1
  end
  local blobs, names, cl = {}, {}, {}
  for j, h in ipairs(load) do
    blobs[j] = hget("rec", h) or ""
    names[j] = hget("name", h) or ""
  end
  for _, c in ipairs(cluster_ids) do
    cl[#cl + 1] = c
    cl[#cl + 1] = clusters[c]
  end
  redis.call("PEXPIRE", key("lock"), 15000)
  return {states, cands, fulls, rarity, load, members, blobs, names, cl}

elseif op == "commit" then
  local token, cap, bands_per_doc = arg(), num(), num()
  local err = own_lock(token)
  if err then return err end
  for _ = 1, num() do -- rejected: id, id shard, value
    local id, idkey, value = arg(), key("id", arg()), arg()
    redis.call("HSET", idkey, id, value)
  end
  for _ = 1, num() do -- records: handle, id, id shard, id entry, sketch
    local h, id, idkey, entry, blob = num(), arg(), key("id", arg()), arg(), arg()
    redis.call("HSET", idkey, id, entry)
    hset("rec", h, blob)
    hset("name", h, id)
    redis.call("INCR", key("docs"))
  end
  for _ = 1, num() do -- bands: handle, band fields to insert (concatenated)
    local h, fields = num(), arg()
    local me = struct.pack(F.handle, h)
    for i = 1, #fields, 5 do
      local field = string.sub(fields, i, i + 4)
      local k = lsh_key(field)
      if redis.call("HSETNX", k, field, me) == 0 then
        local v = redis.call("HGET", k, field)
        if #v / 4 < cap then redis.call("HSET", k, field, v .. me) end
      end
    end
  end
  local fields = arg() -- rarity: fields counted once more (concatenated)
  for i = 1, #fields, 5 do
    local field = string.sub(fields, i, i + 4)
    redis.call("HINCRBY", lsh_key(field), field, 1)
  end
  for _ = 1, num() do hset("member", num(), arg()) end
  for _ = 1, num() do
    if hset("cluster", num(), arg()) == 1 then redis.call("INCR", key("clusters")) end
  end
  for _ = 1, num() do
    local c = num()
    redis.call("APPEND", key("members", c), arg())
  end
  grow(tonumber(redis.call("GET", key("seq")) or 0) * (bands_per_doc + 8))
  if LH_DIRTY then redis.call("HSET", key("meta"), "lsh_level", LEVEL, "lsh_split", SPLIT) end
  redis.call("DEL", key("lock"))
  return 1

elseif op == "decisions" then
  -- n, then per id: id, id shard. Per id: kind ("" unknown, "s" + reason, "h"), handle, member value,
  -- cluster state, original's name
  local out = {}
  for _ = 1, num() do
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
        out[#out + 1] = {"h", h}
      else
        local cs = hget("cluster", (struct.unpack(F.Member, m)))
        local original = struct.unpack(F.ClusterState, cs)
        out[#out + 1] = {"h", h, m, cs, hget("name", original)}
      end
    end
  end
  return out

elseif op == "records" then
  local out = {}
  for _ = 1, num() do
    local h = num()
    out[#out + 1] = {hget("rec", h) or "", hget("name", h) or ""}
  end
  return out

elseif op == "members" then
  -- cluster number, first entry, entries: member ids in order (the original is found by the caller)
  local c, first, count = num(), num(), num()
  local list = redis.call("GETRANGE", key("members", c), first * SIZE.MemberEntry,
    (first + count) * SIZE.MemberEntry - 1)
  local out = {}
  for i = 1, #list, SIZE.MemberEntry do out[#out + 1] = hget("name", (struct.unpack(F.MemberEntry, list, i))) end
  return out
end
return redis.error_reply("unknown operation " .. tostring(op))

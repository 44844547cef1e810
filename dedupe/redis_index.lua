-- Dedup index in Redis: storage for dedupe/engine.py's decisions. The key names and value layouts come
-- from dedupe/keys.py, rendered above this line (key(), shard(), F.*, SIZE.*). ARGV[1] is the prefix,
-- ARGV[2] the operation; each operation reads its own arguments from ARGV[3] on. Lists of documents
-- travel as one binary argument and come back as one binary reply (little-endian u8/u16/u32 and
-- length-prefixed strings; see dedupe/redis_index.py), so neither side spends time per element.
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
local function reader(s)
  local p, r = 1, {}
  function r.more() return p <= #s end
  function r.u8()
    p = p + 1
    return string.byte(s, p - 1)
  end
  function r.u16()
    local v, q = struct.unpack("<H", s, p)
    p = q
    return v
  end
  function r.u32()
    local v, q = struct.unpack("<I", s, p)
    p = q
    return v
  end
  function r.bytes(n)
    p = p + n
    return string.sub(s, p - n, p - 1)
  end
  function r.str8() return r.bytes(r.u8()) end
  function r.str16() return r.bytes(r.u16()) end
  function r.str32() return r.bytes(r.u32()) end
  return r
end
local function u16(v) return struct.pack("<H", v) end
local function u32(v) return struct.pack("<I", v) end
local function str8(v) return string.char(#v) .. v end
local function str16(v) return u16(#v) .. v end
local function str32(v) return u32(#v) .. v end

-- LSH fields live in hash shards that grow by linear hashing: shard n splits into n and n + M
-- (M = S0 * 2^level) when the split pointer reaches it, one at a time as the index grows, so a field is
-- always one lookup in one small listpack whatever the size of the index.
local MAX_SPLITS = 40 -- per call (a call adds at most 20 documents' fields: about 20 splits)
-- Work budget of one prepare or lookup call: a band costs 1, every 64 bytes of bucket read 1 more (about 2 ms
-- in all). A call stops after the entry that spends it; the caller sends the rest again.
local BUDGET = 700
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
  local target = math.ceil(fields_wanted / FIELDS_PER_SHARD)
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
    spent = spent + 1
    if not me or redis.call("HSETNX", k, field, me) == 0 then -- a new bucket (most are) costs one call
      local v = redis.call("HGET", k, field)
      if v then
        spent = spent + #v / 64
        out[#out + 1] = string.sub(field, 1, 1) .. string.char(#v / 4) .. v
        if me and #v / 4 < cap then redis.call("HSET", k, field, v .. me) end
      end
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
  -- token, bucket_cap, bands, entries: kind byte ("i" | "s"), fingerprint (8), id shard u16, id str16,
  -- band fields str16. Reply: entries done u16, then per entry: state byte (n new, s same, r rejected,
  -- x same and rejected), handle u32, old handle u32, buckets str32 (for x: the reason).
  local token, cap, bands, r = arg(), num(), num(), reader(arg())
  local err = own_lock(token)
  if err then return err end
  local out, done = {}, 0
  while r.more() and spent < BUDGET do
    local kind, fp, idkey = r.bytes(1), r.bytes(8), key("id", r.u16())
    local id, fields = r.str16(), r.str16()
    local prev = redis.call("HGET", idkey, id)
    local state, handle, old, hits = "n", 0, 0, ""
    if kind == "s" then state = "r" end
    if prev then
      if string.sub(prev, 1, 1) == "s" then
        if kind == "s" and string.sub(prev, 2, 9) == fp then state, hits = "x", string.sub(prev, 10) end
      else
        local h, pfp = struct.unpack(F.IdEntry, prev, 2)
        if kind == "i" and pfp == fp then state, handle = "s", h else old = h end
      end
    end
    if state == "n" then
      handle = redis.call("INCR", key("seq"))
      hits = buckets(fields, cap, u32(handle))
    end
    out[#out + 1] = state .. u32(handle) .. u32(old) .. str32(hits)
    done = done + 1
  end
  grow(tonumber(redis.call("GET", key("seq")) or 0) * bands)
  return u16(done) .. table.concat(out)

elseif op == "lookup" then
  -- handles (u32s): the buckets of each indexed document's stored bands, str32 each ("" when it has no
  -- record), for as many handles as the budget allows
  local r, out = reader(arg()), {}
  while r.more() and spent < BUDGET do
    local blob = hget("rec", r.u32())
    out[#out + 1] = str32(blob and buckets(record_fields(blob), 0, nil) or "")
  end
  return table.concat(out)

elseif op == "load" then
  -- handles (u32s; with the top bit set the record is not needed). Reply: rows count u32, then per row
  -- handle u32, record str32 ("-" when not sent), name str16, member entry str8, for every handle asked
  -- and every original of their clusters not asked; then cluster states: count u32, (number u32, state).
  local r = reader(arg())
  local rows, asked, clusters, cluster_ids = {}, {}, {}, {}
  local function row(h, want)
    asked[h] = true
    local m = hget("member", h) or ""
    rows[#rows + 1] = u32(h) .. str32(want and (hget("rec", h) or "") or "-") .. str16(hget("name", h) or "") ..
      str8(m)
    if m ~= "" then
      local c = struct.unpack(F.Member, m)
      if not clusters[c] then
        clusters[c] = hget("cluster", c) or ""
        cluster_ids[#cluster_ids + 1] = c
      end
    end
  end
  while r.more() do
    local h = r.u32()
    if h >= 2147483648 then row(h - 2147483648, false) else row(h, true) end
  end
  local states = {}
  for _, c in ipairs(cluster_ids) do
    if clusters[c] ~= "" then
      states[#states + 1] = u32(c) .. clusters[c]
      local o = struct.unpack(F.ClusterState, clusters[c])
      if not asked[o] then
        asked[o] = true
        rows[#rows + 1] = u32(o) .. str32(hget("rec", o) or "") .. str16(hget("name", o) or "") ..
          str8(hget("member", o) or "")
      end
    end
  end
  return u32(#rows) .. table.concat(rows) .. u32(#states) .. table.concat(states)

elseif op == "commit" then
  -- token, last (1 on the last call of a batch: the batch is written), operations (one binary argument):
  -- R id str16, id shard u16, value str16 (an id recorded unindexed) |
  -- D handle u32, id str16, id shard u16, entry str16, sketch str32, name str16 (a new document) |
  -- X handle u32, band fields str16 (a replaced text leaves its buckets) | M handle u32, value str8 ("" deletes) |
  -- C cluster u32, value str8 ("" dissolves it) | L cluster u32, handle u32 (leaves its set) | J ... (joins) |
  -- P handles str32 (the batch's writes take several calls: what to decide again if they do not all come)
  local token, last, r = arg(), num(), reader(arg())
  local err = own_lock(token)
  if err then return err end
  while r.more() do
    local code = r.bytes(1)
    if code == "R" then
      local id = r.str16()
      local idkey = key("id", r.u16())
      redis.call("HSET", idkey, id, r.str16())
    elseif code == "D" then
      local h, id = r.u32(), r.str16()
      local idkey = key("id", r.u16())
      redis.call("HSET", idkey, id, r.str16())
      hset("rec", h, r.str32())
      hset("name", h, r.str16())
      redis.call("INCR", key("docs"))
    elseif code == "X" then
      local h, fields = r.u32(), r.str16()
      local me = u32(h)
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
      local h, value = r.u32(), r.str8()
      -- "members" counts member entries (originals included): copies = members - clusters
      if value == "" then
        if hdel("member", h) == 1 then redis.call("DECR", key("members")) end
      elseif hset("member", h, value) == 1 then
        redis.call("INCR", key("members"))
      end
    elseif code == "C" then
      local c, value = r.u32(), r.str8()
      if value == "" then
        if hdel("cluster", c) == 1 then redis.call("DECR", key("clusters")) end
        redis.call("DEL", key("set", c))
      elseif hset("cluster", c, value) == 1 then
        redis.call("INCR", key("clusters"))
      end
    elseif code == "L" then
      local c, h = r.u32(), r.u32()
      redis.call("SREM", key("set", c), h)
    elseif code == "J" then
      local c, h = r.u32(), r.u32()
      redis.call("SADD", key("set", c), h)
    elseif code == "P" then
      redis.call("SET", key("pending"), r.str32())
    else
      return redis.error_reply("unknown commit operation " .. tostring(code))
    end
  end
  if last == 1 then redis.call("DEL", key("pending")) end
  return 1

elseif op == "decisions" then
  -- ids: id shard u16, id str16 each. Reply per id: "?" (unknown) | "s" reason str16 | "h" member str8,
  -- original's name str16 (both "" when the document is in no cluster)
  local r, out = reader(arg()), {}
  while r.more() do
    local idkey = key("id", r.u16())
    local prev = redis.call("HGET", idkey, r.str16())
    if not prev then
      out[#out + 1] = "?"
    elseif string.sub(prev, 1, 1) == "s" then
      out[#out + 1] = "s" .. str16(string.sub(prev, 10))
    else
      local h = struct.unpack(F.IdEntry, prev, 2)
      local m = hget("member", h) or ""
      local name = ""
      if m ~= "" then
        local cs = hget("cluster", (struct.unpack(F.Member, m)))
        if cs then name = hget("name", (struct.unpack(F.ClusterState, cs))) or "" end
      end
      out[#out + 1] = "h" .. str8(m) .. str16(name)
    end
  end
  return table.concat(out)

elseif op == "names" then
  -- handles (u32s): each one's name value str16 (publication time, then the id; "" when gone)
  local r, out = reader(arg()), {}
  while r.more() do out[#out + 1] = str16(hget("name", r.u32()) or "") end
  return table.concat(out)
end
return redis.error_reply("unknown operation " .. tostring(op))

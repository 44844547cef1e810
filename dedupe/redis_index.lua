-- Dedup index in Redis: the rules of dedupe/memory.py, applied atomically per batch.
--
-- ARGV: 1 op ("add" | "row"), 2 key stems as one string separated by "|":
--   meta|seq|name|rec|lsh|edge|root|members  (see dedupe/keys.py; numbers are appended to stems)
-- 3 num_perm, 4 rows, 5 bands, 6 jaccard_threshold, 7 containment_threshold, 8 target bucket entries
-- per LSH shard, 9 initial LSH shards, 10 records per shard, 11 handles per shard, 12 figure_containment,
-- 13 min_figures, 14 number of documents,
-- then per document (op "add"): id, id-shard key, kind ("i" indexed | "s" skipped), fingerprint (8
-- bytes), payload (record bytes without the live flag | reason); (op "row"): id, id-shard key.
-- Returns (op "row") per document a row, (op "add") the same rows encoded in one string; a row is
--   {id, duplicate_of or "", cluster or "", matches, size, original size, indexed 0/1, reason or ""}.

local op = ARGV[1]
local stems = {}
for s in string.gmatch(ARGV[2], "[^|]+") do stems[#stems + 1] = s end
local K_META = stems[1]
local K_SEQ, K_NAME, K_REC, K_LSH, K_EDGE, K_ROOT, K_MEMBERS = stems[2], stems[3], stems[4], stems[5],
  stems[6], stems[7], stems[8]
local P = tonumber(ARGV[3])
local R = tonumber(ARGV[4])
local B = tonumber(ARGV[5])
local JT = tonumber(ARGV[6])
local CT = tonumber(ARGV[7])
local PER_LSH = tonumber(ARGV[8])
local S0 = tonumber(ARGV[9])
local PER_REC = tonumber(ARGV[10])
local PER_H = tonumber(ARGV[11])
local FC = tonumber(ARGV[12])
local MF = tonumber(ARGV[13])
local N = tonumber(ARGV[14])
local SIGLEN = 2 * P
local FIGLEN = 32
local RS = SIGLEN + 21 + FIGLEN
local FIRST = 15

local function pack(h) return struct.pack("<I4", h) end
local function unpack_list(s)
  local out = {}
  if not s then return out end
  for i = 1, #s, 4 do out[#out + 1] = (struct.unpack("<I4", s, i)) end
  return out
end
local function pack_list(list)
  local parts = {}
  for i, h in ipairs(list) do parts[i] = pack(h) end
  return table.concat(parts)
end

local function hshard(stem, h) return stem .. math.floor(h / PER_H), tostring(h % PER_H) end

-- records -----------------------------------------------------------------------------------------
local rec_cache = {}
local function rec(h)
  local s = rec_cache[h]
  if s then return s end
  local off = (h % PER_REC) * RS
  s = redis.call("GETRANGE", K_REC .. math.floor(h / PER_REC), off, off + RS - 1)
  rec_cache[h] = s
  return s
end
local function r_size(s) return (struct.unpack("<I4", s, SIGLEN + 1)) end
local function r_pub(s) return (struct.unpack("<d", s, SIGLEN + 5)) end
local function r_fp(s) return string.sub(s, SIGLEN + 13, SIGLEN + 20) end
local function r_figs(s) return string.sub(s, SIGLEN + 21, SIGLEN + 20 + FIGLEN) end
local function r_live(s) return string.byte(s, RS) == 1 end
local POP = {}
for i = 0, 255 do
  local c, v = 0, i
  while v > 0 do
    c = c + v % 2
    v = math.floor(v / 2)
  end
  POP[i] = c
end
local function figures_ok(fa, fb) -- see is_copy in dedupe/memory.py
  if FC <= 0 then return true end
  local na, nb, both = 0, 0, 0
  for i = 1, FIGLEN do
    local x, y = string.byte(fa, i), string.byte(fb, i)
    na = na + POP[x]
    nb = nb + POP[y]
    both = both + POP[bit.band(x, y)]
  end
  local fewer = math.min(na, nb)
  if fewer >= MF and both / fewer < FC then return false end
  return true
end
local function write_rec(h, payload)
  local key = K_REC .. math.floor(h / PER_REC)
  if redis.call("EXISTS", key) == 0 then
    -- allocate the whole shard once: SETRANGE growth would over-allocate (sds doubles its buffer)
    redis.call("SET", key, string.rep("\0", PER_REC * RS))
  end
  redis.call("SETRANGE", key, (h % PER_REC) * RS, payload)
  rec_cache[h] = payload
end
local function kill_rec(h)
  redis.call("SETRANGE", K_REC .. math.floor(h / PER_REC), (h % PER_REC) * RS + RS - 1, "\0")
  rec_cache[h] = nil
end

local byte_cache = {}
local function sig_bytes(h)
  local t = byte_cache[h]
  if not t then
    t = {string.byte(rec(h), 1, SIGLEN)}
    byte_cache[h] = t
  end
  return t
end
local function matches(a, b)
  local x, y = sig_bytes(a), sig_bytes(b)
  local m = 0
  for i = 1, SIGLEN, 2 do
    if x[i] == y[i] and x[i + 1] == y[i + 1] then m = m + 1 end
  end
  return m
end
local function is_copy(m, sa, sb, fa, fb)
  local jac = m / P
  local ok = jac >= JT
  if not ok then
    local c = jac * (sa + sb) / ((1.0 + jac) * math.min(sa, sb))
    if c > 1.0 then c = 1.0 end
    ok = c >= CT
  end
  return ok and figures_ok(fa, fb)
end

-- names, ordering ------------------------------------------------------------------------------------
local name_cache = {}
local function name(h)
  local n = name_cache[h]
  if not n then
    local k, f = hshard(K_NAME, h)
    n = redis.call("HGET", k, f)
    name_cache[h] = n
  end
  return n
end
local function bytes_less(x, y)
  local n = math.min(#x, #y)
  for i = 1, n do
    local cx, cy = string.byte(x, i), string.byte(y, i)
    if cx ~= cy then return cx < cy end
  end
  return #x < #y
end
local function before(a, b) -- true when a is published before b (ties: smaller id)
  local pa, pb = r_pub(rec(a)), r_pub(rec(b))
  if pa ~= pb then return pa < pb end
  return bytes_less(name(a), name(b))
end
local function earliest(list)
  local best = list[1]
  for i = 2, #list do
    if before(list[i], best) then best = list[i] end
  end
  return best
end

-- clusters -------------------------------------------------------------------------------------------
local function root_of(h)
  local k, f = hshard(K_ROOT, h)
  local v = redis.call("HGET", k, f)
  if v then return tonumber(v) end
  return nil
end
local function set_root(h, r)
  local k, f = hshard(K_ROOT, h)
  if r then redis.call("HSET", k, f, r) else redis.call("HDEL", k, f) end
end
local function members(r) return unpack_list(redis.call("HGET", K_MEMBERS, tostring(r)) or nil) end
local function edges(h)
  local k, f = hshard(K_EDGE, h)
  return unpack_list(redis.call("HGET", k, f) or nil)
end
local function set_edges(h, list)
  local k, f = hshard(K_EDGE, h)
  if #list > 0 then redis.call("HSET", k, f, pack_list(list)) else redis.call("HDEL", k, f) end
end

local function row(h)
  local s = rec(h)
  local id = name(h)
  local r = root_of(h)
  if not r then return {id, "", "", 0, r_size(s), 0, 1, ""} end
  local rid = name(r)
  if r == h then return {id, "", rid, 0, r_size(s), 0, 1, ""} end
  return {id, rid, rid, matches(h, r), r_size(s), r_size(rec(r)), 1, ""}
end

-- LSH ------------------------------------------------------------------------------------------------
-- Bucket shards grow by linear hashing: shard n is split into n and n + M (M = S0 * 2^level) when the
-- split pointer reaches it, one shard at a time as handles are added, so a band is always one lookup in
-- one shard (shards stay near PER_LSH entries: small listpacks) whatever the size of the index.
local LH = redis.call("HMGET", K_META, "lsh_level", "lsh_split", "lsh_shards0")
S0 = tonumber(LH[3]) or S0 -- fixed when the index was created
local LEVEL = tonumber(LH[1]) or 0
local M = S0 * 2 ^ LEVEL
local SPLIT = tonumber(LH[2]) or 0
local LH_DIRTY = false
local lsh_keys = {} -- shard number -> key (building a key string costs about as much as a redis.call)
local function lsh_key(x)
  local n = x % M
  if n < SPLIT then n = x % (2 * M) end
  local k = lsh_keys[n]
  if not k then
    k = K_LSH .. n
    lsh_keys[n] = k
  end
  return k
end
local function field_x(field) -- bucket hash of a band field: band byte, then up to 4 value bytes
  local b, c1, c2, c3, c4 = string.byte(field, 1, 5)
  local x = c1 or 0
  if c2 then x = x * 256 + c2 end
  if c3 then x = x * 256 + c3 end
  if c4 then x = x * 256 + c4 end
  return x + b * 40503
end
local BANDLEN = 2 * R
local band_prefix = {}
for b = 0, B - 1 do band_prefix[b] = string.char(b) end
local function band_fields(sigstr)
  local out = {}
  for b = 0, B - 1 do
    local field = band_prefix[b] .. string.sub(sigstr, b * BANDLEN + 1, (b + 1) * BANDLEN)
    out[b + 1] = {field, field_x(field)}
  end
  return out
end
local function grow(handles) -- split shards until there are about handles * B / PER_LSH of them
  local target = math.ceil(handles * B / PER_LSH)
  while M + SPLIT < target do
    local src, dst = K_LSH .. SPLIT, K_LSH .. (SPLIT + M)
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
      -- writing the kept half afresh costs less than deleting the moved fields one by one from a listpack
      redis.call("DEL", src)
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

local function remove(h)
  local s = rec(h)
  local me = pack(h)
  for _, fx in ipairs(band_fields(string.sub(s, 1, SIGLEN))) do
    local key = lsh_key(fx[2])
    local v = redis.call("HGET", key, fx[1])
    if v then
      local parts = {}
      for i = 1, #v, 4 do
        local chunk = string.sub(v, i, i + 3)
        if chunk ~= me then parts[#parts + 1] = chunk end
      end
      if #parts > 0 then redis.call("HSET", key, fx[1], table.concat(parts))
      else redis.call("HDEL", key, fx[1]) end
    end
  end
  for _, x in ipairs(edges(h)) do
    local keep = {}
    for _, y in ipairs(edges(x)) do if y ~= h then keep[#keep + 1] = y end end
    set_edges(x, keep)
  end
  set_edges(h, {})
  local old_root = root_of(h)
  local nk, nf = hshard(K_NAME, h)
  redis.call("HDEL", nk, nf)
  if not old_root then
    kill_rec(h)
    return {}
  end
  set_root(h, nil)
  local rest = {}
  for _, m in ipairs(members(old_root)) do if m ~= h then rest[#rest + 1] = m end end
  redis.call("HDEL", K_MEMBERS, tostring(old_root))
  kill_rec(h)
  local seen = {}
  local new_root = {}
  for _, start in ipairs(rest) do
    if not seen[start] then
      local comp, todo = {}, {start}
      seen[start] = true
      while #todo > 0 do
        local m = table.remove(todo)
        comp[#comp + 1] = m
        for _, x in ipairs(edges(m)) do
          if not seen[x] then
            seen[x] = true
            todo[#todo + 1] = x
          end
        end
      end
      if #comp > 1 then
        local o = earliest(comp)
        table.sort(comp)
        redis.call("HSET", K_MEMBERS, tostring(o), pack_list(comp))
        for _, m in ipairs(comp) do new_root[m] = o end
      end
    end
  end
  local revised = {}
  for _, m in ipairs(rest) do
    set_root(m, new_root[m])
    if new_root[m] ~= old_root then revised[#revised + 1] = m end
  end
  local rows = {}
  for _, m in ipairs(revised) do rows[#rows + 1] = row(m) end
  return rows
end

local function link(h, neighbours)
  if #neighbours == 0 then return {} end
  local group, in_group, old_roots = {h}, {[h] = true}, {}
  for _, x in ipairs(neighbours) do
    local ex = edges(x)
    ex[#ex + 1] = h
    set_edges(x, ex)
    local r = root_of(x)
    if not r then
      if not in_group[x] then
        in_group[x] = true
        group[#group + 1] = x
      end
    elseif not old_roots[r] then
      old_roots[r] = true
      for _, m in ipairs(members(r)) do
        if not in_group[m] then
          in_group[m] = true
          group[#group + 1] = m
        end
      end
    end
  end
  set_edges(h, neighbours)
  local prior = {}
  for _, m in ipairs(group) do prior[m] = root_of(m) end
  for r, _ in pairs(old_roots) do redis.call("HDEL", K_MEMBERS, tostring(r)) end
  local o = earliest(group)
  table.sort(group)
  redis.call("HSET", K_MEMBERS, tostring(o), pack_list(group))
  local rows = {}
  for _, m in ipairs(group) do
    if prior[m] ~= o then set_root(m, o) end
    if m ~= h and prior[m] ~= o then rows[#rows + 1] = row(m) end
  end
  return rows
end

local function skip_row(id, reason) return {id, "", "", 0, 0, 0, 0, reason} end

local function add(id, idkey, kind, fp, payload)
  local revised = {}
  local prev = redis.call("HGET", idkey, id)
  if prev then
    if string.sub(prev, 1, 1) == "s" then
      if kind == "s" and string.sub(prev, 2, 9) == fp then return {skip_row(id, string.sub(prev, 10)), {}} end
    else
      local ph = tonumber(prev)
      if kind == "i" and r_fp(rec(ph)) == fp then return {row(ph), {}} end
      revised = remove(ph)
    end
  end
  if kind == "s" then
    redis.call("HSET", idkey, id, "s" .. fp .. payload)
    return {skip_row(id, payload), revised}
  end
  local h = redis.call("INCR", K_SEQ)
  write_rec(h, payload .. "\1")
  local nk, nf = hshard(K_NAME, h)
  redis.call("HSET", nk, nf, id)
  name_cache[h] = id
  redis.call("HSET", idkey, id, h)
  grow(h)
  local me = pack(h)
  local cand, order = {}, {}
  for b = 0, B - 1 do
    -- insert first, then read (see dedupe/memory.py): the bucket as it was is the candidates.
    -- Most buckets are new, and HSETNX settles those in one call (this loop is most of the script's time).
    local field = band_prefix[b] .. string.sub(payload, b * BANDLEN + 1, (b + 1) * BANDLEN)
    local key = lsh_key(field_x(field))
    if redis.call("HSETNX", key, field, me) == 0 then
      local v = redis.call("HGET", key, field)
      redis.call("HSET", key, field, v .. me)
      for i = 1, #v, 4 do
        local c = (struct.unpack("<I4", v, i))
        if not cand[c] then
          cand[c] = true
          order[#order + 1] = c
        end
      end
    end
  end
  local size = r_size(payload)
  local neighbours = {}
  for _, c in ipairs(order) do
    local cs = rec(c)
    if r_live(cs) and is_copy(matches(h, c), size, r_size(cs), r_figs(payload), r_figs(cs)) then neighbours[#neighbours + 1] = c end
  end
  for _, r in ipairs(link(h, neighbours)) do revised[#revised + 1] = r end
  return {row(h), revised}
end

-- Replies for "add" are one string (parsing thousands of nested replies costs more than the work):
-- rows joined by \31 inside, fields by \30; per document "main row" \29 "revised rows"; documents \28.
local function enc_row(r) return table.concat(r, "\30") end
local out = {}
if op == "add" then
  local docs = {}
  for i = 0, N - 1 do
    local a = FIRST + i * 5
    local res = add(ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4])
    local rev = {}
    for j, r in ipairs(res[2]) do rev[j] = enc_row(r) end
    docs[#docs + 1] = enc_row(res[1]) .. "\29" .. table.concat(rev, "\31")
  end
  if LH_DIRTY then redis.call("HSET", K_META, "lsh_level", LEVEL, "lsh_split", SPLIT) end
  return table.concat(docs, "\28")
elseif op == "row" then
  for i = 0, N - 1 do
    local a = FIRST + i * 2
    local id = ARGV[a]
    local prev = redis.call("HGET", ARGV[a + 1], id)
    if not prev then out[#out + 1] = {}
    elseif string.sub(prev, 1, 1) == "s" then out[#out + 1] = skip_row(id, string.sub(prev, 10))
    else out[#out + 1] = row(tonumber(prev)) end
  end
elseif op == "cluster" then
  -- ARGV[13..]: original handles; returns per cluster the rows of its members, original first
  for i = 0, N - 1 do
    local r = tonumber(ARGV[FIRST + i])
    local rows = {row(r)}
    for _, m in ipairs(members(r)) do if m ~= r then rows[#rows + 1] = row(m) end end
    out[#out + 1] = rows
  end
end
return out

"""Index in Redis, shared by several crawler processes and surviving restarts.

A batch is decided under the index's lock (a key with a token that expires, so a writer that dies frees
it): one Lua call per `CALL_DOCS` documents (``prepare``) reserves handles, inserts their bands and
returns what shares their buckets; this process decides (`dedupe.engine`, the same code as the
in-memory index), fetching more with ``lookup`` and ``load`` calls when late arrivals send it back to
later documents; ``commit`` calls write the decisions; then the lock is freed. Writers take turns;
readers never wait. Every call carries at most a fixed amount of work (`CALL_DOCS` documents,
`CALL_HANDLES` handles, `CALL_WORK` elementary writes), so none holds Redis for long whatever the size of
the index or of a cluster. A batch whose writes take several calls first records what it writes
(``pending``); a writer that finds that record (its writer died between the calls) decides those
documents again before its own batch. Nothing is pickled: sketches and packed values are little-endian bytes
(layouts in `dedupe.keys`), ids are plain strings.
"""

from __future__ import annotations

import os
import struct
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from dedupe.engine import Commit, Engine, Entry, Loaded, Outcome, Prepared, decision_of
from dedupe.keys import (
    FIELDS_PER_SHARD,
    FORMATS,
    LAYOUT_VERSION,
    DedupeKeys,
    IdEntry,
    id_shard_number,
    lua_prelude,
    pack,
    unpack,
)
from dedupe.model import Decision
from dedupe.params import DedupeParams
from dedupe.record import Stored, decode, encode
from dedupe.sketch import Sketch

_SCRIPT = lua_prelude() + (Path(__file__).with_name("redis_index.lua")).read_text(encoding="utf-8")
CALL_DOCS = 20  # documents per prepare or lookup call at most (the script stops earlier when buckets are full)
CALL_HANDLES = 100  # handles per load call (each: three or four hash reads)
CALL_WORK = 400  # elementary writes per commit call (a document leaving its buckets counts 2 per band)
CALL_IDS = 200  # ids per decisions call
LOCK_MS = 15_000  # a writer that dies frees the index after this long
LOCK_WAIT_S = 60.0
CACHE_DOCS = 8192  # decoded sketches kept in this process (a handle's sketch never changes)
_OPEN = """
local meta, seq, params, layout = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
if redis.call("HEXISTS", meta, "params") == 0 and redis.call("EXISTS", seq) == 0 then
  redis.call("HSET", meta, "params", params, "layout", layout, "lsh_shards0", ARGV[3])
end
return redis.call("HMGET", meta, "params", "layout")
"""
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end"


class ParamsMismatch(ValueError):
    """The index under this prefix was built with other parameters (or an older key layout)."""


class RedisIndex:
    """Index stored in Redis under `prefix`; it is handed a client and never creates one."""

    def __init__(self, client: Any, prefix: str = "jen:dedupe", params: DedupeParams | None = None, *,
                 initial_handles: int = 16384) -> None:
        """`initial_handles` sizes the first LSH shards of a new index (an existing index keeps its own)."""
        self.client = client
        self.params = params or DedupeParams()
        self.keys = DedupeKeys(prefix)
        self._engine = Engine(self.params)
        self._script = client.register_script(_SCRIPT)
        self._token = ""
        self._cache: OrderedDict[int, Stored] = OrderedDict()
        fingerprint = self.params.fingerprint()
        shards0 = max(1, initial_handles * self.params.bands // FIELDS_PER_SHARD)
        stored, layout = (_text(v) if v is not None else None
                          for v in client.eval(_OPEN, 2, self.keys.key("meta"), self.keys.key("seq"), fingerprint,
                                               LAYOUT_VERSION, shards0))
        if layout != LAYOUT_VERSION:
            raise ParamsMismatch(f"the dedup index under '{prefix}' uses key layout {layout or '1 (or older)'}; "
                                 f"this version reads layout {LAYOUT_VERSION} and cannot use it. Build a new index "
                                 f"under another prefix, or delete the keys matching '{self.keys.pattern()}' and "
                                 "re-add the documents.")
        if stored != fingerprint:
            raise ParamsMismatch(f"the dedup index under '{prefix}' was built with {stored}; "
                                 f"this detector uses {fingerprint}. Use another prefix or the same settings.")

    def _call(self, op: str, *args: Any) -> Any:
        return self._script(keys=[], args=[self.keys.prefix, op, *args])

    # --- adding -----------------------------------------------------------------------------------
    def add_batch(self, entries: list[Entry]) -> list[Outcome]:
        """Decide and add (id, published timestamp, sketch) entries (ids unique in a batch)."""
        self._token = os.urandom(12).hex()
        deadline = time.monotonic() + LOCK_WAIT_S
        pause = 0.001
        while not self.client.set(self.keys.key("lock"), self._token, nx=True, px=LOCK_MS):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the dedup index '{self.keys.prefix}' stayed locked for {LOCK_WAIT_S:.0f} s")
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        try:
            pending = self.client.get(self.keys.key("pending"))
            if pending:  # a writer died between the calls of one batch: decide what it was writing again
                self._engine.recover(self, np.frombuffer(pending, dtype="<u4").tolist())
            return self._engine.run(self, entries)
        finally:
            self.client.eval(_RELEASE, 1, self.keys.key("lock"), self._token)

    def prepare(self, entries: list[Entry]) -> list[Prepared]:
        out: list[Prepared] = []
        while len(out) < len(entries):  # a call does at most CALL_DOCS entries, fewer when buckets are full
            parts = []
            for doc_id, _, sk in entries[len(out) : len(out) + CALL_DOCS]:
                fields = _band_fields(sk.bands) if isinstance(sk, Sketch) else b""
                parts += [b"i" if fields else b"s", sk.fingerprint, _U16.pack(_id_shard(doc_id)), _str16(_utf8(doc_id)),
                          _str16(fields)]
            r = _Reader(self._call("prepare", self._token, self.params.bucket_cap, self.params.bands, b"".join(parts)))
            for _ in range(r.u16()):
                state, handle, old, hits = r.bytes(1), r.u32(), r.u32(), r.str32()
                if state == b"x":
                    out.append(Prepared("same_rejected", reason=_text(hits)))
                else:
                    out.append(Prepared(_STATES[state], handle=handle, old=old, hits=_hits(hits)))
        return out

    def lookup(self, handles: list[int]) -> dict[int, dict[int, int]]:
        out: dict[int, dict[int, int]] = {}
        done = 0
        while done < len(handles):  # as many as a call's budget allows
            chunk = handles[done : done + CALL_DOCS]
            r = _Reader(self._call("lookup", _u32s(chunk)))
            while r.more():
                out[handles[done]] = _hits(r.str32())
                done += 1
        return out

    def order(self, handles: list[int]) -> dict[int, tuple[float, bytes]]:
        out = {}
        for i in range(0, len(handles), CALL_IDS):
            chunk = handles[i : i + CALL_IDS]
            r = _Reader(self._call("names", _u32s(chunk)))
            for h in chunk:
                name = r.str16()
                if name:
                    out[h] = (_PUBLISHED.unpack_from(name)[0], name[_PUBLISHED.size :])
        return out

    def load(self, handles: list[int]) -> Loaded:
        loaded = Loaded({}, {}, {})
        for i in range(0, len(handles), CALL_HANDLES):
            chunk = handles[i : i + CALL_HANDLES]
            r = _Reader(self._call("load", _u32s([h | _NO_RECORD if h in self._cache else h for h in chunk])))
            for _ in range(r.u32()):
                self._row(r.u32(), r.str32(), r.str16(), r.str8(), loaded)
            for _ in range(r.u32()):
                number = r.u32()  # (read before the state: an assignment evaluates its right side first)
                loaded.clusters[number] = unpack("ClusterState", r.bytes(_CLUSTER_STATE))  # type: ignore[assignment]
        return loaded

    def _row(self, h: int, blob: bytes, name: bytes, member: bytes, loaded: Loaded) -> None:
        if blob == b"-" and name and h in self._cache:
            doc = self._cache[h]
            self._cache.move_to_end(h)
        elif blob and blob != b"-" and name:
            doc = decode(h, _text(name[_PUBLISHED.size :]), blob, self.params.shingle_size)
            self._cache[h] = doc
            if len(self._cache) > CACHE_DOCS:
                self._cache.popitem(last=False)
        else:
            return  # gone (or written by a writer that died before committing)
        loaded.docs[h] = doc
        loaded.members[h] = unpack("Member", member) if member else None  # type: ignore[assignment]

    def members(self, cluster: int) -> list[int]:
        return sorted(int(h) for h in self.client.sscan_iter(self.keys.key("set", cluster), count=1000))

    def reserve_clusters(self, n: int) -> list[int]:
        last = int(self.client.incrby(self.keys.key("cseq"), n))
        return list(range(last - n + 1, last + 1))

    def commit(self, c: Commit) -> None:
        ops: list[tuple[int, bytes]] = []  # (work, operation)
        for doc_id, fp, reason in c.rejected:
            ops.append((1, b"R" + _str16(_utf8(doc_id)) + _U16.pack(_id_shard(doc_id)) + _str16(b"s" + fp +
                                                                                           reason.encode())))
        for old in c.removed:
            fields = _band_fields(old.sketch.bands)
            ops.append((2 * self.params.bands + 2, b"X" + _U32.pack(old.handle) + _str16(fields)))
            self._cache.pop(old.handle, None)
        for doc, fp in c.records:
            ops.append((4, b"".join((b"D", _U32.pack(doc.handle), _str16(_utf8(doc.id)), _U16.pack(_id_shard(doc.id)),
                                     _str16(b"h" + pack(IdEntry(doc.handle, fp))),
                                     _str32(encode(doc.sketch, doc.published)), _str16(_name(doc))))))
        ops += [(1, b"M" + _U32.pack(h) + _str8(pack(m) if m is not None else b"")) for h, m in c.members.items()]
        ops += [(1, b"L" + _U32.pack(n) + _U32.pack(h)) for n, h in c.leaves]
        ops += [(1, b"J" + _U32.pack(n) + _U32.pack(h)) for n, h in c.joins if c.clusters.get(n, True) is not None]
        ops += [(2, b"C" + _U32.pack(n) + _str8(pack(st) if st is not None else b"")) for n, st in c.clusters.items()]
        calls: list[list[bytes]] = [[]]
        work = 0
        for cost, op in ops:
            if work + cost > CALL_WORK and calls[-1]:
                calls.append([])
                work = 0
            calls[-1].append(op)
            work += cost
        if len(calls) > 1:  # not one atomic call: the first says what the batch writes, the last clears it
            touched = [doc.handle for doc, _ in c.records] + list(c.members)
            calls[0].insert(0, b"P" + _str32(_u32s(touched)))
        for i, part in enumerate(calls):
            self._call("commit", self._token, int(i == len(calls) - 1), b"".join(part))

    # --- reading ----------------------------------------------------------------------------------
    def decisions(self, doc_ids: list[str]) -> dict[str, Decision]:
        """Current decisions (ids never added are left out), one Lua call per `CALL_IDS` ids."""
        out: dict[str, Decision] = {}
        for i in range(0, len(doc_ids), CALL_IDS):
            chunk = doc_ids[i : i + CALL_IDS]
            r = _Reader(self._call("decisions", b"".join(_U16.pack(_id_shard(d)) + _str16(_utf8(d)) for d in chunk)))
            for doc_id in chunk:
                kind = r.bytes(1)
                if kind == b"s":
                    out[doc_id] = Decision(doc_id, indexed=False, reason=_text(r.str16()))
                elif kind == b"h":
                    member, name = r.str8(), r.str16()
                    out[doc_id] = decision_of(doc_id, unpack("Member", member) if member else None,  # type: ignore[arg-type]
                                              _text(name[_PUBLISHED.size :]) if name else None)
        return out

    def cluster_ids(self) -> list[int]:
        out = []
        for k in self.client.scan_iter(match=self.keys.key("cluster", 0)[:-1] + "*", count=1000):
            shard = int(_text(k).rsplit(":", 1)[1])
            out += [shard * 128 + int(f) for f in self.client.hkeys(k)]
        return sorted(out)

    def cluster_member_ids(self, cluster: int) -> list[str]:
        """Ids of a cluster's members, the original first (names are read in chunks)."""
        state = self.client.hget(self.keys.key("cluster", cluster // 128), str(cluster % 128))
        if state is None:
            return []
        original = unpack("ClusterState", state).original  # type: ignore[attr-defined]
        handles = [h for h in self.members(cluster) if h != original]
        names = self.order([original, *handles])
        head = _text(names[original][1]) if original in names else ""
        return [head, *sorted(_text(names[h][1]) for h in handles if h in names)]

    def cluster_of(self, doc_id: str) -> int | None:
        raw = self.client.hget(self.keys.id_shard(doc_id), doc_id)
        if raw is None or raw.startswith(b"s"):
            return None
        h = unpack("IdEntry", raw[1:]).handle  # type: ignore[attr-defined]
        m = self.client.hget(self.keys.key("member", h // 128), str(h % 128))
        return unpack("Member", m).cluster if m else None  # type: ignore[attr-defined]

    def stats(self) -> dict[str, Any]:
        """Counts for operators: documents indexed now, clusters, copies flagged (members that are not their
        cluster's original), handles given out."""
        docs, clusters, members, seq = self.client.mget(self.keys.key("docs"), self.keys.key("clusters"),
                                                        self.keys.key("members"), self.keys.key("seq"))
        return {"prefix": self.keys.prefix, "documents": int(docs or 0), "clusters": int(clusters or 0),
                "copies": int(members or 0) - int(clusters or 0), "handles": int(seq or 0)}


_PUBLISHED = struct.Struct(FORMATS["published"])
_U16, _U32 = struct.Struct("<H"), struct.Struct("<I")
_CLUSTER_STATE = struct.calcsize(FORMATS["ClusterState"])
_NO_RECORD = 1 << 31  # in a load request: the handle's record is cached here, send the rest only
_STATES = {b"n": "new", b"s": "same", b"r": "rejected"}


class _Reader:
    """Reads a binary reply of the Lua script: little-endian u8/u16/u32 and length-prefixed strings."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def more(self) -> bool:
        return self.at < len(self.data)

    def bytes(self, n: int) -> bytes:
        self.at += n
        return self.data[self.at - n : self.at]

    def u16(self) -> int:
        self.at += 2
        return _U16.unpack_from(self.data, self.at - 2)[0]

    def u32(self) -> int:
        self.at += 4
        return _U32.unpack_from(self.data, self.at - 4)[0]

    def str8(self) -> bytes:
        self.at += 1
        return self.bytes(self.data[self.at - 1])

    def str16(self) -> bytes:
        return self.bytes(self.u16())

    def str32(self) -> bytes:
        return self.bytes(self.u32())


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _str8(value: bytes) -> bytes:
    return bytes((len(value),)) + value


def _str16(value: bytes) -> bytes:
    return _U16.pack(len(value)) + value


def _str32(value: bytes) -> bytes:
    return _U32.pack(len(value)) + value


def _u32s(values: list[int]) -> bytes:
    return np.asarray(values, dtype="<u4").tobytes()


def _name(doc: Stored) -> bytes:
    """A handle's name value: its publication time, then its id (the order decisions follow)."""
    return _PUBLISHED.pack(doc.published) + _utf8(doc.id)


def _text(value: Any) -> str:
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else str(value)


def _id_shard(doc_id: str) -> int:
    return id_shard_number(doc_id)


def _band_fields(bands: np.ndarray) -> bytes:
    """Band byte + little-endian u32 value for every band, concatenated (the LSH field names)."""
    out = np.empty((bands.size, 5), dtype=np.uint8)
    out[:, 0] = np.arange(bands.size)
    out[:, 1:] = bands.astype("<u4").view(np.uint8).reshape(-1, 4)
    return out.tobytes()


def _hits(raw: bytes) -> dict[int, int]:
    """Decode bucket contents (band byte, count byte, u32 handles) into handle -> mask of bands shared."""
    if not raw:
        return {}
    handles, bits = [], []
    at = 0
    while at < len(raw):
        band, count = raw[at], raw[at + 1]
        handles.append(np.frombuffer(raw, dtype="<u4", count=count, offset=at + 2))
        bits.append(np.full(count, 1 << band, dtype=np.uint64))
        at += 2 + 4 * count
    h, b = np.concatenate(handles), np.concatenate(bits)
    order = np.argsort(h, kind="stable")
    h, b = h[order], b[order]
    starts = np.flatnonzero(np.concatenate(([True], h[1:] != h[:-1])))
    return dict(zip(h[starts].tolist(), np.bitwise_or.reduceat(b, starts).tolist(), strict=True))

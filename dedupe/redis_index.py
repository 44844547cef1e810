"""Index in Redis, shared by several crawler processes and surviving restarts.

A batch is decided in three steps: the writer takes the index's lock (a key with a token that expires,
so a writer that dies frees it), one Lua call (``prepare``) reads what the index holds near the batch,
this process decides (`dedupe.engine`, the same code as the in-memory index), and one Lua call
(``commit``) writes the decisions and frees the lock. Writers take turns; readers never wait. Each Lua
call handles at most `CALL_DOCS` documents and touches a bounded number of keys, so none holds Redis
for long whatever the size of the index or of a cluster. Nothing is pickled: sketches and packed
values are little-endian bytes (layouts in `dedupe.keys`), ids are plain strings.
"""

from __future__ import annotations

import os
import struct
import time
import zlib
from pathlib import Path
from typing import Any

from dedupe.engine import Commit, Engine, Entry, EntryState, Outcome, Snapshot, decisions_of
from dedupe.keys import (
    ID_SHARDS,
    LAYOUT_VERSION,
    RARITY_TAG,
    ClusterState,
    DedupeKeys,
    IdEntry,
    Member,
    lua_prelude,
    pack,
    unpack,
)
from dedupe.model import Decision
from dedupe.params import DedupeParams
from dedupe.record import Stored, decode
from dedupe.sketch import Sketch

_SCRIPT = lua_prelude() + (Path(__file__).with_name("redis_index.lua")).read_text(encoding="utf-8")
CALL_DOCS = 50  # documents per Lua call (a few ms of Redis time each; bench/dedupe.py prints the longest)
LOCK_MS = 15_000  # a writer that dies frees the index after this long
LOCK_WAIT_S = 60.0
MEMBERS_PER_CALL = 1000
_OPEN = """
local meta, seq, params, layout = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
if redis.call("HEXISTS", meta, "params") == 0 and redis.call("EXISTS", seq) == 0 then
  redis.call("HSET", meta, "params", params, "layout", layout, "lsh_shards0", ARGV[3])
end
return redis.call("HMGET", meta, "params", "layout")
"""


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
        fingerprint = self.params.fingerprint()
        shards0 = max(1, initial_handles * (self.params.bands + 8) // 64)
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
        """Decide and add (id, published timestamp, sketch) entries in order (ids unique in a batch)."""
        out: list[Outcome] = []
        for i in range(0, len(entries), CALL_DOCS):
            out += self._add(entries[i : i + CALL_DOCS])
        return out

    def _add(self, entries: list[Entry]) -> list[Outcome]:
        token = os.urandom(12).hex()
        deadline = time.monotonic() + LOCK_WAIT_S
        pause = 0.001
        while not self.client.set(self.keys.key("lock"), token, nx=True, px=LOCK_MS):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the dedup index '{self.keys.prefix}' stayed locked for {LOCK_WAIT_S:.0f} s")
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        try:
            snapshot = self._prepare(token, entries)
            outcomes, commit = self._engine.decide(entries, snapshot)
            self._commit(token, commit)
            return outcomes
        finally:
            self.client.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end", 1,
                             self.keys.key("lock"), token)

    def _prepare(self, token: str, entries: list[Entry]) -> Snapshot:
        p = self.params
        args: list[Any] = [token, p.bucket_cap, p.max_candidates, p.bands, len(entries)]
        for doc_id, _, sk in entries:
            indexed = isinstance(sk, Sketch)
            args += [doc_id, _id_shard(doc_id), "i" if indexed else "s", sk.fingerprint,
                     _band_fields(sk.bands) if indexed else b"",
                     b"".join(_rarity_field(t) for t in sk.tracked.tolist()) if indexed else b""]
        states, cands, fulls, rarity, load, members, blobs, names, cl = self._call("prepare", *args)
        snap_states = []
        counts: dict[int, int] = {}
        at = 0
        for (_, _, sk), state, cand, full in zip(entries, states, cands, fulls, strict=True):
            kind, _, value = _text(state).partition(":")
            es = EntryState(full=int(full) & 0xFFFFFFFF)
            if kind == "same":
                es.same = int(value)
            elif kind == "rejected":
                es.same_reason = value
            elif value:
                es.handle = int(value)
            es.candidates = [(h, mask & 0xFFFFFFFF) for h, mask in struct.iter_unpack("<Ii", cand)]
            snap_states.append(es)
            if isinstance(sk, Sketch):
                for t in sk.tracked.tolist():
                    if rarity[at]:
                        counts[t] = int(rarity[at])
                    at += 1
        handles = [int(h) for h in load]
        name_of = {h: _text(n) for h, n in zip(handles, names, strict=True)}
        records = {h: decode(h, name_of[h], b, p.shingle_size) for h, b in zip(handles, blobs, strict=True) if b}
        member_of = {h: unpack("Member", m) for h, m in zip(handles, members, strict=True) if m}
        clusters = {int(cl[i]): unpack("ClusterState", cl[i + 1]) for i in range(0, len(cl), 2)}
        return Snapshot(snap_states, records, member_of, clusters, name_of, counts)  # type: ignore[arg-type]

    def _commit(self, token: str, c: Commit) -> None:
        args: list[Any] = [token, self.params.bucket_cap, self.params.bands, len(c.rejected)]
        for doc_id, fp, reason in c.rejected:
            args += [doc_id, _id_shard(doc_id), b"s" + fp + reason.encode()]
        args.append(len(c.records))
        for h, doc_id, fp, blob in c.records:
            args += [h, doc_id, _id_shard(doc_id), b"h" + pack(IdEntry(h, fp)), blob]
        args.append(len(c.bands))
        for h, bands in c.bands:
            values = c.band_values[h]
            args += [h, b"".join(bytes([b]) + struct.pack("<I", int(values[b])) for b in bands)]
        args.append(b"".join(_rarity_field(t) for t in c.rarity))
        args.append(len(c.members))
        for h, m in c.members.items():
            args += [h, pack(m)]
        args.append(len(c.clusters))
        for n, state in c.clusters.items():
            args += [n, pack(state)]
        args.append(len(c.appends))
        for n, h, published in c.appends:
            args += [n, struct.pack("<Id", h, published)]
        self._call("commit", *args)

    # --- reading ----------------------------------------------------------------------------------
    def decisions(self, doc_ids: list[str]) -> dict[str, Decision]:
        """Current decisions (ids never added are left out), one Lua call per 500 ids."""
        out: dict[str, Decision] = {}
        for i in range(0, len(doc_ids), 500):
            chunk = doc_ids[i : i + 500]
            args: list[Any] = [len(chunk)]
            for doc_id in chunk:
                args += [doc_id, _id_shard(doc_id)]
            rows = self._call("decisions", *args)
            found: dict[str, tuple[str, object]] = {}
            members: dict[int, Member] = {}
            clusters: dict[int, ClusterState] = {}
            names: dict[int, str] = {}
            for doc_id, row in zip(chunk, rows, strict=True):
                kind = _text(row[0])
                if kind.startswith("s"):
                    found[doc_id] = ("rejected", kind[1:])
                elif kind == "h":
                    h = int(row[1])
                    found[doc_id] = ("handle", h)
                    names[h] = doc_id
                    if len(row) > 2:
                        m = unpack("Member", row[2])
                        state = unpack("ClusterState", row[3])
                        assert isinstance(m, Member) and isinstance(state, ClusterState)
                        members[h], clusters[m.cluster] = m, state
                        names[state.original] = _text(row[4])
            out.update(decisions_of(chunk, found.get, members, clusters, names, self._records, self.params))
        return out

    def _records(self, handles: list[int]) -> dict[int, Stored]:
        rows = self._call("records", len(handles), *handles)
        return {h: decode(h, _text(n), b, self.params.shingle_size) for h, (b, n) in zip(handles, rows, strict=True)
                if b}

    def cluster_ids(self) -> list[int]:
        out = []
        for k in self.client.scan_iter(match=self.keys.key("cluster", 0)[:-1] + "*", count=1000):
            shard = int(_text(k).rsplit(":", 1)[1])
            out += [shard * 128 + int(f) for f in self.client.hkeys(k)]
        return sorted(out)

    def cluster_member_ids(self, cluster: int) -> list[str]:
        """Ids of a cluster's members, the original first (member lists are read in chunks)."""
        state = self.client.hget(self.keys.key("cluster", cluster // 128), str(cluster % 128))
        if state is None:
            return []
        original = unpack("ClusterState", state).original  # type: ignore[attr-defined]
        first = self.client.hget(self.keys.key("name", original // 128), str(original % 128))
        size = self.client.strlen(self.keys.key("members", cluster)) // struct.calcsize("<Id")
        ids: list[str] = []
        for at in range(0, size, MEMBERS_PER_CALL):
            ids += [_text(n) for n in self._call("members", cluster, at, MEMBERS_PER_CALL)]
        head = _text(first)
        return [head] + [i for i in ids if i != head]

    def cluster_of(self, doc_id: str) -> int | None:
        raw = self.client.hget(self.keys.id_shard(doc_id), doc_id)
        if raw is None or raw.startswith(b"s"):
            return None
        h = unpack("IdEntry", raw[1:]).handle  # type: ignore[attr-defined]
        m = self.client.hget(self.keys.key("member", h // 128), str(h % 128))
        return unpack("Member", m).cluster if m else None  # type: ignore[attr-defined]

    def stats(self) -> dict[str, Any]:
        """Counts for operators: documents indexed now, clusters, handles given out."""
        docs, clusters, seq = self.client.mget(self.keys.key("docs"), self.keys.key("clusters"), self.keys.key("seq"))
        return {"prefix": self.keys.prefix, "documents": int(docs or 0), "clusters": int(clusters or 0),
                "handles": int(seq or 0)}


def _text(value: Any) -> str:
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else str(value)


def _id_shard(doc_id: str) -> int:
    return zlib.crc32(doc_id.encode("utf-8")) % ID_SHARDS


def _band_fields(bands: Any) -> bytes:
    return b"".join(bytes([b]) + struct.pack("<I", int(v)) for b, v in enumerate(bands.tolist()))


def _rarity_field(t: int) -> bytes:
    return bytes([RARITY_TAG]) + struct.pack("<I", t)

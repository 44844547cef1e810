"""The dedup index's Redis keys and packed values: one definition, read by Python and by the Lua script.

Every key lives under one prefix (default ``jen:dedupe``). Documents get integer handles (1, 2, 3, ...)
so that buckets, clusters and member lists store 4 bytes per reference instead of an article id; small
per-handle values live in hash *shards* of 128 handles, which Redis keeps in its compact listpack
encoding. `lua_prelude` renders this table and the value layouts into the Lua script, so the script
never builds or parses a key name of its own.

==============  ======  ====================================================================  ===============
key             type    content                                                               grows with
==============  ======  ====================================================================  ===============
meta            hash    ``params`` fingerprint, ``layout`` version, LSH linear-hashing state  fixed
seq             string  last document handle given out                                       fixed
cseq            string  last cluster number given out                                         fixed
docs            string  indexed documents now in the index                                    fixed
clusters        string  clusters now in the index                                             fixed
members         string  member entries now in the index, originals included (copies =        fixed
                        members - clusters)
lock            string  token of the writer deciding a batch (expires: a dead writer frees it) fixed
pending         string  u32 handles a batch is writing when its writes take several calls    one batch
                        (a writer that finds it decides them again: the last call deletes it)
id:{n}          hash    article id -> ``h`` + `IdEntry` (handle, text fingerprint), or ``s`` + fingerprint  documents
                        + reason for texts recorded but not indexed; n = crc32(id) % 1024
name:{h/128}    hash    h % 128 -> publication time (f64) + article id (the order decisions follow) documents
rec:{h/128}     hash    h % 128 -> the document's sketch (`dedupe.record`)                    documents
member:{h/128}  hash    h % 128 -> `Member` (cluster, similarity, containment, flags)         cluster members
cluster:{c/128} hash    c % 128 -> `ClusterState` (original's handle, size)                   clusters
set:{c}         set     handles of the cluster's members (intset while small)                 cluster size
lsh:{s}         hash    band byte + 32-bit band value -> packed u32 handles (at most          documents
                        ``bucket_cap``). s is the field's shard under linear hashing (shards
                        split one at a time as the index grows, `FIELDS_PER_SHARD` fields each)
==============  ======  ====================================================================  ===============
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from typing import NamedTuple

DEFAULT_PREFIX = "jen:dedupe"
LAYOUT_VERSION = "5"  # 5: members counted; 4: clusters decided in publication order; 3: rarity counts; 2: ...
ID_SHARDS = 1024
HANDLES_PER_SHARD = 128
# LSH fields per ``lsh:{s}`` shard once it splits: a field is inserted after a scan of its listpack, so
# shards stay small (32: about 3 µs an insert; 64 doubles it) for about 2 bytes of key overhead a field
FIELDS_PER_SHARD = 32

# name -> (template, type); "{}" is the shard or cluster number
KEYS: dict[str, str] = {
    "meta": "meta", "seq": "seq", "cseq": "cseq", "docs": "docs", "clusters": "clusters", "members": "members",
    "lock": "lock",
    "pending": "pending",
    "id": "id:{}", "name": "name:{}", "rec": "rec:{}", "member": "member:{}", "cluster": "cluster:{}",
    "set": "set:{}", "lsh": "lsh:{}",
}


class IdEntry(NamedTuple):
    """Value of an indexed id in ``id:{n}``."""

    handle: int
    fingerprint: bytes


VIA_ORIGINAL = 1  # `Member.flags`: joined as a verified copy of the cluster's original


class Member(NamedTuple):
    """Value in ``member:{h/128}``: the cluster a document belongs to, its similarity and containment
    (x 10,000) against the cluster's original, and how it joined (`VIA_ORIGINAL`)."""

    cluster: int
    similarity: int
    containment: int
    flags: int


class RecordHeader(NamedTuple):
    """Start of a document's value in ``rec:{h/128}``; `dedupe.record` writes what follows: ``bands``
    u32 band values, then the sketch's shingles, quote bits and figures."""

    published: float
    tokens: int
    figures: int
    bands: int


class ClusterState(NamedTuple):
    """Value in ``cluster:{c/128}``: the original (earliest-published member) and the member count."""

    original: int
    size: int


# struct formats (the same codes work in Python's struct and in Redis Lua's struct library)
FORMATS: dict[str, str] = {"IdEntry": "<I8s", "Member": "<IHHB", "ClusterState": "<II",
                           "RecordHeader": "<dHHB", "handle": "<I", "band": "<I", "published": "<d"}
_TYPES = {"IdEntry": IdEntry, "Member": Member, "ClusterState": ClusterState, "RecordHeader": RecordHeader}


def pack(value: NamedTuple) -> bytes:
    return struct.pack(FORMATS[type(value).__name__], *value)


def unpack(kind: str, raw: bytes) -> NamedTuple:
    return _TYPES[kind](*struct.unpack(FORMATS[kind], raw))


@dataclass(frozen=True)
class DedupeKeys:
    """Key names of one index."""

    prefix: str = DEFAULT_PREFIX

    def key(self, name: str, *number: int) -> str:
        return f"{self.prefix}:{KEYS[name].format(*number)}"

    def id_shard(self, doc_id: str) -> str:
        return self.key("id", id_shard_number(doc_id))

    def pattern(self) -> str:
        """Glob matching every key of this index (for operators: SCAN/DEL)."""
        return f"{self.prefix}:*"


def id_shard_number(doc_id: str) -> int:
    """The ``id:{n}`` shard holding an article id."""
    return zlib.crc32(doc_id.encode("utf-8", "surrogatepass")) % ID_SHARDS


def lua_prelude() -> str:
    """Lua definitions of the key templates and value layouts above (the script's first lines).

    ``key(name, n)`` builds a key from ARGV[1], the prefix; ``shard(name, h)`` returns a shard key and
    field for a handle; ``F.<Type>`` is a struct format and ``SIZE.<Type>`` its packed size.
    """
    lines = ["local PREFIX = ARGV[1]", "local T = {}"]
    for name, template in KEYS.items():
        head, _, tail = template.partition("{}")
        lines.append(f'T["{name}"] = {{"{head}", "{tail}"}}')
    lines += ["local F, SIZE = {}, {}"]
    for kind, fmt in FORMATS.items():  # Python's "8s" (8 bytes) is "c8" in Lua's struct library
        lua_fmt = re.sub(r"(\d+)s", r"c\1", fmt)
        lines.append(f'F["{kind}"] = "{lua_fmt}"; SIZE["{kind}"] = {struct.calcsize(fmt)}')
    lines += [f"local PER_SHARD = {HANDLES_PER_SHARD}", f"local FIELDS_PER_SHARD = {FIELDS_PER_SHARD}",
              "local function key(name, n)",
              "  local t = T[name]",
              "  if n == nil then return PREFIX .. ':' .. t[1] end",
              "  return PREFIX .. ':' .. t[1] .. n .. t[2]",
              "end",
              "local function shard(name, h) return key(name, math.floor(h / PER_SHARD)), tostring(h % PER_SHARD) end"]
    return "\n".join(lines) + "\n"

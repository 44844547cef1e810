"""The request-queue serializer (scrapy-redis ``SCHEDULER_SERIALIZER = "crawler.serializer"``): JSON, not pickle.

Bytes (header names and values, bodies) are kept readable: latin-1 maps every byte to one character, so
``{"__bytes__": "text/html"}`` round-trips exactly and an operator can still read every entry with
``jen inspect``. Nothing read back from Redis is ever unpickled.
"""

from __future__ import annotations

import json
from typing import Any


def _to_json(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {"__bytes__": bytes(value).decode("latin-1")}
    if isinstance(value, dict):
        if any(isinstance(k, bytes) for k in value):
            return {"__bytes_keys__": {(k.decode("latin-1") if isinstance(k, bytes) else str(k)): _to_json(v)
                                       for k, v in value.items()}}
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot store {type(value).__name__} in a Redis queue as JSON")


def _from_json(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "__bytes__" in obj:
            return obj["__bytes__"].encode("latin-1")
        if "__bytes_keys__" in obj:
            return {k.encode("latin-1"): v for k, v in obj["__bytes_keys__"].items()}
    return obj


def dumps(obj: Any) -> str:
    return json.dumps(_to_json(obj), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def loads(data: str | bytes) -> Any:
    return json.loads(data, object_hook=_from_json)

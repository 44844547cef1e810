"""A cluster of 5,000 members costs the same to join as a small one, and no Lua call holds Redis for
more than 50 ms (Redis's own SLOWLOG times every call); bad input gets a decision, never an exception."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import redis

from dedupe import Detector, Document, MemoryIndex, RedisIndex
from replica.stories import ALL_STORIES

STORY = max((s for s in ALL_STORIES if not s.cluster and not s.resembles), key=lambda s: len(s.paragraphs))


def _copy(n: int) -> Document:
    """A copy of one story with its own furniture line and one paragraph left out, as outlets do; the
    5,000 outlets publish it over two days."""
    paragraphs = list(STORY.paragraphs)
    del paragraphs[n % len(paragraphs)]
    text = "\n".join([f"Outlet {n} republished this wire story on its own site for its readers today", *paragraphs])
    published = datetime(2022, 3, 1, 10, tzinfo=UTC) + timedelta(seconds=30 * n)
    return Document(f"outlet{n}:{STORY.slug}", text, published.isoformat())


def _longest_lua_call_us(client: redis.Redis) -> tuple[int, int]:
    """(longest EVALSHA in µs, EVALSHA calls) since the last reset. Redis's own SLOWLOG times each call
    (calls under 1 ms are not logged: logging every command would slow the script it runs in)."""
    longest = max((e["duration"] for e in client.slowlog_get(100_000) if e["command"].startswith(b"EVALSHA")),
                  default=0)
    calls = int(client.info("commandstats").get("cmdstat_evalsha", {}).get("calls", 0))
    return longest, calls


def _reset_timing(client: redis.Redis) -> None:
    client.config_set("slowlog-log-slower-than", 1000)
    client.config_set("slowlog-max-len", 100_000)
    client.slowlog_reset()
    client.config_resetstat()


@pytest.mark.slow
def test_a_5000_member_cluster_grows_without_any_lua_call_holding_redis_for_50_ms(redis_client: redis.Redis) -> None:
    _reset_timing(redis_client)
    det = Detector(RedisIndex(redis_client, prefix="t:big"), batch_size=200)
    for start in range(0, 5000, 500):
        det.add_many(_copy(n) for n in range(start, start + 500))
    [cluster] = det.clusters()
    assert len(cluster.members) + 1 == 5000
    longest, calls = _longest_lua_call_us(redis_client)
    print(f"longest Lua call {longest} µs over {calls} calls")
    assert calls >= 100  # at least one prepare per 50 documents
    assert longest < 50_000
    # one more copy joins the big cluster, through its original, in calls as short as the first ones
    _reset_timing(redis_client)
    [d] = det.add_many([_copy(5000)])
    assert d.duplicate_of == cluster.original
    late, calls = _longest_lua_call_us(redis_client)
    assert calls and late < 50_000
    assert det.decisions([_copy(0).id, _copy(4999).id])[_copy(4999).id].cluster == cluster.original
    # the agency's own story, published before every copy, arrives last: it becomes the original of all
    # 5,001, in as many calls as that takes, none of them longer
    _reset_timing(redis_client)
    agency = Document(f"agency:{STORY.slug}", "\n".join(STORY.paragraphs), "2022-03-01T09:00:00Z")
    [d] = det.add_many([agency])
    assert (d.duplicate_of, d.cluster) == (None, agency.id)
    longest, calls = _longest_lua_call_us(redis_client)
    print(f"re-rooting: longest Lua call {longest} µs over {calls} calls")
    assert longest < 50_000
    [cluster] = det.clusters()
    assert (cluster.original, len(cluster.members)) == (agency.id, 5001)


def _bad_inputs() -> list[Document]:
    rng = random.Random(3)
    binary = bytes(rng.randrange(256) for _ in range(4000)).decode("latin-1")
    story = "\n".join(STORY.paragraphs)
    return [
        Document("empty", ""),
        Document("spaces", " \n\t " * 100),
        Document("huge", story * 2000),  # ~5 MB
        Document("repetitive", "ceasefire " * 200_000),
        Document("binary", binary),
        Document("nul", "\x00" * 5000),
        Document("surrogates", story.replace("e", "\udce9")),  # not valid UTF-8
        Document("odd id: * ? [x] {y} \n\t ünï 🙂", story),
        Document("", story),  # an id that cannot be stored
        Document("x" * 5000, story),
        Document("dup", story),
        Document("dup", story + "\nAn added closing line for the second version of this page"),
        Document("not-a-date", story, published="yesterday-ish"),
    ]


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_bad_input_gets_a_decision_with_a_reason_and_never_an_exception(kind: str, request: pytest.FixtureRequest
                                                                        ) -> None:
    index = MemoryIndex() if kind == "memory" else RedisIndex(request.getfixturevalue("redis_client"), prefix="t:bad")
    det = Detector(index)
    docs = _bad_inputs()
    got = det.add_many(docs)
    assert [d.id for d in got] == [d.id for d in docs]
    by_id = {d.id: d for d in got}
    assert (by_id["empty"].indexed, by_id["empty"].reason) == (False, "too_short")
    assert by_id["repetitive"].reason == "repetitive"
    assert by_id["binary"].reason in ("binary", "too_few_shingles", "too_short")
    assert by_id["nul"].reason in ("binary", "too_short")
    assert by_id["huge"].indexed and by_id["surrogates"].indexed
    assert by_id[""].reason == "bad_id" and by_id["x" * 5000].reason == "bad_id"
    assert got[-2].id == got[-3].id == "dup"  # the same id twice: decided twice, in order
    current = det.decisions([d.id for d in docs])
    assert current["odd id: * ? [x] {y} \n\t ünï 🙂"].indexed
    assert "" not in current  # never stored
    assert {current["dup"].cluster, current["huge"].cluster} != {None}  # the same story: one cluster

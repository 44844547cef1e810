"""Index behaviour: idempotence, order independence, replacement, parity and persistence in Redis."""

from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta

import pytest
import redis

from dedupe import DedupeParams, Detector, Document, MemoryIndex, ParamsMismatch, RedisIndex
from replica.stories import ALL_STORIES
from replica.variants import VARIANTS, make_variant


def _corpus() -> list[Document]:
    """Replica stories (clusters, negatives) plus generated copies of three other stories."""
    docs = [Document(f"{s.outlet}:{s.slug}", "\n".join(s.paragraphs), s.published) for s in ALL_STORIES]
    rng = random.Random(11)
    bases = [s for s in ALL_STORIES if not s.cluster and not s.resembles and len(s.paragraphs) >= 6][:3]
    for s in bases:
        for n, kind in enumerate(VARIANTS):  # republished within a day, in no particular order
            text = "\n".join(make_variant(kind, s, rng, "An unrelated headline for the furniture line"))
            published = datetime.fromisoformat(s.published) + timedelta(hours=(n * 7) % 20 - 2)
            docs.append(Document(f"{s.outlet}:{s.slug}~{kind}", text, published.isoformat()))
    return docs


def _final(detector: Detector) -> list:
    return detector.clusters()


def test_adding_the_same_document_again_changes_nothing_and_never_flags_it_as_its_own_copy(
        redis_client: redis.Redis) -> None:
    docs = _corpus()
    for det in (Detector(MemoryIndex()), Detector(RedisIndex(redis_client, prefix="t:i"))):
        first = det.add_many(docs)
        before = _final(det)
        current = det.decisions(d.id for d in docs)
        again = det.add_many(docs)
        assert again == [det.decision(d.id) for d in docs]
        assert det.decisions(d.id for d in docs) == current  # nobody's decision changed
        assert all(d.duplicate_of != d.id for d in again)
        assert _final(det) == before
        assert len({d.id for d in docs}) == len(first)


def test_final_clusters_do_not_depend_on_insertion_order_or_on_two_writers_interleaving(
        redis_url: str) -> None:
    docs = _corpus()
    reference = Detector(MemoryIndex())
    reference.add_many(docs)
    expected = _final(reference)
    assert len(expected) >= 8  # replica clusters and generated ones
    for seed in (1, 2, 3):
        shuffled = list(docs)
        random.Random(seed).shuffle(shuffled)
        mem = Detector(MemoryIndex(), batch_size=7)
        mem.add_many(shuffled)
        assert _final(mem) == expected, seed
        client = redis.Redis.from_url(redis_url)
        red = Detector(RedisIndex(client, prefix=f"t:order{seed}"), batch_size=5)
        red.add_many(shuffled)
        assert _final(red) == expected, seed
    # two threads, two clients, one index, documents dealt alternately and in small batches
    shuffled = list(docs)
    random.Random(9).shuffle(shuffled)
    halves = [shuffled[0::2], shuffled[1::2]]
    errors: list[BaseException] = []

    def writer(part: list[Document]) -> None:
        try:
            det = Detector(RedisIndex(redis.Redis.from_url(redis_url), prefix="t:threads"), batch_size=3)
            for i in range(0, len(part), 3):
                det.add_many(part[i : i + 3])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(h,)) for h in halves]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    shared = Detector(RedisIndex(redis.Redis.from_url(redis_url), prefix="t:threads"))
    assert _final(shared) == expected


def test_a_writer_killed_between_the_commit_calls_of_a_batch_is_repaired_by_the_next_writer(
        redis_client: redis.Redis) -> None:
    docs = _corpus()
    reference = Detector(MemoryIndex())
    reference.add_many(docs)
    index = RedisIndex(redis_client, prefix="t:crash")
    calls = {"commit": 0}
    real = index._call

    def killed_after_the_first_commit_call(op: str, *args: object) -> object:
        if op == "commit":
            calls["commit"] += 1
            if calls["commit"] == 2:
                raise redis.ConnectionError("the writer died")
        return real(op, *args)

    index._call = killed_after_the_first_commit_call  # type: ignore[method-assign]
    with pytest.raises(redis.ConnectionError):
        Detector(index, batch_size=len(docs)).add_many(docs)
    assert redis_client.exists("t:crash:pending")  # half the batch is written, and says so
    redis_client.delete("t:crash:lock")  # the dead writer's lock expires (here at once)
    survivor = Detector(RedisIndex(redis_client, prefix="t:crash"))
    survivor.add_many(docs)  # the crawl sends what it could not store again
    assert not redis_client.exists("t:crash:pending")
    assert _final(survivor) == _final(reference)
    assert survivor.decisions(d.id for d in docs) == reference.decisions(d.id for d in docs)


def test_a_copy_stored_first_is_revised_when_its_earlier_published_original_arrives() -> None:
    story = next(s for s in ALL_STORIES if s.cluster)
    text = "\n".join(story.paragraphs)
    det = Detector(MemoryIndex())
    det.add_many([Document("copy", text + "\nImage: Getty Images", "2022-03-03T12:00:00Z")])
    [d] = det.add_many([Document("orig", text, "2022-03-03T08:00:00Z")])
    assert d.duplicate_of is None and d.cluster == "orig"
    # the copy's flag is read from the index: nothing is handed back to rewrite
    copy = det.decision("copy")
    assert (copy.id, copy.duplicate_of, copy.cluster) == ("copy", "orig", "orig")


def test_the_same_id_with_new_text_replaces_its_old_signature_and_splits_its_cluster(
        redis_client: redis.Redis) -> None:
    a, b = [s for s in ALL_STORIES if not s.cluster and not s.resembles and len(s.paragraphs) >= 6][:2]
    for det in (Detector(MemoryIndex()), Detector(RedisIndex(redis_client, prefix="t:replace"))):
        det.add_many([Document("a", "\n".join(a.paragraphs), "2022-01-01T00:00:00Z")])
        [d] = det.add_many([Document("x", "\n".join(a.paragraphs[:-1]), "2022-01-02T00:00:00Z")])
        assert d.duplicate_of == "a"
        [d] = det.add_many([Document("x", "\n".join(b.paragraphs), "2022-01-02T00:00:00Z")])
        assert d.duplicate_of is None and d.cluster is None
        assert det.decision("a").cluster is None  # "a" is on its own again
        assert det.clusters() == []
        # the old text no longer matches: a copy of it links to "a" only
        [d] = det.add_many([Document("y", "\n".join(a.paragraphs), "2022-01-03T00:00:00Z")])
        assert d.duplicate_of == "a" and [c.members[0][0] for c in det.clusters()] == ["y"]


def test_memory_and_redis_indexes_give_the_same_decisions(redis_client: redis.Redis) -> None:
    docs = _corpus()
    mem = Detector(MemoryIndex())
    red = Detector(RedisIndex(redis_client, prefix="t:parity"))
    got_mem = mem.add_many(docs)
    got_red = red.add_many(docs)
    assert got_mem == got_red
    assert mem.decisions(d.id for d in docs) == red.decisions(d.id for d in docs)
    assert mem.clusters() == red.clusters()
    assert sum(d.duplicate_of is not None for d in mem.decisions(d.id for d in docs).values()) >= 20


def test_a_new_detector_on_the_same_redis_sees_documents_added_before_a_restart(redis_url: str) -> None:
    from replica.testing import RedisServer

    server = RedisServer(appendonly=True).start()
    try:
        story = next(s for s in ALL_STORIES if not s.cluster and not s.resembles and len(s.paragraphs) >= 6)
        det = Detector(RedisIndex(redis.Redis(port=server.port), prefix="t:persist"))
        det.add_many([Document("orig", "\n".join(story.paragraphs), "2022-01-01T00:00:00Z")])
        server.stop()
        server.start()
        det2 = Detector(RedisIndex(redis.Redis(port=server.port), prefix="t:persist"))
        [d] = det2.add_many([Document("copy", "\n".join(story.paragraphs[1:]), "2022-01-02T00:00:00Z")])
        assert d.duplicate_of == "orig"
        assert det2.decision("orig").cluster == "orig"
    finally:
        server.close()


def test_an_index_refuses_a_detector_with_other_parameters(redis_client: redis.Redis) -> None:
    RedisIndex(redis_client, prefix="t:params")
    with pytest.raises(ParamsMismatch):
        RedisIndex(redis_client, prefix="t:params", params=DedupeParams(shingle_size=3))


def test_bad_parameters_are_rejected_with_the_key_named() -> None:
    with pytest.raises(ValueError, match=r"dedupe\.bands"):
        DedupeParams(bands=100, rows=2, num_perm=128)
    with pytest.raises(TypeError):
        DedupeParams.from_config({"no_such_key": 1})


def test_nothing_in_redis_is_pickled_and_every_key_is_under_the_prefix(redis_client: redis.Redis) -> None:
    det = Detector(RedisIndex(redis_client, prefix="t:keys"))
    det.add_many(_corpus()[:40])
    keys = [k.decode() for k in redis_client.scan_iter("*")]
    assert keys and all(k.startswith("t:keys:") for k in keys)
    for k in keys:
        if redis_client.type(k) == b"string":
            assert not redis_client.get(k).startswith(b"\x80")  # pickle protocol marker


def test_clusters_are_unchanged_while_the_bucket_shards_split_as_the_index_grows(redis_client: redis.Redis) -> None:
    docs = _corpus()
    reference = Detector(MemoryIndex())
    reference.add_many(docs)
    shuffled = list(docs)
    random.Random(5).shuffle(shuffled)
    # sized for 4 handles, so the shards split many times while the corpus goes in
    det = Detector(RedisIndex(redis_client, prefix="t:grow", initial_handles=4), batch_size=6)
    det.add_many(shuffled)
    assert _final(det) == _final(reference)
    current = det.decisions(d.id for d in docs)
    det.add_many(shuffled)
    assert det.decisions(d.id for d in docs) == current
    assert int(redis_client.hget("t:grow:meta", "lsh_level")) >= 3
    shard_sizes = [redis_client.hlen(k) for k in redis_client.scan_iter("t:grow:lsh:*")]
    assert max(shard_sizes) <= 128  # small enough to stay compact listpacks
    # a second process opening the grown index finds the same copies
    other = Detector(RedisIndex(redis.Redis(connection_pool=redis_client.connection_pool), prefix="t:grow"))
    assert [other.decision(d.id) for d in docs] == [det.decision(d.id) for d in docs]


def test_an_index_in_the_old_key_layout_is_refused_with_what_to_do(redis_client: redis.Redis) -> None:
    redis_client.hset("t:old:meta", mapping={"params": DedupeParams().fingerprint(), "layout": "1"})
    redis_client.set("t:old:seq", 12)
    with pytest.raises(ParamsMismatch, match=r"layout 1.*another prefix.*t:old:\*"):
        RedisIndex(redis_client, prefix="t:old")

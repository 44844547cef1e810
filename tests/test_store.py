"""The record store on real databases: an embedded SQLite file and the machine's PostgreSQL 15.

Behaviour tests run on both backends. Each PostgreSQL test works in a schema of its own, created and dropped
by the test (``options=-csearch_path=...`` in the URL); when PostgreSQL is not reachable those tests skip.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, inspect, select, text

from crawler.store import RecordRejected, RecordsRejected, RecordStore, StoreError, migrate
from crawler.store.migrate import current_revision, head_revision
from crawler.store.schema import VERSION_TABLE, metadata, records
from replica.testing import free_port
from tests.helpers import ROOT


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    """None (the embedded SQLite file under tmp_path) or a PostgreSQL URL with a schema of its own."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def store(store_url: str | None, tmp_path: Path) -> Iterator[RecordStore]:
    opened = RecordStore.open(store_url, tmp_path)
    yield opened
    opened.close()


def article(number: int, source: str = "justearthnews", **fields: object) -> dict:
    """A record as the crawl makes it: CleanRecord.to_dict() plus id, fetch details and copy flags."""
    record = {
        "id": f"{source}:HC/{number:05d}", "url": f"https://example.org/{source}/{number}",
        "canonical_url": f"https://example.org/{source}/{number}", "source": source, "status": "article",
        "problems": [], "kind": "article", "parser": "justearthnews", "title": f"Story number {number}",
        "published": "2024-05-01T10:00:00+05:30", "byline": "Staff", "dateline": "Guwahati", "credits": [],
        "body": ["First paragraph.", "Second paragraph."], "text": "First paragraph.\nSecond paragraph.",
        "images": [{"src": "https://example.org/a.jpg", "alt": "", "caption": "A caption", "credit": ""}],
        "removed": [{"kind": "caption_duplicate", "text": "A caption"}],
        "fetched_at": "2024-05-02T08:00:00+00:00", "http_status": 200,
        "duplicate_of": None, "similarity": None, "containment": None, "cluster": f"{source}:HC/{number:05d}",
        "indexed": True, "dedupe_reason": "original",
    }
    record.update(fields)
    return record


def without_store_fields(record: dict) -> dict:
    return {key: value for key, value in record.items() if key not in ("stored_at", "updated_at")}


# -- schema and migrations -----------------------------------------------------------------------------------


def test_open_migrates_an_empty_database_and_opening_again_changes_nothing(store_url: str | None,
                                                                            tmp_path: Path) -> None:
    first = RecordStore.open(store_url, tmp_path)
    assert first.upsert([article(1)]) == 1
    with first.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        tables = set(inspect(connection).get_table_names())
    assert {"jen_records", VERSION_TABLE} <= tables
    first.close()

    again = RecordStore.open(store_url, tmp_path)
    with again.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        assert connection.execute(text(f"SELECT count(*) FROM {VERSION_TABLE}")).scalar_one() == 1
    assert migrate(again.engine) == head_revision()
    assert without_store_fields(again.get(article(1)["id"])) == article(1)
    again.close()


def test_schema_built_by_the_migrations_is_the_declared_schema(store: RecordStore) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        assert compare_metadata(context, metadata) == []
        columns = {column["name"]: column for column in inspect(connection).get_columns("jen_records")}
    if store.engine.dialect.name == "postgresql":  # ids sort by code point whatever the database's locale
        assert {name: columns[name]["type"].collation for name in ("id", "source", "duplicate_of", "cluster")} == \
            dict.fromkeys(("id", "source", "duplicate_of", "cluster"), "C")


def test_default_store_is_a_wal_sqlite_file_under_the_data_directory(tmp_path: Path) -> None:
    data_dir = tmp_path / "data" / "nested"
    with RecordStore.open(None, data_dir) as store:
        assert store.upsert([article(1)]) == 1
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar_one() >= 10_000
    assert (data_dir / "records.sqlite3").is_file()


def test_plain_postgresql_url_is_served_by_psycopg_3(postgres_schema_url: str, tmp_path: Path) -> None:
    with RecordStore.open(postgres_schema_url, tmp_path) as store:
        assert store.engine.dialect.name == "postgresql"
        assert store.engine.dialect.driver == "psycopg"
        assert not (tmp_path / "records.sqlite3").exists()


def test_a_schema_migrated_by_a_newer_jen_is_refused_with_a_clear_error(store_url: str | None,
                                                                       tmp_path: Path) -> None:
    with RecordStore.open(store_url, tmp_path) as store, store.engine.begin() as connection:
        connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = 'from_the_future'"))
    with pytest.raises(StoreError, match=r"revision 'from_the_future'.*upgrade jen"):
        RecordStore.open(store_url, tmp_path)


# -- concurrent writers --------------------------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from crawler.store import RecordStore

    url, data_dir, writer, go = sys.argv[1] or None, Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
    (data_dir / f"ready-{writer}").touch()
    while not go.exists():
        time.sleep(0.005)
    store = RecordStore.open(url, data_dir)  # both open a database that has no tables yet
    for round_ in range(4):
        for start in range(0, 400, 50):
            batch = [{"id": f"wire:{n:04d}", "source": "wire", "url": f"https://example.org/{n}",
                      "title": f"{writer} round {round_} story {n}", "writer": writer, "round": round_,
                      "fetched_at": "2024-05-02T08:00:00+00:00"} for n in range(start, start + 50)]
            assert store.upsert(batch) == 50
    store.close()
    print("done", writer)
""")


@pytest.mark.slow
def test_two_processes_opening_and_upserting_the_same_ids_at_once_store_each_id_once(
        store_url: str | None, tmp_path: Path) -> None:
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, store_url or "", str(tmp_path), name, str(go)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name in ("alpha", "beta")]
    try:
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"ready-{name}").exists() for name in ("alpha", "beta")):
            assert time.monotonic() < deadline, "writer processes did not start"
            time.sleep(0.01)
        go.touch()
        outputs = [writer.communicate(timeout=120) for writer in writers]
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
    for writer, (out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
        assert out.startswith("done")

    with RecordStore.open(store_url, tmp_path) as store:
        assert store.count() == 400
        assert store.counts_by_source() == {"wire": 400}
        stored = list(store.iter_records())
        assert [record["id"] for record in stored] == [f"wire:{n:04d}" for n in range(400)]
        # Every row is one writer's whole record: its title column and its JSON agree.
        with store.engine.connect() as connection:
            for row in connection.execute(select(records.c.title, records.c.record)):
                assert row.title == row.record["title"]
                assert row.title.startswith(row.record["writer"])
        assert {record["round"] for record in stored} == {3}


# -- upserts -------------------------------------------------------------------------------------------------


def test_upsert_replaces_the_record_and_keeps_when_it_was_first_stored(store: RecordStore) -> None:
    assert store.upsert([article(1), article(2)]) == 2
    first = store.get(article(1)["id"])
    time.sleep(0.01)
    revised = article(1, title="Brahmaputra floods worsen", duplicate_of=article(2)["id"], similarity=0.91,
                      containment=0.95, cluster=article(2)["id"], dedupe_reason="near_copy",
                      fetched_at="2024-06-01T00:00:00+00:00")
    assert store.upsert([revised]) == 1

    assert store.count() == 2
    again = store.get(article(1)["id"])
    assert without_store_fields(again) == revised
    assert again["stored_at"] == first["stored_at"]
    assert again["updated_at"] > first["updated_at"]
    assert store.fetched_at([revised["id"]]) == {revised["id"]: datetime(2024, 6, 1, tzinfo=UTC)}
    assert [r["id"] for r in store.search("brahmaputra")] == [revised["id"]]
    assert store.search("story number 1") == []


def test_the_last_record_of_an_id_in_one_batch_wins(store: RecordStore) -> None:
    assert store.upsert([article(1, title="first"), article(2), article(1, title="second")]) == 2
    assert store.get(article(1)["id"])["title"] == "second"
    assert store.count() == 2


def test_update_flags_changes_only_the_flags_of_stored_records(store: RecordStore) -> None:
    store.upsert([article(1), article(2)])
    flags = {"duplicate_of": article(2)["id"], "similarity": 0.88, "cluster": article(2)["id"],
             "dedupe_reason": "near_copy"}
    assert store.update_flags({article(1)["id"]: flags, "justearthnews:HC/99999": flags}) == 1
    assert without_store_fields(store.get(article(1)["id"])) == article(1) | flags
    with store.engine.connect() as connection:
        copies = connection.execute(select(records.c.id).where(records.c.duplicate_of == article(2)["id"]))
        assert copies.scalars().all() == [article(1)["id"]]
    with pytest.raises(ValueError, match=r"'title'.*not copy flags"):
        store.update_flags({article(1)["id"]: {"title": "x"}})


# -- reading -------------------------------------------------------------------------------------------------


def test_get_many_and_fetched_at_answer_for_stored_ids_only(store: RecordStore) -> None:
    batch = [article(n, fetched_at=(datetime(2024, 5, 1, tzinfo=UTC) + timedelta(minutes=n)).isoformat())
             for n in range(700)]  # more ids than one IN (...) list holds
    assert store.upsert(batch) == 700
    asked = [record["id"] for record in batch[::3]] + ["justearthnews:HC/nope", "other:1"]
    fetched = store.fetched_at(asked)
    assert fetched == {record["id"]: datetime(2024, 5, 1, tzinfo=UTC) + timedelta(minutes=n)
                       for n, record in enumerate(batch) if n % 3 == 0}
    assert all(moment.tzinfo is not None for moment in fetched.values())
    found = store.get_many(asked)
    assert set(found) == set(fetched)
    assert without_store_fields(found[batch[3]["id"]]) == batch[3]
    assert store.get("justearthnews:HC/nope") is None


def test_iter_records_streams_every_record_in_id_order(store: RecordStore) -> None:
    ids = [f"{source}:{key}" for source in ("herald", "justearthnews", "Wire", "wftl")
           for key in ("a", "B", "z/1", "é", "Z", "10", "9", "日本", "a b")]
    batch = [article(0, id=record_id, source=record_id.split(":")[0]) for record_id in ids]
    assert store.upsert(batch) == len(ids)
    in_code_point_order = sorted(ids)
    assert [record["id"] for record in store.iter_records(batch_size=5)] == in_code_point_order
    assert [record["id"] for record in store.iter_records(source="Wire", batch_size=2)] == \
        sorted(i for i in ids if i.startswith("Wire:"))
    wanted = [ids[3], ids[20], ids[1], "nope:1", ids[3]]
    assert [record["id"] for record in store.iter_records(ids=wanted, batch_size=2)] == \
        sorted({ids[3], ids[20], ids[1]})
    assert [r["id"] for r in store.iter_records(source="herald", ids=[ids[0], ids[10]])] == [ids[0]]


def test_iter_records_reads_one_batch_at_a_time(store: RecordStore) -> None:
    store.upsert([article(n) for n in range(250)])
    stream = store.iter_records(batch_size=100)
    first = next(stream)
    # Everything after the first batch disappears: a stream that had read all records would still yield them.
    with store.engine.begin() as connection:
        connection.execute(delete(records).where(records.c.id > article(99)["id"]))
    rest = list(stream)
    assert first["id"] == article(0)["id"]
    assert [record["id"] for record in rest] == [article(n)["id"] for n in range(1, 100)]


# -- search --------------------------------------------------------------------------------------------------


@pytest.fixture
def newsroom(store: RecordStore) -> RecordStore:
    store.upsert([
        article(1, title="Floods in Assam: thousands displaced", published="2024-05-01T09:00:00+05:30"),
        article(2, title="ASSAM FLOODS — relief camps open", published="2024-05-03T12:00:00Z"),
        article(3, title="Training camps for flood volunteers", published="2024-05-02T12:00:00+00:00"),
        article(4, source="wftl", title="Floods in Assam: thousands displaced (wire copy)",
                published="2024-05-01T20:00:00-04:00"),
        article(5, title="Café culture returns to Shillong", published="2024-04-30T08:00:00+00:00"),
        article(6, title="Assam floods: undated explainer", published="sometime in May"),
        article(7, title="100% of the_rain fell", published=None),
    ])
    return store


def ids_of(found: list[dict]) -> list[str]:
    return [record["id"].split("/")[-1].lstrip("0") for record in found]


def test_search_matches_whole_title_words_ignoring_case_accents_and_punctuation(newsroom: RecordStore) -> None:
    assert ids_of(newsroom.search("assam floods")) == ["2", "4", "1", "6"]
    assert ids_of(newsroom.search("FLOODS, Assam!")) == ["2", "4", "1", "6"]
    assert ids_of(newsroom.search("camps")) == ["2", "3"]
    assert ids_of(newsroom.search("rain")) == []  # no substring match inside "Training" or "the_rain"
    assert ids_of(newsroom.search("the_rain")) == ["7"]  # LIKE wildcards in a word are matched literally
    assert ids_of(newsroom.search("100")) == ["7"]
    assert ids_of(newsroom.search("cafe")) == ["5"]
    assert ids_of(newsroom.search("CAFÉ")) == ["5"]
    assert newsroom.search("assam nowhere") == []


def test_search_by_source_and_published_range_compares_instants(newsroom: RecordStore) -> None:
    assert ids_of(newsroom.search("assam", source="wftl")) == ["4"]
    # 2024-05-01T09:00+05:30 is 03:30Z on May 1; 2024-05-01T20:00-04:00 is 00:00Z on May 2.
    may_first = newsroom.search(published_from="2024-05-01T00:00:00Z", published_to="2024-05-02T00:00:00Z")
    assert ids_of(may_first) == ["1"]
    assert ids_of(newsroom.search(published_from=datetime(2024, 5, 2, tzinfo=UTC))) == ["2", "3", "4"]
    assert ids_of(newsroom.search(published_to=datetime(2024, 5, 1, 3, 30))) == ["5"]  # naive means UTC
    assert ids_of(newsroom.search("assam", published_from="2024-05-01T03:30:00+00:00")) == ["2", "4", "1"]


def test_search_orders_newest_first_undated_last_and_pages(newsroom: RecordStore) -> None:
    everything = ids_of(newsroom.search())
    assert everything == ["2", "3", "4", "1", "5", "6", "7"]
    assert ids_of(newsroom.search(limit=3)) + ids_of(newsroom.search(limit=3, offset=3)) + \
        ids_of(newsroom.search(limit=3, offset=6)) == everything
    with pytest.raises(ValueError, match="limit"):
        newsroom.search(limit=0)
    with pytest.raises(ValueError, match="published_from"):
        newsroom.search(published_from="last tuesday")


def test_counts(newsroom: RecordStore) -> None:
    assert newsroom.count() == 7
    assert newsroom.count(source="wftl") == 1
    assert newsroom.count(source="nobody") == 0
    assert newsroom.counts_by_source() == {"justearthnews": 6, "wftl": 1}


# -- bad input -----------------------------------------------------------------------------------------------


def test_awkward_records_are_stored_repaired_and_whole(store: RecordStore) -> None:
    odd = "RTL \u202eevil\u202c, zero\u200bwidth, emoji 🌊, combining e\u0301, tab\tand\r\nnewlines, \\ ' \" % _"
    batch = [
        article(1, title="Nul\x00 in the title", body=["para\x00graph"], text="a\x00b", byline="\x00"),
        article(2, title=odd, dateline=odd),
        article(3, title="Lone surrogate \ud800 here", text="pair \ud83c\udf0a kept"),
        article(4, text="long words " * 500_000),  # 5.5 MB of text
        {"id": "justearthnews:HC/00005", "source": "justearthnews", "url": "https://example.org/5"},
        article(6, published="not a date", title=None, images=[], fetched_at=None),
    ]
    before = datetime.now(UTC)
    assert store.upsert(batch) == 6

    nul = store.get(article(1)["id"])
    assert (nul["title"], nul["body"], nul["text"], nul["byline"]) == ("Nul in the title", ["paragraph"], "ab", "")
    assert ids_of(store.search("nul title")) == ["1"]
    assert store.get(article(2)["id"])["title"] == odd
    assert store.get(article(2)["id"])["dateline"] == odd
    surrogate = store.get(article(3)["id"])
    assert (surrogate["title"], surrogate["text"]) == ("Lone surrogate \ufffd here", "pair 🌊 kept")
    assert store.get(article(4)["id"])["text"] == "long words " * 500_000
    minimal = store.get("justearthnews:HC/00005")
    assert without_store_fields(minimal) == batch[4]
    assert store.fetched_at([minimal["id"]])[minimal["id"]] >= before - timedelta(seconds=1)
    undated = store.get(article(6)["id"])
    assert undated["published"] == "not a date"
    assert undated["title"] is None
    assert article(6)["id"] not in {r["id"] for r in store.search(published_from="1900-01-01T00:00:00Z")}
    assert article(6)["id"] in {r["id"] for r in store.search()}


def test_records_the_store_refuses_are_named_and_the_rest_of_the_batch_is_stored(store: RecordStore) -> None:
    refused_batch = [
        article(1, id=None), article(2, id=""), ["not", "a", "record"], article(3, source=None),
        article(4, url=""), article(5, title=["a", "list"]), article(6, similarity=float("nan")),
        article(7, fetched_at="yesterday"), article(8, extra=datetime(2024, 1, 1)), article(9, http_status="200"),
        article(10, id="x" * 1025), article(11, text="x" * (17 * 1024 * 1024)), article(12, http_status=10**20),
    ]
    good = [article(20), article(21)]
    rejected: list[RecordRejected] = []
    assert store.upsert([good[0], *refused_batch, good[1]], on_reject=rejected.append) == 2
    assert store.count() == 2
    assert set(store.get_many(r["id"] for r in good)) == {r["id"] for r in good}

    reasons = [error.reason for error in rejected]
    assert len(reasons) == len(refused_batch)
    expected = ["id is missing", "id is missing", "must be a mapping", "source is missing", "url is missing",
                "title must be text", "similarity is nan", "fetched_at 'yesterday' is not an ISO 8601 time",
                "extra holds a datetime", "http_status must be an integer", "id is longer than 1024 bytes",
                "over the store's limit", "http_status must be an integer from 0 to 999"]
    for reason, fragment in zip(reasons, expected, strict=True):
        assert fragment in reason
    assert rejected[5].record_id == article(5)["id"]
    assert rejected[5].record is refused_batch[5]
    assert str(rejected[6]) == f"record {article(6)['id']} refused: similarity is nan, which is not a JSON number"


def test_without_on_reject_refused_records_raise_after_the_others_are_stored(store: RecordStore) -> None:
    with pytest.raises(RecordsRejected, match=r"1 record\(s\) refused, 2 stored: record .*HC/00002 refused: "
                                              r"fetched_at 'soon'") as caught:
        store.upsert([article(1), article(2, fetched_at="soon"), article(3)])
    assert caught.value.stored == 2
    assert [error.record_id for error in caught.value.rejected] == [article(2)["id"]]
    assert set(store.get_many([article(1)["id"], article(3)["id"]])) == {article(1)["id"], article(3)["id"]}


def test_a_record_the_database_itself_refuses_is_named_and_the_rest_of_the_batch_is_stored(
        store: RecordStore) -> None:
    # A rule of the database's own, standing in for whatever validation could miss.
    with store.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE jen_records ADD CONSTRAINT no_refuse CHECK (title <> 'refuse me')"))
        else:
            connection.execute(text("CREATE TRIGGER no_refuse BEFORE INSERT ON jen_records "
                                    "WHEN NEW.title = 'refuse me' BEGIN SELECT RAISE(ABORT, 'no_refuse'); END"))
    rejected: list[RecordRejected] = []
    assert store.upsert([article(1), article(2, title="refuse me"), article(3)], on_reject=rejected.append) == 2
    assert [error.record_id for error in rejected] == [article(2)["id"]]
    assert "the database refused it" in rejected[0].reason
    assert "no_refuse" in rejected[0].reason
    assert set(store.get_many(article(n)["id"] for n in (1, 2, 3))) == {article(1)["id"], article(3)["id"]}


def test_private_fields_and_store_fields_of_a_record_are_not_stored(store: RecordStore) -> None:
    store.upsert([article(1, _lease="lease-token", _revised=[], stored_at="1999-01-01T00:00:00Z")])
    stored = store.get(article(1)["id"])
    assert "_lease" not in stored and "_revised" not in stored
    assert stored["stored_at"] > "2000"
    assert json.loads(json.dumps(stored)) == stored


# -- a database that cannot be reached or opened -------------------------------------------------------------


def test_unreachable_postgres_gives_one_line_saying_what_to_do_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://jen:s3cret-pw@127.0.0.1:{free_port()}/records"
    with pytest.raises(StoreError) as caught:
        RecordStore.open(url, tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert "s3cret-pw" not in message
    assert f"cannot open the record store (PostgreSQL at postgresql://jen:***@127.0.0.1:{url.split(':')[3]}" \
        in message
    assert "refused" in message.lower()
    assert "check that PostgreSQL is running" in message


def test_missing_postgres_database_is_named_in_the_error(postgres_url: str, tmp_path: Path) -> None:
    missing = postgres_url.rsplit("/", 1)[0] + f"/jen_no_such_db_{uuid.uuid4().hex[:8]}"
    with pytest.raises(StoreError, match=r'cannot open the record store .*database "jen_no_such_db_\w+" does not '
                                         r"exist; check that PostgreSQL is running"):
        RecordStore.open(missing, tmp_path)


def test_sqlite_file_that_cannot_be_opened_gives_a_clear_error(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("x")
    with pytest.raises(StoreError, match=r"cannot create the data directory .*file.*set data_dir"):
        RecordStore.open(None, not_a_directory)

    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "records.sqlite3").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match=r"cannot open the record store \(SQLite file .*records\.sqlite3\): file is "
                                         r"not a database; check that data_dir"):
        RecordStore.open(None, garbage)


def test_unsupported_or_malformed_database_urls_name_the_config_key(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=re.escape("'database.url': 'mysql://root:***@db/x' is not supported")):
        RecordStore.open("mysql://root:pw@db/x", tmp_path)
    with pytest.raises(StoreError, match=re.escape("'database.url': 'not a url' is not a database URL")):
        RecordStore.open("not a url", tmp_path)
    with pytest.raises(StoreError, match="in-memory SQLite"):
        RecordStore.open("sqlite://", tmp_path)

"""The record store: clean article records in PostgreSQL (``database.url``) or an embedded SQLite file.

    store = RecordStore.open(config_url_or_none, data_dir)   # migrates the schema
    store.upsert(records)                                     # one transaction, keyed by id
    store.get(id), store.search(text="flood"), store.iter_records(source="justearthnews")

See `crawler.store.rows` for what the store does with awkward input, and `crawler.store.migrate` for
how the schema is created and migrated.
"""

from crawler.store.engine import StoreError, make_engine
from crawler.store.migrate import migrate
from crawler.store.rows import FLAG_FIELDS, RecordRejected
from crawler.store.store import RecordsRejected, RecordStore, shared_store

__all__ = ["FLAG_FIELDS", "RecordRejected", "RecordStore", "RecordsRejected", "StoreError", "make_engine", "migrate",
           "shared_store"]

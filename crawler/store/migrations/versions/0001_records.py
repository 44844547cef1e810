"""Clean article records: the whole record as JSON plus the columns queries need.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine:
    # Code-point order on PostgreSQL too (SQLite compares bytes), whatever the database's locale.
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "jen_records",
        sa.Column("id", _key(1024), nullable=False),
        sa.Column("source", _key(255), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("canonical_url", sa.Text()),
        sa.Column("title", sa.Text()),
        sa.Column("title_words", sa.Text(), nullable=False),
        sa.Column("published", sa.DateTime(timezone=True)),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Text()),
        sa.Column("parser", sa.Text()),
        sa.Column("http_status", sa.Integer()),
        sa.Column("duplicate_of", _key(1024)),
        sa.Column("cluster", _key(1024)),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_jen_records"),
    )
    op.create_index("ix_jen_records_source_id", "jen_records", ["source", "id"])
    op.create_index("ix_jen_records_published", "jen_records", ["published"])
    op.create_index("ix_jen_records_duplicate_of", "jen_records", ["duplicate_of"])


def downgrade() -> None:
    op.drop_table("jen_records")

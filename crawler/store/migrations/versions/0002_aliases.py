"""Other addresses of stored records, so a link can be checked against what is stored before it is fetched.

A record's id comes from the address its page names as canonical. Links often name it otherwise: an outlet's
listing links another form of the address, an old address redirects to the article. `jen_record_aliases` maps
the id that `crawler.ids.record_id` gives for each such address (the one fetched, those redirected from) to the
record's id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "jen_record_aliases",
        sa.Column("alias", _key(1024), nullable=False),
        sa.Column("record_id", _key(1024), nullable=False),
        sa.PrimaryKeyConstraint("alias", name="pk_jen_record_aliases"),
    )
    op.create_index("ix_jen_record_aliases_record_id", "jen_record_aliases", ["record_id"])


def downgrade() -> None:
    op.drop_table("jen_record_aliases")

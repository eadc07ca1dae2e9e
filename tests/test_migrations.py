"""The migrations produce exactly the schema the models describe, on this backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from croupier.models import Base


async def test_models_and_migrations_agree(db):
    def diff(connection):
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                Base.metadata)

    async with db.engine.connect() as conn:
        changes = await conn.run_sync(diff)
    assert changes == []

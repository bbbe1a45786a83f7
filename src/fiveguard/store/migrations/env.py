"""Alembic's environment for the record's migrations.

fiveguard runs its migrations itself (:mod:`fiveguard.store.migrate`) with a connection
it opened, so no ``alembic.ini`` is needed in the working directory.
"""

from __future__ import annotations

from alembic import context

from fiveguard.store.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()

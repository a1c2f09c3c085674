"""Health checks for load balancers, orchestrators and monitoring: is the process up, can it serve.

Liveness answers from the process alone, so that a database outage does not get every worker restarted
(restarts cannot fix the database, and all workers restarting at once is an outage of its own). Readiness
asks the database a trivial question and whether every migration of this code is applied: during an
upgrade, a process running newer code than the schema is not ready.

Nothing here reads client data or says more than "ok" or which check failed: the URLs are public.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import connection as default_connection
from django.db.migrations.executor import MigrationExecutor

from polku.core.middleware import DATABASE_ERRORS

logger = logging.getLogger(__name__)

# Once this process has seen the schema complete it stays complete: only new code brings new migrations, and
# new code means a new process. Loading the migration graph costs tens of milliseconds, too much per probe.
_schema_complete = False


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(state == "ok" for state in self.checks.values())


def _database_answers(connection) -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DATABASE_ERRORS as error:
        logger.warning("readiness: the database did not answer: %s", error)
        return False


def _unapplied_migrations(connection) -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def readiness(connection=None) -> Readiness:
    """The database answers and the schema matches this code's migrations (the default database unless a
    connection is given)."""
    global _schema_complete
    connection = connection or default_connection
    if not _database_answers(connection):
        return Readiness({"database": "unreachable"})
    if _schema_complete:
        return Readiness({"database": "ok", "migrations": "ok"})
    try:
        pending = _unapplied_migrations(connection)
    except DATABASE_ERRORS as error:  # the connection went between the two questions
        logger.warning("readiness: migrations could not be read: %s", error)
        return Readiness({"database": "unreachable"})
    if pending:
        logger.warning("readiness: %d migrations are not applied", pending)
        return Readiness({"database": "ok", "migrations": "pending"})
    _schema_complete = True
    return Readiness({"database": "ok", "migrations": "ok"})

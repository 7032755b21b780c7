"""Adapters over SQLAlchemy (DuckDB through duckdb-engine, PostgreSQL through psycopg).

SQLAlchemy builds the URL (so a password is never pasted into a string) and the engine; we then
work on its DB-API connection in autocommit mode, so that `transaction()` owns BEGIN/COMMIT
explicitly and rolls back on any error: a failed apply leaves the previous views in place.
"""

from __future__ import annotations

from typing import Any

from toolkit.warehouse.dbapi import DBAPIAdapter


class SQLAlchemyAdapter(DBAPIAdapter):
    def __init__(self, conn_config: Any, target_name: str) -> None:
        super().__init__(conn_config, target_name)
        self._engine: Any = None

    def url(self) -> Any:
        raise NotImplementedError

    def engine_kwargs(self) -> dict[str, Any]:
        return {}

    def set_autocommit(self, driver_connection: Any) -> None:
        """Each statement commits unless inside an explicit BEGIN (DuckDB's default)."""

    def open_connection(self) -> Any:
        import sqlalchemy

        # we own BEGIN/COMMIT: no pool-side rollback on close (it would log a traceback when
        # the connection is already gone)
        self._engine = sqlalchemy.create_engine(
            self.url(), poolclass=sqlalchemy.pool.NullPool, pool_reset_on_return=None, **self.engine_kwargs()
        )
        conn = self._engine.raw_connection()
        self.set_autocommit(conn.driver_connection)
        return conn

    def close(self) -> None:
        super().close()
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None

"""Adapters over SQLAlchemy (DuckDB through duckdb-engine, PostgreSQL through psycopg).

SQLAlchemy builds the URL (so a password is never pasted into a string) and the engine; we then
work on its DBAPI connection in autocommit mode, so that `transaction()` owns BEGIN/COMMIT
explicitly and rolls back on any error: a failed apply leaves the previous views in place.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from toolkit.errors import MissingDriverError, WarehouseError
from toolkit.warehouse.base import Adapter


def _require(module: str, extra: str, kind: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise MissingDriverError(
            f"profile type {kind!r} needs the {module} driver, which is not installed",
            hint=f"pip install 'b2b-connected-source[{extra}]'",
        )


class SQLAlchemyAdapter(Adapter):
    driver_module = ""

    def __init__(self, conn_config: Any, target_name: str) -> None:
        super().__init__(conn_config, target_name)
        self._engine: Any = None
        self._conn: Any = None

    def url(self) -> Any:
        raise NotImplementedError

    def engine_kwargs(self) -> dict[str, Any]:
        return {}

    def on_connect(self) -> None:
        """Session settings (timeouts) after connecting."""

    def connect(self) -> None:
        _require(self.driver_module, self.extra, self.type)
        import sqlalchemy

        try:
            self._engine = sqlalchemy.create_engine(
                self.url(), poolclass=sqlalchemy.pool.NullPool, **self.engine_kwargs()
            )
            self._conn = self._engine.raw_connection()
            self.set_autocommit(self._conn.driver_connection)
        except Exception as exc:
            self._dispose()
            raise WarehouseError(
                f"cannot connect to target {self.target_name!r} ({self.type}): {_short(exc)}"
            ) from None
        self.on_connect()

    def set_autocommit(self, driver_connection: Any) -> None:
        """Each statement commits unless inside an explicit BEGIN (DuckDB's default)."""

    def _dispose(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # closing a dead connection must not hide the real error
                self._conn.close()
        if self._engine is not None:
            self._engine.dispose()
        self._conn = self._engine = None

    def close(self) -> None:
        self._dispose()

    def _raw(self) -> Any:
        if self._conn is None:
            raise WarehouseError(f"target {self.target_name!r}: not connected")
        return self._conn

    def execute(self, sql: str) -> None:
        self._run(sql, fetch=False)

    def fetchall(self, sql: str) -> list[tuple[Any, ...]]:
        rows = self._run(sql, fetch=True)
        self.rows_fetched += len(rows)
        return rows

    def cursor(self) -> Any:
        return self._raw().cursor()

    def fetch_batches(self, sql: str, size: int) -> Iterator[list[tuple[Any, ...]]]:
        cur = self.cursor()
        try:
            cur.execute(sql)
            while True:
                batch = [tuple(r) for r in cur.fetchmany(size)]
                if not batch:
                    break
                self.rows_fetched += len(batch)
                yield batch
        except self._driver_errors() as exc:
            raise WarehouseError(f"target {self.target_name!r} ({self.type}): {_short(exc)}") from None
        finally:
            cur.close()

    def _driver_errors(self) -> tuple[type[BaseException], ...]:
        dbapi = getattr(self._engine.dialect, "loaded_dbapi", None) if self._engine is not None else None
        base = getattr(dbapi, "Error", None)
        return (base,) if isinstance(base, type) else (Exception,)

    def _run(self, sql: str, fetch: bool) -> list[tuple[Any, ...]]:
        cur = self.cursor()
        try:
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()] if fetch else []
        except self._driver_errors() as exc:
            raise WarehouseError(
                f"target {self.target_name!r} ({self.type}) refused a statement: {_short(exc)}"
            ) from None
        finally:
            cur.close()

    @contextmanager
    def transaction(self, read_only: bool = False) -> Iterator[None]:
        self.execute(
            "BEGIN TRANSACTION READ ONLY" if read_only and self.SUPPORTS_READ_ONLY_TRANSACTION else "BEGIN"
        )
        try:
            yield
        except BaseException:
            with contextlib.suppress(WarehouseError):  # connection gone: the server rolls back itself
                self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")


def _short(exc: BaseException) -> str:
    """The driver's message without SQLAlchemy's statement echo and background link.
    The statement text never holds a secret, but it can be long."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc)
    return text.split("\n[SQL:")[0].strip().splitlines()[0] if text.strip() else type(exc).__name__

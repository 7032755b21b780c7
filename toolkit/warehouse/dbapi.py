"""Adapters over a DB-API 2.0 connection: cursor, execute, fetch, explicit BEGIN/COMMIT.

Subclasses only say how to open the connection (and which errors are transient); the driver is
imported there, when connecting, never at import time.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from toolkit.errors import MissingDriverError, WarehouseError
from toolkit.warehouse.base import Adapter


def require(module: str, extra: str, kind: str) -> None:
    if importlib.util.find_spec(module.split(".")[0]) is None or importlib.util.find_spec(module) is None:
        raise MissingDriverError(
            f"profile type {kind!r} needs the {module} driver, which is not installed",
            hint=f"pip install 'b2b-connected-source[{extra}]'",
        )


# credentials a driver may echo inside a connection string or URL (Spark Connect's
# `sc://host:port/;token=...`, a DSN's password=..., user:password@host)
_CREDENTIAL = re.compile(
    r"((?:token|password|passwd|pwd|secret|access_key|private_key)\s*[=:]\s*)[^;\s&'\"]+|(//[^/:@\s]+:)[^@/\s]+@",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """`text` with every credential a connection string may hold replaced by ***."""
    return _CREDENTIAL.sub(lambda m: (m.group(1) or "") + "***" if m.group(1) else m.group(2) + "***@", text)


def short_error(exc: BaseException) -> str:
    """The driver's message, first line only (drivers may echo the statement after it), with any
    credential it echoes redacted."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return redact(text.split("\n[SQL:")[0].strip().splitlines()[0]) if text else type(exc).__name__


class DBAPIAdapter(Adapter):
    #: module imported to connect (checked before connecting, for the install hint)
    driver_module = ""
    #: module whose `Error` the driver raises (default: driver_module)
    error_module = ""
    BEGIN = "BEGIN"

    def __init__(self, conn_config: Any, target_name: str) -> None:
        super().__init__(conn_config, target_name)
        self._conn: Any = None
        self._errors: tuple[type[BaseException], ...] = (Exception,)

    def open_connection(self) -> Any:
        """Return a DB-API connection; statements outside an explicit BEGIN must autocommit."""
        raise NotImplementedError

    def on_connect(self) -> None:
        """Session settings (timeouts) after connecting."""

    def connect(self) -> None:
        require(self.driver_module, self.extra, self.type)
        try:
            self._conn = self.open_connection()
        except Exception as exc:
            self.close()
            raise WarehouseError(
                f"cannot connect to target {self.target_name!r} ({self.type}): {short_error(exc)}"
            ) from None
        module = importlib.import_module(self.error_module or self.driver_module)
        base = getattr(module, "Error", None)
        self._errors = (base,) if isinstance(base, type) and issubclass(base, BaseException) else (Exception,)
        self.on_connect()

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # closing a dead connection must not hide the real error
                self._conn.close()
        self._conn = None

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

    def fetch_batches(self, sql: str, size: int) -> Iterator[list[tuple[Any, ...]]]:
        cur = self._cursor()
        try:
            cur.execute(sql)
            while True:
                batch = [tuple(r) for r in cur.fetchmany(size)]
                if not batch:
                    break
                self.rows_fetched += len(batch)
                yield batch
        except self._errors as exc:
            raise self.error(exc) from None
        finally:
            with contextlib.suppress(Exception):
                cur.close()

    def _cursor(self) -> Any:
        try:
            return self._raw().cursor()
        except self._errors as exc:  # a connection the server has closed fails here
            raise self.error(exc) from None

    def _run(self, sql: str, fetch: bool) -> list[tuple[Any, ...]]:
        cur = self._cursor()
        try:
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()] if fetch else []
        except self._errors as exc:
            raise self.error(exc) from None
        finally:
            with contextlib.suppress(Exception):
                cur.close()

    def error(self, exc: BaseException) -> WarehouseError:
        if self.connection_lost(exc):
            return WarehouseError(
                f"lost the connection to target {self.target_name!r} ({self.type}): {short_error(exc)}",
                hint="check the server and the network, then run the command again",
            )
        return WarehouseError(
            f"target {self.target_name!r} ({self.type}) refused a statement: {short_error(exc)}"
        )

    def connection_lost(self, exc: BaseException) -> bool:
        text = str(exc).lower()
        signs = (
            "terminating connection",
            "connection is lost",
            "server closed the connection",
            "connection reset",
            "broken pipe",
        )
        return any(s in text for s in signs)

    @contextmanager
    def transaction(self, read_only: bool = False) -> Iterator[None]:
        if not self.SUPPORTS_TRANSACTIONS:
            yield
            return
        self.execute(
            "BEGIN TRANSACTION READ ONLY" if read_only and self.SUPPORTS_READ_ONLY_TRANSACTION else self.BEGIN
        )
        try:
            yield
        except BaseException:
            with contextlib.suppress(WarehouseError):  # connection gone: the server rolls back itself
                self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

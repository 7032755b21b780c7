"""The adapter interface: one small class per engine, drivers imported only when connecting.

An adapter knows how to connect, run a statement, fetch rows (counting them: `rows_fetched`), read
the views that exist in a schema, and apply a set of views atomically (in one transaction where
the engine has transactional DDL; by create-new-then-swap where it has not).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from toolkit.dialects import PROFILE_DIALECT, TargetDialect, get_or_raise
from toolkit.errors import WarehouseError

T = TypeVar("T")


@dataclass(frozen=True)
class ViewDDL:
    name: str  # qualified, in the target dialect
    ddl: str
    fingerprint: str  # stored in the view's comment, so a re-run can tell nothing changed
    short_name: str  # unqualified, as the engine's catalog lists it


class Adapter(ABC):
    #: profile type this adapter serves
    type: ClassVar[str] = ""
    #: pip extra that brings the driver
    extra: ClassVar[str] = ""
    SUPPORTS_TRANSACTIONS: ClassVar[bool] = True
    SUPPORTS_TRANSACTIONAL_DDL: ClassVar[bool] = False
    SUPPORTS_READ_ONLY_TRANSACTION: ClassVar[bool] = False
    #: replacing a view means dropping it (and so its dependents) first
    DROPS_TO_REPLACE: ClassVar[bool] = False

    def __init__(self, conn_config: Any, target_name: str) -> None:
        self.config = conn_config
        self.target_name = target_name
        self.dialect: TargetDialect = get_or_raise(PROFILE_DIALECT[self.type])
        self.rows_fetched = 0

    # ---- connection -------------------------------------------------------------------------
    @abstractmethod
    def connect(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Adapter:
        self.with_retries(self.connect)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def is_transient(self, exc: BaseException) -> bool:
        """Connection errors worth a retry (refused, reset). Never a SQL error."""
        return False

    def with_retries(self, fn: Callable[[], T]) -> T:
        attempts = 1 + int(getattr(self.config, "connect_retries", 0) or 0)
        for attempt in range(attempts):
            try:
                return fn()
            except Exception as exc:
                if attempt + 1 >= attempts or not self.is_transient(exc):
                    raise
                time.sleep(min(0.5 * 2**attempt, 5.0))
        raise AssertionError("unreachable")

    # ---- statements -------------------------------------------------------------------------
    @abstractmethod
    def execute(self, sql: str) -> None: ...

    @abstractmethod
    def fetchall(self, sql: str) -> list[tuple[Any, ...]]:
        """Run a query and return its rows; every row counts in `rows_fetched`."""

    @abstractmethod
    def fetch_batches(self, sql: str, size: int) -> Iterator[list[tuple[Any, ...]]]: ...

    @contextmanager
    def transaction(self, read_only: bool = False) -> Iterator[None]:
        yield

    # ---- views ------------------------------------------------------------------------------
    def catalog_name(self, name: str) -> str:
        """How the engine's catalog spells an identifier written `name` (case folding)."""
        return name

    @abstractmethod
    def view_fingerprints(self, schema: str) -> dict[str, str | None]:
        """view name (unqualified, as the engine stores it) -> the b2b fingerprint in its comment."""

    @abstractmethod
    def set_fingerprint(self, view_sql_name: str, fingerprint: str) -> None: ...

    def apply_views(self, views: Sequence[ViewDDL], grants: Sequence[str], schema_ddl: str) -> None:
        """Create-or-replace the views (in dependency order) and grant, all or nothing."""
        if not self.SUPPORTS_TRANSACTIONAL_DDL:
            raise WarehouseError(
                f"{self.type}: apply without transactional DDL is not implemented for this engine"
            )
        with self.transaction():
            self.execute(schema_ddl)
            self.replace_views(views)
            for grant in grants:
                self.execute(grant)

    def replace_views(self, views: Sequence[ViewDDL]) -> None:
        for v in views:
            self.execute(v.ddl)
            self.set_fingerprint(v.name, v.fingerprint)

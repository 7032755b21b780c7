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
    # the CRM's docs: the view's description (its comment, above the fingerprint) and the
    # statements that describe its columns, run after its DDL
    description: str = ""
    docs: tuple[str, ...] = ()

    @property
    def comment(self) -> str:
        """What the view's comment holds: its description, then the fingerprint (one line: a
        newline in a comment literal trips some engines' SQL translators)."""
        return f"{self.description} | {self.fingerprint}" if self.description else self.fingerprint


class Adapter(ABC):
    #: profile type this adapter serves
    type: ClassVar[str] = ""
    #: pip extra that brings the driver
    extra: ClassVar[str] = ""
    SUPPORTS_TRANSACTIONS: ClassVar[bool] = True
    #: whether a view's comment (or property) can hold apply's fingerprint (Fabric: no)
    SUPPORTS_FINGERPRINTS = True
    SUPPORTS_TRANSACTIONAL_DDL: ClassVar[bool] = False
    SUPPORTS_READ_ONLY_TRANSACTION: ClassVar[bool] = False
    #: replacing a view means dropping it (and so its dependents) first
    DROPS_TO_REPLACE: ClassVar[bool] = False
    #: how the engine stores an identifier written without quotes: lower | upper | insensitive
    UNQUOTED_CASE: ClassVar[str] = "lower"

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

    # ---- the source's columns ------------------------------------------------------------
    def source_columns(
        self, database: str | None, schema: str, tables: Sequence[str]
    ) -> tuple[str | None, dict[str, dict[str, str]]]:
        """The columns (name -> type, in table order) of those of `tables` that exist in `schema`,
        names matched ignoring case and returned as stored; and the schema's stored name (None
        when it holds none of them). One query to the engine's information_schema."""
        from sqlglot import exp

        catalog = exp.Table(
            this=exp.to_identifier("columns"),
            db=exp.to_identifier("information_schema"),
            catalog=exp.to_identifier(database) if database else None,
        )
        query = (
            exp.select("table_schema", "table_name", "column_name", "data_type")
            .from_(catalog)
            .where(exp.func("LOWER", exp.column("table_schema")).eq(exp.Literal.string(schema.lower())))
            .where(
                exp.func("LOWER", exp.column("table_name")).isin(
                    *[exp.Literal.string(t.lower()) for t in sorted(set(tables))]
                )
            )
            .order_by("table_schema", "table_name", "ordinal_position")
        )
        for condition in self.catalog_filter(database):
            query = query.where(condition)
        return pick_schema(self.fetchall(query.sql(dialect=self.dialect.sqlglot_name)), schema)

    def memory_limit_bytes(self) -> int | None:
        """The engine's memory limit, where it is the client's memory (in-process engines)."""
        return None

    def table_rows(self, tables: Sequence[tuple[str | None, str]]) -> int | None:
        """The rows of these (schema, table) pairs together, from the engine's metadata (no
        scan; schema None: the session's current schema); None where the engine does not say."""
        return None

    def session_notes(self) -> list[str]:
        """What the user should know about this connection before relying on what apply did."""
        return []

    def catalog_filter(self, database: str | None) -> list[Any]:
        """Extra conditions on information_schema.columns (DuckDB lists every attached catalog)."""
        return []

    # ---- views ------------------------------------------------------------------------------
    def catalog_name(self, name: str) -> str:
        """How the engine's catalog spells an identifier written `name` (case folding)."""
        return name

    def visible_tables(self, schema: str) -> list[str]:
        """The tables and views of `schema` this connection's role can see (information_schema
        lists only those it holds a privilege on): what Braze's source browser discovers."""
        from sqlglot import exp

        query = (
            exp.select("table_name")
            .from_(exp.table_("tables", db="information_schema"))
            .where(exp.column("table_schema").eq(exp.Literal.string(self.catalog_name(schema))))
            .order_by("table_name")
        )
        return [str(r[0]) for r in self.fetchall(query.sql(dialect=self.dialect.sqlglot_name))]

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

    def authorize_views(self, authorizations: Sequence[Any]) -> None:
        """BigQuery: authorize each view on the datasets it reads. No other engine needs it."""
        if authorizations:
            raise WarehouseError(f"{self.type}: view authorizations are a BigQuery feature")

    def replace_views(self, views: Sequence[ViewDDL]) -> None:
        for v in views:
            self.create_view(v)
            self.set_fingerprint(v.name, v.comment)

    def create_view(self, view: ViewDDL) -> None:
        """Run a view's DDL; a refusal names the view."""
        try:
            self.execute(view.ddl)
            for statement in view.docs:
                self.execute(statement)
        except WarehouseError as exc:
            exc.view = exc.view or view.short_name
            raise


def pick_schema(rows: Sequence[tuple[Any, ...]], schema: str) -> tuple[str | None, dict[str, dict[str, str]]]:
    """(schema, table, column, type) rows -> the stored schema name and its tables' columns. When
    schemas differ only in case, the one spelled as configured wins."""
    schemas = sorted({str(r[0]) for r in rows})
    if not schemas:
        return None, {}
    chosen = schema if schema in schemas else schemas[0]
    tables: dict[str, dict[str, str]] = {}
    for sch, table, column, dtype in rows:
        if str(sch) == chosen:
            tables.setdefault(str(table), {})[str(column)] = str(dtype)
    return chosen, tables

"""DuckDB through duckdb-engine: in-process, transactional DDL, no GRANT."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.warehouse.sqlalchemy_adapter import SQLAlchemyAdapter

#: the catalog name the database file is attached under
CATALOG = "b2b_connected_source"


_UNITS = {
    "": 1,
    "B": 1,
    "BYTES": 1,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
    "KIB": 2**10,
    "MIB": 2**20,
    "GIB": 2**30,
    "TIB": 2**40,
}


def parse_bytes(text: str) -> int | None:
    """'18.8 GiB', '8GB', '512 MiB' -> bytes; None when it is not a size."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*", text or "")
    if m is None or m.group(2).upper() not in _UNITS:
        return None
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


class DuckDBAdapter(SQLAlchemyAdapter):
    type = "duckdb"
    extra = "duckdb"
    driver_module = "duckdb_engine"
    error_module = "duckdb"
    SUPPORTS_TRANSACTIONAL_DDL = True
    UNQUOTED_CASE = "insensitive"

    def __init__(self, conn_config: Any, target_name: str, base_dir: Path | None = None) -> None:
        super().__init__(conn_config, target_name)
        path = conn_config.path
        if path != ":memory:" and not Path(path).is_absolute() and base_dir is not None:
            path = str(base_dir / path)
        self.path = path

    def url(self) -> Any:
        import sqlalchemy

        # the file is attached under a fixed catalog name (on_connect): DuckDB names a file's
        # catalog after it, and a view over a view fails to bind ("Ambiguous reference to catalog
        # or schema") when that name equals a schema's, e.g. b2b.duckdb with output schema b2b
        return sqlalchemy.engine.URL.create("duckdb", database=":memory:")

    def on_connect(self) -> None:
        self.execute("SET enable_progress_bar = false")  # it draws on the user's terminal
        if self.path == ":memory:":
            self.lock_down()
            return
        from sqlglot import exp

        self.execute(f"ATTACH {exp.Literal.string(self.path).sql('duckdb')} AS {CATALOG}")
        self.execute(f"USE {CATALOG}")
        self.lock_down()

    def lock_down(self) -> None:
        """No file, URL or extension from here on, and no way to turn it back: a statement that
        reaches DuckDB cannot read the client's files (read_text('profiles.yml')), call out
        (httpfs), or scan a path as a table. The database is attached already; spilling to the
        temp directory still works."""
        self.execute("SET enable_external_access = false")
        self.execute("SET lock_configuration = true")

    def engine_kwargs(self) -> dict[str, Any]:
        config: dict[str, Any] = {}
        if self.config.threads:
            config["threads"] = self.config.threads
        if self.config.memory_limit:
            config["memory_limit"] = self.config.memory_limit
        return {"connect_args": {"config": config}} if config else {}

    def memory_limit_bytes(self) -> int | None:
        # the profile's own value when it is a size (DuckDB shows it rounded: '2.7 GiB' for 3GB)
        if self.config.memory_limit and (exact := parse_bytes(self.config.memory_limit)) is not None:
            return exact
        rows = self.fetchall("SELECT current_setting('memory_limit')")
        return parse_bytes(str(rows[0][0])) if rows else None

    def table_rows(self, tables: Sequence[tuple[str | None, str]]) -> int | None:
        from sqlglot import exp

        if not tables:
            return None
        pairs = [
            exp.and_(
                exp.func("LOWER", exp.column("schema_name")).eq(
                    exp.Literal.string(schema.lower())
                    if schema
                    else exp.func("LOWER", exp.func("current_schema"))
                ),
                exp.func("LOWER", exp.column("table_name")).eq(exp.Literal.string(name.lower())),
            )
            for schema, name in tables
        ]
        query = (
            exp.select(exp.func("SUM", exp.column("estimated_size")))
            .from_(exp.func("duckdb_tables"))
            .where(exp.column("database_name").eq(exp.func("current_database")))
            .where(exp.or_(*pairs))
        )
        rows = self.fetchall(query.sql("duckdb"))
        return int(rows[0][0]) if rows and rows[0][0] is not None else None

    def catalog_filter(self, database: str | None) -> list[Any]:
        from sqlglot import exp

        catalog = exp.Literal.string(database) if database else exp.func("current_database")
        return [exp.column("table_catalog").eq(catalog)]

    def view_fingerprints(self, schema: str) -> dict[str, str | None]:
        from sqlglot import exp

        sql = (
            "SELECT view_name, comment FROM duckdb_views() WHERE schema_name = "
            + exp.Literal.string(schema).sql("duckdb")
            + " AND database_name = current_database()"
        )
        return {name: comment for name, comment in self.fetchall(sql)}

    def set_fingerprint(self, view_sql_name: str, fingerprint: str) -> None:
        from sqlglot import exp

        self.execute(f"COMMENT ON VIEW {view_sql_name} IS {exp.Literal.string(fingerprint).sql('duckdb')}")

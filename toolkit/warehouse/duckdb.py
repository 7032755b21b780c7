"""DuckDB through duckdb-engine: in-process, transactional DDL, no GRANT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.warehouse.sqlalchemy_adapter import SQLAlchemyAdapter


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

        return sqlalchemy.engine.URL.create("duckdb", database=self.path)

    def engine_kwargs(self) -> dict[str, Any]:
        config: dict[str, Any] = {}
        if self.config.threads:
            config["threads"] = self.config.threads
        if self.config.memory_limit:
            config["memory_limit"] = self.config.memory_limit
        return {"connect_args": {"config": config}} if config else {}

    def qualify(self, config: Any) -> Any:
        """A database file is attached as a catalog named after it: `b2b.duckdb` is catalog `b2b`,
        and then `b2b.b2b_contacts` (schema b2b) is ambiguous. Where a schema of the project is
        named like an attached catalog and no database is given, qualify it with the current one."""
        catalogs = {str(r[0]).lower() for r in self.fetchall("SELECT database_name FROM duckdb_databases()")}
        (current,) = self.fetchall("SELECT current_database()")[0]
        update: dict[str, Any] = {}
        for key in ("source", "output"):
            part = getattr(config, key)
            if part.database is None and part.schema_.lower() in catalogs:
                update[key] = part.model_copy(update={"database": str(current)})
        return config.model_copy(update=update) if update else config

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

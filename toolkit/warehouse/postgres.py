"""PostgreSQL through psycopg 3: transactional DDL, READ ONLY transactions, statement_timeout.

CREATE OR REPLACE VIEW refuses a changed column list, so apply drops our views (dependents
first) and recreates them, all inside one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlglot import exp

from toolkit.warehouse.base import ViewDDL
from toolkit.warehouse.sqlalchemy_adapter import SQLAlchemyAdapter


class PostgresAdapter(SQLAlchemyAdapter):
    type = "postgres"
    extra = "postgres"
    driver_module = "psycopg"
    SUPPORTS_TRANSACTIONAL_DDL = True
    SUPPORTS_READ_ONLY_TRANSACTION = True
    DROPS_TO_REPLACE = True

    def url(self) -> Any:
        import sqlalchemy

        c = self.config
        query = {"sslmode": c.sslmode} if c.sslmode else {}
        return sqlalchemy.engine.URL.create(
            "postgresql+psycopg",
            username=c.user,
            password=c.password.get_secret_value() if c.password else None,
            host=c.host,
            port=c.port,
            database=c.dbname,
            query=query,
        )

    def engine_kwargs(self) -> dict[str, Any]:
        return {"connect_args": {"connect_timeout": self.config.connect_timeout_s, "application_name": "b2b"}}

    def catalog_name(self, name: str) -> str:
        # unquoted identifiers are folded to lower case
        return name.lower() if exp.to_identifier(name).args.get("quoted") is not True else name

    def set_autocommit(self, driver_connection: Any) -> None:
        driver_connection.autocommit = True

    def on_connect(self) -> None:
        # JIT off: the planner cannot estimate joins on computed keys (the 15->18 id conversion),
        # overestimates rows by 1000x, and then spends seconds compiling the views' expressions
        # with LLVM: a segment over the views took 9 s with JIT and 0.47 s without at 100k
        # contacts (bench --postgres). Readers of the views: ALTER ROLE ... SET jit = off.
        self.execute("SET jit = off")
        # a backslash in a string literal is a backslash: the literals sqlglot writes (segment
        # values) are escaped for this setting, and a server configured otherwise must not
        # turn one into a quote (issue 33)
        self.execute("SET standard_conforming_strings = on")
        if self.config.statement_timeout_s:
            ms = int(self.config.statement_timeout_s * 1000)
            self.execute(f"SET statement_timeout = {ms}")

    def is_transient(self, exc: BaseException) -> bool:
        text = str(exc).lower()
        return any(
            s in text
            for s in (
                "connection refused",
                "could not connect",
                "connection reset",
                "the database system is starting up",
            )
        )

    def view_fingerprints(self, schema: str) -> dict[str, str | None]:
        sql = (
            "SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class AS c "
            "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            f"WHERE c.relkind = 'v' AND n.nspname = {exp.Literal.string(schema).sql('postgres')}"
        )
        return {name: comment for name, comment in self.fetchall(sql)}

    def set_fingerprint(self, view_sql_name: str, fingerprint: str) -> None:
        self.execute(f"COMMENT ON VIEW {view_sql_name} IS {exp.Literal.string(fingerprint).sql('postgres')}")

    def replace_views(self, views: Sequence[ViewDDL]) -> None:
        # dependents first; no CASCADE, so a user's own view on ours stops the apply with an error
        for v in reversed(views):
            self.execute(f"DROP VIEW IF EXISTS {v.name}")
        super().replace_views(views)

"""Spark SQL through a pyspark session (local in the tests; it runs the databricks output).

Spark has no transactions: apply stages the new views first (see toolkit.apply). Fingerprints
live in a view property, b2b_fingerprint. The session is process-wide and is not stopped on
close (starting one costs seconds); `stop_session()` ends it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from sqlglot import exp

from toolkit.errors import WarehouseError
from toolkit.warehouse.base import Adapter
from toolkit.warehouse.dbapi import require, short_error

FINGERPRINT_PROPERTY = "b2b_fingerprint"


# Spark's constraint propagation infers every implied predicate over each alias; on the views'
# 15->18 id expressions (one CASE per character) its planner ran out of a 1 GiB heap on a single
# check (issue 6, opportunities view). The rule only adds filters: turning it off keeps results.
SESSION_DEFAULTS = {"spark.sql.constraintPropagation.enabled": "false"}


class SparkSqlMixin:
    """What Spark and Databricks share: fingerprints as view properties."""

    def fetchall(self, sql: str) -> list[tuple[Any, ...]]:  # pragma: no cover - provided by the adapter
        raise NotImplementedError

    def execute(self, sql: str) -> None:  # pragma: no cover - provided by the adapter
        raise NotImplementedError

    def view_fingerprints(self, schema: str) -> dict[str, str | None]:
        q = exp.to_identifier(schema).sql("databricks")
        try:
            rows = self.fetchall(f"SHOW VIEWS IN {q}")
        except WarehouseError:
            return {}
        out: dict[str, str | None] = {}
        for row in rows:
            name = str(row[1])
            view = exp.table_(exp.to_identifier(name), db=exp.to_identifier(schema)).sql("databricks")
            props = self.fetchall(f"SHOW TBLPROPERTIES {view} ('{FINGERPRINT_PROPERTY}')")
            value = str(props[0][-1]) if props else None
            out[name] = value if value and value.startswith("b2b-connected-source") else None
        return out

    def source_columns(
        self, database: str | None, schema: str, tables: Sequence[str]
    ) -> tuple[str | None, dict[str, dict[str, str]]]:
        """Spark's catalog: SHOW TABLES in the schema, then DESCRIBE each CRM table it holds."""
        space = ".".join(exp.to_identifier(p).sql("databricks") for p in (database, schema) if p)
        try:
            listed = self.fetchall(f"SHOW TABLES IN {space}")
        except WarehouseError:
            return None, {}  # no such schema
        wanted = {t.lower() for t in tables}
        names = sorted(str(r[1]) for r in listed if str(r[1]).lower() in wanted and not r[-1])
        out: dict[str, dict[str, str]] = {}
        for name in names:
            table = f"{space}.{exp.to_identifier(name).sql('databricks')}"
            cols: dict[str, str] = {}
            for row in self.fetchall(f"DESCRIBE TABLE {table}"):
                col = str(row[0])
                if not col or col.startswith("#"):
                    break  # partition and detail sections follow the columns
                cols[col] = str(row[1])
            out[name] = cols
        return (schema if out else None), out

    def set_fingerprint(self, view_sql_name: str, fingerprint: str) -> None:
        literal = exp.Literal.string(fingerprint).sql("databricks")
        self.execute(f"ALTER VIEW {view_sql_name} SET TBLPROPERTIES ('{FINGERPRINT_PROPERTY}' = {literal})")


class SparkAdapter(SparkSqlMixin, Adapter):
    type = "spark"
    extra = "spark"
    UNQUOTED_CASE = "insensitive"
    SUPPORTS_TRANSACTIONS = False
    SUPPORTS_TRANSACTIONAL_DDL = False

    def __init__(self, conn_config: Any, target_name: str) -> None:
        super().__init__(conn_config, target_name)
        self._spark: Any = None

    def connect(self) -> None:
        require("pyspark", self.extra, self.type)
        from pyspark.sql import SparkSession

        c = self.config
        builder = (
            SparkSession.builder.master(c.master).appName(c.app_name).config("spark.ui.enabled", "false")
        )
        if c.warehouse_dir:
            builder = builder.config("spark.sql.warehouse.dir", c.warehouse_dir)
        for key, value in sorted(c.conf.items()):
            builder = builder.config(key, value)
        try:
            self._spark = builder.getOrCreate()
            self._spark.sparkContext.setLogLevel("ERROR")
            for key, value in sorted({**SESSION_DEFAULTS, **c.conf}.items()):
                self._spark.conf.set(key, value)  # runtime settings reach a session that already ran
        except Exception as exc:
            raise WarehouseError(
                f"cannot start the Spark session for target {self.target_name!r}: {short_error(exc)}"
            ) from None

    def close(self) -> None:
        self._spark = None

    def _sql(self, sql: str) -> Any:
        if self._spark is None:
            raise WarehouseError(f"target {self.target_name!r}: not connected")
        try:
            return self._spark.sql(sql.strip().rstrip(";"))
        except Exception as exc:  # pyspark raises AnalysisException, ParseException, Py4JJavaError
            raise WarehouseError(
                f"target {self.target_name!r} (spark) refused a statement: {short_error(exc)}"
            ) from None

    def _collect(self, sql: str) -> list[Any]:
        df = self._sql(sql)
        try:
            return list(df.collect())
        except Exception as exc:  # execution errors surface at collect time
            raise WarehouseError(
                f"target {self.target_name!r} (spark) failed running a statement: {short_error(exc)}"
            ) from None

    def execute(self, sql: str) -> None:
        self._collect(sql)

    def fetchall(self, sql: str) -> list[tuple[Any, ...]]:
        rows = [tuple(r) for r in self._collect(sql)]
        self.rows_fetched += len(rows)
        return rows

    def fetch_batches(self, sql: str, size: int) -> Iterator[list[tuple[Any, ...]]]:
        batch: list[tuple[Any, ...]] = []
        for row in self._sql(sql).toLocalIterator():
            batch.append(tuple(row))
            if len(batch) >= size:
                self.rows_fetched += len(batch)
                yield batch
                batch = []
        if batch:
            self.rows_fetched += len(batch)
            yield batch


def stop_session() -> None:
    with contextlib.suppress(Exception):
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None:
            active.stop()

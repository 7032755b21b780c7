"""Spark SQL through a pyspark session: a local one in this process (`master`), or a Spark
Connect server (`remote: sc://host:port`), the client-server protocol Databricks Connect is
built on. Either runs the databricks output.

Spark has no transactions: apply stages the new views first (see toolkit.apply). Fingerprints
live in a view property, b2b_fingerprint. A local session is process-wide and is not stopped on
close (starting one costs seconds); `stop_session()` ends it. A remote session is a client's:
closed on close, while the server keeps its catalog for the next command.
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
        # a property of its own: the description above it is the view's comment (describe())
        fingerprint = fingerprint[fingerprint.find("b2b-connected-source") :]
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
        self.static_confs_ignored: list[str] = []

    @property
    def remote(self) -> bool:
        return bool(self.config.remote)

    def connect(self) -> None:
        require("pyspark", self.extra, self.type)
        if self.remote:
            require("pyspark.sql.connect", "spark", "spark (remote: Spark Connect client)")
        from pyspark.sql import SparkSession

        c = self.config
        try:
            if self.remote:
                # Spark Connect: the server owns the catalog, the static confs and the warehouse
                self._reach(c.remote)
                self._spark = SparkSession.builder.remote(c.remote).getOrCreate()
            else:
                builder = (
                    SparkSession.builder.master(c.master)
                    .appName(c.app_name)
                    .config("spark.ui.enabled", "false")
                )
                if c.warehouse_dir:
                    builder = builder.config("spark.sql.warehouse.dir", c.warehouse_dir)
                for key, value in sorted(c.conf.items()):
                    builder = builder.config(key, value)  # static confs take effect here only
                self._spark = builder.getOrCreate()
                self._spark.sparkContext.setLogLevel("ERROR")
            self.static_confs_ignored = self._set_runtime_confs({**SESSION_DEFAULTS, **c.conf})
        except WarehouseError:
            raise
        except Exception as exc:
            raise WarehouseError(
                f"cannot start the Spark session for target {self.target_name!r}: {short_error(exc)}",
                hint="check `remote:` (is the Spark Connect server up?)" if self.remote else None,
            ) from None

    def _reach(self, url: str) -> None:
        """Fail fast when nothing listens (the Connect client would retry for minutes)."""
        import socket
        from urllib.parse import urlparse

        parsed = urlparse(url.split(";", 1)[0].replace("sc://", "http://", 1))
        host, port = parsed.hostname or "localhost", parsed.port or 15002
        try:
            with socket.create_connection((host, port), timeout=10):
                pass
        except OSError as exc:
            raise WarehouseError(
                f"cannot reach the Spark Connect server of target {self.target_name!r} at {host}:{port}: "
                f"{exc.strerror or exc}",
                hint="start it (sbin/start-connect-server.sh in the Spark or pyspark folder) or fix `remote:`",
            ) from None

    def _set_runtime_confs(self, confs: dict[str, str]) -> list[str]:
        """Set what a running session can change (a session that already ran keeps its static
        confs); return the static ones of a remote session, which only its server can set."""
        static = []
        for key, value in sorted(confs.items()):
            if self._spark.conf.isModifiable(key):
                self._spark.conf.set(key, value)
            elif self.remote and key in self.config.conf:
                static.append(key)
        return static

    @property
    def catalog_is_ephemeral(self) -> bool:
        """A local session without a metastore keeps its catalog in this process's memory: the
        views vanish when the command ends."""
        if self.remote or self._spark is None:
            return False
        return str(self._spark.conf.get("spark.sql.catalogImplementation", "in-memory")) != "hive"

    def session_notes(self) -> list[str]:
        notes = [
            f"target {self.target_name!r}: {key} is a static conf: a Spark Connect session cannot set it; "
            "set it on the server (start-connect-server.sh --conf ...)"
            for key in self.static_confs_ignored
        ]
        if self.catalog_is_ephemeral:
            notes.append(
                f"target {self.target_name!r} is a local Spark session without a metastore: the views live only "
                "as long as this process. Use `remote: sc://host:port` (a Spark Connect server), or conf "
                "spark.sql.catalogImplementation: hive with a warehouse_dir, to keep them"
            )
        return notes

    def close(self) -> None:
        if self._spark is not None and self.remote:
            with contextlib.suppress(Exception):
                self._spark.stop()  # the client session; the server and its catalog stay
        self._spark = None

    def _sql(self, sql: str) -> Any:
        if self._spark is None:
            raise WarehouseError(f"target {self.target_name!r}: not connected")
        try:
            return self._spark.sql(sql.strip().rstrip(";"))
        except Exception as exc:  # AnalysisException, ParseException, Py4JJavaError, SparkConnectException
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

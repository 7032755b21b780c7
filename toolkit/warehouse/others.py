"""The warehouses this machine cannot run: BigQuery, Redshift, Databricks and Fabric. Each goes
through its own driver (an optional extra), imported when connecting. Their SQL is proven by
parse-back, golden files and the dialect lint; the connection code is kept small and plain."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlglot import exp

from toolkit.warehouse.base import pick_schema
from toolkit.warehouse.dbapi import DBAPIAdapter
from toolkit.warehouse.postgres import PostgresAdapter
from toolkit.warehouse.spark import SparkSqlMixin


class BigQueryAdapter(DBAPIAdapter):
    type = "bigquery"
    extra = "bigquery"
    driver_module = "google.cloud.bigquery"
    error_module = "google.cloud.bigquery.dbapi"
    SUPPORTS_TRANSACTIONS = False
    UNQUOTED_CASE = "insensitive"

    def source_columns(
        self, database: str | None, schema: str, tables: Sequence[str]
    ) -> tuple[str | None, dict[str, dict[str, str]]]:
        # INFORMATION_SCHEMA.COLUMNS lives in each dataset
        catalog = exp.Table(
            this=exp.to_identifier("COLUMNS"),
            db=exp.to_identifier("INFORMATION_SCHEMA"),
            catalog=exp.to_identifier(schema),
        )
        if database:
            catalog = exp.Table(
                this=exp.Dot(
                    this=exp.to_identifier("INFORMATION_SCHEMA"), expression=exp.to_identifier("COLUMNS")
                ),
                db=exp.to_identifier(schema),
                catalog=exp.to_identifier(database),
            )
        query = (
            exp.select("table_schema", "table_name", "column_name", "data_type")
            .from_(catalog)
            .where(
                exp.func("LOWER", exp.column("table_name")).isin(
                    *[exp.Literal.string(t.lower()) for t in sorted(set(tables))]
                )
            )
            .order_by("table_name", "ordinal_position")
        )
        return pick_schema(self.fetchall(query.sql(dialect="bigquery")), schema)

    def open_connection(self) -> Any:
        from google.cloud import bigquery
        from google.cloud.bigquery import dbapi

        c = self.config
        if c.keyfile:
            client = bigquery.Client.from_service_account_json(
                c.keyfile, project=c.project, location=c.location
            )
        else:
            client = bigquery.Client(project=c.project, location=c.location)
        self.client = client
        return dbapi.connect(client)

    def authorize_views(self, authorizations: Sequence[Any]) -> None:
        if not authorizations:
            return
        from google.cloud.bigquery import AccessEntry

        authorize(self.client, authorizations, lambda ref: AccessEntry(None, "view", ref))

    def view_fingerprints(self, schema: str) -> dict[str, str | None]:
        dataset = exp.to_identifier(schema).sql("bigquery")
        sql = f"SELECT table_name, option_value FROM {dataset}.INFORMATION_SCHEMA.TABLE_OPTIONS WHERE option_name = 'description'"
        found = {name: _option_text(value) for name, value in self.fetchall(sql)}
        views = self.fetchall(f"SELECT table_name FROM {dataset}.INFORMATION_SCHEMA.VIEWS")
        return {name: found.get(name) for (name,) in views}

    def set_fingerprint(self, view_sql_name: str, fingerprint: str) -> None:
        self.execute(
            f"ALTER VIEW {view_sql_name} SET OPTIONS (description = {exp.Literal.string(fingerprint).sql('bigquery')})"
        )


def _option_text(value: Any) -> str:
    """An INFORMATION_SCHEMA option value (a quoted, escaped string literal) as its text."""
    import json

    text = str(value)
    try:
        return str(json.loads(text))
    except ValueError:
        return text.strip('"')


def authorize(
    client: Any, authorizations: Sequence[Any], make_entry: Callable[[dict[str, str]], Any]
) -> list[str]:
    """Add each view to the access entries of each dataset it reads (an authorized view: its
    readers need no access to that dataset), one read and at most one update per dataset, and
    only the entries missing: a second apply changes nothing. Returns the datasets updated."""
    by_dataset: dict[str, list[dict[str, str]]] = {}
    for a in authorizations:
        project, dataset, table = a.view.split(".")
        by_dataset.setdefault(a.dataset, []).append(
            {"projectId": project, "datasetId": dataset, "tableId": table}
        )
    updated = []
    for name, refs in sorted(by_dataset.items()):
        dataset = client.get_dataset(name)
        entries = list(dataset.access_entries)
        present = [e.entity_id for e in entries if e.entity_type == "view"]
        missing = [r for r in refs if r not in present]
        if missing:
            dataset.access_entries = entries + [make_entry(r) for r in missing]
            client.update_dataset(dataset, ["access_entries"])
            updated.append(name)
    return updated


class RedshiftAdapter(PostgresAdapter):
    """Transactional DDL like PostgreSQL; redshift_connector instead of psycopg."""

    type = "redshift"
    extra = "redshift"
    driver_module = "redshift_connector"
    error_module = ""
    SUPPORTS_READ_ONLY_TRANSACTION = False

    def open_connection(self) -> Any:
        import redshift_connector

        c = self.config
        conn = redshift_connector.connect(
            host=c.host,
            port=c.port,
            database=c.dbname,
            user=c.user,
            password=c.password.get_secret_value() if c.password else None,
        )
        conn.autocommit = True
        return conn

    def on_connect(self) -> None:
        if self.config.statement_timeout_s:
            self.execute(f"SET statement_timeout TO {int(self.config.statement_timeout_s * 1000)}")


class DatabricksAdapter(SparkSqlMixin, DBAPIAdapter):
    type = "databricks"
    extra = "databricks"
    driver_module = "databricks.sql"
    SUPPORTS_TRANSACTIONS = False
    UNQUOTED_CASE = "insensitive"

    def open_connection(self) -> Any:
        from databricks import sql as dbsql

        c = self.config
        kwargs: dict[str, Any] = {
            "server_hostname": c.host,
            "http_path": c.http_path,
            "access_token": c.token.get_secret_value(),
        }
        if c.catalog:
            kwargs["catalog"] = c.catalog
        return dbsql.connect(**kwargs)


class FabricAdapter(DBAPIAdapter):
    """Fabric Warehouse over ODBC with a service principal; T-SQL DDL runs in a transaction."""

    type = "fabric"
    extra = "fabric"
    driver_module = "pyodbc"
    SUPPORTS_TRANSACTIONAL_DDL = True
    BEGIN = "BEGIN TRANSACTION"
    UNQUOTED_CASE = "insensitive"  # the default collations compare names ignoring case

    def open_connection(self) -> Any:
        import pyodbc

        c = self.config
        parts = {
            "Driver": "{" + c.driver + "}",
            "Server": c.server,
            "Database": c.database,
            "Encrypt": "yes",
            "Authentication": f"ActiveDirectory{c.authentication.removeprefix('ActiveDirectory')}"
            if c.authentication != "ServicePrincipal"
            else "ActiveDirectoryServicePrincipal",
        }
        if c.client_id:
            parts["UID"] = c.client_id
        if c.client_secret is not None:
            parts["PWD"] = c.client_secret.get_secret_value()
        # ODBC values in braces, with any closing brace doubled, so no value can add a keyword
        conn_str = ";".join(f"{k}={_odbc_value(v)}" for k, v in parts.items())
        return pyodbc.connect(conn_str, autocommit=True)

    def view_fingerprints(self, schema: str) -> dict[str, str | None]:
        sql = f"SELECT name FROM sys.views WHERE schema_id = SCHEMA_ID({exp.Literal.string(schema).sql('tsql')})"
        return {name: None for (name,) in self.fetchall(sql)}

    SUPPORTS_FINGERPRINTS = False

    def set_fingerprint(self, view_sql_name: str, fingerprint: str) -> None:
        """Fabric has no view comments: every apply replaces (and says so)."""


def _odbc_value(value: str) -> str:
    if value.startswith("{") and value.endswith("}"):
        return value
    return "{" + value.replace("}", "}}") + "}"

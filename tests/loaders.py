"""Copy the synthetic org from DuckDB into another engine (tests only). Small data: rows go
through the client here, which the product itself never does."""

from __future__ import annotations

from typing import Any

import duckdb

SOURCE_TABLES = [
    ("salesforce", "account"),
    ("salesforce", "contact"),
    ("salesforce", "lead"),
    ("salesforce", "opportunity"),
    ("salesforce", "opportunity_contact_role"),
    ("salesforce", "account_contact_relation"),
    ("braze", "user_latest_state_default_attributes_view_shared"),
]


def hubspot_tables(platform_schema: str = "braze") -> list[tuple[str, str]]:
    names = (
        "contact",
        "company",
        "deal",
        "deal_pipeline_stage",
        "deal_contact",
        "deal_company",
        "contact_company",
    )
    return [("hubspot", t) for t in names] + [
        (platform_schema, "user_latest_state_default_attributes_view_shared")
    ]


PG_TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "TIMESTAMP": "timestamp",
    "DATE": "date",
    "INTEGER": "integer",
    "BIGINT": "bigint",
}


def pg_type(duck_type: str) -> str:
    if duck_type.startswith("DECIMAL"):
        return duck_type.replace("DECIMAL", "numeric")
    return PG_TYPES[duck_type]


def duckdb_tables(
    path: str, tables: list[tuple[str, str]] = SOURCE_TABLES
) -> dict[tuple[str, str], tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]:
    con = duckdb.connect(path, read_only=True)
    try:
        out = {}
        for schema, table in tables:
            cols = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                [schema, table],
            ).fetchall()
            rows = con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()
            out[(schema, table)] = (cols, rows)
        return out
    finally:
        con.close()


def load_postgres(
    dsn: str, tables: dict[tuple[str, str], tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]
) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        for (schema, table), (cols, rows) in tables.items():
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            conn.execute(f'DROP TABLE IF EXISTS "{schema}"."{table}" CASCADE')
            coldefs = ", ".join(f'"{c}" {pg_type(t)}' for c, t in cols)
            conn.execute(f'CREATE TABLE "{schema}"."{table}" ({coldefs})')
            with conn.cursor() as cur, cur.copy(f'COPY "{schema}"."{table}" FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        conn.execute("ANALYZE")  # a real warehouse has statistics; plans depend on them


SF_TYPES = {
    "VARCHAR": "VARCHAR",
    "BOOLEAN": "BOOLEAN",
    "TIMESTAMP": "TIMESTAMP_NTZ",
    "DATE": "DATE",
    "INTEGER": "INTEGER",
    "BIGINT": "BIGINT",
}


def _sf_type(duck_type: str) -> str:
    return duck_type.replace("DECIMAL", "NUMBER") if duck_type.startswith("DECIMAL") else SF_TYPES[duck_type]


def load_snowflake(
    conn: Any, tables: dict[tuple[str, str], tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]
) -> None:
    """Through snowflake-connector-python (over fakesnow in the tests): each table created with
    its types, then filled with the connector's bulk loader, write_pandas (multi-row INSERTs took
    18 s for the 10k-row test org: fakesnow transpiles each statement)."""
    import pandas as pd
    from snowflake.connector.pandas_tools import write_pandas

    cur = conn.cursor()
    for (schema, table), (cols, rows) in tables.items():
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        coldefs = ", ".join(f"{c} {_sf_type(t)}" for c, t in cols)
        cur.execute(f"CREATE OR REPLACE TABLE {schema}.{table} ({coldefs})")
        if rows:
            frame = pd.DataFrame.from_records(rows, columns=[c.upper() for c, _ in cols])
            write_pandas(conn, frame, table.upper(), schema=schema.upper(), database=conn.database)


SPARK_TYPES = {
    "VARCHAR": "STRING",
    "BOOLEAN": "BOOLEAN",
    "TIMESTAMP": "TIMESTAMP",
    "DATE": "DATE",
    "INTEGER": "INT",
    "BIGINT": "BIGINT",
}


def load_spark(
    spark: Any, tables: dict[tuple[str, str], tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]
) -> None:
    for (schema, table), (cols, rows) in tables.items():
        spark.sql(f"CREATE DATABASE IF NOT EXISTS {schema}")
        ddl = ", ".join(f"`{c}` {t if t.startswith('DECIMAL') else SPARK_TYPES[t]}" for c, t in cols)
        df = spark.createDataFrame(rows, schema=ddl)
        df.write.mode("overwrite").saveAsTable(f"{schema}.{table}")


def load_duckdb(
    path: str, tables: dict[tuple[str, str], tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]
) -> None:
    """A DuckDB file holding exactly these tables (names quoted as given)."""
    con = duckdb.connect(path)
    try:
        for (schema, table), (cols, rows) in tables.items():
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            coldefs = ", ".join(f'"{c}" {t}' for c, t in cols)
            con.execute(f'CREATE OR REPLACE TABLE "{schema}"."{table}" ({coldefs})')
            if rows:
                _insert_duckdb(con, f'"{schema}"."{table}"', len(cols), rows)
    finally:
        con.close()


def _insert_duckdb(con: Any, target: str, width: int, rows: list[tuple[Any, ...]]) -> None:
    """The rows in one INSERT ... SELECT over an Arrow table (DuckDB casts each column to the
    table's type, as it does a bound parameter); executemany binds row by row and took 20-30 s a
    shape. Columns Arrow cannot type (mixed Python types) go through executemany."""
    import pyarrow as pa

    try:
        arrays = [pa.array([row[i] for row in rows]) for i in range(width)]
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        con.executemany(f"INSERT INTO {target} VALUES ({', '.join('?' * width)})", rows)
        return
    con.register("_b2b_rows", pa.Table.from_arrays(arrays, names=[f"c{i}" for i in range(width)]))
    try:
        con.execute(f"INSERT INTO {target} SELECT * FROM _b2b_rows")
    finally:
        con.unregister("_b2b_rows")


#: the tests' orgs are a few thousand rows, where Spark's time goes to planning each query, not
#: to reading: adaptive execution re-plans every stage and whole-stage code generation compiles
#: Java for every plan. Off, validate on the test org took 63 s instead of 92 s (local[2]).
#: Test settings only: the product sets neither.
TINY_DATA_CONFS = {"spark.sql.adaptive.enabled": "false", "spark.sql.codegen.wholeStage": "false"}
#: the tests' JVMs (the local session, the Connect server): one CPU as the JVM sees it, so one
#: JIT compiler thread pair and the serial collector instead of threads that compete with the other
#: pytest worker on a 2-core machine. Spark Connect apply, sync run and validate on the demo org:
#: 223 JVM CPU-s instead of 264, at the same wall time (issue 30's note, session 20).
TEST_JVM_OPTIONS = "-XX:ActiveProcessorCount=1"


def local_spark(warehouse: Any, app: str = "b2b-tests") -> Any:
    """The local Spark session the tests and bench.spark_validate use (the one every adapter gets:
    local[2], two shuffle partitions, no UI), its warehouse in `warehouse`."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config(map=TINY_DATA_CONFS)
        .config("spark.driver.extraJavaOptions", TEST_JVM_OPTIONS)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_profiles(directory: Any, warehouse: Any) -> None:
    """profiles.yml in `directory`: a local Spark target (local[2]) over `warehouse`."""
    (directory / "profiles.yml").write_text(
        f"b2b:\n  target: spark\n  outputs:\n    spark: {{type: spark, master: 'local[2]', warehouse_dir: '{warehouse}'}}\n",
        encoding="utf-8",
    )

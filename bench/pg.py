"""A throwaway PostgreSQL server for the cases that need one, and the demo org streamed into it
from DuckDB as CSV (COPY), never through Python rows."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the throwaway-server and loader helpers the tests use
import pg_server  # type: ignore[import-not-found]  # noqa: E402
from loaders import SOURCE_TABLES, pg_type  # type: ignore[import-not-found]  # noqa: E402


def load_postgres(
    duck_path: Path, dsn: str, work: Path, tables: list[tuple[str, str]] = SOURCE_TABLES
) -> None:
    import psycopg

    src = duckdb.connect(str(duck_path), read_only=True)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            for schema, table in tables:
                cols = src.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                    [schema, table],
                ).fetchall()
                csv = work / f"{schema}.{table}.csv"
                src.execute(f"COPY {schema}.{table} TO '{csv}' (HEADER, DELIMITER ',')")
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
                coldefs = ", ".join(f"{c} {pg_type(t)}" for c, t in cols)
                conn.execute(f"CREATE TABLE {schema}.{table} ({coldefs})")
                copy_in = f"COPY {schema}.{table} FROM STDIN (FORMAT csv, HEADER)"
                with conn.cursor() as cur, cur.copy(copy_in) as copy, csv.open("rb") as f:
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
                csv.unlink()
            conn.execute("ANALYZE")  # a warehouse has statistics; plans depend on them
    finally:
        src.close()


__all__ = ["load_postgres", "pg_server"]

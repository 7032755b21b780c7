"""The validate and segment comparisons again on a real PostgreSQL server (`--postgres N`): a
second engine with a different planner (CTEs read twice are materialised; no shared scans), so
that the DuckDB figures are not the only evidence. The org is the same DuckDB-built demo org,
streamed to the server as CSV (COPY), never through Python rows."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from bench.planner import case_planner
from bench.timing import interleaved
from bench.validate_case import per_check_statements, run_per_check, run_validate
from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.demo.run import DEMO_DB

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the throwaway-server and loader helpers the tests use
import pg_server  # type: ignore[import-not-found]  # noqa: E402
from loaders import SOURCE_TABLES, pg_type  # type: ignore[import-not-found]  # noqa: E402


def _load(duck_path: Path, dsn: str, work: Path, tables: list[tuple[str, str]] = SOURCE_TABLES) -> None:
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


def case_postgres(duck_project: Path, repeat: int) -> dict[str, Any]:
    from bench.cases import HEADLINE_SEGMENT, run_segment_pair

    server = pg_server.start()
    if server is None:
        return {"skipped": "no PostgreSQL server binaries (initdb, pg_ctl) on PATH"}
    work = Path(tempfile.mkdtemp(prefix="b2b-bench-pg-"))
    try:
        _load(duck_project / DEMO_DB, server.dsn(), work)
        shutil.copy(duck_project / "b2b_project.yml", work / "b2b_project.yml")
        server.write_profiles(work)
        ctx = ProjectContext(work)
        apply(ctx)
        statements = per_check_statements(ctx, "postgres")
        t = interleaved(
            {"validate": lambda: run_validate(ctx), "per_check": lambda: run_per_check(ctx, statements)},
            repeat=repeat,
        )
        segment = run_segment_pair(ctx, HEADLINE_SEGMENT, "postgres", repeat)
        planner = case_planner(server.dsn(), repeat=1)
        duck = interleaved({"validate": lambda: run_validate(ProjectContext(duck_project))}, repeat=repeat)
        return {
            "timing": {k: v.as_dict() for k, v in t.items()},
            "per_check_over_validate": round(t["per_check"].median_s / t["validate"].median_s, 3),
            "duckdb_validate": duck["validate"].as_dict(),
            "validate_over_duckdb": round(t["validate"].median_s / duck["validate"].median_s, 2),
            "segment": segment,
            "planner": planner,
        }
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

"""Validate through Spark Connect (`--spark-connect N`): a throwaway Spark Connect server (the
pyspark wheel's own), the demo org loaded from Parquet files the server reads itself, the views
applied, then validate timed three ways: one statement per check, one per view (what the
databricks dialect sends) and the single combined statement (what most other engines get).
Whether Spark's planner takes each, and which is fastest, is the result."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.demo.run import DEMO_DB
from toolkit.dialects import get_or_raise
from toolkit.validate.runner import run_validation

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import spark_connect_server  # type: ignore[import-not-found]  # noqa: E402
from loaders import SOURCE_TABLES  # type: ignore[import-not-found]  # noqa: E402


def _load(duck_path: Path, remote: str, work: Path) -> None:
    from pyspark.sql import SparkSession

    src = duckdb.connect(str(duck_path), read_only=True)
    client = SparkSession.builder.remote(remote).getOrCreate()
    try:
        for schema, table in SOURCE_TABLES:
            path = work / f"{schema}.{table}.parquet"
            src.execute(f"COPY {schema}.{table} TO '{path}' (FORMAT parquet)")
            client.sql(f"CREATE DATABASE IF NOT EXISTS {schema}")
            client.read.parquet(str(path)).write.mode("overwrite").saveAsTable(f"{schema}.{table}")
    finally:
        client.stop()
        src.close()


#: how the validator may send its checks to Spark: (CHECKS_IN_ONE_STATEMENT, CHECKS_PER_VIEW kept)
MODES = {"per_check": (False, False), "per_view": (False, True), "one_statement": (True, False)}


def _timed(ctx: ProjectContext, mode: str) -> tuple[float, Any]:
    dialect = type(get_or_raise("databricks"))
    before = dialect.CHECKS_IN_ONE_STATEMENT, dialect.CHECKS_PER_VIEW
    one, per_view = MODES[mode]
    dialect.CHECKS_IN_ONE_STATEMENT, dialect.CHECKS_PER_VIEW = one, before[1] if per_view else None
    try:
        started = time.perf_counter()
        report = run_validation(ProjectContext(ctx.project_dir))
        return time.perf_counter() - started, report
    finally:
        dialect.CHECKS_IN_ONE_STATEMENT, dialect.CHECKS_PER_VIEW = before


def case_spark_connect(duck_project: Path, repeat: int) -> dict[str, Any]:
    try:
        server = spark_connect_server.start()
    except RuntimeError as exc:
        return {"skipped": str(exc).splitlines()[0]}
    if server is None:
        return {"skipped": "pyspark (with its Spark Connect server) or Java not found"}
    work = Path(tempfile.mkdtemp(prefix="b2b-bench-spark-"))
    try:
        _load(duck_project / DEMO_DB, server.remote, work)
        shutil.copy(duck_project / "b2b_project.yml", work / "b2b_project.yml")
        server.write_profiles(work)
        ctx = ProjectContext(work)
        apply(ctx)
        runs: dict[str, list[float]] = {mode: [] for mode in MODES}
        outcome: dict[str, Any] = {}
        for _ in range(max(repeat, 1)):
            for mode in runs:
                seconds, report = _timed(ctx, mode)
                runs[mode].append(round(seconds, 2))
                outcome[mode] = {
                    "status": report.status,
                    "errored": report.count("error"),
                    "statements": report.statements,
                    "numbers": sorted((r.name, r.view, r.failing, r.total) for r in report.results),
                }
        same = all(outcome[m]["numbers"] == outcome["per_check"]["numbers"] for m in MODES)
        medians = {k: sorted(v)[len(v) // 2] for k, v in runs.items()}
        return {
            "runs_s": runs,
            "median_s": medians,
            "statements": {k: outcome[k]["statements"] for k in runs},
            "errored": {k: outcome[k]["errored"] for k in runs},
            "same_numbers": same,
            "per_view_over_per_check": round(medians["per_view"] / medians["per_check"], 3),
            "one_statement_over_per_check": round(medians["one_statement"] / medians["per_check"], 3),
        }
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

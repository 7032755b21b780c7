"""`python -m bench.spark_validate [CONTACTS] [--no-user-sync]`: `b2b validate` on a local Spark
session (local[2], as the tests run it) over the small demo org (the tests' 3,000 contacts by
default), after an untimed apply. Issue 14's target: no slower than 53 s, measured when the demo
had no CDI user sync views (--no-user-sync builds that project: 9 views; 24 checks then, 35 now).
That figure does not reproduce today: the filing's code (7492bad), through this script on this
machine, took 106.7 s then 82.1 s; this code 104.2 s then 82.2 s (2026-11-27, idle). Prints each
of two runs; run it on an otherwise idle machine (Spark's JVM wants both cores)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.demo.run import DEMO_DB, build_demo_database, write_demo_project
from toolkit.validate.runner import run_validation

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import loaders  # type: ignore[import-not-found]  # noqa: E402

SMALL_ORG = 3000  # tests/conftest.py's SMALL_ORG


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.spark_validate")
    ap.add_argument("contacts", type=int, nargs="?", default=SMALL_ORG)
    ap.add_argument("--no-user-sync", action="store_true", help="the demo without the CDI user sync views")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="b2b-bench-spark-"))
    try:
        write_demo_project(work, user_sync=not args.no_user_sync)
        build_demo_database(work / DEMO_DB, args.contacts)
        tables = loaders.duckdb_tables(str(work / DEMO_DB))
        warehouse = work / "warehouse"
        spark = loaders.local_spark(warehouse, app="b2b-bench")
        loaders.load_spark(spark, tables)
        loaders.spark_profiles(work, warehouse)
        apply(ProjectContext(work))
        for _ in range(2):
            started = time.perf_counter()
            report = run_validation(ProjectContext(work))
            print(
                f"validate on Spark (local[2]), {args.contacts:,} contacts: "
                f"{time.perf_counter() - started:.1f} s, {len(report.results)} checks",
                flush=True,
            )
        spark.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The validate and segment comparisons again on a real PostgreSQL server (`--postgres N`): a
second engine with a different planner (CTEs read twice are materialised; no shared scans), so
that the DuckDB figures are not the only evidence. The org is the same DuckDB-built demo org,
streamed to the server as CSV (COPY), never through Python rows."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from bench.pg import load_postgres, pg_server
from bench.planner import case_planner
from bench.timing import interleaved
from bench.validate_case import per_check_statements, run_per_check, run_validate
from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.demo.run import DEMO_DB


def case_postgres(duck_project: Path, repeat: int) -> dict[str, Any]:
    from bench.cases import HEADLINE_SEGMENT, run_segment_pair

    server = pg_server.start()
    if server is None:
        return {"skipped": "no PostgreSQL server binaries (initdb, pg_ctl) on PATH"}
    work = Path(tempfile.mkdtemp(prefix="b2b-bench-pg-"))
    try:
        load_postgres(duck_project / DEMO_DB, server.dsn(), work)
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

"""The bench's cached demo orgs (bench/.data/<contacts>/, built once per scale and re-applied with
this checkout's views) and the machine a run was measured on. Every case takes its org from here."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import shutil
import time
from pathlib import Path
from typing import Any

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.demo.run import DEMO_DB, build_demo_database, write_demo_project

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
BENCH_SEGMENT = (
    "\n  all_accounts:\n    kind: accounts\n    description: every live account (the export benchmark)\n"
)


def prepare(n: int) -> Path:
    d = DATA / str(n)
    marker = d / "built.json"
    if not (marker.exists() and json.loads(marker.read_text()).get("contacts") == n):
        if d.exists():
            shutil.rmtree(d)
        # the copy path's user sync views off: validate's figures stay comparable from run to
        # run (the sync views have their own case, --sync)
        write_demo_project(d, max_contacts=10_000, user_sync=False)
        with (d / "b2b_project.yml").open("a") as fh:
            fh.write(BENCH_SEGMENT)
        t = time.perf_counter()
        build_demo_database(d / DEMO_DB, n)
        apply(ProjectContext(d))
        marker.write_text(json.dumps({"contacts": n, "build_s": round(time.perf_counter() - t, 1)}))
    apply(ProjectContext(d))  # the cached org gets the views of this checkout (a no-op if unchanged)
    return d


def rows_fetched_bound(project: Path) -> int:
    """What validate can pull at most, whatever the data: the metric rows of every check plus
    sample_size rows per sample query; the catalog queries that list the views (twice: present,
    and their source fingerprints); the source's columns (one row each: the metadata query);
    one MAX(loaded-at) row per CRM table (source_freshness)."""
    from toolkit.dialects import get_or_raise
    from toolkit.validate.runner import plan_for

    ctx = ProjectContext(project)
    with ctx.adapter() as adapter:
        ctx.bind_live(adapter)
    plan = plan_for(ctx, get_or_raise("duckdb"))
    k = ctx.config.checks.sample_size
    source = ctx.live_source
    columns = sum(len(t.columns) for t in source.tables.values()) if source else 0
    return (
        sum(len(c.labels) + k * len(c.samples) for c in plan.checks)
        + 2 * len(ctx.project.entities())
        + columns
        + len(ctx.crm.tables())
    )


def _sqlglot_compiled() -> bool:
    """sqlglot's mypyc build (the [fast] extra) replaces its modules with extension modules."""
    import sqlglot.parser

    return not str(sqlglot.parser.__file__).endswith(".py")


def machine() -> dict[str, Any]:
    import duckdb
    import sqlglot

    mem = "?"
    with contextlib.suppress(OSError):
        mem = f"{int(Path('/proc/meminfo').read_text().split()[1]) / 2**20:.1f} GiB"
    return {
        "cores": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "sqlglot": sqlglot.__version__ + (" compiled (sqlglotc)" if _sqlglot_compiled() else " pure Python"),
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }

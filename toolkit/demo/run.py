"""`b2b demo`: a synthetic org in an embedded DuckDB, then generate, apply, count (and validate
and preview a segment, once those exist), saying where everything is."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.config.profiles import PROFILES_FILE
from toolkit.config.project import ENTITIES, PROJECT_FILE
from toolkit.demo.synthetic import Manifest, build
from toolkit.scaffold import profiles_yaml, project_yaml

DEMO_DB = "demo.duckdb"


@dataclass
class DemoResult:
    directory: Path
    database: Path
    manifest: Manifest
    generated: list[Path] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def write_demo_project(directory: Path, max_contacts: int = 1000) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / PROJECT_FILE).write_text(
        project_yaml(
            name="demo",
            extra_fields="  account: {territory: territory__c}\n",
            max_contacts=max_contacts,
        ),
        encoding="utf-8",
    )
    (directory / PROFILES_FILE).write_text(profiles_yaml(DEMO_DB), encoding="utf-8")


def build_demo_database(path: Path, contacts: int) -> Manifest:
    import duckdb

    if path.exists():
        path.unlink()
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        wal.unlink()
    con = duckdb.connect(str(path))
    try:
        return build(con, contacts)
    finally:
        con.close()


def run_demo(directory: Path, contacts: int, step: Callable[[str], None] = lambda _: None) -> DemoResult:
    from toolkit.apply import apply
    from toolkit.context import ProjectContext
    from toolkit.dialects import TARGETS
    from toolkit.transpile import compile_views, write_views

    directory = directory.resolve()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    write_demo_project(directory)
    step(f"building a synthetic Salesforce org with {contacts:,} contacts in {directory / DEMO_DB}")
    manifest = build_demo_database(directory / DEMO_DB, contacts)
    timings["build"] = time.perf_counter() - t

    ctx = ProjectContext(directory)
    t = time.perf_counter()
    step("generating the views for every dialect")
    generated = write_views(compile_views(ctx, list(TARGETS)), directory / "target")
    timings["generate"] = time.perf_counter() - t

    t = time.perf_counter()
    step("applying the views to the demo warehouse")
    apply(ctx)
    timings["apply"] = time.perf_counter() - t

    t = time.perf_counter()
    counts: dict[str, int] = {}
    with ctx.adapter() as adapter:
        for entity in ENTITIES:
            name = ctx.renderer().view(entity).sql(dialect="duckdb")
            counts[ctx.project.view_name(entity)] = int(
                adapter.fetchall(f"SELECT COUNT(*) FROM {name}")[0][0]
            )
    timings["count"] = time.perf_counter() - t
    return DemoResult(directory, directory / DEMO_DB, manifest, generated, counts, timings)

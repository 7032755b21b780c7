"""The benchmark cases. Each returns a dict of figures; ratios are against a baseline run in the
same process, interleaved, so that machine noise hits both alike."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.timing import interleaved, measure
from bench.validate_case import (
    per_check_statements,
    run_handwritten,
    run_per_check,
    run_validate,
    same_numbers,
)
from toolkit.context import ProjectContext

ROOT = Path(__file__).resolve().parent.parent


def _child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def case_generate(project: Path, repeat: int) -> dict[str, Any]:
    """`b2b generate` as a whole process (interpreter start included) for the default project
    (the five core views: catalogs off), in two states: cold (a new out folder: no DDL cache)
    and warm (the same out folder again, nothing changed: every view from the cache). Jinja's
    compiled templates are cached per machine, so after the first run both states have them."""
    with tempfile.TemporaryDirectory(prefix="b2b-bench-gen-") as tmp:
        core = project_over(
            project, Path(tmp) / "project", lambda text: text.replace("catalogs: true", "catalogs: false")
        )
        runs = iter(range(10**6))

        def generate(out: Path) -> None:
            cmd = [
                sys.executable,
                "-m",
                "toolkit.cli",
                "generate",
                "--project-dir",
                str(core),
                "--out",
                str(out),
            ]
            subprocess.run(cmd, check=True, capture_output=True, env=_child_env())

        cold = measure(lambda: generate(Path(tmp) / f"cold{next(runs)}"), repeat=repeat)
        warm = measure(lambda: generate(Path(tmp) / "warm"), repeat=repeat)
        files = len(list((Path(tmp) / "warm").rglob("*.sql")))
    return {
        "timing": warm.as_dict(),
        "cold": cold.as_dict(),
        "files": files,
        "spread": round(warm.spread, 3),
    }


def case_validate(project: Path, repeat: int) -> dict[str, Any]:
    ctx = ProjectContext(project)
    report = run_validate(ctx)
    mismatches = same_numbers(report, run_handwritten(ctx))
    if mismatches:
        raise SystemExit("hand-written baseline disagrees with validate:\n" + "\n".join(mismatches))
    statements = per_check_statements(ctx)
    t = interleaved(
        {
            "validate": lambda: run_validate(ctx),
            "handwritten": lambda: run_handwritten(ctx),
            "per_check": lambda: run_per_check(ctx, statements),
        },
        repeat=repeat,
    )
    return {
        "timing": {k: v.as_dict() for k, v in t.items()},
        "validate_over_handwritten": round(t["validate"].median_s / t["handwritten"].median_s, 3),
        "per_check_over_validate": round(t["per_check"].median_s / t["validate"].median_s, 3),
        "rows_fetched": report.rows_fetched,
        "statements": report.statements,
        "checks": len(report.results),
    }


HEADLINE_SEGMENT = "software_open_pipeline"  # the hardest: account and opportunity filters


def run_segment_pair(ctx: ProjectContext, name: str, dialect: str, repeat: int) -> dict[str, Any]:
    """One demo segment compiled over the views vs its hand-written SQL over the raw tables, in
    `dialect`, on ctx's engine: same users first, then timed interleaved on one connection."""
    import sqlglot

    from bench.segment_reference import BASE, REFERENCE
    from toolkit.segments.compile import SegmentCompiler, get_segment

    ours = SegmentCompiler(ctx).compile(get_segment(ctx, name), dialect).sql
    theirs = sqlglot.transpile(BASE + REFERENCE[name], write=dialect)[0]
    with ctx.adapter() as adapter:

        def run(sql: str) -> set[str]:
            return {str(r[0]) for r in adapter.fetchall(sql)}

        got, want = run(ours), run(theirs)
        if got != want:
            raise SystemExit(f"segment {name}: {len(got)} users vs {len(want)} hand-written")
        t = interleaved({"segment": lambda: run(ours), "handwritten": lambda: run(theirs)}, repeat=repeat)
    return {
        "users": len(got),
        "timing": {k: v.as_dict() for k, v in t.items()},
        "segment_over_handwritten": round(t["segment"].median_s / t["handwritten"].median_s, 3),
    }


def case_segment(project: Path, repeat: int) -> dict[str, Any]:
    """People segments over the views vs the same segments hand-written over the raw tables. The
    target is judged on HEADLINE_SEGMENT; every demo segment is timed and reported."""
    from bench.segment_reference import REFERENCE

    ctx = ProjectContext(project)
    each = {
        name: run_segment_pair(ctx, name, "duckdb", repeat)
        for name in sorted(REFERENCE, key=lambda k: k != HEADLINE_SEGMENT)
    }
    return {"segment": HEADLINE_SEGMENT, **each[HEADLINE_SEGMENT], "all": each}


HWM = (
    "import atexit, sys; atexit.register(lambda: sys.stderr.write('VMHWM ' + "
    "next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1] + chr(10)))\n"
)
B2B = "import sys; from toolkit.cli import main; main(sys.argv[1:])"


def _peak_rss_mb(
    code: str, *args: str, python: str = sys.executable, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Run `code` in a fresh interpreter; return (its peak RSS in MiB, seconds). The peak is the
    child's own VmHWM, read at exit (the kernel's ru_maxrss would count the forked parent)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [python, "-c", HWM + code, *args],
        capture_output=True,
        text=True,
        env=env or _child_env(),
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # validate exits 1 on the demo's injected defects
        raise SystemExit(
            f"benchmark child failed ({proc.returncode}): {proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    kib = [line.split()[1] for line in proc.stderr.splitlines() if line.startswith("VMHWM ")]
    return int(kib[-1]) / 1024, elapsed


def project_over(org: Path, into: Path, edit: Callable[[str], str] = lambda text: text) -> Path:
    """A project folder `into` over the org's DuckDB file: its b2b_project.yml (through `edit`)
    and a profiles.yml that points at the org's database by its absolute path."""
    into.mkdir(parents=True, exist_ok=True)
    (into / "b2b_project.yml").write_text(edit((org / "b2b_project.yml").read_text()))
    profiles = (org / "profiles.yml").read_text()
    (into / "profiles.yml").write_text(profiles.replace("demo.duckdb", str((org / "demo.duckdb").resolve())))
    return into


ENGINE_ONLY = r"""
import sys, duckdb
sys.path.insert(0, sys.argv[2])
from bench.validate_case import HANDWRITTEN, _suffix_macro
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute(_suffix_macro())
con.execute(HANDWRITTEN.read_text().replace("$max_contacts", sys.argv[3])).fetchall()
"""


def case_memory(project: Path) -> dict[str, Any]:
    ctx = ProjectContext(project)
    validate_rss, _ = _peak_rss_mb(
        B2B, "validate", "--project-dir", str(project), "--format", "json", "--output", os.devnull
    )
    limit = str(ctx.config.checks.max_contacts_per_account)
    engine_rss, _ = _peak_rss_mb(ENGINE_ONLY, str(project / "demo.duckdb"), str(ROOT), limit)
    with tempfile.TemporaryDirectory(prefix="b2b-bench-export-") as tmp:  # the CSV is 100 MiB at 10M
        out = Path(tmp) / "accounts.csv"
        export_rss, export_s = _peak_rss_mb(
            B2B, "segment", "export", "all_accounts", "--project-dir", str(project), "--out", str(out)
        )
        with out.open() as f:
            rows = sum(1 for _ in f) - 1
        csv_mb = out.stat().st_size / 2**20
    return {
        "validate_peak_rss_mb": round(validate_rss, 1),
        "engine_only_baseline_peak_rss_mb": round(engine_rss, 1),
        "validate_over_engine_rss": round(validate_rss / engine_rss, 3),
        "export_rows": rows,
        "export_peak_rss_mb": round(export_rss, 1),
        "export_seconds": round(export_s, 2),
        "csv_mb": round(csv_mb, 1),
    }

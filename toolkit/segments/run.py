"""Preview a segment (exact count, bounded sample) and export an account list to CSV.

The export is the one deliberate copy out of the warehouse: rows stream in batches through the
driver's cursor and straight into the file, so the client's memory stays flat."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlglot import exp

from toolkit.context import ProjectContext
from toolkit.dialects import PROFILE_DIALECT, get_or_raise
from toolkit.segments.compile import CompiledSegment, SegmentCompiler, get_segment
from toolkit.validate.guard import ensure_read_only

LINKEDIN_MIN, LINKEDIN_MAX = 300, 300_000


@dataclass
class Preview:
    compiled: CompiledSegment
    count: int
    sample: list[tuple[Any, ...]]
    warnings: list[str] = field(default_factory=list)


def compile_for_target(ctx: ProjectContext, name: str) -> CompiledSegment:
    return SegmentCompiler(ctx).compile(get_segment(ctx, name), PROFILE_DIALECT[ctx.target.type])


def _wrap(compiled: CompiledSegment, build: Callable[[exp.Expr], exp.Query]) -> str:
    dialect = get_or_raise(compiled.dialect)
    inner = exp.Subquery(this=compiled.tree.copy(), alias=exp.TableAlias(this=exp.to_identifier("s")))
    return ensure_read_only(
        dialect.generate(build(inner), pretty=False), dialect.sqlglot_name, f"segment {compiled.segment.name}"
    )


def size_warnings(compiled: CompiledSegment, count: int) -> list[str]:
    if compiled.segment.kind != "accounts":
        return []
    if count < LINKEDIN_MIN:
        return [
            f"{count} companies: LinkedIn needs at least {LINKEDIN_MIN} rows for a company list to be usable"
        ]
    if count > LINKEDIN_MAX:
        return [f"{count:,} companies: LinkedIn accepts at most {LINKEDIN_MAX:,} rows per company list"]
    return []


def preview(ctx: ProjectContext, name: str) -> Preview:
    compiled = compile_for_target(ctx, name)
    k = ctx.config.checks.sample_size
    count_sql = _wrap(compiled, lambda s: exp.select(exp.Count(this=exp.Star())).from_(s))
    first = exp.column(compiled.columns[0], table="s")
    sample_sql = _wrap(compiled, lambda s: exp.select(exp.Star()).from_(s).order_by(first).limit(k))
    with ctx.adapter() as adapter, adapter.transaction(read_only=True):
        count = int(adapter.fetchall(count_sql)[0][0])
        sample = adapter.fetchall(sample_sql) if k else []
    return Preview(compiled, count, sample, size_warnings(compiled, count))


def export_csv(
    ctx: ProjectContext,
    name: str,
    out: Path,
    batch_size: int = 10_000,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> tuple[int, list[str]]:
    compiled = compile_for_target(ctx, name)
    count_sql = _wrap(compiled, lambda s: exp.select(exp.Count(this=exp.Star())).from_(s))
    order = [exp.column(c, table="s") for c in compiled.columns[:2]]
    rows_sql = _wrap(compiled, lambda s: exp.select(exp.Star()).from_(s).order_by(*order))
    written = 0
    tmp = out.with_name(out.name + ".part")
    # read only, as preview and validate: a READ ONLY transaction where the engine has one
    with ctx.adapter() as adapter, adapter.transaction(read_only=True):
        total = int(adapter.fetchall(count_sql)[0][0])
        progress(0, total)
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(compiled.columns)
            for batch in adapter.fetch_batches(rows_sql, batch_size):
                writer.writerows(["" if v is None else v for v in row] for row in batch)
                written += len(batch)
                progress(written, total)
    tmp.replace(out)  # a failed export leaves no half-written file behind
    return written, size_warnings(compiled, written)

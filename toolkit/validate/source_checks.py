"""The checks on the source itself, beside the checks on the views:

- `source_drift`: the CRM tables changed under the applied views. A view whose fingerprint was
  bound to other source columns than the live ones (a column dropped, added back, retyped) is
  stale: it fails to read, or reads NULLs where there were values. Also names every column that
  differs from source_schema.yml.
- `source_freshness`: the loader's own sync timestamp per table (`_fivetran_synced`, or
  `source.loaded_at_column`) against `checks.max_source_age_hours`. A stalled sync makes every
  segment wrong while every other check passes (dbt's `source freshness`, in the same run).

Both read metadata or one MAX per table: a row per table leaves the warehouse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlglot import exp

from toolkit.apply import source_part
from toolkit.context import ProjectContext
from toolkit.dialects import TargetDialect
from toolkit.render import ident
from toolkit.source.drift import drift_lines
from toolkit.source.schema import SOURCE_SCHEMA_FILE
from toolkit.validate.results import CheckResult
from toolkit.warehouse.base import Adapter


def stale_views(ctx: ProjectContext, adapter: Adapter) -> list[str]:
    """Applied views bound to other source columns than the live ones (by the `src:` part of
    their fingerprint), as `view` names. Views applied before fingerprints carried it are
    not judged."""
    renderer = ctx.renderer()
    stored = adapter.view_fingerprints(adapter.catalog_name(ctx.config.output.schema_))
    out = []
    for entity in ctx.project.entities(ctx.config):
        name = ctx.project.view_name(entity)
        recorded = source_part(stored.get(adapter.catalog_name(name)))
        if recorded is None:
            continue
        tables = {t.name.lower() for t in renderer.render(entity).query.find_all(exp.Table)}
        if recorded != ctx.crm.signature(tables):
            out.append(name)
    return out


def drift_check(ctx: ProjectContext, adapter: Adapter, severity: str) -> CheckResult:
    stale = stale_views(ctx, adapter)
    filled = [f"{o.table}.{f}" for o in ctx.crm.objects.values() if o.table for f in o.filled]
    drifted = (
        drift_lines(ctx.recorded_source, ctx.live_source, ctx.crm) if ctx.live_source is not None else []
    )
    lacks = f" (the source now lacks: {', '.join(filled)})" if filled and not drifted else ""
    sample = [
        f"{v}: applied over other source columns than the live ones; run `b2b apply`{lacks}" for v in stale
    ]
    sample += [f"{line} (since {SOURCE_SCHEMA_FILE})" for line in drifted]
    if stale and severity != "info":
        status = "fail" if severity == "error" else "warn"
    else:
        status = "warn" if drifted and severity != "info" else "pass"
    k = ctx.config.checks.sample_size
    return CheckResult(
        "source_drift",
        _source_name(ctx),
        status,
        severity,
        failing=len(stale) + len(drifted),
        total=len(ctx.project.entities(ctx.config)),
        diagnosis={"stale_views": len(stale), "drifted_columns": len(drifted)},
        sample=sample[:k] if k else [],
        sql="-- the engine's catalog: information_schema.columns (Spark: DESCRIBE TABLE)",
    )


def freshness_sql(ctx: ProjectContext, dialect: TargetDialect) -> tuple[str | None, list[str]]:
    """One statement: (table, MAX(loaded-at)) per CRM table that has the column; and the tables
    that have none."""
    renderer = ctx.renderer()
    branches: list[exp.Query] = []
    without: list[str] = []
    for obj in ctx.crm.objects.values():
        if not obj.table:
            continue
        if obj.loaded_at is None:
            without.append(obj.table)
            continue
        source = renderer.sources[obj.name]
        col = exp.to_column(source.column("t", obj.loaded_at))
        branches.append(
            exp.select(
                exp.alias_(exp.Literal.string(obj.table), "source_table"),
                exp.alias_(exp.Max(this=col), "loaded_at"),
            ).from_(exp.alias_(exp.to_table(source.table), "t", table=True))
        )
    if not branches:
        return None, without
    query: exp.Query = branches[0]
    for b in branches[1:]:
        query = exp.union(query, b, distinct=False)
    return dialect.generate(query), without


def freshness_check(
    ctx: ProjectContext,
    dialect: TargetDialect,
    severity: str,
    run: Callable[[str], list[tuple[Any, ...]]],
    now: dt.datetime | None = None,
) -> CheckResult:
    sql, without = freshness_sql(ctx, dialect)
    limit = ctx.config.checks.max_source_age_hours
    name = "source_freshness"
    if sql is None:
        column = ctx.config.source.loaded_at_column or "_fivetran_synced"
        return CheckResult(
            name,
            _source_name(ctx),
            "warn" if severity != "info" else "pass",
            severity,
            failing=None,
            total=0,
            message=f"no CRM table has a loaded-at column ({column}): freshness is not measured; "
            "set source.loaded_at_column to your loader's sync timestamp, or checks.severity.source_freshness: off",
        )
    now = now or dt.datetime.now(dt.timezone.utc)
    stale: list[str] = []
    ages: dict[str, float] = {}
    for table, loaded in run(sql):
        if loaded is None:
            stale.append(f"{table}: never synced (no rows, or no loaded-at value)")
            continue
        at = _as_utc(loaded)
        hours = (now - at).total_seconds() / 3600
        ages[str(table)] = hours
        if hours > limit:
            stale.append(
                f"{table}: last synced {at:%Y-%m-%d %H:%M} UTC, {hours:,.1f} h ago (limit {limit:g} h)"
            )
    bad = bool(stale) and severity != "info"
    message = f"tables without the loaded-at column: {', '.join(without)}" if without else None
    k = ctx.config.checks.sample_size
    return CheckResult(
        name,
        _source_name(ctx),
        ("fail" if severity == "error" else "warn") if bad else "pass",
        severity,
        failing=len(stale),
        total=len(ages) + sum(1 for s in stale if "never synced" in s),
        threshold=limit,
        sample=sorted(stale)[:k] if k else [],
        sql=sql,
        message=message,
    )


def _as_utc(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    # a timestamp without a zone is the loader's UTC (Fivetran writes UTC)
    return (
        value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)
    )


def _source_name(ctx: ProjectContext) -> str:
    src = ctx.config.source
    return ".".join(ident(p).name for p in (src.database, src.schema_) if p)

"""Run the checks in the warehouse: one read-only statement for all of them, exact counts,
bounded samples. Only a few rows per check ever leave the warehouse (`rows_fetched`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sqlglot
from sqlglot import exp

from toolkit.config.project import ProjectConfig
from toolkit.context import ProjectContext
from toolkit.dialects import PROFILE_DIALECT, TargetDialect, get_or_raise
from toolkit.errors import B2BError, ConfigError, WarehouseError
from toolkit.render import parse_table_name
from toolkit.validate.checks import CAUSES, CheckSQL, Plan, build_plan, crm_causes, grouped, severities
from toolkit.validate.guard import ensure_read_only
from toolkit.validate.results import CheckResult, ValidationReport
from toolkit.validate.source_checks import drift_check, freshness_check
from toolkit.validate.statements import Choice, choose
from toolkit.warehouse.base import Adapter


def compile_sql(canonical: str, dialect: TargetDialect) -> str:
    tree = sqlglot.parse_one(canonical)
    return dialect.generate(dialect.expand(tree))


def compile_plan(plan: Plan, dialect: TargetDialect) -> tuple[str, dict[int, str]]:
    """The combined statement and every check's standalone one (keyed by id(check)), in the
    target dialect, from ONE parse: the standalone statements are assembled from the combined
    statement's CTE trees (parsing 25 statements of the same CTEs cost more than the checks at
    100k contacts). Equal to compile_sql(plan.standalone(check)), which a test holds."""
    tree = dialect.expand(sqlglot.parse_one(plan.statement))
    with_ = tree.args.get("with_")
    ctes = {cte.alias: cte.this for cte in with_.expressions} if with_ is not None else {}
    standalone: dict[int, str] = {}
    for check in plan.checks:
        q = exp.select("*").from_(exp.to_table(check.metrics_cte))
        for name in check.metrics:
            q = q.with_(name, as_=ctes[name].copy(), copy=False)
        standalone[id(check)] = dialect.generate(q)
    return dialect.generate(tree), standalone


def _status(check: CheckSQL, failing: int, total: int, threshold: float | None, rate: float | None) -> str:
    if check.severity == "info":
        return "pass"
    bad = (
        (rate is not None and threshold is not None and rate < threshold)
        if check.name == "user_id_in_platform"
        else failing > 0
    )
    if not bad:
        return "pass"
    return "fail" if check.severity == "error" else "warn"


def _result(
    ctx: ProjectContext, check: CheckSQL, metrics: dict[str, int], samples: list[tuple[str, str]], sql: str
) -> CheckResult:
    total = int(metrics.get("total") or 0)
    labels = [label for label in check.labels if label != "total"]
    diagnosis = None
    rate = threshold = None
    view = ctx.project.view_name(check.entity)
    if labels == ["failing"]:
        failing = int(metrics.get("failing") or 0)
    else:
        diagnosis = {label: int(metrics.get(label) or 0) for label in labels}
        failing = sum(diagnosis.values())
    message = None
    if check.name == "user_id_in_platform":
        threshold = ctx.config.checks.min_match_rate
        rate = round((total - failing) / total, 6) if total else None
        diagnosis = {c: n for c in CAUSES if (n := (diagnosis or {}).get(c, 0))}
        if total == 0:
            message = f"{view} has no rows"
    if check.name == "user_id_format" and ctx.config.identity.strategy == "email" and diagnosis:
        message = "user_id is an email (identity.strategy: email): a poor key, it changes when people do"
    sample = [value for _label, value in samples]
    status = _status(check, failing, total, threshold, rate)
    if check.name == "user_id_in_platform" and total == 0 and check.severity != "info":
        status = "warn"
    return CheckResult(
        check.name,
        view,
        status,
        check.severity,
        failing,
        total,
        rate,
        threshold,
        diagnosis,
        sample,
        sql,
        message,
    )


def _parse_rows(
    rows: list[tuple[Any, ...]],
) -> tuple[dict[tuple[str, str], dict[str, int]], dict[tuple[str, str], list[tuple[str, str]]]]:
    metrics: dict[tuple[str, str], dict[str, int]] = {}
    samples: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for kind, name, entity, label, n, value in rows:
        key = (str(name), str(entity))
        if kind == "count":
            metrics.setdefault(key, {})[str(label)] = int(n) if n is not None else 0
        else:
            samples.setdefault(key, []).append((str(label), str(value)))
    for values in samples.values():
        values.sort(key=lambda lv: lv[1])
    return metrics, samples


def _ensure_views(ctx: ProjectContext, adapter: Adapter) -> None:
    present = adapter.view_fingerprints(adapter.catalog_name(ctx.config.output.schema_))
    names = [ctx.project.view_name(e) for e in ("contacts", "leads", "accounts", "opportunities", "users")]
    missing = [n for n in names if adapter.catalog_name(n) not in present]
    if missing:
        raise ConfigError(
            f"target {ctx.target.name!r}: view(s) {', '.join(missing)} not found in schema {ctx.config.output.schema_!r}",
            hint="run `b2b apply` first",
        )


def statements_choice(ctx: ProjectContext, adapter: Adapter) -> Choice:
    """One statement or one per view, from the profile's validate_statements and, on auto, the
    rows of the tables the checks read (the CRM's and the platform's IDs, from the engine's
    metadata) against its memory limit."""
    mode = getattr(ctx.target.conn, "validate_statements", "auto")
    if mode != "auto":
        return choose(mode, None, None)
    live = ctx.live_source
    if live is None or not live.tables:
        return choose(mode, None, None)
    crm = adapter.table_rows([(live.schema, t.name) for t in live.tables.values()])
    ids = ctx.config.platform.external_ids
    platform = None
    if ids is not None and ids.table is not None:
        t = parse_table_name(ids.table, "platform.external_ids.table")
        if not t.catalog:
            platform = adapter.table_rows([(t.db or None, t.name)])
    if platform is None:  # a query, or another database: about one ID per person
        people = [
            live.table(ctx.crm.objects[o].table or "") for o in ("contact", "lead") if o in ctx.crm.objects
        ]
        platform = adapter.table_rows([(live.schema, t.name) for t in people if t is not None])
    rows = None if crm is None else crm + (platform or 0)
    return choose(mode, rows, adapter.memory_limit_bytes())


def plan_for(ctx: ProjectContext, dialect: TargetDialect, config: ProjectConfig | None = None) -> Plan:
    return build_plan(
        config or ctx.config, ctx.renderer(), ctx.crm.id_style == "salesforce", dialect.sqlglot_name
    )


#: the checks that read the platform's IDs
PLATFORM_CHECKS = ("user_id_in_platform", "platform_coverage", "converted_lead_duplicates")
WHERE_IDS_ARE = (
    "Braze's external IDs reach a warehouse as: on Snowflake, Braze's data share "
    "(USER_LATEST_STATE_DEFAULT_ATTRIBUTES_VIEW_SHARED: add the share, then name it here); elsewhere, a "
    "table loaded from Braze Currents or a user export (one external_id per row)"
)


def _absent_platform_table(ctx: ProjectContext, adapter: Adapter, levels: dict[str, str]) -> str | None:
    """The configured platform-IDs table, when the target has no such table (None: found, a
    query, not schema-qualified, or its checks are off)."""
    ids = ctx.config.platform.external_ids
    if ids is None or ids.table is None or all(levels[c] == "off" for c in PLATFORM_CHECKS):
        return None
    t = parse_table_name(ids.table, "platform.external_ids.table")
    if not t.db:
        return None
    _schema, tables = adapter.source_columns(t.catalog or None, t.db, [t.name])
    return None if tables else ids.table


def _platform_missing_result(ctx: ProjectContext, table: str) -> CheckResult:
    return CheckResult(
        "user_id_in_platform",
        "(platform)",
        "error",
        "error",
        None,
        None,
        message=(
            f"platform.external_ids.table: {table!r} does not exist on target {ctx.target.name!r}, so "
            f"{', '.join(PLATFORM_CHECKS)} did not run (every other check did). {WHERE_IDS_ARE}. Meanwhile, "
            "set checks.severity to off for those three to run the rest without this error"
        ),
    )


def run_validation(ctx: ProjectContext, progress: Callable[[str], None] = lambda _: None) -> ValidationReport:
    started = time.perf_counter()
    dialect = get_or_raise(PROFILE_DIALECT[ctx.target.type])
    levels = severities(ctx.config)
    statements = 0
    results: list[CheckResult] = []
    with ctx.adapter() as adapter:
        # the live source first: a missing table or required column stops here (exit 2), and
        # the checks read the CRM tables as they are now
        ctx.bind_live(adapter)
        _ensure_views(ctx, adapter)
        # the platform's IDs missing (a first run, before Braze's share or export is there): said
        # once, and every other check still runs
        absent = _absent_platform_table(ctx, adapter, levels)
        config = None
        if absent is not None:
            off = {**ctx.config.checks.severity, **dict.fromkeys(PLATFORM_CHECKS, "off")}
            checks = ctx.config.checks.model_copy(update={"severity": off})
            config = ctx.config.model_copy(update={"checks": checks})
            results.append(_platform_missing_result(ctx, absent))
        plan = plan_for(ctx, dialect, config)
        combined, standalone = compile_plan(plan, dialect)

        def run(sql: str) -> list[tuple[Any, ...]]:
            nonlocal statements
            checked = ensure_read_only(sql, dialect.sqlglot_name)
            with adapter.transaction(read_only=True):
                statements += 1
                return adapter.fetchall(checked)

        rows: list[tuple[Any, ...]] | None = None
        choice = None
        if dialect.CHECKS_IN_ONE_STATEMENT or dialect.CHECKS_PER_VIEW:
            # one statement, or one per view: where the engine's memory is the client's (DuckDB)
            # and one statement would not fit it, or where its planner takes no more (Spark)
            if dialect.CHECKS_PER_VIEW:
                choice = Choice(False, dialect.CHECKS_PER_VIEW)
            else:
                choice = statements_choice(ctx, adapter) if dialect.CHECKS_GROUPED else None
            parts = grouped(plan) if choice is not None and not choice.one else [plan]
            try:
                rows = []
                for i, part in enumerate(parts, 1):
                    progress(f"statement {i} of {len(parts)}: {len(part.checks)} checks")
                    rows += run(combined if part is plan else compile_sql(part.statement, dialect))
            except WarehouseError as exc:
                if exc.message.startswith("lost the connection"):
                    raise  # every other statement would fail the same way: say it once
                rows = None  # run them one by one below, so that only the broken ones error
        if rows is not None:
            metrics, samples = _parse_rows(rows)
            for c in plan.checks:
                key = (c.name, c.entity)
                results.append(_result(ctx, c, metrics.get(key, {}), samples.get(key, []), standalone[id(c)]))
        else:
            for c in plan.checks:
                progress(f"{c.name} on {ctx.project.view_name(c.entity)}")
                try:
                    metrics, samples = _parse_rows(run(compile_sql(plan.single(c), dialect)))
                except B2BError as exc:
                    view = ctx.project.view_name(c.entity)
                    results.append(
                        CheckResult(
                            c.name,
                            view,
                            "error",
                            c.severity,
                            None,
                            None,
                            sql=standalone[id(c)],
                            message=exc.message,
                        )
                    )
                    continue
                key = (c.name, c.entity)
                results.append(_result(ctx, c, metrics.get(key, {}), samples.get(key, []), standalone[id(c)]))
        if levels["source_drift"] != "off":
            results.append(drift_check(ctx, adapter, levels["source_drift"]))
        if levels["source_freshness"] != "off":
            results.append(freshness_check(ctx, dialect, levels["source_freshness"], run))
        fetched = adapter.rows_fetched
    return ValidationReport(
        ctx.target.name,
        results,
        fetched,
        time.perf_counter() - started,
        statements,
        choice.why if choice is not None else None,
        crm_causes(ctx.crm),
    )

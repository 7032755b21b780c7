"""Case 2: `b2b validate` against (a) a hand-written minimal query computing the same numbers and
(b) the same checks run one query per check (the dbt-test pattern)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlglot import exp

from toolkit.context import ProjectContext
from toolkit.dialects import get_or_raise
from toolkit.validate.checks import ID_COLUMNS
from toolkit.validate.runner import ValidationReport, compile_plan, plan_for, run_validation

HANDWRITTEN = Path(__file__).parent / "sql" / "validate_handwritten.duckdb.sql"


def _suffix_macro() -> str:
    body = get_or_raise("duckdb").sf18_suffix(exp.column("x")).sql("duckdb")
    return f"CREATE OR REPLACE TEMP MACRO sf18_suffix(x) AS {body}"


def handwritten_sql(ctx: ProjectContext) -> str:
    return HANDWRITTEN.read_text().replace(
        "$max_contacts", str(int(ctx.config.checks.max_contacts_per_account))
    )


def run_handwritten(ctx: ProjectContext) -> dict[str, tuple[Any, ...]]:
    with ctx.adapter() as adapter:
        adapter.execute(_suffix_macro())
        rows = adapter.fetchall(handwritten_sql(ctx))
    return {r[0]: r[1:] for r in rows}


def per_check_statements(ctx: ProjectContext, dialect_name: str = "duckdb") -> list[str]:
    """One statement per check, compiled before the timing starts (the baseline's SQL is free)."""
    dialect = get_or_raise(dialect_name)
    plan = plan_for(ctx, dialect)
    _combined, standalone = compile_plan(plan, dialect)
    return [standalone[id(c)] for c in plan.checks]


def run_per_check(ctx: ProjectContext, statements: list[str]) -> int:
    with ctx.adapter() as adapter:
        for sql in statements:
            adapter.fetchall(sql)
    return len(statements)


def run_validate(ctx: ProjectContext) -> ValidationReport:
    return run_validation(ProjectContext(ctx.project_dir))


def same_numbers(report: ValidationReport, hand: dict[str, tuple[Any, ...]]) -> list[str]:
    """Every number validate reports, compared with the hand-written query's, and every check
    validate runs has its numbers there. Returns mismatches."""
    got: dict[tuple[str, str], dict[str, Any]] = {
        (r.name, r.view.removeprefix("b2b_")): r.as_dict() for r in report.results
    }
    want: list[tuple[tuple[str, str], str, Any]] = []
    for v in ("contacts", "leads", "accounts", "opportunities", "users"):
        total, nulls, dup, fmt, email = hand[v]
        want += [
            ((("user_id_not_null", v)), "failing", nulls),
            (("grain_unique", v), "failing", dup),
            (("grain_unique", v), "total", total),
        ]
        if v in ("contacts", "leads"):
            want.append((("user_id_format", v), "failing", fmt + email))
    for key, row in hand.items():
        if key.startswith("diag:"):
            _, v, cause = key.split(":")
            want.append((("user_id_in_platform", v), f"diagnosis.{cause}", row[0]))
        if key.startswith("integrity:"):
            want.append((("relationship_integrity", key.split(":")[1]), "failing", row[1]))
        if key.startswith("sync:"):
            view = key.split(":")[1]
            total, not_object, bad_updated_at, bad_identifier = row[:4]
            for check, failing in (
                ("sync_payload_object", not_object),
                ("sync_updated_at", bad_updated_at),
                ("sync_identifier", bad_identifier),
            ):
                want += [((check, view), "failing", failing), ((check, view), "total", total)]
    # the checksum rows: one per (view, column) that has bad ids; none is a count of 0
    for v, cols in ID_COLUMNS.items():
        for col in cols:
            want.append(
                (("salesforce_id_checksum", v), f"diagnosis.{col}", hand.get(f"checksum:{v}.{col}", (0,))[0])
            )
    want += [
        (("platform_coverage", "users"), "failing", hand["coverage"][1]),
        (("platform_coverage", "users"), "total", hand["coverage"][0]),
        (("converted_lead_duplicates", "contacts"), "failing", hand["duplicates"][1] + hand["duplicates"][2]),
        (("orphan_contacts", "contacts"), "failing", hand["orphans"][1] + hand["orphans"][2]),
        (("account_skew", "accounts"), "failing", hand["skew"][1]),
    ]
    bad = []
    for key, field, value in want:
        result = got.get(key)
        if result is None:
            bad.append(f"{key}: missing in validate")
            continue
        if field.startswith("diagnosis."):
            mine = (result.get("diagnosis") or {}).get(field.split(".", 1)[1], 0)
        else:
            mine = result[field]
        if int(mine or 0) != int(value or 0):
            bad.append(f"{key} {field}: validate {mine} vs hand-written {value}")
    # a check validate runs that the baseline does not compute makes the ratio unfair: say so
    # (the source checks read the catalog and one max() per table, outside the views)
    covered = {key for key, _, _ in want}
    bad += [
        f"{key}: validate runs it, the hand-written query does not compute it"
        for key in got
        if key not in covered and key[0] not in ("source_drift", "source_freshness")
    ]
    return bad

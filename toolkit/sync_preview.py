"""`b2b sync preview`: what each CDI sync view would send since a timestamp, and what it costs.

A CDI sync sends the rows whose UPDATED_AT is later than its last sync. Each user attribute set
is one data point, and each custom event is one (Braze's definition), so the cost of the user
attributes view is the sum of its payloads' top-level keys, and of the events view its rows.
Catalog and accounts-object rows are not set on user profiles: rows only.

One read-only statement over every sync view; the warehouse counts, one row per view leaves it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp

from toolkit.context import ProjectContext
from toolkit.dialects import PROFILE_DIALECT, get_or_raise
from toolkit.errors import ConfigError
from toolkit.validate.checks import sync_entities
from toolkit.validate.guard import ensure_read_only

# what one row of each sync view costs: "keys" (its payload's attributes), "row" (one custom
# event) or None (not user data points)
COST = {
    "cdi_user_attributes": "keys",
    "cdi_user_events": "row",
    "cdi_accounts": None,
    "cdi_catalog_accounts": None,
    "cdi_catalog_opportunities": None,
}


@dataclass
class SyncRow:
    view: str
    rows: int
    data_points: int | None
    unit: str


@dataclass
class SyncPreview:
    since: dt.datetime | None
    target: str
    views: list[SyncRow]
    sql: str
    rows_fetched: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() + "Z" if self.since else None,
            "target": self.target,
            "views": [vars(v) for v in self.views],
            "total_data_points": sum(v.data_points or 0 for v in self.views),
            "rows_fetched": self.rows_fetched,
        }


def parse_since(value: str | None) -> dt.datetime | None:
    """An ISO 8601 date or timestamp; an offset is converted to UTC, none means UTC."""
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"--since: {value!r} is not a timestamp",
            hint="write ISO 8601, e.g. 2026-11-01 or 2026-11-01T09:00:00Z",
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return parsed


def preview_statement(ctx: ProjectContext, entities: list[str], since: dt.datetime | None) -> str:
    """Canonical SQL: per view, its name, the rows since `since` and their attributes."""
    renderer = ctx.renderer()
    branches: list[exp.Query] = []
    for entity in entities:
        view = exp.alias_(renderer.view(entity), "v", table=True)
        cost = COST[entity]
        if cost == "keys":
            per_row: exp.Expr = sqlglot.parse_one("B2B_JSON_KEY_COUNT(v.payload)")
        else:
            per_row = exp.Literal.number(1 if cost == "row" else 0)
        rows = exp.select(exp.alias_(per_row, "k")).from_(view)
        if since is not None:
            stamp = exp.cast(exp.Literal.string(since.isoformat(sep=" ")), exp.DataType.build("TIMESTAMP"))
            rows = rows.where(exp.GT(this=exp.column("updated_at", table="v"), expression=stamp))
        branches.append(
            exp.select(
                exp.alias_(exp.Literal.string(ctx.project.view_name(entity)), "view_name"),
                exp.alias_(exp.Count(this=exp.Star()), "n_rows"),
                exp.alias_(exp.Coalesce(this=exp.Sum(this=exp.column("k", table="r"))), "n_points"),
            ).from_(exp.Subquery(this=rows, alias=exp.TableAlias(this=exp.to_identifier("r"))))
        )
    union: exp.Query = branches[0]
    for b in branches[1:]:
        union = exp.union(union, b, distinct=False)
    return union.sql()


def sync_preview(ctx: ProjectContext, since: dt.datetime | None) -> SyncPreview:
    entities = sync_entities(ctx.config)
    if not entities:
        raise ConfigError(
            f"{ctx.project.path}: no CDI sync views in this project",
            hint="set output.user_sync: {identifier: external_id} (and/or output.catalogs: true), then `b2b apply`",
        )
    dialect = get_or_raise(PROFILE_DIALECT[ctx.target.type])
    tree = dialect.expand(sqlglot.parse_one(preview_statement(ctx, entities, since)))
    sql = ensure_read_only(dialect.generate(tree), dialect.sqlglot_name, "sync preview")
    with ctx.adapter() as adapter:
        rows = adapter.fetchall(sql)
    by_view = {str(r[0]): (int(r[1] or 0), int(r[2] or 0)) for r in rows}
    out: list[SyncRow] = []
    for entity in entities:
        name = ctx.project.view_name(entity)
        n, points = by_view.get(name, (0, 0))
        cost = COST[entity]
        unit = {"keys": "attributes", "row": "custom events", None: "not user data points"}[cost]
        out.append(SyncRow(name, n, points if cost else None, unit))
    return SyncPreview(since, ctx.target.name, out, sql, len(rows))

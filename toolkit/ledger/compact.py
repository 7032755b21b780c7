"""`b2b sync compact --keep-days N`: drop the ledger's history older than N days, keeping what
the next run compares against and every row Braze may still read.

Deleted, for rows older than the cutoff only:
- a value that a later committed row of the same (person, attribute) or link replaced;
- a latest value that is a removal (`"x":null`, account_unlinked): absent reads the same;
- markers, but for each table's newest row (Braze's cursor may sit on it);
- rows of runs that never committed (a run killed on an engine without transactions).
Rows at or after the cutoff stay as they are, so a Braze sync that ran within the last N days
reads exactly what it would have read. The runs table stays (one row per run)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from toolkit.context import ProjectContext
from toolkit.dialects import PROFILE_DIALECT, get_or_raise
from toolkit.errors import ConfigError, WarehouseError
from toolkit.ledger.run import Ledger, _lit, _stamp, _utcnow, require_ledger


@dataclass
class CompactResult:
    target: str
    cutoff: dt.datetime
    before: dict[str, int]
    after: dict[str, int]

    def summary(self) -> str:
        parts = [f"{t} {self.before[t]:,} -> {self.after[t]:,} rows" for t in self.before]
        return (
            f"sync compact on {self.target!r}, history before {self.cutoff:%Y-%m-%d %H:%M} UTC: "
            + "; ".join(parts)
        )


def compact_statements(ledger: Ledger, cutoff: dt.datetime) -> list[str]:
    """Four DELETEs per table, each one condition joined by AND (an OR around a subquery keeps
    PostgreSQL from planning it as a join: 21 s a compaction of the test org, against 0.06 s)."""
    out = []
    before = _stamp(cutoff)
    oldest_run = _lit(f"{cutoff:%Y%m%dT%H%M%S%f}")
    for table, key, removal in (
        ("attributes", ("person_key", "alias_label", "attribute"), "{t}.entry = {t}.attribute || ':null'"),
        ("events", ("person_key", "alias_label", "account_id"), "NOT {t}.linked"),
    ):
        t = ledger.t[table]
        name = t.split(".")[-1]  # the table's own (quoted) name, for the correlated references
        real = "attribute" if table == "attributes" else "account_id"
        same = " AND ".join(f"n.{k} = {name}.{k}" for k in key)
        keys = ", ".join(f"l.{k}" for k in key)
        old = f"{name}.updated_at < {before} AND {name}.run_id IN ({ledger.visible})"
        out += [
            # rows of runs that never committed
            f"DELETE FROM {t} WHERE {name}.run_id NOT IN ({ledger.visible}) AND {name}.run_id < {oldest_run}",
            # values a later committed row replaced
            f"""
            DELETE FROM {t}
            WHERE {old} AND {name}.{real} IS NOT NULL AND EXISTS (
              SELECT 1
              FROM (
                SELECT {keys}, MAX(l.updated_at) AS last_at
                FROM {t} AS l
                WHERE l.{real} IS NOT NULL AND l.run_id IN ({ledger.visible})
                GROUP BY {keys}
              ) AS n
              WHERE {same} AND n.last_at > {name}.updated_at
            )
            """,
            # latest values that are removals: absent reads the same
            f"DELETE FROM {t} WHERE {old} AND {name}.{real} IS NOT NULL AND {removal.format(t=name)}",
            # markers, but the newest row's
            f"""
            DELETE FROM {t}
            WHERE {old} AND {name}.{real} IS NULL AND {name}.updated_at < (SELECT MAX(x.updated_at) FROM {t} AS x)
            """,
        ]
    return out


def sync_compact(ctx: ProjectContext, keep_days: int, now: dt.datetime | None = None) -> CompactResult:
    """`now` (naive UTC; default: the clock) is for simulations of later days."""
    require_ledger(ctx)
    if keep_days < 1:
        raise ConfigError(
            f"--keep-days {keep_days}: keep at least 1 day",
            hint="keep more days than the longest gap between two Braze syncs (their cursor must stay in the kept history)",
        )
    dialect = get_or_raise(PROFILE_DIALECT[ctx.target.type])
    ledger = Ledger(ctx, dialect)
    cutoff = (now or _utcnow()) - dt.timedelta(days=keep_days)
    with ctx.adapter() as adapter:

        def sizes() -> dict[str, int]:
            return {
                t: int(adapter.fetchall(ledger.sql(f"SELECT COUNT(*) FROM {ledger.t[t]}"))[0][0])
                for t in ("attributes", "events")
            }

        before = sizes()
        try:
            with adapter.transaction():
                for statement in compact_statements(ledger, cutoff):
                    adapter.execute(ledger.sql(statement))
        except WarehouseError as exc:
            raise WarehouseError(
                f"{exc.message}. Nothing was compacted",
                hint="compaction deletes rows: on Spark it needs tables that take DELETE (Delta, as on "
                "Databricks); elsewhere check that this target's user may DELETE in the ledger schema",
            ) from None
        return CompactResult(ctx.target.name, cutoff, before, sizes())

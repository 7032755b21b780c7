"""The ledger's three tables, in output.user_sync.ledger_schema (default: the output schema):

- runs: one row per committed `b2b sync run`, written last; a run without one is invisible;
- attributes: one row per (run, person, changed attribute): the payload member as the engine
  writes it (`"industry":"Energy"`, or `"industry":null` for a value removed), plus one marker
  row per run (attribute NULL) at the run's highest UPDATED_AT;
- events: one row per (run, person, account) link made or gone, with its event payload, plus
  one marker row per run (account_id NULL, payload `{}`).

Created by `b2b apply` with IF NOT EXISTS; never dropped by b2b."""

from __future__ import annotations

from sqlglot import exp

from toolkit.dialects import TargetDialect
from toolkit.render import ViewRenderer

COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "runs": (
        ("run_id", "TEXT"),
        ("base_run_id", "TEXT"),
        ("started_at", "TIMESTAMP"),
        ("committed_at", "TIMESTAMP"),
        ("last_updated_at", "TIMESTAMP"),
        ("attribute_rows", "BIGINT"),
        ("data_points", "BIGINT"),
        ("event_rows", "BIGINT"),
        ("full_snapshot", "BOOLEAN"),
    ),
    "attributes": (
        ("run_id", "TEXT"),
        ("updated_at", "TIMESTAMP"),
        ("person_key", "TEXT"),
        ("alias_label", "TEXT"),
        ("attribute", "TEXT"),
        ("entry", "TEXT"),
    ),
    "events": (
        ("run_id", "TEXT"),
        ("updated_at", "TIMESTAMP"),
        ("person_key", "TEXT"),
        ("alias_label", "TEXT"),
        ("account_id", "TEXT"),
        ("linked", "BOOLEAN"),
        ("payload", "TEXT"),
    ),
}


def ledger_ddl(renderer: ViewRenderer, dialect: TargetDialect) -> list[str]:
    """CREATE SCHEMA / CREATE TABLE IF NOT EXISTS for the ledger (none in view mode)."""
    if not renderer.ledger_mode:
        return []
    out = [dialect.create_schema(renderer.ledger_schema())]
    for name, columns in COLUMNS.items():
        schema = exp.Schema(
            this=renderer.ledger(name),
            expressions=[
                exp.ColumnDef(this=exp.to_identifier(col), kind=exp.DataType.build(kind))
                for col, kind in columns
            ],
        )
        out.append(dialect.generate(exp.Create(this=schema, kind="TABLE", exists=True), pretty=False))
    return out

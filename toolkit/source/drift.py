"""What changed in the source since `source_schema.yml` was recorded: apply and validate name it,
and validate's source checks count it."""

from __future__ import annotations

from toolkit.source.crm import Crm
from toolkit.source.schema import SOURCE_SCHEMA_FILE, SourceSchema


def drift(recorded: SourceSchema, live: SourceSchema, tables: list[str]) -> list[str]:
    """What changed in the given tables between the recorded file and the live source, one line
    each (`contact.mailing_country: dropped`), in a stable order."""
    lines: list[str] = []
    for name in tables:
        before, now = recorded.table(name), live.table(name)
        if before is None and now is None:
            continue
        if before is None:
            lines.append(f"{name}: table appeared (not in {SOURCE_SCHEMA_FILE})")
            continue
        if now is None:
            lines.append(f"{name}: table dropped")
            continue
        was = {c.lower(): (c, t) for c, t in before.columns.items()}
        is_ = {c.lower(): (c, t) for c, t in now.columns.items()}
        for key in sorted(set(was) | set(is_)):
            if key not in is_:
                lines.append(f"{name}.{was[key][0]}: dropped")
            elif key not in was:
                lines.append(f"{name}.{is_[key][0]}: added")
            elif was[key][1].upper() != is_[key][1].upper():
                lines.append(f"{name}.{is_[key][0]}: type {was[key][1]} -> {is_[key][1]}")
    return lines


def drift_lines(recorded: SourceSchema | None, live: SourceSchema, crm: Crm) -> list[str]:
    """What changed since source_schema.yml in the tables the project reads (`contact.x: dropped`)."""
    if recorded is None:
        return []
    tables = sorted({t.lower() for t in crm.tables()} | {t.name.lower() for t in recorded.tables.values()})
    return drift(recorded, live, tables)


def drift_notes(recorded: SourceSchema | None, live: SourceSchema, crm: Crm) -> list[str]:
    return [f"source drifted from {SOURCE_SCHEMA_FILE}: {line}" for line in drift_lines(recorded, live, crm)]

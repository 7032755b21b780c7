"""Read the source's columns through an adapter (`b2b inspect`, and every apply and validate)
and say what the binding did: which optional fields became typed NULLs, which objects are never
deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.config.project import ProjectConfig
from toolkit.source.crm import Crm, default_tables, read_crm
from toolkit.source.schema import SourceSchema, SourceTable

if TYPE_CHECKING:
    from toolkit.warehouse.base import Adapter


def inspect_source(
    adapter: Adapter, config: ProjectConfig, target: str, extra_tables: tuple[str, ...] = ()
) -> SourceSchema:
    """The project's CRM tables as the warehouse holds them (one metadata query)."""
    names = [t for t in default_tables(config).values() if t] + list(extra_tables)
    src = config.source
    stored, found = adapter.source_columns(src.database, src.schema_, names)
    tables = {name.lower(): SourceTable(name, cols) for name, cols in found.items()}
    return SourceSchema(
        target, adapter.dialect.name, adapter.UNQUOTED_CASE, stored or src.schema_, src.database, tables
    )


def all_table_names(config: ProjectConfig) -> tuple[str, ...]:
    """Every table name any naming gives the CRM's objects (for detection at init)."""
    data = read_crm(config.source.crm)
    return tuple(sorted({n for obj in data["objects"].values() for n in obj["table"].values()}))


def binding_notes(crm: Crm) -> list[str]:
    """One line per table whose optional fields the source lacks, and per optional object it
    does not sync."""
    lines = []
    for obj in crm.objects.values():
        if obj.table and obj.filled:
            lines.append(
                f"{obj.table}: no column for {', '.join(obj.filled)}; the views carry "
                f"{'it' if len(obj.filled) == 1 else 'them'} as typed NULL"
            )
        elif obj.table is None and crm.source is not None:
            lines.append(f"{obj.name}: not synced (no such table); its links are left out")
        if obj.table and obj.flags_looked_for and crm.source is not None:
            lines.append(
                f"{obj.table}: no deletion flag (looked for {', '.join(obj.flags_looked_for)}); every row "
                f"is treated as live, never deleted (the loader removes the rows it deletes, or cannot see deletions)"
            )
    return lines

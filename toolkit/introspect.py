"""Read the source's columns through an adapter (`b2b inspect`, and every apply and validate)
and say what the binding did: which optional fields became typed NULLs, and what drifted
from source_schema.yml."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.config.project import ProjectConfig
from toolkit.crm import Crm, default_tables, read_crm
from toolkit.errors import ConfigError
from toolkit.source_schema import SOURCE_SCHEMA_FILE, SourceSchema, SourceTable, drift

if TYPE_CHECKING:
    from toolkit.context import ProjectContext
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


def drift_lines(recorded: SourceSchema | None, live: SourceSchema, crm: Crm) -> list[str]:
    """What changed since source_schema.yml in the tables the project reads (`contact.x: dropped`)."""
    if recorded is None:
        return []
    tables = sorted({t.lower() for t in crm.tables()} | {t.name.lower() for t in recorded.tables.values()})
    return drift(recorded, live, tables)


def drift_notes(recorded: SourceSchema | None, live: SourceSchema, crm: Crm) -> list[str]:
    return [f"source drifted from {SOURCE_SCHEMA_FILE}: {line}" for line in drift_lines(recorded, live, crm)]


def run_inspect(ctx: ProjectContext) -> tuple[Path, SourceSchema, list[str]]:
    """`b2b inspect`: read the source and write source_schema.yml. A source that the project
    cannot bind to (a missing required column) is still recorded, then reported (exit 2)."""
    from toolkit.crm import resolve_crm
    from toolkit.source_schema import write_file

    with ctx.adapter() as adapter:
        live = inspect_source(adapter, ctx.config, ctx.target.name)
    if not live.tables:
        src = ctx.config.source
        looked = ", ".join(t for t in default_tables(ctx.config).values() if t)
        raise ConfigError(
            f"target {ctx.target.name!r}: no CRM table found in schema "
            f"{'.'.join(p for p in (src.database, src.schema_) if p)!r} (looked for: {looked}); nothing was written",
            hint="set source.schema (and source.database) to where the CRM tables are, or map each object "
            "to its table with source.tables",
        )
    try:
        crm = resolve_crm(ctx.config, live)
    except ConfigError:
        write_file(ctx.project_dir, live)  # recorded as found, then reported
        raise
    path = write_file(ctx.project_dir, replace(live, never_deleted=crm.never_deleted()))
    return path, live, binding_notes(crm) + drift_notes(ctx.recorded_source, live, crm)

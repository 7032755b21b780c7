"""A CRM is data (sql/<crm>/crm.yml) plus templates (sql/<crm>/*.sql), never branches in code.

This module reads the data and binds it, for one project, to the source: the physical table of
each CRM object and the physical column of each logical field under the project's naming
convention and `source.columns` overrides. With a known source (the live columns, or
source_schema.yml) it also decides, per field, whether the column is there: a missing optional
field becomes a typed NULL, a missing required one is an error before any SQL runs, and every
name is used in the case the engine stores it.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from toolkit.config.project import ProjectConfig
from toolkit.config.yamlio import safe_load
from toolkit.errors import ConfigError
from toolkit.source.schema import SOURCE_SCHEMA_FILE, SourceSchema, SourceTable

# every CRM's crm.yml, templates, checks and docs.yml: package data (toolkit/sql, shipped in the
# wheel; `sql/` at the repository root is a link to it), found the way an installed package is
SQL_ROOT = Path(str(resources.files("toolkit") / "sql"))
# crm.yml field types -> the canonical SQL type of a typed NULL
SQL_TYPES = {
    "text": "TEXT",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "decimal": "DECIMAL(18, 2)",
    "integer": "INT",
}


@dataclass(frozen=True)
class CrmObject:
    name: str
    table: str | None  # as the engine stores it; None: not synced (optional objects only)
    fields: dict[str, str | None]  # logical -> physical column; None: not in the source (typed NULL)
    types: dict[str, str]  # logical -> crm.yml type
    deleted_flags: tuple[str, ...]
    active_flag: str | None
    loaded_at: str | None = None  # the loader's sync timestamp column, when the source has it
    extras: dict[str, str] = field(default_factory=dict)  # extra_fields attribute -> physical column
    quoted: frozenset[str] = frozenset()  # stored names an unquoted identifier would not reach
    absent: frozenset[str] = frozenset()  # fields the CRM does not have (crm.yml absent: true)
    # the deletion flags crm.yml names for this object, when the source has none of them (the
    # object is then never deleted: a loader adds a flag only where it can see deletions)
    flags_looked_for: tuple[str, ...] = ()

    @property
    def filled(self) -> list[str]:
        return [f for f, col in self.fields.items() if col is None and f not in self.absent]


@dataclass(frozen=True)
class Crm:
    name: str
    id_style: str
    template_dir: Path
    objects: dict[str, CrmObject] = field(default_factory=dict)
    source: SourceSchema | None = None  # what the objects were bound to (None: assumed complete)
    # capabilities (crm.yml): one id as the views carry it (a regex), the diagnosis cause of a
    # platform id the person had before (checks/former_ids.sql), the sync views' alias labels
    id_pattern: str = "[A-Za-z0-9_-]+"
    former_id_cause: str | None = None
    alias_labels: dict[str, str] = field(default_factory=dict)
    lead_stages: tuple[str, ...] = ()  # a contact at one of these stages is a lead (HubSpot)
    entity_objects: dict[str, str] = field(default_factory=dict)  # extra_fields entity -> object

    def signature(self, tables: set[str] | None = None) -> str:
        """A digest of what a view binds to in the source (of `tables`, lower-cased names; all
        when None): tables, columns and their types. Part of the view's fingerprint, so a column
        dropped or retyped after apply is never "up to date"."""
        if self.source is None:
            return ""
        parts = []
        for obj in self.objects.values():
            if tables is not None and (obj.table is None or obj.table.lower() not in tables):
                continue
            found = self.source.table(obj.table) if obj.table else None
            used = [*obj.fields.values(), *obj.extras.values(), *obj.deleted_flags, obj.active_flag]
            typed = [f"{c}:{found.columns.get(found.find(c) or '') if found else None}" for c in used if c]
            parts.append(f"{obj.name}={obj.table}:" + ",".join(typed))
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]

    def filled(self) -> dict[str, list[str]]:
        """object -> optional fields the source lacks (typed NULLs in the views)."""
        return {o.name: o.filled for o in self.objects.values() if o.table and o.filled}

    def tables(self) -> list[str]:
        return [o.table for o in self.objects.values() if o.table]

    def never_deleted(self) -> dict[str, list[str]]:
        """table -> the deletion flags looked for, for each synced object the source gives no
        deletion flag (its rows are all live)."""
        return {
            o.table: list(o.flags_looked_for) for o in self.objects.values() if o.table and o.flags_looked_for
        }


@cache
def read_crm(name: str) -> dict[str, Any]:
    path = SQL_ROOT / name / "crm.yml"
    if not path.exists():
        known = sorted(p.name for p in SQL_ROOT.iterdir() if (p / "crm.yml").exists())
        raise ConfigError(f"source.crm: unknown CRM {name!r}", hint=f"use one of: {', '.join(known)}")
    data: dict[str, Any] = safe_load(path.read_text(encoding="utf-8"))
    return data


@cache
def crm_docs(name: str) -> dict[str, dict[str, str]]:
    """sql/<crm>/docs.yml: {views: {entity: text}, columns: {column: text}} (empty when absent)."""
    path = SQL_ROOT / name / "docs.yml"
    data = safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {"views": dict(data.get("views") or {}), "columns": dict(data.get("columns") or {})}


def physical_name(spec: dict[str, Any], logical: str, naming: str) -> str:
    """A crm.yml field's column under a naming: its `fivetran:`/`api:` name, else (fivetran) the
    logical name itself."""
    return str(spec.get(naming) or (spec["api"] if naming == "api" else logical))


def deleted_flag_columns(data: dict[str, Any], obj_name: str, naming: str) -> list[str]:
    """The object's deletion flags under a naming (its own `deleted_flags`, else the CRM's), as
    columns: a flag that is a field of the object takes that field's physical name."""
    obj = data["objects"][obj_name]
    flags = obj.get("deleted_flags", data["deleted_flags"])[naming]
    return [physical_name(obj["fields"][f], f, naming) if f in obj["fields"] else f for f in flags]


def default_tables(config: ProjectConfig) -> dict[str, str | None]:
    """CRM object -> the table name the project expects (before looking at the source)."""
    data = read_crm(config.source.crm)
    src = config.source
    out: dict[str, str | None] = {}
    for obj_name, obj in data["objects"].items():
        out[obj_name] = src.tables[obj_name] if obj_name in src.tables else obj["table"][src.naming]
    return out


def _suggest(name: str, options: list[str]) -> str:
    guess = difflib.get_close_matches(name, options, n=1, cutoff=0.5)
    if not guess:
        guess = [o for o in options if o.lower().replace("_", "") == name.lower().replace("_", "")][:1]
    return f" (did you mean {guess[0]!r}?)" if guess else ""


class _Binder:
    """Collects every problem of one binding, so the user sees them all at once."""

    def __init__(self, config: ProjectConfig, source: SourceSchema | None) -> None:
        self.config = config
        self.source = source
        self.missing_tables: list[str] = []
        self.missing_required: list[str] = []
        self.bad_overrides: list[str] = []

    def column(self, table: SourceTable | None, name: str, quoted: set[str]) -> str | None:
        """What to write for column `name`, or None when the source lacks it. Unbound (no source
        known): the name as configured."""
        if self.source is None or table is None:
            return name
        return _spelling(name, table.find(name), self.source, quoted)


def _spelling(written: str, stored: str | None, source: SourceSchema, quoted: set[str]) -> str | None:
    """`written` when, unquoted, it reaches the stored name on the engine (the SQL stays as the
    user wrote it); else the stored spelling, marked to be quoted (API names in mixed case on
    PostgreSQL, lower-case names on Snowflake)."""
    if stored is None:
        return None
    if _reaches(written, stored, source):
        return written
    quoted.add(stored)
    return stored


def _reaches(written: str, stored: str, source: SourceSchema) -> bool:
    """Whether `written`, unquoted, reaches `stored` on the engine."""
    if source.case == "insensitive":
        return written.lower() == stored.lower()
    return (written.lower() if source.case == "lower" else written.upper()) == stored


def resolve_crm(config: ProjectConfig, source: SourceSchema | None = None) -> Crm:
    src = config.source
    data = read_crm(src.crm)
    naming = src.naming
    for key, mapping in (("tables", src.tables), ("columns", src.columns)):
        unknown = set(mapping) - set(data["objects"])
        if unknown:
            raise ConfigError(
                f"source.{key}: unknown CRM object(s) {sorted(unknown)}",
                hint=f"objects of {src.crm}: {', '.join(sorted(data['objects']))}",
            )
    for obj_name, overrides in src.columns.items():
        for logical in overrides:
            if logical not in data["objects"][obj_name]["fields"]:
                known = list(data["objects"][obj_name]["fields"])
                raise ConfigError(
                    f"source.columns.{obj_name}.{logical}: {obj_name} has no field {logical!r}{_suggest(logical, known)}",
                    hint=f"fields of {obj_name}: {', '.join(known)} (a column of your own goes in extra_fields)",
                )
    binder = _Binder(config, source)
    active_name = data.get("active_flag", {}).get(naming) if src.history_mode else None
    loaded_default = data.get("loaded_at", {}).get(naming)
    loaded_name = src.loaded_at_column if "loaded_at_column" in src.model_fields_set else loaded_default
    objects: dict[str, CrmObject] = {}
    for obj_name, obj in data["objects"].items():
        configured = default_tables(config)[obj_name]
        if obj_name in src.tables and configured is None and not obj.get("optional"):
            raise ConfigError(
                f"source.tables.{obj_name}: {obj_name} is required and cannot be null",
                hint="give its table name or remove the key",
            )
        quoted: set[str] = set()
        table_name: str | None = configured
        found: SourceTable | None = None
        if source is not None and configured is not None:
            found = source.table(configured)
            if found is None and obj.get("optional") and obj_name not in src.tables:
                table_name = None  # an optional object the org does not sync: as if set to null
            elif found is None:
                binder.missing_tables.append(configured)
                continue
            else:
                table_name = _spelling(configured, found.name, source, quoted)
        overrides = src.columns.get(obj_name, {})
        flag_fields = set(obj.get("deleted_flags", data["deleted_flags"])[naming])
        absent: set[str] = set()
        fields: dict[str, str | None] = {}
        types: dict[str, str] = {}
        for logical, spec in obj["fields"].items():
            types[logical] = spec["type"]
            if spec.get("absent") and logical not in overrides:
                # a field this CRM does not have (HubSpot: Person Accounts): always a typed NULL,
                # never reported as missing
                fields[logical] = None
                absent.add(logical)
                continue
            wanted = overrides.get(logical) or physical_name(spec, logical, naming)
            if table_name is None:
                fields[logical] = wanted
                continue
            physical = binder.column(found, wanted, quoted)
            if physical is None and logical in flag_fields and logical not in overrides:
                absent.add(logical)  # a deletion flag the source lacks: reported as never deleted
            if physical is None and logical in overrides:
                binder.bad_overrides.append(
                    f"source.columns.{obj_name}.{logical}: no column {wanted!r} in {found.name if found else obj_name}"
                    + _suggest(wanted, list(found.columns) if found else [])
                )
            elif physical is None and spec.get("required") and logical not in flag_fields:
                binder.missing_required.append(
                    f"{table_name}.{wanted}" + _suggest(wanted, list(found.columns) if found else [])
                )
            fields[logical] = physical
        if table_name is None:
            objects[obj_name] = CrmObject(obj_name, None, fields, types, (), None)
            continue
        # deletion flags are evidence, not requirements: a row is deleted when any flag the
        # source has says so; an object with none of its flags is never deleted (a warning)
        flags: list[str] = []
        looked_for: list[str] = []
        for flag in obj.get("deleted_flags", data["deleted_flags"])[naming]:
            col = fields[flag] if flag in fields else binder.column(found, flag, quoted)
            looked_for.append(physical_name(obj["fields"][flag], flag, naming) if flag in fields else flag)
            if col is not None:
                flags.append(col)
        active = None
        if active_name:
            active = binder.column(found, active_name, quoted)
            if active is None:
                binder.missing_required.append(f"{table_name}.{active_name} (source.history_mode: true)")
        loaded = binder.column(found, loaded_name, quoted) if loaded_name else None
        extras: dict[str, str] = {}
        # extra_fields are keyed by entity (account, contact, lead, opportunity); crm.yml's
        # entity_objects says which object holds each (HubSpot: a lead is a contact)
        entity_objects = data.get("entity_objects", {})
        wanted_extras = [
            (entity, attr, col)
            for entity, attrs in config.extra_fields.items()
            if entity_objects.get(entity, entity) == obj_name
            for attr, col in attrs.items()
        ]
        for entity, attr, col in wanted_extras:
            if attr in fields:
                raise ConfigError(
                    f"extra_fields.{entity}.{attr}: clashes with a built-in field of {obj_name}",
                    hint="choose another attribute name",
                )
            physical = binder.column(found, col, quoted)
            if physical is None:
                binder.bad_overrides.append(
                    f"extra_fields.{entity}.{attr}: no column {col!r} in {table_name}"
                    + _suggest(col, list(found.columns) if found else [])
                )
            else:
                extras[attr] = physical
        objects[obj_name] = CrmObject(
            obj_name,
            table_name,
            fields,
            types,
            tuple(flags),
            active,
            loaded,
            extras,
            frozenset(quoted),
            frozenset(absent),
            () if flags else tuple(looked_for),
        )
    _raise_problems(binder, config, source)
    return Crm(
        data["name"],
        data.get("id_style", "opaque"),
        SQL_ROOT / data["name"],
        objects,
        source,
        id_pattern=data.get("id_pattern", Crm.id_pattern),
        former_id_cause=(data.get("former_ids") or {}).get("cause"),
        alias_labels=data.get("alias_labels", {}),
        entity_objects=data.get("entity_objects", {}),
        lead_stages=tuple(src.lead_stages if src.lead_stages is not None else data.get("lead_stages", ())),
    )


def _raise_problems(binder: _Binder, config: ProjectConfig, source: SourceSchema | None) -> None:
    src = config.source
    where = f"target {source.target!r}" if source and source.target else SOURCE_SCHEMA_FILE
    schema = ".".join(p for p in (src.database, src.schema_) if p)
    if binder.missing_tables and source is not None:
        present = ", ".join(sorted(t.name for t in source.tables.values())) or "no CRM tables"
        raise ConfigError(
            f"source: table(s) {', '.join(binder.missing_tables)} not found in schema {schema!r} on {where} "
            f"(found there: {present})",
            hint="set source.schema (and source.database) to where the CRM tables are, or map an object "
            "to its table with source.tables (e.g. {contact: sf_contact}); then `b2b inspect`",
        )
    if binder.bad_overrides:
        raise ConfigError(
            "; ".join(binder.bad_overrides) + f" (on {where})",
            hint="name a column the table has (see `b2b inspect`), or remove the key",
        )
    if binder.missing_required:
        raise ConfigError(
            f"source: required column(s) missing on {where} (source.naming: {src.naming}): "
            + ", ".join(binder.missing_required),
            hint="map each field to the column that holds it with source.columns "
            "(e.g. {lead: {is_converted: IsConverted__c}}), or set source.naming to the convention "
            "the tables use (fivetran: the Fivetran connector's names, api: the CRM's API names). Nothing was applied.",
        )

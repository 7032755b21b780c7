"""A CRM is data (sql/<crm>/crm.yml) plus templates (sql/<crm>/*.sql), never branches in code.

This module reads the data and resolves, for one project, the physical table of each CRM object
and the physical column of each logical field under the project's naming convention.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from toolkit.config.project import ProjectConfig
from toolkit.errors import ConfigError

SQL_ROOT = Path(__file__).resolve().parent.parent / "sql"


@dataclass(frozen=True)
class CrmObject:
    name: str
    table: str | None  # None: not synced (optional objects only)
    fields: dict[str, str]  # logical -> physical column
    deleted_flags: tuple[str, ...]
    active_flag: str | None


@dataclass(frozen=True)
class Crm:
    name: str
    id_style: str
    template_dir: Path
    objects: dict[str, CrmObject] = field(default_factory=dict)


@cache
def _read_crm(name: str) -> dict[str, Any]:
    path = SQL_ROOT / name / "crm.yml"
    if not path.exists():
        known = sorted(p.name for p in SQL_ROOT.iterdir() if (p / "crm.yml").exists())
        raise ConfigError(f"source.crm: unknown CRM {name!r}", hint=f"use one of: {', '.join(known)}")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _physical(logical: str, api_name: str, naming: str) -> str:
    return api_name if naming == "api" else logical


def resolve_crm(config: ProjectConfig) -> Crm:
    src = config.source
    data = _read_crm(src.crm)
    naming = src.naming
    unknown = set(src.tables) - set(data["objects"])
    if unknown:
        raise ConfigError(
            f"source.tables: unknown CRM object(s) {sorted(unknown)}",
            hint=f"objects of {src.crm}: {', '.join(sorted(data['objects']))}",
        )
    objects: dict[str, CrmObject] = {}
    active = data.get("active_flag", {}).get(naming) if src.history_mode else None
    for obj_name, obj in data["objects"].items():
        fields = {logical: _physical(logical, api, naming) for logical, api in obj["fields"].items()}
        if obj_name in src.tables:
            table = src.tables[obj_name]
            if table is None and not obj.get("optional"):
                raise ConfigError(
                    f"source.tables.{obj_name}: {obj_name} is required and cannot be null",
                    hint="give its table name or remove the key",
                )
        else:
            table = obj["table"][naming]
        # a logical flag name maps through the object's fields; others (_fivetran_deleted) are physical
        flags = tuple(fields.get(f, f) for f in data["deleted_flags"][naming])
        objects[obj_name] = CrmObject(obj_name, table, fields, flags, active)
    for entity, extras in config.extra_fields.items():
        taken = set(objects[entity].fields)
        for attr in extras:
            if attr in taken:
                raise ConfigError(
                    f"extra_fields.{entity}.{attr}: clashes with a built-in field of {entity}",
                    hint="choose another attribute name",
                )
    return Crm(data["name"], data.get("id_style", "opaque"), SQL_ROOT / data["name"], objects)

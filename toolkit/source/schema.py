"""The CRM tables as the warehouse holds them: `b2b inspect` reads them (each adapter's own
catalog query) and writes `source_schema.yml` beside b2b_project.yml, committed like a lock file.

`generate` (and `apply --dry-run`) bind the templates to that file, so they need no connection;
`apply` and `validate` read the live columns on each run (one metadata query) and name what
drifted from the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from toolkit.config.yamlio import safe_load
from toolkit.errors import ConfigError

SOURCE_SCHEMA_FILE = "source_schema.yml"
VERSION = 1
#: how an engine stores an identifier written without quotes
CASE_FOLDING = ("lower", "upper", "insensitive")


@dataclass(frozen=True)
class SourceTable:
    name: str  # as the engine stores it
    columns: dict[str, str]  # column as stored -> the engine's type name, in table order

    def find(self, name: str) -> str | None:
        """The stored spelling of a column written `name`: exact, else the one equal ignoring case."""
        if name in self.columns:
            return name
        folded = [c for c in self.columns if c.lower() == name.lower()]
        return folded[0] if len(folded) == 1 else None


@dataclass(frozen=True)
class SourceSchema:
    """The CRM tables of one schema, keyed by the lower-cased table name."""

    target: str
    dialect: str
    case: str  # lower | upper | insensitive (CASE_FOLDING)
    schema: str  # the source schema as stored
    database: str | None = None
    tables: dict[str, SourceTable] = field(default_factory=dict)
    # table -> the deletion flags looked for, for the tables without any (their rows are all
    # live): written by `b2b inspect` for the reader of the file; binding recomputes it
    never_deleted: dict[str, list[str]] = field(default_factory=dict)

    def table(self, name: str) -> SourceTable | None:
        exact = [t for t in self.tables.values() if t.name == name]
        if exact:
            return exact[0]
        return self.tables.get(name.lower())

    # ---- the file -----------------------------------------------------------------------
    def to_yaml(self) -> str:
        doc: dict[str, Any] = {
            "version": VERSION,
            "target": self.target,
            "dialect": self.dialect,
            "unquoted_case": self.case,
        }
        if self.database:
            doc["database"] = self.database
        doc["schema"] = self.schema
        doc["tables"] = {
            t.name: {"columns": dict(t.columns)} for t in sorted(self.tables.values(), key=lambda t: t.name)
        }
        if self.never_deleted:
            doc["never_deleted"] = {t: list(flags) for t, flags in sorted(self.never_deleted.items())}
        header = (
            "# source_schema.yml: the CRM tables' columns as the warehouse holds them, written by\n"
            "# `b2b inspect`. Commit it: `b2b generate` binds the views to it without a connection, and\n"
            "# `b2b apply` / `b2b validate` name what drifted from it. Re-run `b2b inspect` to refresh.\n"
        )
        return header + yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, width=100)

    @classmethod
    def load(cls, path: Path) -> SourceSchema:
        try:
            doc = safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ConfigError(
                f"{path}: not valid YAML ({exc})", hint="re-run `b2b inspect` to write it again"
            ) from None
        ok = isinstance(doc, dict) and doc.get("version") == VERSION and isinstance(doc.get("tables"), dict)
        if not ok or doc.get("unquoted_case") not in CASE_FOLDING:
            raise ConfigError(
                f"{path}: not a source schema file this version of b2b reads",
                hint="re-run `b2b inspect` to write it again",
            )
        tables = {}
        for name, body in doc["tables"].items():
            cols = (body or {}).get("columns") or {}
            if not isinstance(cols, dict):
                raise ConfigError(f"{path}: tables.{name}.columns: expected a mapping of column: type")
            tables[str(name).lower()] = SourceTable(str(name), {str(k): str(v) for k, v in cols.items()})
        return cls(
            str(doc.get("target", "")),
            str(doc.get("dialect", "")),
            str(doc["unquoted_case"]),
            str(doc.get("schema", "")),
            doc.get("database"),
            tables,
            {str(k): [str(f) for f in v or []] for k, v in (doc.get("never_deleted") or {}).items()},
        )


def load_file(project_dir: Path) -> SourceSchema | None:
    path = project_dir / SOURCE_SCHEMA_FILE
    return SourceSchema.load(path) if path.exists() else None


def write_file(project_dir: Path, schema: SourceSchema) -> Path:
    path = project_dir / SOURCE_SCHEMA_FILE
    text = schema.to_yaml()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path

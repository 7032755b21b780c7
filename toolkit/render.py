"""Render a view template (Jinja, sandboxed, StrictUndefined) into canonical SQL and parse it.

Every name that reaches the SQL comes from a helper below that quotes it with sqlglot; a
template never pastes a user string. The result is a sqlglot tree in the canonical dialect,
with placeholder functions (B2B_SF18, ...) that each target dialect expands.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import sqlglot
from jinja2.sandbox import SandboxedEnvironment
from sqlglot import exp
from sqlglot.errors import ParseError

from toolkit.config.project import CATALOG_ENTITIES, ENTITIES, SYNC_ENTITIES, ProjectConfig
from toolkit.dialects.base import KeyForms, without_positions
from toolkit.errors import ConfigError, TemplateError
from toolkit.source.crm import SQL_TYPES, Crm, CrmObject


def ident(name: str) -> exp.Identifier:
    """An identifier, quoted by sqlglot when it is not a plain safe name."""
    if not isinstance(name, str) or not name or "\x00" in name:
        raise ConfigError(f"invalid identifier {name!r}: names must be non-empty strings without NUL")
    return exp.to_identifier(name)


_KEYWORDS = frozenset(sqlglot.tokens.Tokenizer.KEYWORDS)


def _name_part(name: str) -> exp.Identifier:
    """A schema, database or view name from config: quoted also when it is a keyword (a schema
    named `select` is a name, not the start of a query). Columns keep ident(): quoting a
    keyword-named column would change its case on Snowflake."""
    node = ident(name)
    if name.upper() in _KEYWORDS:
        node.set("quoted", True)
    return node


def qualified(*parts: str | None) -> exp.Table:
    names = [p for p in parts if p]
    table = _name_part(names[-1])
    db = _name_part(names[-2]) if len(names) > 1 else None
    catalog = _name_part(names[-3]) if len(names) > 2 else None
    return exp.Table(this=table, db=db, catalog=catalog)


def parse_table_name(value: str, key: str) -> exp.Table:
    """A dotted name a user wrote in YAML (e.g. `app.users` or `"my db".app.users`)."""
    try:
        table = exp.to_table(value)
    except (ParseError, sqlglot.errors.TokenError, ValueError):
        raise ConfigError(
            f"{key}: {value!r} is not a table name", hint='write schema.table (quote parts with ")'
        ) from None
    if not isinstance(table, exp.Table) or table.sql() == "" or len(list(table.parts)) > 3:
        raise ConfigError(f"{key}: {value!r} is not a table name", hint="write schema.table")
    return table


class _Source:
    """What a template sees of one CRM object: `.table`, `.col(alias, field)` and `.live(alias)`."""

    def __init__(self, obj: CrmObject, database: str | None, schema: str, copy_path: bool = False) -> None:
        self._obj = obj
        self.copy_path = copy_path  # the project builds sync or catalog views: times must exist
        self.present = obj.table is not None
        self.table = (
            exp.Table(
                this=self._ident(obj.table),
                db=ident(schema),
                catalog=ident(database) if database else None,
            ).sql()
            if obj.table
            else ""
        )

    def _ident(self, name: str) -> exp.Identifier:
        """A bound name, quoted where the engine stores it in a case an unquoted one misses."""
        node = ident(name)
        if name in self._obj.quoted:
            node.set("quoted", True)
        return node

    def column(self, alias: str, physical: str) -> str:
        return exp.column(self._ident(physical), table=ident(alias)).sql()

    def col(self, alias: str, field: str) -> str:
        """The field's column, or a typed NULL when the source does not have it (an optional
        field; a missing required one never gets here: binding refuses it)."""
        try:
            physical = self._obj.fields[field]
        except KeyError:
            raise ConfigError(f"template asks for unknown field {self._obj.name}.{field}") from None
        if physical is None:
            return f"CAST(NULL AS {SQL_TYPES[self._obj.types[field]]})"
        return self.column(alias, physical)

    def live(self, alias: str) -> str:
        """A row is live when none of the deleted flags is true (NULL counts as false). Written
        with placeholders the dialect expands: `x IS NOT TRUE` where the engine has it (PostgreSQL
        can estimate it from column statistics, a CASE expression it cannot)."""
        preds = [f"B2B_IS_NOT_TRUE({self.column(alias, flag)})" for flag in self._obj.deleted_flags]
        if self._obj.active_flag:
            preds.append(f"B2B_IS_TRUE({self.column(alias, self._obj.active_flag)})")
        return "(" + " AND ".join(preds) + ")" if preds else "1 = 1"

    def current(self, alias: str) -> str:
        """`<predicate> AND ` when only the current version of a row counts (history mode), deleted
        or not; else nothing. Written before another condition: `WHERE {{ x.current('x') }}...`."""
        if self._obj.active_flag:
            return f"B2B_IS_TRUE({self.column(alias, self._obj.active_flag)}) AND "
        return ""

    def modified(self, alias: str) -> str:
        """When a live row last changed: its modification column; where the source has none, the
        loader's sync time (never a NULL column where the copy path reads it: see _timeless)."""
        if self._obj.fields.get("last_modified_date") is not None:
            return self.col(alias, "last_modified_date")
        if self._obj.loaded_at:
            return self.column(alias, self._obj.loaded_at)
        return self._timeless("last_modified_date")

    def changed(self, alias: str) -> str:
        """When the row last changed, for a read of live and deleted rows alike (the sync views'
        UPDATED_AT). A live row: its last modification. A deleted row: the loader's sync time,
        when the source has one, which is when the deletion reached the warehouse (a delete the
        loader flags, `_fivetran_deleted`, does not move LastModifiedDate)."""
        modified = self.modified(alias)
        if not self._obj.loaded_at or self._obj.fields.get("last_modified_date") is None:
            return modified
        loaded = self.column(alias, self._obj.loaded_at)
        return (
            f"CASE WHEN {self.live(alias)} THEN COALESCE({modified}, {loaded}) "
            f"ELSE COALESCE({loaded}, {modified}) END"
        )

    def loaded(self, alias: str) -> str:
        """The loader's sync time of the row (an object with no other time, e.g. an association)."""
        if not self._obj.loaded_at:
            return self._timeless(None)
        return self.column(alias, self._obj.loaded_at)

    def _timeless(self, field: str | None) -> str:
        """A time the source cannot give. The copy path (user_sync, catalogs) needs one on every
        row, since Braze cannot place a row without UPDATED_AT: refused, with the fix. Elsewhere
        (a view's updated_at) a typed NULL."""
        if not self.copy_path:
            return "CAST(NULL AS TIMESTAMP)"
        obj = self._obj
        looked = [c for c in (field and f"{obj.name}.{field}", "source.loaded_at_column") if c]
        raise ConfigError(
            f"source: table {obj.table!r} ({obj.name}) has no time the sync views can read "
            f"(looked for: {', '.join(looked)}); Braze cannot place a row without UPDATED_AT",
            hint=f"set source.loaded_at_column to the loader's sync-time column of {obj.table!r}"
            + (f", or map source.columns.{obj.name}.{field} to its modification column" if field else "")
            + "; or turn output.user_sync and output.catalogs off. No view was generated or applied.",
        )

    def extras(self, alias: str) -> list[str]:
        return [
            f"{self.column(alias, col)} AS {ident(attr).sql()}"
            for attr, col in sorted(self._obj.extras.items())
        ]


@dataclass(frozen=True)
class RenderedView:
    entity: str
    name: exp.Table
    template: Path
    query: exp.Query


ENV_OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined,
    "autoescape": False,
    "keep_trailing_newline": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
}


@cache
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates, cached across runs (compiling them was a third of a warm `b2b
    generate`): Jinja keys an entry by the template's path and a checksum of its source; the
    file name adds Jinja's version and these options, which change the compiled code. In the
    user's private temp folder that Jinja creates (mode 0700, checked to be theirs); None where
    it cannot."""
    tag = hashlib.sha256(
        f"{jinja2.__version__}|sandboxed|{sorted(ENV_OPTIONS.items())}".encode()
    ).hexdigest()[:16]
    try:
        return jinja2.FileSystemBytecodeCache(pattern=f"__b2b_{tag}_%s.cache")
    except (OSError, RuntimeError):
        return None


class ViewRenderer:
    def __init__(self, config: ProjectConfig, crm: Crm, project_root: Path) -> None:
        self.config = config
        self.crm = crm
        # the CRM's templates, then the ones every CRM shares (the identity strategy)
        search = [str(crm.template_dir), str(crm.template_dir.parent / "_shared")]
        if config.templates_dir:
            override = (project_root / config.templates_dir).resolve()
            if not override.is_dir():
                raise ConfigError(
                    f"templates_dir: {override} is not a folder", hint="create it or remove the key"
                )
            search.insert(0, str(override))
        self.env = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader(search),
            bytecode_cache=_bytecode_cache(),
            **ENV_OPTIONS,
        )
        self.sources = {
            name: _Source(
                obj,
                config.source.database,
                config.source.schema_,
                bool(config.output.user_sync or config.output.catalogs),
            )
            for name, obj in crm.objects.items()
        }

    # ---- helpers exposed to templates ----------------------------------------------------
    def view(self, entity: str) -> exp.Table:
        out = self.config.output
        return qualified(out.database, out.schema_, f"{out.prefix}{entity}")

    @property
    def ledger_mode(self) -> bool:
        sync = self.config.output.user_sync
        return sync is not None and sync.mode == "ledger"

    def ledger_schema(self) -> exp.Table:
        """Where the sync ledger lives: output.user_sync.ledger_schema, else the output schema."""
        return qualified(self.config.output.database, self._ledger_schema_name())

    def ledger(self, name: str) -> exp.Table:
        """One of the sync ledger's tables (runs, attributes, events)."""
        out, sync = self.config.output, self.config.output.user_sync
        prefix = sync.ledger_prefix if sync and sync.ledger_prefix is not None else out.prefix
        return qualified(out.database, self._ledger_schema_name(), f"{prefix}ledger_{name}")

    def _ledger_schema_name(self) -> str:
        sync = self.config.output.user_sync
        return (sync.ledger_schema if sync else None) or self.config.output.schema_

    def _members(self, entity: str, alias: str) -> list[tuple[str, str]]:
        """(attribute, value SQL) of the entity's extra_fields, read from a view's columns."""
        return [
            (attr, exp.column(ident(attr), table=ident(alias)).sql())
            for attr in sorted(self.sources[self.crm.entity_objects.get(entity, entity)]._obj.extras)
        ]

    @property
    def ids_to_18(self) -> bool:
        return self.crm.id_style == "salesforce" and self.config.identity.salesforce_ids == "to_18"

    def _sfid(self, col_sql: str) -> str:
        """A CRM id as the views carry it (text): Salesforce's 18-char form under to_18; an integer
        id (crm.yml id_style: integer) cast to text; else as stored."""
        if self.ids_to_18:
            return f"B2B_SF18({col_sql})"
        return f"CAST({col_sql} AS TEXT)" if self.crm.id_style == "integer" else col_sql

    def _extras(self, alias: str, entity: str) -> list[str]:
        return self.sources[self.crm.entity_objects.get(entity, entity)].extras(alias)

    def _extra_names(self, entity: str, alias: str) -> list[str]:
        return [
            exp.column(ident(attr), table=ident(alias)).sql()
            for attr in sorted(self.config.extra_fields.get(entity, {}))
        ]

    def _extra_json(self, entity: str, alias: str, raw: bool = False) -> str:
        """`, 'attr', value` pairs for B2B_JSON_OBJECT: the entity's extra_fields, read from a
        view's columns (raw=False) or from the source table (raw=True)."""
        if raw:
            source = self.sources[self.crm.entity_objects.get(entity, entity)]
            members = [(attr, source.column(alias, col)) for attr, col in sorted(source._obj.extras.items())]
        else:
            members = self._members(entity, alias)
        return "".join(f", {exp.Literal.string(attr).sql()}, {value}" for attr, value in members)

    def _mapping(self) -> dict[str, Any]:
        m = self.config.identity.mapping
        if m is None:
            return {}
        return {
            "table": parse_table_name(m.table, "identity.mapping.table").sql(),
            "external_id": lambda a: exp.column(ident(m.external_id_column), table=ident(a)).sql(),
            "contact_id": lambda a: exp.column(ident(m.contact_id_column), table=ident(a)).sql(),
            "lead_id": (lambda a: exp.column(ident(m.lead_id_column), table=ident(a)).sql())
            if m.lead_id_column
            else None,
        }

    def context(self, key_forms: KeyForms = "cross") -> dict[str, Any]:
        """The names templates see. `key_forms`: the target dialect's KEY_FORMS (how ref_keys
        lays out the forms of a stored id)."""
        return {
            "src": self.sources,
            "view": lambda entity: self.view(entity).sql(),
            "sfid": self._sfid,
            "crm_id": self._sfid,
            "literal": lambda value: exp.Literal.string(str(value)).sql(),
            "alias_labels": self.crm.alias_labels,
            "lead_stages": ", ".join(exp.Literal.string(v).sql() for v in self.crm.lead_stages) or "NULL",
            "ids_to_18": self.ids_to_18,
            "key_forms": key_forms,
            "extras": self._extras,
            "extra_names": self._extra_names,
            "extra_json": self._extra_json,
            "user_sync": self.config.output.user_sync,
            "ledger": lambda name: self.ledger(name).sql(),
            "extra_members": self._members,
            # an attribute's name as its JSON key text ("accountId"): how the ledger stores it
            "json_key": lambda name: exp.Literal.string(json.dumps(name)).sql(),
            "identity": {"strategy": self.config.identity.strategy, "mapping": self._mapping()},
        }

    # ---- rendering ---------------------------------------------------------------------
    def render(self, entity: str, key_forms: KeyForms = "cross") -> RenderedView:
        return self.parse(entity, *self.render_text(entity, key_forms))

    def render_text(self, entity: str, key_forms: KeyForms = "cross") -> tuple[Path, str]:
        """The entity's template and its rendered SQL text (canonical dialect, not parsed), for
        dialects whose KEY_FORMS is `key_forms`."""
        name = f"ledger_{entity}.sql" if self.ledger_mode and entity in SYNC_ENTITIES else f"{entity}.sql"
        try:
            template = self.env.get_template(name)
            path = Path(template.filename or name)
            text = template.render(**self.context(key_forms))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"{exc.filename or name}:{exc.lineno}: template syntax error: {exc.message}"
            ) from None
        except jinja2.TemplateNotFound:
            key = {**dict.fromkeys(CATALOG_ENTITIES, "catalogs"), **dict.fromkeys(SYNC_ENTITIES, "user_sync")}
            if entity in key:  # a copy-path view this CRM's folder does not have (yet)
                raise ConfigError(
                    f"output.{key[entity]}: source.crm {self.crm.name!r} has no {name} template "
                    f"(sql/{self.crm.name}/), so its {key[entity]} views cannot be built",
                    hint=(
                        "set output.catalogs: false"
                        if key[entity] == "catalogs"
                        else "remove output.user_sync"
                    )
                    + " for this project, or add the template in a templates_dir",
                ) from None
            raise TemplateError(f"template {name} not found in {self.env.loader.searchpath}") from None  # type: ignore[union-attr]
        except (ConfigError, TemplateError):
            raise
        except Exception as exc:  # a runtime error inside the template, e.g. a sandbox refusal
            raise TemplateError(f"{_template_location(exc, name)}: template error: {exc}") from None
        return path, text

    def parse(self, entity: str, path: Path, text: str) -> RenderedView:
        try:
            statements = [s for s in sqlglot.parse(text) if s is not None]
        except ParseError as exc:
            first = exc.errors[0] if exc.errors else {}
            raise TemplateError(
                f"{path}: rendered SQL does not parse (line {first.get('line', '?')} of the rendered SQL): "
                f"{first.get('description', exc)}"
            ) from None
        if len(statements) != 1 or not isinstance(statements[0], exp.Query):
            raise TemplateError(f"{path}: a view template must render exactly one SELECT statement")
        return RenderedView(entity, self.view(entity), path, without_positions(statements[0]))

    def render_all(
        self, entities: tuple[str, ...] = ENTITIES, key_forms: KeyForms = "cross"
    ) -> list[RenderedView]:
        return [self.render(e, key_forms) for e in entities]


def _template_location(exc: BaseException, fallback: str) -> str:
    tb = exc.__traceback__ or sys.exc_info()[2]
    where = fallback
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".sql"):
            where = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where

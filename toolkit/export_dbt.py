"""`b2b export dbt`: the project as a dbt project (usable as a local package).

One model per view, materialized as a view, whose SQL is the generated SQL for the dialect with
every CRM table read through `{{ source() }}` and every view through `{{ ref() }}`, so dbt's
lineage and `dbt source freshness` work. `sources.yml` declares the CRM tables (with their
loader timestamp) and the platform's ID table; `schema.yml` documents every column and carries
the validator's contract as dbt tests: not_null and the grain (dbt's `unique`, or the shipped
generic test `b2b_unique_combination`), relationships from the link views to the users view,
and the platform match with its threshold (the shipped `b2b_platform_match`), each at the
severity validate gives it.

The SQL is not re-parsed by dbt: table references are swapped on the sqlglot tree for
placeholders, the tree is generated, and the placeholders become Jinja calls. Any `{{`, `{%`
or `{#` the SQL itself contains is escaped first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlglot import exp

from toolkit.context import ProjectContext
from toolkit.dialects import PROFILE_DIALECT, get_or_raise
from toolkit.errors import ConfigError
from toolkit.render import parse_table_name
from toolkit.source.crm import crm_docs
from toolkit.validate.checks import GRAIN, severities

TESTS_SQL = """\
{#- Generic tests shipped by b2b-connected-source export (no dbt_utils dependency). -#}

{% test b2b_unique_combination(model, columns) %}
{#- The grain: no two rows share these columns' values. -#}
select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test b2b_platform_match(model, column_name, platform, platform_column, min_match_rate) %}
{#- The share of the model's user ids found among the platform's external IDs (exact and
    case-sensitive) must reach min_match_rate; returns one row when it does not (b2b validate's
    user_id_in_platform). -#}
with people as (
  select {{ column_name }} as user_id from {{ model }} where {{ column_name }} is not null
), ids as (
  select distinct cast({{ platform_column }} as {{ dbt.type_string() }}) as external_id
  from {{ platform }}
  where {{ platform_column }} is not null
), counts as (
  select count(*) as total, count(ids.external_id) as matched
  from people left join ids on ids.external_id = people.user_id
)
select total, matched from counts
where total > 0 and matched < {{ min_match_rate }} * total
{% endtest %}
"""
_JINJA_OPEN = re.compile(r"\{([{%#])")


def jinja_literal_text(value: str) -> str:
    """`value` as text dbt's Jinja renders back to itself: every `{{`, `{%` and `{#` becomes
    `{{ '{' }}` and the second character (issue 33: a column named
    `{{ run_query('DROP TABLE ...') }}` in b2b_project.yml ran when dbt parsed the export)."""
    return _JINJA_OPEN.sub(lambda m: "{{ '{' }}" + m.group(1), value)


def _escaped(doc: Any, keep: frozenset[str] = frozenset()) -> Any:
    """Every string of a YAML document made Jinja-inert, except the calls we wrote (`keep`)."""
    if isinstance(doc, dict):
        return {k: _escaped(v, keep) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_escaped(v, keep) for v in doc]
    if isinstance(doc, str) and doc not in keep:
        return jinja_literal_text(doc)
    return doc


@dataclass
class Export:
    out: Path
    dialect: str
    models: list[str]
    files: list[Path]
    notes: list[str]


def _project_name(name: str) -> str:
    slug = re.sub(r"[^a-z0-9_]", "_", name.lower()).strip("_") or "b2b"
    return slug if slug[0].isalpha() else f"b2b_{slug}"


def _key(table: exp.Table) -> tuple[str, str, str]:
    return (table.catalog, table.db, table.name)


def export_dbt(ctx: ProjectContext, out: Path, dialect_name: str | None = None) -> Export:
    dialect = get_or_raise(dialect_name or PROFILE_DIALECT[ctx.target.type])
    config = ctx.config
    notes: list[str] = []
    if ctx.recorded_source is None:
        # no source_schema.yml: bind to the live source (one metadata query), as apply does, so
        # that a missing optional column becomes a typed NULL in the models too
        with ctx.adapter() as adapter:
            notes += ctx.bind_live(adapter)
        notes.append(
            f"bound to the live source of target {ctx.target.name!r} (no source_schema.yml: run `b2b inspect` to pin it)"
        )
    renderer = ctx.renderer()
    crm = ctx.crm
    source_name = crm.name
    # the CRM tables, by their qualified name as the templates write it
    sources: dict[tuple[str, str, str], str] = {}
    tables_yml: list[dict[str, Any]] = []
    for obj_name, src in renderer.sources.items():
        if not src.present:
            continue
        obj = crm.objects[obj_name]
        if obj.table is None:
            continue
        table = exp.to_table(src.table)
        sources[_key(table)] = f"{{{{ source({source_name!r}, {obj.table!r}) }}}}"
        entry: dict[str, Any] = {"name": obj.table, "description": f"The CRM's {obj_name} object."}
        if obj.loaded_at:
            entry["loaded_at_field"] = obj.loaded_at
            hours = config.checks.max_source_age_hours
            entry["freshness"] = {"warn_after": {"count": int(hours), "period": "hour"}}
        if obj.table in obj.quoted or obj.table != obj.table.lower():
            entry["quoting"] = {"identifier": True}
        tables_yml.append(entry)
    entities = ctx.project.entities()
    views = {_key(renderer.view(e)): e for e in entities}
    out.mkdir(parents=True, exist_ok=True)
    (out / "models").mkdir(exist_ok=True)
    (out / "macros").mkdir(exist_ok=True)
    files: list[Path] = []
    models: list[str] = []
    # models this project no longer builds (catalogs or user_sync turned off since the last
    # export): ours carry our header; anything else in models/ is the user's and stays
    keep = {f"{ctx.project.view_name(e)}.sql" for e in entities}
    for old in (out / "models").glob("*.sql"):
        if old.name not in keep and old.read_text(encoding="utf-8").startswith(
            f"-- {old.stem}: exported by b2b-connected-source"
        ):
            old.unlink()
            notes.append(f"removed {old.relative_to(out)}: the project no longer builds it")
    columns: dict[str, list[str]] = {}
    for rendered in renderer.render_all(entities, dialect.KEY_FORMS):
        name = ctx.project.view_name(rendered.entity)
        tree = dialect.expand(rendered.query.copy())
        calls: dict[str, str] = {}
        for i, table in enumerate(list(tree.find_all(exp.Table))):
            key = _key(table)
            call = sources.get(key) or (
                f"{{{{ ref({ctx.project.view_name(views[key])!r}) }}}}" if key in views else None
            )
            if call is None:
                continue
            marker = f"b2b_dbt_ref_{i}"
            calls[marker] = call
            table.set("this", exp.to_identifier(marker))
            table.set("db", None)
            table.set("catalog", None)
        sql = jinja_literal_text(dialect.generate(tree))
        for marker, call in calls.items():
            sql = re.sub(rf"\b{marker}\b", call.replace("\\", "\\\\"), sql)
        header = (
            f"-- {name}: exported by b2b-connected-source for {dialect.name} from "
            f"{rendered.template.parent.name}/{rendered.template.name}; regenerate with `b2b export dbt`\n"
            "{{ config(materialized='view') }}\n\n"
        )
        path = out / "models" / f"{name}.sql"
        path.write_text(header + sql + "\n", encoding="utf-8")
        files.append(path)
        models.append(name)
        columns[rendered.entity] = list(rendered.query.named_selects)

    sources_doc: dict[str, Any] = {
        "version": 2,
        "sources": [
            {
                "name": source_name,
                "schema": config.source.schema_,
                **({"database": config.source.database} if config.source.database else {}),
                "tables": tables_yml,
            }
        ],
    }
    platform = _platform_source(ctx, notes)
    if platform:
        sources_doc["sources"].append(platform)
    files.append(_write_yaml(out / "models" / "sources.yml", _escaped(sources_doc)))
    schema_doc = _schema(ctx, columns, platform)
    ours = frozenset(_jinja_calls(schema_doc))
    files.append(_write_yaml(out / "models" / "schema.yml", _escaped(schema_doc, ours)))
    (out / "macros" / "b2b_tests.sql").write_text(TESTS_SQL, encoding="utf-8")
    files.append(out / "macros" / "b2b_tests.sql")
    project_doc = {
        "name": _project_name(config.name),
        "version": "1.0.0",
        "config-version": 2,
        "profile": config.profile,
        "model-paths": ["models"],
        "macro-paths": ["macros"],
        "models": {_project_name(config.name): _model_config(config, dialect, notes)},
    }
    files.insert(0, _write_yaml(out / "dbt_project.yml", _escaped(project_doc)))
    return Export(out, dialect.name, models, files, notes)


def _model_config(config: Any, dialect: Any, notes: list[str]) -> dict[str, Any]:
    """Views; on Snowflake replaced with copy_grants (dbt's COPY GRANTS: a rebuild keeps every
    grant); SELECT granted to grant_select_to and the connected source's role (dbt's `grants`).
    The connected source's scratch schema and default privileges are apply's: dbt has no form."""
    model: dict[str, Any] = {"+materialized": "view"}
    if dialect.name == "snowflake":
        model["+copy_grants"] = True
    cs = config.output.connected_source
    roles = [*config.output.grant_select_to, *([cs.role] if cs else [])]
    if roles and dialect.SUPPORTS_GRANTS:
        model["+grants"] = {"select": roles}
    if cs is not None:
        notes.append(
            f"output.connected_source: dbt grants SELECT on the models to {cs.role!r}; the schema USAGE, "
            "the scratch schema and its CREATE grant are not dbt's: run `b2b apply --dry-run` for them"
        )
    sync = config.output.user_sync
    if sync is not None and sync.mode == "ledger":
        notes.append(
            "output.user_sync.mode: ledger: the cdi_user_* models read the sync ledger's tables, which "
            "`b2b sync run` creates and appends to; run it after `dbt build` (the README: the copy path)"
        )
    return model


def _platform_source(ctx: ProjectContext, notes: list[str]) -> dict[str, Any] | None:
    ids = ctx.config.platform.external_ids
    if ids is None:
        notes.append("platform.external_ids is not set: no platform match test")
        return None
    if ids.table is None:
        notes.append(
            "platform.external_ids.query is SQL, not a table: no platform match test (dbt needs a relation)"
        )
        return None
    table = parse_table_name(ids.table, "platform.external_ids.table")
    if not table.db:
        notes.append("platform.external_ids.table has no schema: no platform match test")
        return None
    return {
        "name": "platform",
        "schema": table.db,
        **({"database": table.catalog} if table.catalog else {}),
        "tables": [{"name": table.name, "description": "The platform's external IDs, inside the warehouse."}],
    }


def _schema(
    ctx: ProjectContext, columns: dict[str, list[str]], platform: dict[str, Any] | None
) -> dict[str, Any]:
    levels = severities(ctx.config)
    docs = crm_docs(ctx.crm.name)
    models = []

    def cfg(check: str) -> dict[str, Any]:
        return {"config": {"severity": "warn" if levels[check] == "warn" else "error"}}

    for entity, cols in columns.items():
        name = ctx.project.view_name(entity)
        col_docs: list[dict[str, Any]] = [
            {"name": c, "description": docs["columns"].get(c, "")} for c in cols
        ]
        tests: list[Any] = []
        grain = GRAIN.get(entity)
        by_col = {d["name"]: d for d in col_docs}
        if grain and "user_id" in by_col:
            data_tests: list[Any] = []
            if levels["user_id_not_null"] != "off":
                data_tests.append({"not_null": cfg("user_id_not_null")})
            if levels["grain_unique"] != "off" and len(grain) == 1:
                data_tests.append({"unique": cfg("grain_unique")})
            if entity in ("contacts", "leads") and platform and levels["user_id_in_platform"] != "off":
                ids = ctx.config.platform.external_ids
                assert ids is not None
                data_tests.append(
                    {
                        "b2b_platform_match": {
                            "arguments": {
                                "platform": f"{{{{ source('platform', {platform['tables'][0]['name']!r}) }}}}",
                                "platform_column": ids.column,
                                "min_match_rate": ctx.config.checks.min_match_rate,
                            },
                            **cfg("user_id_in_platform"),
                        }
                    }
                )
            if entity in ("accounts", "opportunities"):
                data_tests.append(
                    {
                        "relationships": {
                            "arguments": {
                                "to": f"ref('{ctx.project.view_name('users')}')",
                                "field": "user_id",
                            },
                            "config": {"severity": "warn"},
                        }
                    }
                )
            by_col["user_id"]["data_tests"] = data_tests
            if levels["grain_unique"] != "off" and len(grain) > 1:
                tests.append(
                    {"b2b_unique_combination": {"arguments": {"columns": list(grain)}, **cfg("grain_unique")}}
                )
        model: dict[str, Any] = {
            "name": name,
            "description": docs["views"].get(entity, f"The {entity} view."),
            "columns": col_docs,
        }
        if tests:
            model["data_tests"] = tests
        models.append(model)
    return {"version": 2, "models": models}


def _jinja_calls(doc: Any) -> list[str]:
    """The `{{ source(...) }}` / `ref(...)` strings _schema writes itself (kept as Jinja)."""
    if isinstance(doc, dict):
        return [s for k, v in doc.items() for s in (_jinja_calls(v) if k not in ("platform", "to") else [v])]
    if isinstance(doc, list):
        return [s for v in doc for s in _jinja_calls(v)]
    return []


def _write_yaml(path: Path, doc: dict[str, Any]) -> Path:
    header = "# exported by b2b-connected-source (`b2b export dbt`); regenerate rather than edit\n"
    path.write_text(header + yaml.safe_dump(doc, sort_keys=False, width=120), encoding="utf-8")
    return path


def check_out_dir(out: Path, force: bool) -> None:
    """An empty folder, or a previous export of ours; anything else (a dbt project of the
    user's, other files) only with --force."""
    if force or not out.exists() or not any(out.iterdir()):
        return
    project = out / "dbt_project.yml"
    if not project.exists():
        raise ConfigError(
            f"{out}: not empty and not a dbt project", hint="pick an empty folder with --out, or pass --force"
        )
    if not project.read_text(encoding="utf-8").startswith("# exported by b2b-connected-source"):
        raise ConfigError(
            f"{project}: a dbt project that `b2b export dbt` did not write; its dbt_project.yml and "
            "models/schema.yml would be replaced",
            hint="export into an empty folder (or a previous export), or pass --force to overwrite",
        )

"""What apply grants: SELECT to output.grant_select_to, and the connected source's least
privilege (output.connected_source) in the target's own form; on BigQuery also the views'
authorizations on the datasets they read. All of it is part of each view's fingerprint, so a
changed grant re-applies."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from toolkit.config.project import ProjectConfig
from toolkit.context import ProjectContext
from toolkit.dialects import TargetDialect
from toolkit.render import qualified


@dataclass(frozen=True)
class Authorization:
    """A BigQuery authorized view: `view` may read `dataset` (project.dataset) for its readers."""

    dataset: str
    view: str  # project.dataset.view

    def __str__(self) -> str:
        return f"-- authorize view {self.view} on dataset {self.dataset} (its access entries: bq update)"


@dataclass
class Access:
    grants: list[str] = field(default_factory=list)
    authorizations: list[Authorization] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _database(ctx: ProjectContext, config: ProjectConfig) -> str | None:
    """The database (Snowflake), catalog (Databricks) or project (BigQuery) the views live in."""
    conn = ctx.target.conn
    return (
        config.output.database
        or getattr(conn, "database", None)
        or getattr(conn, "catalog", None)
        or getattr(conn, "project", None)
    )


def scratch_schema(ctx: ProjectContext, config: ProjectConfig, dialect: TargetDialect) -> exp.Table:
    """Where Braze creates its result tables, qualified as the grants name it."""
    cs = config.output.connected_source
    assert cs is not None
    return qualified(_grants_database(ctx, config, dialect), cs.scratch_schema)


def _grants_database(ctx: ProjectContext, config: ProjectConfig, dialect: TargetDialect) -> str | None:
    """The database the grants qualify schemas with: the connection's where the engine's grants
    name it (Snowflake, Unity Catalog), else only output.database."""
    return _database(ctx, config) if dialect.GRANTS_NAME_DATABASE else config.output.database


def plan_access(
    ctx: ProjectContext,
    config: ProjectConfig,
    dialect: TargetDialect,
    views: list[exp.Table],
    reads: set[tuple[str, str]],
) -> Access:
    """`views`: the views apply makes; `reads`: the (database, schema) of every table they read
    that is not one of them (BigQuery authorizes each view on those datasets)."""
    out = config.output
    schema = qualified(out.database, out.schema_)
    access = Access(grants=dialect.grants(views, schema, list(out.grant_select_to)))
    cs = out.connected_source
    if cs is None:
        return access
    if not dialect.CONNECTED_SOURCE or not dialect.SUPPORTS_GRANTS or ctx.target.type == "spark":
        why = (
            "has no access control"
            if ctx.target.type in ("duckdb", "spark")
            else "is not one of Braze's connected-source warehouses"
        )
        access.notes.append(
            f"output.connected_source: target {ctx.target.name!r} ({ctx.target.type}) {why}: nothing is "
            f"granted to {cs.role!r}, and any reader sees every table. Apply to Snowflake, Redshift, "
            "BigQuery, Databricks (Unity Catalog) or PostgreSQL for least privilege"
        )
        return access
    full_schema = qualified(_grants_database(ctx, config, dialect), out.schema_)
    scratch = scratch_schema(ctx, config, dialect)
    access.grants += dialect.connected_source_grants(views, full_schema, scratch, cs.role, cs.warehouse)
    if dialect.name == "snowflake" and not cs.warehouse:
        access.notes.append(
            "output.connected_source.warehouse is not set: Braze's role needs USAGE on a warehouse "
            "(`b2b connect sql` creates one and grants it)"
        )
    if cs.scratch_schema.lower() == out.schema_.lower():
        access.notes.append(
            f"output.connected_source.scratch_schema is the views' schema {out.schema_!r}: Braze's role may "
            "create tables beside the views, and they show in its table list. A schema of its own keeps "
            "the views' schema read-only"
        )
    if dialect.name == "bigquery":
        project = _database(ctx, config) or ""
        for view in views:
            name = ".".join(p for p in (project, view.db, view.name) if p)
            for db, sch in sorted(reads):
                access.authorizations.append(
                    Authorization(".".join(p for p in (db or project, sch) if p), name)
                )
    return access

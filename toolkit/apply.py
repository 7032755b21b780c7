"""`b2b apply`: compile the views for the target's dialect, compare fingerprints with what the
warehouse holds, and replace what changed, all or nothing:

- engines with transactional DDL (DuckDB, PostgreSQL, Redshift, Fabric): one transaction;
- the others (Snowflake, BigQuery, Databricks, Spark): every new definition is first created
  under a staging name; only when all of them compile are the live views replaced (each
  CREATE OR REPLACE is atomic), then the staging views are dropped. A failure while staging
  leaves the live views untouched.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field

from sqlglot import exp

from toolkit.config.project import ProjectConfig
from toolkit.context import ProjectContext
from toolkit.dialects import PROFILE_DIALECT, get_or_raise
from toolkit.errors import ConfigError, WarehouseError
from toolkit.grants import Authorization, plan_access
from toolkit.ledger_tables import COLUMNS as LEDGER_TABLES
from toolkit.ledger_tables import ledger_ddl
from toolkit.render import qualified
from toolkit.source.crm import crm_docs
from toolkit.source.introspect import binding_notes
from toolkit.transpile import compile_views
from toolkit.warehouse.base import Adapter, ViewDDL

FINGERPRINT_PREFIX = "b2b-connected-source sha256:"
PENDING_FINGERPRINT = FINGERPRINT_PREFIX + "pending (a staged apply stopped before its grants)"
STAGING_SUFFIX = "staging__"


@dataclass
class ApplyPlan:
    target: str
    dialect: str
    schema_ddl: str
    views: list[ViewDDL]  # in dependency order
    grants: list[str]
    depends_on: dict[str, set[str]] = field(default_factory=dict)  # view -> views it selects from
    # view -> create | replace | recreate (unchanged, but a view it depends on is dropped) | unchanged
    actions: dict[str, str] = field(default_factory=dict)
    strategy: str = "transaction"  # transaction | staged
    notes: list[str] = field(default_factory=list)  # what the binding filled, what drifted
    foreign: list[str] = field(default_factory=list)  # same-named views apply did not create
    # BigQuery: each view authorized on the datasets it reads (dataset access entries, not SQL)
    authorizations: list[Authorization] = field(default_factory=list)
    access_notes: list[str] = field(default_factory=list)  # what the grants could not do here
    sources: list[exp.Table] = field(default_factory=list)  # the tables the views read
    # the sync ledger's schema and tables (output.user_sync.mode: ledger), created if absent
    ledger_ddl: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(a != "unchanged" for a in self.actions.values())

    def to_apply(self) -> list[ViewDDL]:
        return [v for v in self.views if self.actions.get(v.name, "create") != "unchanged"]

    def statements(self) -> list[str]:
        return [
            self.schema_ddl,
            *self.ledger_ddl,
            *(v.ddl for v in self.views),
            *self.grants,
            *map(str, self.authorizations),
        ]


def fingerprint(ddl: str, grants: list[str], source: str = "") -> str:
    """What a view's comment carries: a digest of its DDL and grants and, after ` src:`, of the
    source columns it was bound to (so a column dropped or retyped after apply shows)."""
    digest = hashlib.sha256("\n".join([ddl, *grants]).encode()).hexdigest()[:32]
    return FINGERPRINT_PREFIX + digest + (f" src:{source}" if source else "")


def stored_fingerprint(comment: str | None) -> str | None:
    """The fingerprint in a view's comment, after the view's description (None: none)."""
    at = comment.find(FINGERPRINT_PREFIX) if comment else -1
    return comment[at:] if comment and at >= 0 else None


def source_part(stored: str | None) -> str | None:
    """The source digest of a stored fingerprint (None: none recorded)."""
    if not stored or " src:" not in stored:
        return None
    return stored.rsplit(" src:", 1)[1]


def plan_apply(ctx: ProjectContext, config: ProjectConfig | None = None) -> ApplyPlan:
    dialect_name = PROFILE_DIALECT[ctx.target.type]
    config = config or ctx.config
    compiled = compile_views(ctx, [dialect_name], config=config)
    dialect = get_or_raise(dialect_name)
    out = config.output
    schema = qualified(out.database, out.schema_)
    name_of = {v.name.name: v.name.sql(dialect=dialect.sqlglot_name) for v in compiled}
    tables_of = {v.name.name: list(v.tree.find_all(exp.Table)) for v in compiled}  # one walk per view
    read_tables = [
        exp.Table(this=t.this.copy(), db=t.args.get("db"), catalog=t.args.get("catalog"))
        for tables in tables_of.values()
        for t in tables
        if t.name not in name_of and t.db
    ]
    reads = {(t.catalog, t.db) for t in read_tables}
    # the CRM's tables (the sync ledger's are b2b's own: its views read them, Braze need not)
    renderer = ctx.renderer(config)
    ledger = {renderer.ledger(name).name.lower() for name in LEDGER_TABLES}
    sources = {t.sql(dialect=dialect.sqlglot_name): t for t in read_tables if t.name.lower() not in ledger}
    access = plan_access(ctx, config, dialect, [v.name for v in compiled], reads)
    grants = access.grants
    fingerprinted = grants + [str(a) for a in access.authorizations]
    docs = crm_docs(ctx.crm.name)
    views = []
    for v in compiled:
        description = docs["views"].get(v.entity, "")
        described = dialect.describe(v.name, description, _output_columns(v.tree, docs["columns"]))
        views.append(
            ViewDDL(
                name_of[v.name.name],
                v.ddl,
                fingerprint(
                    "\n".join([v.ddl, description, *described]),
                    fingerprinted,
                    ctx.crm.signature({t.name.lower() for t in tables_of[v.name.name]}),
                ),
                v.name.name,
                description,
                tuple(described),
            )
        )
    depends_on = {
        name_of[v.name.name]: {
            name_of[t.name] for t in tables_of[v.name.name] if t.name in name_of and t.name != v.name.name
        }
        for v in compiled
    }
    return ApplyPlan(
        ctx.target.name,
        dialect_name,
        dialect.create_schema(schema),
        views,
        grants,
        depends_on,
        authorizations=access.authorizations,
        access_notes=access.notes,
        sources=[sources[k] for k in sorted(sources)],
        ledger_ddl=ledger_ddl(renderer, dialect),
    )


def _output_columns(tree: exp.Expr, docs: dict[str, str]) -> list[tuple[exp.Identifier, str]]:
    """The view's documented output columns, as the query names them (the identifier itself, so
    a quoted name stays quoted), with their docs."""
    out = []
    query = tree.this if isinstance(tree, exp.Subquery) else tree
    for select in getattr(query, "selects", []):
        ident = select.args.get("alias") if isinstance(select, exp.Alias) else select.args.get("this")
        if isinstance(ident, exp.Identifier) and ident.name in docs:
            out.append((ident, docs[ident.name]))
    return out


def diff_plan(plan: ApplyPlan, adapter: Adapter, schema: str) -> None:
    current = adapter.view_fingerprints(adapter.catalog_name(schema))
    for v in plan.views:
        stored = adapter.catalog_name(v.short_name)
        if stored not in current:
            plan.actions[v.name] = "create"
        elif adapter.SUPPORTS_FINGERPRINTS and stored_fingerprint(current[stored]) is None:
            plan.foreign.append(v.name)  # someone else's view: never replaced silently
            plan.actions[v.name] = "replace"
        elif stored_fingerprint(current[stored]) == v.fingerprint:
            plan.actions[v.name] = "unchanged"
        else:
            plan.actions[v.name] = "replace"
    if adapter.DROPS_TO_REPLACE:
        # a view that is dropped takes its dependents with it: recreate them too
        for v in plan.views:  # dependency order: a view's dependencies come before it
            if plan.actions[v.name] == "unchanged" and any(
                plan.actions[d] in ("replace", "recreate") for d in plan.depends_on[v.name]
            ):
                plan.actions[v.name] = "recreate"


def _staging_config(config: ProjectConfig) -> ProjectConfig:
    sync = config.output.user_sync
    if sync is not None and sync.ledger_prefix is None:  # the staged views read the real ledger
        sync = sync.model_copy(update={"ledger_prefix": config.output.prefix})
    output = config.output.model_copy(
        update={
            "prefix": config.output.prefix + STAGING_SUFFIX,
            "grant_select_to": [],
            "connected_source": None,
            "user_sync": sync,
        }
    )
    return config.model_copy(update={"output": output})


class PartialApply(WarehouseError):
    """A staged apply that failed after it began replacing live views: which ones it replaced."""

    def __init__(self, exc: WarehouseError, replaced: list[str]) -> None:
        super().__init__(exc.message, hint=exc.hint)
        self.view = exc.view
        self.replaced = replaced


def staged_apply(ctx: ProjectContext, adapter: Adapter, plan: ApplyPlan) -> None:
    """Create-new-then-swap for engines whose DDL cannot be rolled back. The staging views are
    dropped whatever happens; a view's fingerprint is stored only after every swap and grant
    succeeded, so a failure part-way leaves the replaced views without one, and the next apply
    replaces them again (and grants) instead of calling them up to date."""
    staging = plan_apply(ctx, _staging_config(ctx.config))
    adapter.execute(plan.schema_ddl)
    created: list[ViewDDL] = []
    replaced: list[str] = []
    try:
        for v in staging.views:
            adapter.create_view(v)
            created.append(v)
        try:
            for v in plan.to_apply():
                adapter.create_view(v)
                replaced.append(v.short_name)
                # ours, but not up to date until the grants ran: a marker no plan equals
                adapter.set_fingerprint(v.name, PENDING_FINGERPRINT)
            for grant in plan.grants:
                adapter.execute(grant)
            adapter.authorize_views(plan.authorizations)
            for v in plan.to_apply():
                adapter.set_fingerprint(v.name, v.comment)
        except WarehouseError as exc:
            raise PartialApply(exc, replaced) from None
    finally:
        _drop_quietly(adapter, created)


def _drop_quietly(adapter: Adapter, views: list[ViewDDL]) -> None:
    for v in reversed(views):
        with contextlib.suppress(WarehouseError):
            adapter.execute(f"DROP VIEW IF EXISTS {v.name}")


def apply(ctx: ProjectContext, dry_run: bool = False, force: bool = False) -> ApplyPlan:
    """Bind to the live source (a missing table or required column stops here, before any DDL),
    plan, and replace what changed. A dry run stays offline: it binds to source_schema.yml when
    the project has one, like `b2b generate`."""
    if dry_run:
        plan = plan_apply(ctx)
        plan.notes = binding_notes(ctx.crm) + plan.access_notes
        return plan
    with ctx.adapter() as adapter:
        notes = adapter.session_notes() + ctx.bind_live(adapter)
        plan = plan_apply(ctx)
        plan.notes = notes + plan.access_notes
        plan.strategy = "transaction" if adapter.SUPPORTS_TRANSACTIONAL_DDL else "staged"
        diff_plan(plan, adapter, ctx.config.output.schema_)
        if plan.foreign and not force:
            raise ConfigError(
                f"output.schema: {', '.join(plan.foreign)} already exist(s) and were not created by b2b "
                "(no b2b fingerprint in the view's comment); refusing to replace them. Nothing was applied",
                hint="choose another output.schema or output.prefix, drop those views, or pass --force to "
                "replace them (grants others made on them are lost)",
            )
        for ddl in plan.ledger_ddl:  # IF NOT EXISTS: the ledger is data, never replaced
            adapter.execute(ddl)
        if plan.changed:
            if adapter.SUPPORTS_TRANSACTIONAL_DDL:
                try:
                    adapter.apply_views(plan.to_apply(), plan.grants, plan.schema_ddl)
                except WarehouseError as exc:
                    raise explain_apply_error(
                        exc, "nothing was committed: the previous views are in place"
                    ) from None
            else:
                try:
                    staged_apply(ctx, adapter, plan)
                except PartialApply as exc:
                    state = (
                        f"{len(exc.replaced)} live view(s) were replaced before it stopped "
                        f"({', '.join(exc.replaced)}) and carry no fingerprint yet: the next `b2b apply` "
                        "replaces them again and re-runs the grants"
                        if exc.replaced
                        else "the live views were not replaced"
                    )
                    raise explain_apply_error(exc, state) from None
                except WarehouseError as exc:
                    raise explain_apply_error(exc, "the live views were not replaced") from None
    return plan


_COLUMN_PATTERNS = (
    r'does not have a column named "?(?P<name>[^"\s]+)"?',  # DuckDB
    r'column "?(?P<name>[^"\s]+)"? does not exist',  # PostgreSQL
    r"invalid identifier '(?P<name>[^']+)'",  # Snowflake
    r"cannot be resolved.*?`(?P<name>[^`]+)`",  # Spark
)
_TABLE_PATTERNS = (
    r"Table with name (?P<name>\S+) does not exist",  # DuckDB
    r'relation "(?P<name>[^"]+)" does not exist',  # PostgreSQL
    r"Object '(?P<name>[^']+)' does not exist",  # Snowflake
    r"TABLE_OR_VIEW_NOT_FOUND.*?`(?P<name>[^`]+)`",  # Spark
)
_FIXES = (
    (
        _COLUMN_PATTERNS,
        "The source has no column {name!r}: run `b2b inspect` to record the source's columns, map the "
        "field to the column that holds it with source.columns, or fix extra_fields; then `b2b apply` again",
    ),
    (
        _TABLE_PATTERNS,
        "No table {name!r}: set source.schema / source.database to where the CRM tables are, or map the "
        "object to its table with source.tables",
    ),
)


def explain_apply_error(exc: WarehouseError, state: str) -> WarehouseError:
    """The engine's message, the view it stopped at, the source table or column where the
    message names one, and a fix."""
    import re

    message = exc.message + (f" (while creating {exc.view})" if exc.view else "")
    for patterns, fix in _FIXES:
        for pattern in patterns:
            m = re.search(pattern, exc.message, flags=re.IGNORECASE)
            if m:
                return WarehouseError(message, hint=f"{state}. " + fix.format(name=m.group("name")))
    return WarehouseError(message, hint=f"{state}. {exc.hint or ''}".strip())

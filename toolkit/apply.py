"""`b2b apply`: compile the views for the target's dialect, compare fingerprints with what the
warehouse holds, and replace them all in one atomic step (or do nothing when nothing changed)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlglot import exp

from toolkit.context import ProjectContext
from toolkit.dialects import PROFILE_DIALECT
from toolkit.render import qualified
from toolkit.transpile import compile_views
from toolkit.warehouse.base import Adapter, ViewDDL

FINGERPRINT_PREFIX = "b2b-connected-source sha256:"


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

    @property
    def changed(self) -> bool:
        return any(a != "unchanged" for a in self.actions.values())

    def to_apply(self) -> list[ViewDDL]:
        return [v for v in self.views if self.actions.get(v.name, "create") != "unchanged"]

    def statements(self) -> list[str]:
        return [self.schema_ddl, *(v.ddl for v in self.views), *self.grants]


def fingerprint(ddl: str, grants: list[str]) -> str:
    digest = hashlib.sha256("\n".join([ddl, *grants]).encode()).hexdigest()[:32]
    return FINGERPRINT_PREFIX + digest


def plan_apply(ctx: ProjectContext) -> ApplyPlan:
    dialect_name = PROFILE_DIALECT[ctx.target.type]
    compiled = compile_views(ctx, [dialect_name])
    from toolkit.dialects import get_or_raise

    dialect = get_or_raise(dialect_name)
    out = ctx.config.output
    schema = qualified(out.database, out.schema_)
    schema_table = exp.Table(this=schema.this, db=schema.args.get("db"))
    grants = dialect.grants([v.name for v in compiled], schema_table, list(out.grant_select_to))
    views = [
        ViewDDL(v.name.sql(dialect=dialect.sqlglot_name), v.ddl, fingerprint(v.ddl, grants), v.name.name)
        for v in compiled
    ]
    names = {v.name.name: v.name.sql(dialect=dialect.sqlglot_name) for v in compiled}
    depends_on = {
        names[v.name.name]: {
            names[t.name] for t in v.tree.find_all(exp.Table) if t.name in names and t.name != v.name.name
        }
        for v in compiled
    }
    return ApplyPlan(
        ctx.target.name, dialect_name, dialect.create_schema(schema_table), views, grants, depends_on
    )


def diff_plan(plan: ApplyPlan, adapter: Adapter, schema: str) -> None:
    current = adapter.view_fingerprints(schema)
    for v in plan.views:
        if v.short_name not in current:
            plan.actions[v.name] = "create"
        elif current[v.short_name] == v.fingerprint:
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


def apply(ctx: ProjectContext, dry_run: bool = False) -> ApplyPlan:
    plan = plan_apply(ctx)
    if dry_run:
        return plan
    with ctx.adapter() as adapter:
        diff_plan(plan, adapter, ctx.config.output.schema_)
        if plan.changed:
            adapter.apply_views(plan.to_apply(), plan.grants, plan.schema_ddl)
    return plan

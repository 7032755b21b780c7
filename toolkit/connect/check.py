"""`b2b connect check --target T`: connected with Braze's credentials (target T), prove what
Braze's connected source will meet, four ways:

1. discovery: the tables the role sees in the view schema are exactly the views;
2. reads: each view reads (one row at most);
3. segments: each compiled people segment runs as Braze runs a CDI segment refresh:
   CREATE TABLE <scratch>.<unique name> AS <segment SQL>, a count, then a drop;
4. refusals: each raw CRM table the views read, and the platform-IDs table, are refused to the
   role, and it cannot create a table in the view schema.

A failure names the grant that is missing or in excess and the statement that fixes it. Nothing
is read beyond one row per view and a count per segment; every table it creates, it drops.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlglot import exp

from toolkit.apply import ApplyPlan, plan_apply
from toolkit.context import ProjectContext
from toolkit.dialects import TargetDialect
from toolkit.errors import ConfigError, WarehouseError
from toolkit.grants import scratch_schema
from toolkit.render import parse_table_name, qualified
from toolkit.segments.compile import SegmentCompiler, load_segments
from toolkit.validate.guard import ensure_read_only
from toolkit.warehouse.base import Adapter

PROOFS = ("discovery", "reads", "segments", "refusals")


@dataclass
class Proof:
    proof: str  # one of PROOFS
    subject: str  # the view, segment, table or schema
    ok: bool
    detail: str
    fix: list[str] = field(default_factory=list)  # the statements that fix it (run by the view owner)


@dataclass
class ConnectReport:
    target: str
    role: str
    schema: str
    scratch_schema: str
    proofs: list[Proof]

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.proofs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "role": self.role,
            "schema": self.schema,
            "scratch_schema": self.scratch_schema,
            "ok": self.ok,
            "proofs": [asdict(p) for p in self.proofs],
            "summary": {
                name: {
                    "passed": sum(1 for p in self.proofs if p.proof == name and p.ok),
                    "failed": sum(1 for p in self.proofs if p.proof == name and not p.ok),
                }
                for name in PROOFS
            },
        }


def _lost(exc: WarehouseError) -> bool:
    return exc.message.startswith("lost the connection")


def _in(schema: exp.Table, name: str) -> exp.Table:
    """The table `name` in `schema` (a table whose name is the schema, as qualified() makes)."""
    return qualified(schema.db or None, schema.name, name)


def _grants_naming(plan: ApplyPlan, *names: str) -> list[str]:
    return [g for g in plan.grants if any(n in g for n in names)]


class _Checker:
    def __init__(self, ctx: ProjectContext, adapter: Adapter, plan: ApplyPlan, role: str) -> None:
        self.ctx, self.adapter, self.plan, self.role = ctx, adapter, plan, role
        self.dialect: TargetDialect = adapter.dialect
        self.proofs: list[Proof] = []
        self.out = ctx.config.output
        self.tag = uuid.uuid4().hex[:12]

    def add(self, proof: str, subject: str, ok: bool, detail: str, fix: list[str] | None = None) -> None:
        self.proofs.append(Proof(proof, subject, ok, detail, fix or []))

    def try_run(self, sql: str) -> WarehouseError | None:
        try:
            self.adapter.execute(sql)
        except WarehouseError as exc:
            if _lost(exc):
                raise
            return exc
        return None

    def name(self, table: exp.Table) -> str:
        return table.sql(dialect=self.dialect.sqlglot_name)

    # 1 -----------------------------------------------------------------------------------
    def discovery(self) -> None:
        want = {self.adapter.catalog_name(v.short_name): v for v in self.plan.views}
        seen = set(self.adapter.visible_tables(self.out.schema_))
        for name in sorted(seen - set(want)):
            table = self.name(qualified(self.out.database, self.out.schema_, name))
            self.add(
                "discovery",
                name,
                False,
                f"{self.role!r} sees {table}, which is not one of the views: Braze lists it as a source table",
                [self.dialect.REVOKE_SELECT.format(table=table, role=self.dialect.principal(self.role))],
            )
        for name, view in sorted(want.items()):
            if name in seen:
                self.add("discovery", view.short_name, True, "listed")
            else:
                self.add(
                    "discovery",
                    view.short_name,
                    False,
                    f"{self.role!r} does not see {view.name}: Braze would not list it (`b2b apply` first, "
                    "or the role lacks USAGE on the schema or SELECT on the view)",
                    _grants_naming(
                        self.plan, view.name, self.name(qualified(self.out.database, self.out.schema_))
                    )
                    or ["b2b apply"],
                )

    # 2 -----------------------------------------------------------------------------------
    def reads(self) -> None:
        for view in self.plan.views:
            sql = ensure_read_only(
                f"SELECT * FROM {view.name} LIMIT 1", self.dialect.sqlglot_name, f"view {view.short_name}"
            )
            try:
                rows = self.adapter.fetchall(sql)
            except WarehouseError as exc:
                if _lost(exc):
                    raise
                self.add(
                    "reads",
                    view.short_name,
                    False,
                    f"{self.role!r} cannot read {view.name}: {exc.message}",
                    _grants_naming(self.plan, view.name),
                )
                continue
            self.add("reads", view.short_name, True, f"read {len(rows)} row(s) of at most 1")

    # 3 -----------------------------------------------------------------------------------
    def segments(self, scratch: exp.Table) -> None:
        segments = [s for s in load_segments(self.ctx).values() if s.kind != "accounts"]
        compiler = SegmentCompiler(self.ctx)
        scratch_grants = _grants_naming(self.plan, self.name(scratch))
        for i, segment in enumerate(segments):
            compiled = compiler.compile(segment, self.plan.dialect)
            table = _in(scratch, f"b2b_check_{self.tag}_{i}")
            create = exp.Create(this=table, kind="TABLE", expression=compiled.tree.copy())
            error = self.try_run(self.dialect.generate(create, pretty=False))
            if error is not None:
                self.add(
                    "segments",
                    segment.name,
                    False,
                    f"Braze's refresh would fail: CREATE TABLE {self.name(table)} AS <segment> was refused: "
                    f"{error.message}",
                    scratch_grants,
                )
                continue
            try:
                count = int(self.adapter.fetchall(f"SELECT COUNT(*) FROM {self.name(table)}")[0][0])
            finally:
                drop = self.try_run(f"DROP TABLE {self.name(table)}")
            if drop is not None:
                self.add(
                    "segments",
                    segment.name,
                    False,
                    f"created {self.name(table)} but could not drop it: {drop.message}",
                    scratch_grants,
                )
                continue
            self.add("segments", segment.name, True, f"CREATE TABLE AS, {count} user(s), dropped")

    # 4 -----------------------------------------------------------------------------------
    def refusals(self) -> None:
        tables = list(self.plan.sources)
        ids = self.ctx.config.platform.external_ids
        if ids is not None and ids.table is not None:
            tables.append(parse_table_name(ids.table, "platform.external_ids.table"))
        r = self.dialect.principal(self.role)
        for table in tables:
            name = self.name(table)
            probe = ensure_read_only(f"SELECT 1 FROM {name} WHERE 1 = 0", self.dialect.sqlglot_name, name)
            try:
                self.adapter.fetchall(probe)
            except WarehouseError as exc:
                if _lost(exc):
                    raise
                self.add("refusals", name, True, "refused")
                continue
            self.add(
                "refusals",
                name,
                False,
                f"{self.role!r} can read {name}, a raw table the views read (every column, PII included)",
                [self.dialect.REVOKE_SELECT.format(table=name, role=r)],
            )
        if (
            self.out.connected_source
            and self.out.connected_source.scratch_schema.lower() == self.out.schema_.lower()
        ):
            return  # the views' schema is Braze's scratch too: creating there is its job
        schema = qualified(self.out.database, self.out.schema_)
        probe_table = _in(schema, f"b2b_check_{self.tag}")
        error = self.try_run(f"CREATE TABLE {self.name(probe_table)} (b2b_check INT)")
        if error is not None:
            self.add("refusals", f"CREATE in {self.name(schema)}", True, "refused")
            return
        self.try_run(f"DROP TABLE {self.name(probe_table)}")
        self.add(
            "refusals",
            f"CREATE in {self.name(schema)}",
            False,
            f"{self.role!r} can create tables in the views' schema {self.name(schema)}: they would show in "
            "Braze's table list, and could shadow nothing but confuse everyone",
            [self.dialect.REVOKE_CREATE.format(schema=self.name(schema), role=r)],
        )


def connect_check(ctx: ProjectContext) -> ConnectReport:
    cs = ctx.config.output.connected_source
    if cs is None:
        raise ConfigError(
            "b2b_project.yml: output.connected_source is not set: there is no Braze role to check",
            hint="add output.connected_source: {role: <Braze's role>, scratch_schema: braze_scratch}, "
            "`b2b apply` as the view owner, then `b2b connect check --target <Braze's credentials>`",
        )
    # offline: the role cannot read the CRM's metadata, and need not (the views are named by config)
    plan = plan_apply(ctx)
    out = ctx.config.output
    with ctx.adapter() as adapter:
        scratch = scratch_schema(ctx, ctx.config, adapter.dialect)
        checker = _Checker(ctx, adapter, plan, cs.role)
        checker.discovery()
        checker.reads()
        checker.segments(scratch)
        checker.refusals()
    return ConnectReport(ctx.target.name, cs.role, out.schema_, cs.scratch_schema, checker.proofs)


def format_text(report: ConnectReport) -> str:
    lines = [
        f"connect check: target {report.target!r} as Braze's role {report.role!r}, "
        f"views in {report.schema!r}, result tables in {report.scratch_schema!r}"
    ]
    for name in PROOFS:
        mine = [p for p in report.proofs if p.proof == name]
        bad = [p for p in mine if not p.ok]
        lines.append(f"{'FAIL' if bad else 'pass'}  {name:<10} {len(mine) - len(bad)} of {len(mine)} ok")
        for p in bad:
            lines.append(f"      {p.subject}: {p.detail}")
            lines += [f"      fix: {f.rstrip(';')};" for f in p.fix]
    failed = sum(1 for p in report.proofs if not p.ok)
    lines.append(
        "Braze's connected source has exactly what it needs" if not failed else f"{failed} problem(s): exit 1"
    )
    return "\n".join(lines)

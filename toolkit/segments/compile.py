"""Compile a segment into one SELECT in a target dialect, from sqlglot expressions only: names
are checked against the views' columns and quoted by sqlglot, values become sqlglot literals.

People segments select exactly one column, `external_user_id` (a string), from the users view
(or the contacts or leads view alone, when the segment is for one person type): its grain is
user_id, and every filter on a related entity is a semi-join (IN), so the result is distinct
without a DISTINCT over a join explosion. One exception, a contact segment filtered only on its
accounts and opportunities, reads a link view as its subject (see `_link_subject`). Account
segments return the company-list columns of LinkedIn's template from the catalog accounts view.
"""

from __future__ import annotations

import datetime
import decimal
import difflib
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from toolkit.context import ProjectContext
from toolkit.dialects import get_or_raise
from toolkit.errors import ConfigError
from toolkit.render import ident
from toolkit.segments.model import Group, Leaf, Node, Not, Segment, parse_segments

COMPANY_LIST = (
    ("companyname", "account_name"),
    ("companywebsite", "website"),
    ("companyemaildomain", "website_domain"),
    ("industry", "industry"),
    ("city", "billing_city"),
    ("state", "billing_state"),
    ("companycountry", "billing_country"),
    ("zipcode", "billing_postal_code"),
)

# entity namespace -> (view entity, join column on the related view, join column on the subject)
PEOPLE_SCOPE = {
    "person": ("users", None, None),
    "contact": ("contacts", "user_id", "user_id"),
    "lead": ("leads", "user_id", "user_id"),
    "account": ("accounts", "user_id", "user_id"),
    "opportunity": ("opportunities", "user_id", "user_id"),
}
ACCOUNT_SCOPE = {
    "account": ("catalog_accounts", None, None),
    "opportunity": ("catalog_opportunities", "account_id", "id"),
    "contact": ("contacts", "account_id", "id"),
}


LEAN_PERSON_COLUMNS = ("user_id", "email", "account_id", "updated_at", "person_type")
# the link views whose user_ids are all contacts' (their person keys are the contacts view's own
# live contacts, through the same identity macro), in the order one is chosen as a subject:
# opportunity links are the fewer (only the contacts of accounts with opportunities)
CONTACT_LINKS = ("opportunity", "account")


def _leaves(node: Node | None) -> list[Leaf]:
    if node is None:
        return []
    if isinstance(node, Leaf):
        return [node]
    if isinstance(node, Not):
        return _leaves(node.item)
    return [leaf for item in node.items for leaf in _leaves(item)]


def _is_person_type(node: Node, value: str) -> bool:
    return isinstance(node, Leaf) and (node.entity, node.column, node.op, node.value) == (
        "person",
        "person_type",
        "eq",
        value,
    )


def _only_person_type(node: Node | None) -> str | None:
    """'contact' or 'lead' when the top-level condition requires person.person_type to be it."""
    items: tuple[Node, ...] = ()
    if isinstance(node, Leaf):
        items = (node,)
    elif isinstance(node, Group) and node.kind == "all":
        items = node.items
    for item in items:
        for value in ("contact", "lead"):
            if _is_person_type(item, value):
                return value
    return None


@dataclass(frozen=True)
class CompiledSegment:
    segment: Segment
    dialect: str
    tree: exp.Query
    sql: str
    columns: tuple[str, ...]


class SegmentCompiler:
    def __init__(self, ctx: ProjectContext) -> None:
        self.ctx = ctx
        self.renderer = ctx.renderer()
        self._columns: dict[str, list[str]] = {}
        self._aliases = 0

    def columns(self, entity: str) -> list[str]:
        if entity not in self._columns:
            self._columns[entity] = list(self.renderer.render(entity).query.named_selects)
        return self._columns[entity]

    def view(self, entity: str) -> exp.Table:
        return self.renderer.view(entity)

    # ---- conditions ---------------------------------------------------------------------
    def _check_field(self, leaf: Leaf, scope: dict[str, tuple[str, str | None, str | None]]) -> str:
        if leaf.entity not in scope:
            raise ConfigError(
                f"b2b_project.yml: {leaf.path}.field: unknown entity {leaf.entity!r} for this segment kind",
                hint=f"use one of: {', '.join(scope)}",
            )
        view_entity = scope[leaf.entity][0]
        cols = self.columns(view_entity)
        if leaf.column not in cols:
            guess = difflib.get_close_matches(leaf.column, cols, n=1)
            hint = (
                f"did you mean {leaf.entity}.{guess[0]}?"
                if guess
                else f"columns of {leaf.entity}: {', '.join(cols)}"
            )
            raise ConfigError(
                f"b2b_project.yml: {leaf.path}.field: {leaf.entity}.{leaf.column} is not a column", hint=hint
            )
        return view_entity

    def _predicate(self, leaf: Leaf, alias: str) -> exp.Expr:
        col = exp.column(ident(leaf.column), table=ident(alias))
        op, value = leaf.op, leaf.value
        if op == "is_null":
            return (
                exp.Is(this=col, expression=exp.Null())
                if value
                else exp.Not(this=exp.Is(this=col, expression=exp.Null()))
            )
        if isinstance(value, bool) and op in ("eq", "ne"):
            # booleans through CASE: NULL counts as false, and T-SQL (bit) gets a valid predicate
            as_int = exp.Case(
                ifs=[exp.If(this=col.copy(), true=exp.Literal.number(1))], default=exp.Literal.number(0)
            )
            target = exp.Literal.number(1 if value == (op == "eq") else 0)
            return exp.EQ(this=as_int, expression=target)
        if op == "eq":
            return exp.EQ(this=col, expression=literal(value))
        if op == "ne":
            return exp.or_(
                exp.NEQ(this=col, expression=literal(value)), exp.Is(this=col.copy(), expression=exp.Null())
            )
        if op == "in":
            return exp.In(this=col, expressions=[literal(v) for v in value])
        if op == "not_in":
            not_in = exp.Not(this=exp.In(this=col, expressions=[literal(v) for v in value]))
            return exp.or_(not_in, exp.Is(this=col.copy(), expression=exp.Null()))
        if op == "between":
            return exp.Between(this=col, low=literal(value[0]), high=literal(value[1]))
        if op == "contains":
            # case-insensitive substring; POSITION, not LIKE, so % and _ in the value stay literal
            needle = exp.Lower(this=literal(str(value)))
            return exp.GT(
                this=exp.StrPosition(this=exp.Lower(this=col), substr=needle),
                expression=exp.Literal.number(0),
            )
        comparison = {"gt": exp.GT, "gte": exp.GTE, "lt": exp.LT, "lte": exp.LTE}[op]
        return comparison(this=col, expression=literal(value))

    def _semi_join(self, entity: str, leaves: list[Leaf], scope: dict[str, Any], subject: str) -> exp.Expr:
        """subject.key IN (SELECT key FROM related WHERE ...): an uncorrelated semi-join, which
        every planner can hash once. (A correlated EXISTS over a view made PostgreSQL run the view
        once per row.) The key is never NULL in the subquery, so NOT IN is a true anti-join."""
        view_entity, related_key, subject_key = scope[entity]
        self._aliases += 1
        alias = f"{entity[:3]}{self._aliases}"
        key = exp.column(ident(related_key), table=ident(alias))
        not_null = exp.Not(this=exp.Is(this=key.copy(), expression=exp.Null()))
        where = exp.and_(not_null, *[self._predicate(leaf, alias) for leaf in leaves])
        sub = exp.select(key).from_(exp.alias_(self.view(view_entity), alias, table=True)).where(where)
        return exp.In(this=exp.column(ident(subject_key), table=ident(subject)), query=exp.Subquery(this=sub))

    def condition(
        self,
        node: Node,
        scope: dict[str, Any],
        subject: str,
        subject_entity: str,
        top_direct: str | None = None,
    ) -> exp.Expr:
        """`top_direct`: an entity whose leaves in the top-level `all` are read straight off the
        subject row instead of through a semi-join (the subject is that entity's own view, whose
        grain is the subject's). Only at the top level, where a NULL and a false both drop the row;
        under `not` or `any` a semi-join's two-valued answer must stay."""
        if isinstance(node, Leaf):
            return self.condition(
                Group("all", (node,), node.path), scope, subject, subject_entity, top_direct
            )
        if isinstance(node, Not):
            return exp.Not(this=exp.Paren(this=self.condition(node.item, scope, subject, subject_entity)))
        parts: list[exp.Expr] = []
        if node.kind == "all":
            related: dict[str, list[Leaf]] = {}
            for item in node.items:
                if isinstance(item, Leaf):
                    self._check_field(item, scope)
                    if item.entity in (subject_entity, top_direct):
                        parts.append(self._predicate(item, subject))
                    else:
                        related.setdefault(item.entity, []).append(item)
                else:
                    parts.append(exp.Paren(this=self.condition(item, scope, subject, subject_entity)))
            parts += [self._semi_join(entity, leaves, scope, subject) for entity, leaves in related.items()]
            return exp.and_(*parts) if len(parts) > 1 else parts[0]
        for item in node.items:
            parts.append(exp.Paren(this=self.condition(item, scope, subject, subject_entity)))
        return exp.or_(*parts) if len(parts) > 1 else parts[0]

    # ---- statements ---------------------------------------------------------------------
    def query(self, segment: Segment) -> exp.Query:
        link = self._link_subject(segment) if segment.kind == "people" else None
        if link is not None:
            return self._over_link(*link)
        if segment.kind == "people":
            user_id = exp.cast(exp.column("user_id", table="u"), exp.DataType.build("TEXT"))
            source, direct = self._people_source(segment)
            q = exp.select(exp.alias_(user_id, "external_user_id")).from_(source)
            if segment.where is not None:
                q = q.where(self.condition(segment.where, PEOPLE_SCOPE, "u", "person", direct))
            return q
        if not self.ctx.config.output.catalogs:
            raise ConfigError(
                f"b2b_project.yml: segments.{segment.name}: account segments read the catalog accounts view",
                hint="set output.catalogs: true and run `b2b apply`",
            )
        cols = [exp.alias_(exp.column(ident(src), table="a"), header) for header, src in COMPANY_LIST]
        q = exp.select(*cols).from_(exp.alias_(self.view("catalog_accounts"), "a", table=True))
        if segment.where is not None:
            q = q.where(self.condition(segment.where, ACCOUNT_SCOPE, "a", "account"))
        return q

    def _link_subject(self, segment: Segment) -> tuple[str, Group] | None:
        """The link entity (opportunity or account) to read as the subject of a contact segment
        whose conditions are all on links: `person_type = contact` and, at the top level, leaves
        on that link entity; anything else only on other links (no person or contact column
        anywhere). Every user_id of a link view is a contact's, so "contacts with such a link"
        are the distinct user_ids of the link rows that pass: the contacts view, and the
        converted-lead lookup it carries, go unread. On DuckDB at 10M contacts the headline
        segment went from x1.41 to x1.12 of its hand-written SQL (bench/results-duckdb-10m.md).
        Not under templates_dir: an overridden contacts view may drop contacts that its links keep.
        Returns the entity and the conditions other than the person type."""
        where = segment.where
        if (
            self.ctx.config.templates_dir
            or _only_person_type(where) != "contact"
            or not isinstance(where, Group)
        ):
            return None
        rest = [item for item in where.items if not _is_person_type(item, "contact")]
        if any(leaf.entity in ("person", "contact") for item in rest for leaf in _leaves(item)):
            return None
        on_row = {item.entity for item in rest if isinstance(item, Leaf)}
        link = next((entity for entity in CONTACT_LINKS if entity in on_row), None)
        return (link, Group("all", tuple(rest), where.path)) if link is not None else None

    def _over_link(self, link: str, rest: Group) -> exp.Query:
        """SELECT DISTINCT user_id FROM the link view WHERE its own leaves hold on the row (one
        semi-join's conditions, on one row: the same test) AND the rest, as over the contacts."""
        user_id = exp.column("user_id", table="u")
        known = exp.Not(this=exp.Is(this=user_id.copy(), expression=exp.Null()))
        cast = exp.cast(user_id, exp.DataType.build("TEXT"))
        return (
            exp.select(exp.alias_(cast, "external_user_id"))
            .distinct()
            .from_(exp.alias_(self.view(PEOPLE_SCOPE[link][0]), "u", table=True))
            .where(exp.and_(known, self.condition(rest, PEOPLE_SCOPE, "u", "person", link)))
        )

    def _people_source(self, segment: Segment) -> tuple[exp.Expr, str | None]:
        """The users view, unless the segment reads none of its computed columns (account name,
        pipeline): then what it is made of, without the pipeline aggregation a segment would
        otherwise pay for on every run. That is the contacts (or leads) view alone when the
        top-level condition requires that person_type, whose own leaves then need no semi-join;
        else the union of both. Returns the source and the entity read straight off it."""
        computed = set(self.columns("users")) - set(LEAN_PERSON_COLUMNS)
        if any(leaf.entity == "person" and leaf.column in computed for leaf in _leaves(segment.where)):
            return exp.alias_(self.view("users"), "u", table=True), None
        only = _only_person_type(segment.where)
        if only is not None:
            typed = self._typed(f"{only}s", only, self.columns(f"{only}s"))
            return exp.Subquery(this=typed, alias=exp.TableAlias(this=exp.to_identifier("u"))), only
        lean = [c for c in LEAN_PERSON_COLUMNS if c != "person_type"]
        union = exp.union(
            self._typed("contacts", "contact", lean), self._typed("leads", "lead", lean), distinct=False
        )
        return exp.Subquery(this=union, alias=exp.TableAlias(this=exp.to_identifier("u"))), None

    def _typed(self, entity: str, person_type: str, columns: list[str]) -> exp.Select:
        """`columns` of a people view plus its person_type; account_id NULL where the view has none
        (leads), so that both people views line up column for column."""
        own = self.columns(entity)
        cols: list[exp.Expr] = [
            exp.column(ident(c))
            if c in own
            else exp.alias_(exp.cast(exp.Null(), exp.DataType.build("TEXT")), c)
            for c in columns
        ]
        cols.append(exp.alias_(exp.Literal.string(person_type), "person_type"))
        if "account_id" not in columns:
            cols.append(exp.alias_(exp.cast(exp.Null(), exp.DataType.build("TEXT")), "account_id"))
        return exp.select(*cols).from_(self.view(entity))

    def compile(self, segment: Segment, dialect_name: str) -> CompiledSegment:
        dialect = get_or_raise(dialect_name)
        tree = dialect.expand(self.query(segment))
        sql = dialect.generate(tree.copy())
        columns = ("external_user_id",) if segment.kind == "people" else tuple(h for h, _ in COMPANY_LIST)
        return CompiledSegment(segment, dialect.name, tree, sql, columns)  # type: ignore[arg-type]


def literal(value: Any) -> exp.Expr:
    if isinstance(value, datetime.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), exp.DataType.build("TIMESTAMP"))
    if isinstance(value, datetime.date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))
    if isinstance(value, bool):
        return exp.Literal.number(int(value))
    if isinstance(value, int | float | decimal.Decimal):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))


def load_segments(ctx: ProjectContext) -> dict[str, Segment]:
    return parse_segments(ctx.config.segments)


def get_segment(ctx: ProjectContext, name: str) -> Segment:
    segments = load_segments(ctx)
    if name not in segments:
        guess = difflib.get_close_matches(name, list(segments), n=1)
        hint = (
            f"did you mean {guess[0]!r}?"
            if guess
            else (f"segments: {', '.join(segments)}" if segments else "declare it under segments:")
        )
        raise ConfigError(f"b2b_project.yml: no segment named {name!r}", hint=hint)
    return segments[name]

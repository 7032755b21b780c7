"""A per-dialect lint of constructs each engine rejects, for the dialects this project cannot
execute in its tests (BigQuery, Redshift, Fabric) and the ones it can. sqlglot's transpiler
does not flag these (unsupported_level=RAISE misses them), so generated SQL is checked here.

Each rule is data: the dialects it applies to, how it is found (a sqlglot node type in the
parsed statement, or a pattern in the text), why, and the vendor's documentation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from toolkit.dialects import get_or_raise


@dataclass(frozen=True)
class Rule:
    name: str
    dialects: tuple[str, ...]
    why: str
    doc: str
    node: type[exp.Expr] | tuple[type[exp.Expr], ...] | None = None
    pattern: str | None = None
    predicate: Callable[[exp.Expr], bool] | None = None


BOOLEAN_EXPRESSIONS = (exp.Predicate, exp.Connector, exp.Not)


def _predicate_select_item(node: exp.Expr) -> bool:
    if not isinstance(node, exp.Select):
        return False
    return any(
        isinstance(e.this if isinstance(e, exp.Alias) else e, BOOLEAN_EXPRESSIONS) for e in node.expressions
    )


def _predicate_argument(node: exp.Expr) -> bool:
    """A predicate passed as a value (COALESCE(a IN (...), 0), CASE WHEN c THEN a = b END):
    T-SQL has no boolean values."""
    if isinstance(node, exp.Case):
        args = [i.args.get("true") for i in node.args.get("ifs") or []] + [node.args.get("default")]
    elif isinstance(node, (exp.Coalesce, exp.If, exp.Anonymous)):
        args = [node.this, *node.expressions] if isinstance(node, exp.Coalesce) else list(node.expressions)
    else:
        return False
    return any(isinstance(a.unnest() if a else a, BOOLEAN_EXPRESSIONS) for a in args)


RULES: tuple[Rule, ...] = (
    Rule(
        "aggregate-filter-clause",
        ("redshift", "fabric", "bigquery"),
        "COUNT(*) FILTER (WHERE ...) is not supported; write COUNT(CASE WHEN ... THEN 1 END)",
        "https://docs.aws.amazon.com/redshift/latest/dg/c_Aggregate_Functions.html",
        node=exp.Filter,
    ),
    Rule(
        "array-agg",
        ("redshift", "fabric"),
        "ARRAY_AGG does not exist (Redshift: LISTAGG; Fabric/T-SQL: STRING_AGG)",
        "https://learn.microsoft.com/sql/t-sql/functions/string-agg-transact-sql",
        node=exp.ArrayAgg,
    ),
    Rule(
        "boolean-literal",
        ("fabric",),
        "T-SQL has no TRUE/FALSE literals; use 1/0 with BIT",
        "https://learn.microsoft.com/sql/t-sql/data-types/bit-transact-sql",
        node=exp.Boolean,
    ),
    Rule(
        "predicate-select-item",
        ("fabric",),
        "T-SQL cannot select a predicate (a = b AS x); use CAST(CASE WHEN ... THEN 1 ELSE 0 END AS BIT)",
        "https://learn.microsoft.com/sql/t-sql/language-elements/case-transact-sql",
        predicate=_predicate_select_item,
    ),
    Rule(
        "predicate-argument",
        ("fabric",),
        "T-SQL has no boolean values: a predicate cannot be a function argument (COALESCE(a IN (...), 0)) "
        "or a CASE result; write the predicate itself, or CASE WHEN ... THEN 1 ELSE 0 END",
        "https://learn.microsoft.com/sql/t-sql/language-elements/case-transact-sql",
        predicate=_predicate_argument,
    ),
    Rule(
        "qualify",
        ("fabric", "postgres"),
        "QUALIFY is not supported; filter a window function in a subquery",
        "https://learn.microsoft.com/fabric/data-warehouse/tsql-surface-area",
        node=exp.Qualify,
    ),
    Rule(
        "nulls-ordering",
        ("fabric",),
        "T-SQL has no NULLS FIRST/LAST in ORDER BY",
        "https://learn.microsoft.com/sql/t-sql/queries/select-order-by-clause-transact-sql",
        pattern=r"\bNULLS\s+(FIRST|LAST)\b",
    ),
    Rule(
        "limit-clause",
        ("fabric",),
        "T-SQL has no LIMIT; use TOP (n) or OFFSET ... FETCH",
        "https://learn.microsoft.com/sql/t-sql/queries/top-transact-sql",
        pattern=r"\bLIMIT\s+\d+",
    ),
    Rule(
        "create-or-replace-view",
        ("fabric",),
        "T-SQL has no CREATE OR REPLACE VIEW; use CREATE OR ALTER VIEW",
        "https://learn.microsoft.com/sql/t-sql/statements/create-view-transact-sql",
        pattern=r"\bCREATE\s+OR\s+REPLACE\s+VIEW\b",
    ),
    Rule(
        "ignore-nulls-after-order-by",
        ("bigquery",),
        "ARRAY_AGG takes IGNORE NULLS before ORDER BY; after it is a syntax error",
        "https://cloud.google.com/bigquery/docs/reference/standard-sql/aggregate_functions#array_agg",
        pattern=r"ORDER\s+BY[^()]*\bIGNORE\s+NULLS\s*\)",
    ),
    Rule(
        "double-quoted-identifier",
        ("bigquery", "databricks"),
        "a double-quoted name is a string literal here; identifiers are quoted with backticks",
        "https://cloud.google.com/bigquery/docs/reference/standard-sql/lexical#quoted_identifiers",
        pattern=r'(?m)^(?:[^\'\n]*\'[^\'\n]*\')*[^\'\n]*"[A-Za-z_][^"\n]*"\s*\.',
    ),
    Rule(
        "late-binding-view",
        ("redshift",),
        "views over tables a sync tool recreates must be late-binding: WITH NO SCHEMA BINDING",
        "https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_VIEW.html",
        pattern=r"(?s)\bCREATE\s+(OR\s+REPLACE\s+)?VIEW\b(?!.*WITH\s+NO\s+SCHEMA\s+BINDING)",
    ),
)


@dataclass(frozen=True)
class Finding:
    rule: str
    dialect: str
    why: str
    doc: str
    where: str

    def __str__(self) -> str:
        return f"{self.where}: [{self.dialect}/{self.rule}] {self.why} (see {self.doc})"


def rules_for(dialect: str) -> list[Rule]:
    return [r for r in RULES if dialect in r.dialects]


def lint_sql(sql: str, dialect: str, where: str = "<sql>") -> list[Finding]:
    read = get_or_raise(dialect).sqlglot_name
    findings: list[Finding] = []
    rules = rules_for(dialect)
    trees = (
        [t for t in sqlglot.parse(sql, read=read) if t is not None]
        if any(r.node or r.predicate for r in rules)
        else []
    )
    for rule in rules:
        hit = False
        if rule.pattern is not None:
            hit = re.search(rule.pattern, _strip_comments(sql), re.IGNORECASE) is not None
        for tree in trees:
            if hit:
                break
            for node in tree.walk():
                if (rule.node is not None and isinstance(node, rule.node)) or (
                    rule.predicate is not None and rule.predicate(node)
                ):
                    hit = True
                    break
        if hit:
            findings.append(Finding(rule.name, dialect, rule.why, rule.doc, where))
    return findings


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))

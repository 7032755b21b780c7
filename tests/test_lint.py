"""The per-dialect lint: zero findings in everything we generate, and every rule fires on a
known-bad snippet (so a rule cannot silently stop working)."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.context import ProjectContext
from toolkit.dialects import TARGETS
from toolkit.lint import RULES, lint_sql
from toolkit.transpile import compile_views

BAD = {
    "aggregate-filter-clause": ("redshift", "SELECT COUNT(*) FILTER (WHERE a > 1) FROM t"),
    "array-agg": ("fabric", "SELECT ARRAY_AGG(a) FROM t"),
    "boolean-literal": ("fabric", "SELECT a FROM t WHERE b = TRUE"),
    "predicate-select-item": ("fabric", "SELECT a = 1 OR b = 2 AS is_one FROM t"),
    "predicate-argument": ("fabric", "SELECT a FROM t WHERE COALESCE(b IN ('x', 'y'), 0) = 1"),
    "qualify": ("fabric", "SELECT a FROM t QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1"),
    "nulls-ordering": ("fabric", "SELECT a FROM t ORDER BY a NULLS FIRST"),
    "limit-clause": ("fabric", "SELECT a FROM t LIMIT 10"),
    "create-or-replace-view": ("fabric", "CREATE OR REPLACE VIEW v AS SELECT 1 AS a"),
    "ignore-nulls-after-order-by": ("bigquery", "SELECT ARRAY_AGG(a ORDER BY a IGNORE NULLS) FROM t"),
    "double-quoted-identifier": ("bigquery", 'SELECT a FROM "my_dataset".t'),
    "late-binding-view": ("redshift", "CREATE OR REPLACE VIEW s.v AS SELECT a FROM s.t"),
}


def test_every_rule_has_a_bad_snippet_and_a_doc() -> None:
    assert {r.name for r in RULES} == set(BAD)
    assert all(r.doc.startswith("https://") for r in RULES)


@pytest.mark.parametrize("rule", sorted(BAD))
def test_rule_fires_on_known_bad_snippet(rule: str) -> None:
    dialect, sql = BAD[rule]
    assert rule in {f.rule for f in lint_sql(sql, dialect)}


@pytest.mark.parametrize("dialect", TARGETS)
def test_generated_sql_has_no_forbidden_construct(project: Path, dialect: str) -> None:
    views = compile_views(ProjectContext(project), [dialect])
    findings = [f for v in views for f in lint_sql(v.ddl, dialect, v.name.name)]
    assert findings == [], "\n".join(map(str, findings))


def test_fixed_fragments_pass_the_lint() -> None:
    assert (
        lint_sql("CREATE OR REPLACE VIEW s.v AS SELECT a FROM s.t\nWITH NO SCHEMA BINDING", "redshift") == []
    )
    assert lint_sql("SELECT COUNT(CASE WHEN a > 1 THEN 1 END) FROM t", "bigquery") == []

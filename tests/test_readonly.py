"""The validator only ever sends SELECTs: writes are refused before they reach the warehouse,
however they are smuggled in, and PostgreSQL enforces it again with a READ ONLY transaction."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from test_config import _edit, run_b2b

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.errors import UnsafeSQLError, WarehouseError
from toolkit.validate.guard import parse_query

PLATFORM = "braze.user_latest_state_default_attributes_view_shared"

REFUSED = [
    "DELETE FROM t",
    "DROP TABLE t",
    "SELECT 1; DROP TABLE t",
    "SELECT * INTO t2 FROM t",
    "WITH d AS (DELETE FROM t RETURNING id) SELECT id FROM d",
    "INSERT INTO t SELECT 1",
    "UPDATE t SET a = 1",
    "CREATE TABLE t2 AS SELECT 1",
    "GRANT SELECT ON t TO PUBLIC",
    "COPY t TO '/tmp/x.csv'",
    "SET ROLE admin",
    "COMMIT",
    "TRUNCATE t",
    "",
]


@pytest.mark.parametrize("sql", REFUSED)
@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "snowflake"])
def test_guard_refuses_writes(sql: str, dialect: str) -> None:
    with pytest.raises(UnsafeSQLError, match=r"refused|does not parse|exactly one"):
        parse_query(sql, dialect, "statement")


def test_guard_accepts_queries_and_string_literals_that_look_like_sql() -> None:
    parse_query("SELECT a FROM t WHERE b = 'x''; DROP TABLE t; --'", "postgres", "q")
    parse_query("WITH x AS (SELECT 1 AS a) SELECT a FROM x UNION ALL SELECT 2", "duckdb", "q")


def _platform_rows(project: Path) -> int:
    con = duckdb.connect(str(project / "demo.duckdb"), read_only=True)
    try:
        return int(con.execute(f"SELECT COUNT(*) FROM {PLATFORM}").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


@pytest.mark.parametrize(
    "query",
    [
        f"DELETE FROM {PLATFORM}",
        f"SELECT external_id FROM {PLATFORM}; DELETE FROM {PLATFORM}",
        f"WITH d AS (DELETE FROM {PLATFORM} RETURNING external_id) SELECT external_id FROM d",
        f"SELECT external_id INTO braze.copy FROM {PLATFORM}",
    ],
)
def test_platform_query_option_cannot_write(project: Path, query: str) -> None:
    apply(ProjectContext(project))
    before = _platform_rows(project)
    text = (project / "b2b_project.yml").read_text()
    text = text.replace(f"    table: {PLATFORM}\n", "    query: " + repr(query).replace("\\'", "''") + "\n")
    (project / "b2b_project.yml").write_text(text)
    result = run_b2b("validate", "--project-dir", str(project))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "platform.external_ids.query" in result.stderr and "refused" in result.stderr
    assert _platform_rows(project) == before


def test_platform_query_option_works_for_a_select(project: Path) -> None:
    apply(ProjectContext(project))
    _edit(
        project / "b2b_project.yml",
        f"    table: {PLATFORM}\n",
        f"    query: \"SELECT external_id FROM {PLATFORM} WHERE external_id NOT LIKE 'app-user-%'\"\n",
    )
    from toolkit.validate.runner import run_validation

    report = run_validation(ProjectContext(project))
    cov = next(r for r in report.results if r.name == "platform_coverage")
    assert cov.status == "pass" and cov.failing is not None and cov.total is not None
    assert not any(s.startswith("app-user-") for s in cov.sample)


def test_crafted_identifier_stays_an_identifier(project: Path) -> None:
    """A prefix full of SQL is quoted by sqlglot: the statements stay one SELECT each and the
    warehouse sees a strange (missing) view name, never a DROP."""
    apply(ProjectContext(project))
    _edit(project / "b2b_project.yml", "prefix: b2b_", "prefix: 'x\"; DROP TABLE salesforce.contact; --'")
    from toolkit.dialects import get_or_raise
    from toolkit.validate.runner import compile_sql, plan_for

    plan = plan_for(ProjectContext(project), get_or_raise("duckdb"))
    parse_query(compile_sql(plan.statement, get_or_raise("duckdb")), "duckdb", "combined")
    result = run_b2b("validate", "--project-dir", str(project))
    assert result.returncode == 2 and "b2b apply" in result.stderr
    con = duckdb.connect(str(project / "demo.duckdb"), read_only=True)
    assert con.execute("SELECT COUNT(*) FROM salesforce.contact").fetchone()[0] > 0  # type: ignore[index]
    con.close()


@pytest.mark.postgres
def test_postgres_read_only_transaction_refuses_writes(pg, pg_db: str, project: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import pg_profiles

    pg_profiles(project, pg, pg_db)
    ctx = ProjectContext(project)
    with ctx.adapter() as adapter:
        with pytest.raises(WarehouseError, match="read-only"), adapter.transaction(read_only=True):
            adapter.execute("CREATE TABLE public.smuggled (i integer)")
        assert adapter.fetchall("SELECT to_regclass('public.smuggled')") == [(None,)]

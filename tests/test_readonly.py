"""The validator only ever sends SELECTs: writes are refused before they reach the warehouse,
however they are smuggled in, and PostgreSQL enforces it again with a READ ONLY transaction."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import sampled
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
    sampled(
        [
            f"DELETE FROM {PLATFORM}",
            f"SELECT external_id FROM {PLATFORM}; DELETE FROM {PLATFORM}",
            f"WITH d AS (DELETE FROM {PLATFORM} RETURNING external_id) SELECT external_id FROM d",
            f"SELECT external_id INTO braze.copy FROM {PLATFORM}",
        ],
        {f"WITH d AS (DELETE FROM {PLATFORM} RETURNING external_id) SELECT external_id FROM d"},
    ),
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


@pytest.mark.parametrize(
    "prefix",
    ['x"; DROP TABLE salesforce.contact; --', "x\nDROP TABLE IF EXISTS finance.ledger;\n-- ", "../../tmp/p_"],
)
def test_crafted_prefix_is_refused_before_anything_runs(project: Path, prefix: str) -> None:
    """Issue 33: a prefix reached apply's DDL comment line raw (a newline ended the comment and
    the next line ran) and generate's file paths. A prefix is a plain name now: refused at load
    (exit 2, naming output.prefix), and the table a newline would have dropped survives."""
    import yaml

    con = duckdb.connect(str(project / "demo.duckdb"))
    con.execute("CREATE SCHEMA finance; CREATE TABLE finance.ledger AS SELECT 1 AS x")
    con.close()
    doc = yaml.safe_load((project / "b2b_project.yml").read_text())
    doc["output"]["prefix"] = prefix
    (project / "b2b_project.yml").write_text(yaml.safe_dump(doc))
    for command in (["apply"], ["generate", "--out", str(project / "out")], ["validate"]):
        result = run_b2b(*command, "--project-dir", str(project))
        assert result.returncode == 2 and "output.prefix" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert not (project / "out").exists() and not Path("/tmp/p_contacts.sql").exists()
    con = duckdb.connect(str(project / "demo.duckdb"), read_only=True)
    assert con.execute("SELECT COUNT(*) FROM finance.ledger").fetchone()[0] == 1  # type: ignore[index]
    assert con.execute("SELECT COUNT(*) FROM salesforce.contact").fetchone()[0] > 0  # type: ignore[index]
    con.close()


FUNCTION_BYPASSES = [
    (
        "duckdb",
        "SELECT CAST(regexp_extract(content, 'password: *([^\\n]+)', 1) AS INT) AS external_id FROM read_text('profiles.yml')",
    ),
    ("duckdb", "SELECT external_id FROM read_csv('https://example.invalid/ids.csv')"),
    ("duckdb", "SELECT external_id FROM 'ids.csv'"),
    ("duckdb", "SELECT getenv('HOME') AS external_id"),
    ("postgres", "SELECT dblink_exec('dbname=postgres', 'DROP TABLE finance.t') AS external_id"),
    ("postgres", "SELECT CAST(lo_import('/etc/passwd') AS TEXT) AS external_id"),
    ("postgres", "SELECT CAST(lo_from_bytea(0, 'x') AS TEXT) AS external_id"),
    ("postgres", "SELECT pg_read_file('/etc/passwd') AS external_id"),
    ("postgres", "SELECT external_id FROM generate_series(1, 3) AS external_id"),
    ("postgres", "SELECT set_config('role', 'admin', false) AS external_id"),
]


@pytest.mark.parametrize(("dialect", "query"), FUNCTION_BYPASSES)
def test_guard_refuses_functions_that_reach_outside(dialect: str, query: str) -> None:
    with pytest.raises(UnsafeSQLError, match="refused"):
        parse_query(query, dialect, "platform.external_ids.query")


def test_platform_query_cannot_read_the_profile_password(project: Path) -> None:
    """Issue 33's reproduction on DuckDB: the password would come back through a cast error in
    the JSON report. Refused by the guard (exit 2), and DuckDB itself has file access off."""
    secret = "PLANTED-pw-7c1d"
    (project / "profiles.yml").write_text((project / "profiles.yml").read_text() + f"# password: {secret}\n")
    apply(ProjectContext(project))
    query = "SELECT CAST(regexp_extract(content, 'password: *([^\\n]+)', 1) AS INT) AS external_id FROM read_text('profiles.yml')"
    _edit(
        project / "b2b_project.yml",
        f"    table: {PLATFORM}\n",
        "    query: " + repr(query).replace("\\'", "''") + "\n",
    )
    result = run_b2b("validate", "--project-dir", str(project), "--format", "json")
    assert result.returncode == 2, result.stdout + result.stderr
    assert secret not in result.stdout + result.stderr and "read_text" in result.stderr
    with ProjectContext(project).adapter() as adapter, pytest.raises(WarehouseError):
        adapter.fetchall("SELECT content FROM read_text('profiles.yml')")  # the engine refuses too


@pytest.mark.postgres
def test_postgres_read_only_transaction_refuses_writes(pg, pg_db: str, project: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import pg_profiles

    pg_profiles(project, pg, pg_db)
    ctx = ProjectContext(project)
    with ctx.adapter() as adapter:
        with pytest.raises(WarehouseError, match="read-only"), adapter.transaction(read_only=True):
            adapter.execute("CREATE TABLE public.smuggled (i integer)")
        assert adapter.fetchall("SELECT to_regclass('public.smuggled')") == [(None,)]


@pytest.mark.postgres
@pytest.mark.parametrize(
    "query",
    [
        "SELECT pg_read_file('/etc/passwd') AS external_id",
        "SELECT CAST(lo_from_bytea(0, 'x') AS TEXT) AS external_id",
        "SELECT CAST(lo_import('/etc/hostname') AS TEXT) AS external_id",
        "SELECT dblink_exec('dbname=postgres', 'DROP TABLE salesforce.contact') AS external_id",
    ],
)
def test_platform_query_functions_refused_on_the_postgres_server(
    pg, pg_db: str, project: Path, query: str
) -> None:  # type: ignore[no-untyped-def]
    """Issue 33 on PostgreSQL 15: these ran inside validate's READ ONLY transaction (a function's
    side effects are not writes to it): /etc/passwd in an error, large objects left behind,
    dblink's own connection. Refused by the guard, naming the function; nothing is left."""
    import psycopg
    from conftest import pg_profiles

    pg_profiles(project, pg, pg_db)
    apply(ProjectContext(project))
    _edit(
        project / "b2b_project.yml",
        f"    table: {PLATFORM}\n",
        "    query: " + repr(query).replace("\\'", "''") + "\n",
    )
    result = run_b2b("validate", "--project-dir", str(project), "--format", "json")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "refused" in result.stderr and "root:" not in result.stdout + result.stderr
    with psycopg.connect(pg.dsn(pg_db)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM pg_largeobject_metadata").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM salesforce.contact").fetchone()[0] > 0  # type: ignore[index]

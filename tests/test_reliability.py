"""Reliability and security: hostile names, sandboxed templates, secrets never shown, timeouts,
bounded retries, concurrent applies. docs/reliability.md lists every case and its test."""

from __future__ import annotations

import os
import re
import stat
import threading
from pathlib import Path

import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_config import _edit, run_b2b

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.dialects import TARGETS, get_or_raise
from toolkit.errors import ConfigError, TemplateError, WarehouseError
from toolkit.transpile import compile_views

SECRET = "S3cr3t-PLANTED-9f8e7d"
HOSTILE_CHARS = st.sampled_from([*list("\"'`[];--/*é漢 "), "select", "drop", "x", "_", "1"])
hostile_names = st.lists(HOSTILE_CHARS, min_size=1, max_size=6).map("".join)


def _set(project: Path, key_line: str, value: str) -> None:
    import yaml

    data = yaml.safe_load((project / "b2b_project.yml").read_text())
    section, key = key_line.split(".")
    data.setdefault(section, {})[key] = value
    (project / "b2b_project.yml").write_text(yaml.safe_dump(data, allow_unicode=True))


# 15 examples over the users view (its identity CTEs name the schema most often): the contacts
# view's quoting, with the schema, the prefix, a segment name and a literal, is the 300-example
# property in test_hostile_config.py (both: every dialect). At 200 examples here this one test
# took 221 s of the suite (issue 30).
@pytest.mark.slow  # 14 s: `make test-fast` keeps the 300-example property in test_hostile_config.py
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schema=hostile_names, prefix=hostile_names)
def test_hostile_names_are_quoted_or_rejected(project: Path, schema: str, prefix: str) -> None:
    """Every generated statement parses as exactly one statement in its dialect, or the name is
    rejected with a clear error; the name never escapes its identifier."""
    _set(project, "output.schema", schema)
    _set(project, "output.prefix", prefix)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", prefix):
        # a prefix is a plain name (it becomes file names and comment headers): refused at load,
        # naming the key; the schema is still tried, behind a plain prefix
        with pytest.raises(ConfigError, match=r"output\.prefix"):
            ProjectContext(project).config  # noqa: B018
        prefix = "b2b_"
        _set(project, "output.prefix", prefix)
    try:
        views = compile_views(ProjectContext(project), list(TARGETS), entities=("users",))
    except (ConfigError, TemplateError) as exc:
        assert "Traceback" not in str(exc)
        return
    for v in views:
        statements = [
            s for s in sqlglot.parse(v.ddl, read=get_or_raise(v.dialect).sqlglot_name) if s is not None
        ]
        assert len(statements) == 1, (v.dialect, schema, prefix)
        assert isinstance(statements[0], sqlglot.exp.Create)
        assert statements[0].this.name == f"{prefix}{v.entity}"


def _drop_example_schema(name: str, dialect: str) -> str:
    """What an apply example made, dropped: hypothesis runs every example on the one fixture
    database, and each apply after the last would write a catalog a schema of views larger."""
    return f"DROP SCHEMA IF EXISTS {sqlglot.exp.to_identifier('s_' + name, quoted=True).sql(dialect)} CASCADE"


# full applies: fewer examples (each is a whole apply; 12 here, 25 on the PostgreSQL server
# below); the names' quoting is exercised at 300 examples by test_hostile_config.py and on the
# users view by the property above. The prefix is a plain name since issue 33 (it
# becomes file names and comment headers), so the hostile name is the schema's.
@pytest.mark.slow  # 6-7 s (12 whole applies)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=hostile_names)
def test_hostile_names_apply_on_duckdb_and_nothing_else_runs(project: Path, name: str) -> None:
    import duckdb

    _set(project, "output.schema", "s_" + name)
    ctx = ProjectContext(project)
    if "/" in name:  # a path separator is never a name (issue 33): refused, naming the key
        with pytest.raises(ConfigError, match=r"output\.schema"):
            apply(ctx)
        return
    plan = apply(ctx)
    con = duckdb.connect(str(project / "demo.duckdb"))
    try:
        assert con.execute("SELECT COUNT(*) FROM salesforce.contact").fetchone()[0] > 0  # type: ignore[index]
        schemas = {
            r[0] for r in con.execute("SELECT schema_name FROM information_schema.schemata").fetchall()
        }
        assert "s_" + name in schemas
        users = next(v for v in plan.views if v.short_name == "b2b_users")
        assert con.execute(f"SELECT COUNT(*) FROM {users.name}").fetchone()[0] > 0  # type: ignore[index]
    finally:
        con.execute(_drop_example_schema(name, "duckdb"))
        con.close()


def test_template_sandbox_blocks_python_internals(project: Path) -> None:
    tdir = project / "my_templates"
    tdir.mkdir()
    (tdir / "contacts.sql").write_text(
        "SELECT 1 AS user_id\n-- {{ ''.__class__.__mro__[1].__subclasses__() }}\n"
    )
    _edit(project / "b2b_project.yml", "name: demo", "name: demo\ntemplates_dir: my_templates")
    result = run_b2b("generate", "--project-dir", str(project), "--dialect", "duckdb")
    assert result.returncode == 2
    assert "contacts.sql:2" in result.stderr and "unsafe" in result.stderr
    assert "Traceback" not in result.stderr


def test_template_syntax_error_names_file_and_line(project: Path) -> None:
    tdir = project / "my_templates"
    tdir.mkdir()
    (tdir / "leads.sql").write_text("SELECT 1 AS user_id\n\n{% if %}\n")
    _edit(project / "b2b_project.yml", "name: demo", "name: demo\ntemplates_dir: my_templates")
    result = run_b2b("generate", "--project-dir", str(project), "--dialect", "duckdb")
    assert result.returncode == 2 and "leads.sql:3" in result.stderr


def test_undefined_template_variable_is_an_error(project: Path) -> None:
    tdir = project / "my_templates"
    tdir.mkdir()
    (tdir / "leads.sql").write_text("SELECT {{ no_such_thing }} AS user_id\n")
    _edit(project / "b2b_project.yml", "name: demo", "name: demo\ntemplates_dir: my_templates")
    result = run_b2b("generate", "--project-dir", str(project), "--dialect", "duckdb")
    assert result.returncode == 2 and "no_such_thing" in result.stderr and "leads.sql" in result.stderr


def _pg_secret_profiles(project: Path, host: str, port: int, user: str, dbname: str) -> None:
    (project / "profiles.yml").write_text(
        "b2b:\n  target: pg\n  outputs:\n"
        f"    pg: {{type: postgres, host: {host}, port: {port}, dbname: {dbname}, user: {user}, password: {SECRET}}}\n"
        f"    down: {{type: postgres, host: 127.0.0.1, port: 1, dbname: x, user: {user}, password: {SECRET}, connect_retries: 0}}\n"
    )


@pytest.mark.postgres
def test_planted_secret_never_appears_in_any_output(
    pg, pg_db: str, project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:  # type: ignore[no-untyped-def]
    """The trust-auth test server accepts the password, so succeeding runs see it too."""
    tmp_path = tmp_path_factory.mktemp("outputs")  # only what the commands wrote, not the inputs
    _pg_secret_profiles(project, pg.host, pg.port, pg.user, pg_db)
    pd = ["--project-dir", str(project)]
    runs = [
        ["generate", *pd, "--out", str(tmp_path / "gen")],
        ["apply", *pd, "--dry-run"],
        ["apply", *pd],
        ["apply", *pd],
        ["validate", *pd],
        ["validate", *pd, "--format", "json", "--output", str(tmp_path / "r.json")],
        ["validate", *pd, "--format", "junit", "--output", str(tmp_path / "r.xml")],
        ["segment", "compile", "emea_event_leads", *pd],
        ["segment", "preview", "emea_event_leads", *pd],
        ["segment", "export", "target_accounts", *pd, "--out", str(tmp_path / "c.csv")],
        # failing runs: no server, a missing view, a bad segment, a bad flag
        ["apply", *pd, "--target", "down"],
        ["validate", *pd, "--target", "down"],
        ["segment", "preview", "emea_event_leads", *pd, "--target", "down"],
        ["segment", "preview", "no_such_segment", *pd],
        ["apply", *pd, "--target", "nope"],
    ]
    codes = []
    for args in runs:
        result = run_b2b(*args)
        codes.append(result.returncode)
        assert SECRET not in result.stdout and SECRET not in result.stderr, args
    assert 0 in codes and 3 in codes and 2 in codes
    for f in tmp_path.rglob("*"):
        if f.is_file():
            assert SECRET not in f.read_text(errors="replace"), f


def test_world_readable_profiles_with_literal_secret_warns(project: Path) -> None:
    (project / "profiles.yml").write_text(
        f"b2b:\n  target: pg\n  outputs:\n    pg: {{type: postgres, dbname: x, user: u, password: {SECRET}}}\n"
    )
    os.chmod(project / "profiles.yml", 0o644)
    result = run_b2b("apply", "--project-dir", str(project), "--dry-run")
    assert "readable by other users" in result.stderr and SECRET not in result.stderr
    os.chmod(project / "profiles.yml", stat.S_IRUSR | stat.S_IWUSR)
    result = run_b2b("apply", "--project-dir", str(project), "--dry-run")
    assert "readable by other users" not in result.stderr


def test_env_var_secret_does_not_warn(project: Path) -> None:
    (project / "profiles.yml").write_text(
        "b2b:\n  target: pg\n  outputs:\n    pg: {type: postgres, dbname: x, user: u, password: \"{{ env_var('B2B_PW') }}\"}\n"
    )
    os.chmod(project / "profiles.yml", 0o644)
    result = run_b2b("apply", "--project-dir", str(project), "--dry-run", env={"B2B_PW": SECRET})
    assert "readable by other users" not in result.stderr and SECRET not in result.stdout + result.stderr


@pytest.mark.postgres
def test_statement_timeout_is_enforced(pg, pg_db: str, project: Path) -> None:  # type: ignore[no-untyped-def]
    (project / "profiles.yml").write_text(
        "b2b:\n  target: pg\n  outputs:\n"
        f"    pg: {{type: postgres, host: {pg.host}, port: {pg.port}, dbname: {pg_db}, user: {pg.user}, statement_timeout_s: 0.5}}\n"
    )
    with (
        ProjectContext(project).adapter() as adapter,
        pytest.raises(WarehouseError, match="statement timeout"),
    ):
        adapter.fetchall("SELECT pg_sleep(3)")


def test_transient_errors_are_retried_a_bounded_number_of_times(project: Path) -> None:
    import time

    (project / "profiles.yml").write_text(
        "b2b:\n  target: pg\n  outputs:\n    pg: {type: postgres, host: 127.0.0.1, port: 1, dbname: x, user: u, connect_retries: 2}\n"
    )
    from toolkit.warehouse.postgres import PostgresAdapter

    attempts = []
    original = PostgresAdapter.open_connection

    def counting(self: PostgresAdapter) -> object:
        attempts.append(time.monotonic())
        return original(self)

    PostgresAdapter.open_connection = counting  # type: ignore[method-assign]
    try:
        with pytest.raises(WarehouseError, match="cannot connect"), ProjectContext(project).adapter():
            pass
    finally:
        PostgresAdapter.open_connection = original  # type: ignore[method-assign]
    assert len(attempts) == 3  # the first try and two retries, then the error
    assert attempts[2] - attempts[1] > attempts[1] - attempts[0]  # backoff grows


def test_sql_errors_are_not_retried(project: Path) -> None:
    apply(ProjectContext(project))
    from toolkit.warehouse.duckdb import DuckDBAdapter

    calls = []
    original = DuckDBAdapter.open_connection

    def counting(self: DuckDBAdapter) -> object:
        calls.append(1)
        return original(self)

    DuckDBAdapter.open_connection = counting  # type: ignore[method-assign]
    try:
        with ProjectContext(project).adapter() as adapter, pytest.raises(WarehouseError):
            adapter.fetchall("SELECT no_such_column FROM b2b.b2b_users")
    finally:
        DuckDBAdapter.open_connection = original  # type: ignore[method-assign]
    assert calls == [1]


@pytest.mark.postgres
def test_concurrent_applies_end_with_one_consistent_set(pg, pg_db: str, project: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import pg_profiles

    pg_profiles(project, pg, pg_db)
    apply(ProjectContext(project))
    _edit(
        project / "b2b_project.yml",
        "account: {territory: territory__c}",
        "account: {territory: territory__c, region: territory__c}",
    )
    errors: list[BaseException] = []

    def run() -> None:
        try:
            apply(ProjectContext(project))
        except BaseException as exc:  # a loser may fail cleanly; it must not break the winner
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(isinstance(e, WarehouseError) for e in errors), errors
    plan = apply(ProjectContext(project))
    assert set(plan.actions.values()) == {"unchanged"}  # the live views are exactly the new set
    with ProjectContext(project).adapter() as adapter:
        assert adapter.fetchall("SELECT COUNT(region) FROM b2b.b2b_accounts")[0][0] > 0


def test_names_longer_than_the_engine_allows_are_refused(project: Path) -> None:
    _set(project, "output.prefix", "p" * 60)
    result = run_b2b("apply", "--project-dir", str(project), "--dry-run")  # DuckDB: no limit
    assert result.returncode == 0
    result = run_b2b("generate", "--project-dir", str(project), "--dialect", "postgres")
    assert result.returncode == 2 and "longer than postgres's limit of 63" in result.stderr


@pytest.mark.postgres
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=hostile_names)
def test_hostile_names_apply_on_postgres(pg, pg_db: str, project: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    import psycopg
    from conftest import pg_profiles

    pg_profiles(project, pg, pg_db)
    _set(project, "output.schema", "s_" + name)
    try:
        plan = apply(ProjectContext(project))
        assert "/" not in name
    except ConfigError as exc:  # a name the engine cannot hold is refused, never truncated
        assert "limit" in str(exc) or ("/" in name and "output.schema" in str(exc))
        return
    users = next(v for v in plan.views if v.short_name == "b2b_users")
    with psycopg.connect(pg.dsn(pg_db)) as conn:
        try:
            assert conn.execute(f"SELECT COUNT(*) FROM {users.name}").fetchone()[0] > 0  # type: ignore[index]
            assert conn.execute("SELECT COUNT(*) FROM salesforce.contact").fetchone()[0] > 0  # type: ignore[index]
        finally:
            conn.execute(_drop_example_schema(name, "postgres"))


def test_env_var_secret_in_project_file_is_refused_and_never_printed(project: Path) -> None:
    """Issue 33: `{{ env_var('AWS_SECRET_ACCESS_KEY') }}` in a segment value was printed by
    `segment compile`. A secret-named variable is refused outside profiles.yml (exit 2, naming the
    key), and its value appears in no output; an ordinary variable still renders."""
    secret = "PLANTED-aws-4b5c6d"
    _edit(project / "b2b_project.yml", "eq: Software}", "eq: \"{{ env_var('AWS_SECRET_ACCESS_KEY') }}\"}")
    result = run_b2b(
        "segment",
        "compile",
        "software_open_pipeline",
        "--project-dir",
        str(project),
        env={"AWS_SECRET_ACCESS_KEY": secret},
    )
    assert (
        result.returncode == 2
        and "AWS_SECRET_ACCESS_KEY" in result.stderr
        and "profiles.yml" in result.stderr
    )
    assert secret not in result.stdout + result.stderr
    _edit(project / "b2b_project.yml", "AWS_SECRET_ACCESS_KEY", "SEGMENT_INDUSTRY")
    result = run_b2b(
        "segment",
        "compile",
        "software_open_pipeline",
        "--project-dir",
        str(project),
        env={"SEGMENT_INDUSTRY": "Software"},
    )
    assert result.returncode == 0 and "'Software'" in result.stdout


def test_spark_remote_with_a_token_is_never_echoed(project: Path) -> None:
    """Issue 33: a mistyped Spark Connect `remote` was echoed whole, `;token=` included."""
    from toolkit.warehouse.dbapi import redact

    token = "PLANTED-tok-8e9f"
    for remote in (f"sx://host:15002/;token={token}", f"host:15002/;token={token}"):
        (project / "profiles.yml").write_text(
            f"b2b:\n  target: s\n  outputs:\n    s: {{type: spark, remote: '{remote}'}}\n"
        )
        result = run_b2b("apply", "--project-dir", str(project))
        assert result.returncode == 2 and "remote" in result.stderr
        assert token not in result.stdout + result.stderr
    # a driver error that echoes a connection string is redacted too
    assert token not in redact(f"Invalid URL sc://h:15002/;token={token};user_id=x")
    assert "s3cr3t" not in redact("connection to postgresql://u:s3cr3t@h/db failed; password=s3cr3t")

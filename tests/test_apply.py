"""`b2b apply` on real engines: atomic, idempotent, grants, dry-run, and a failed apply leaves
the previous views in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_config import _edit, run_b2b

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.errors import WarehouseError


def _definitions(project: Path) -> dict[str, str | None]:
    ctx = ProjectContext(project)
    with ctx.adapter() as adapter:
        return adapter.view_fingerprints("b2b")


def _count(project: Path, view: str) -> int:
    ctx = ProjectContext(project)
    with ctx.adapter() as adapter:
        return int(adapter.fetchall(f"SELECT COUNT(*) FROM b2b.{view}")[0][0])


def test_apply_then_reapply_changes_nothing(engine_project: Path) -> None:
    first = run_b2b("apply", "--project-dir", str(engine_project))
    assert first.returncode == 0, first.stderr
    n = len(ProjectContext(engine_project).project.entities())
    # five views, the five catalog-shaped ones and the two user sync views (the demo turns them on)
    assert n == 12
    assert first.stdout.count("create") == n
    before = _definitions(engine_project)
    second = run_b2b("apply", "--project-dir", str(engine_project))
    assert second.returncode == 0, second.stderr
    assert second.stdout.count("unchanged") == n and "nothing changed" in second.stdout
    assert _definitions(engine_project) == before


def test_dry_run_prints_ddl_and_executes_nothing(engine_project: Path) -> None:
    result = run_b2b("apply", "--project-dir", str(engine_project), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("CREATE OR REPLACE VIEW") == len(
        ProjectContext(engine_project).project.entities()
    )
    assert _definitions(engine_project) == {}


def test_changed_config_replaces_all_views(engine_project: Path) -> None:
    apply(ProjectContext(engine_project))
    _edit(
        engine_project / "b2b_project.yml",
        "account: {territory: territory__c}",
        "account: {territory: territory__c, sales_region: territory__c}",
    )
    plan = apply(ProjectContext(engine_project))
    assert plan.actions["b2b.b2b_accounts"] == "replace"
    assert plan.actions["b2b.b2b_contacts"] == "unchanged"
    ctx = ProjectContext(engine_project)
    with ctx.adapter() as adapter:
        assert adapter.fetchall("SELECT COUNT(sales_region) FROM b2b.b2b_accounts")[0][0] > 0


def test_unknown_extra_field_is_refused_before_any_ddl(engine_project: Path) -> None:
    apply(ProjectContext(engine_project))
    before_defs = _definitions(engine_project)
    _edit(
        engine_project / "b2b_project.yml",
        "account: {territory: territory__c}",
        "account: {territory: territory_c}",
    )
    result = run_b2b("apply", "--project-dir", str(engine_project))
    assert result.returncode == 2, result.stderr
    assert "extra_fields.account.territory" in result.stderr and "territory_c" in result.stderr
    assert "did you mean 'territory__c'" in result.stderr and "Traceback" not in result.stderr
    assert _definitions(engine_project) == before_defs


def test_failed_apply_leaves_previous_views(engine_project: Path) -> None:
    apply(ProjectContext(engine_project))
    before_defs = _definitions(engine_project)
    before = _count(engine_project, "b2b_users")
    # an overriding template reads a column the table lacks: the warehouse refuses it mid-apply
    # (the users view comes after contacts, leads, accounts and opportunities)
    override = engine_project / "my_templates"
    override.mkdir()
    users = (Path(__file__).parent.parent / "sql" / "_shared" / "users.sql").read_text()
    (override / "users.sql").write_text(
        users.replace("AS account_name,", "AS account_name, a.no_such_column__c,", 1)
    )
    _edit(engine_project / "b2b_project.yml", "name: demo", "name: demo\ntemplates_dir: my_templates")
    result = run_b2b("apply", "--project-dir", str(engine_project))
    assert result.returncode == 3, result.stderr
    assert "no_such_column__c" in result.stderr and "Traceback" not in result.stderr
    assert "while creating b2b_users" in result.stderr and "nothing was committed" in result.stderr
    assert "source.columns" in result.stderr  # the fix
    assert _definitions(engine_project) == before_defs
    assert _count(engine_project, "b2b_users") == before
    assert _count(engine_project, "b2b_accounts") > 0


@pytest.mark.postgres
def test_postgres_grants_select_to_role(pg, pg_db: str, project: Path) -> None:  # type: ignore[no-untyped-def]
    import psycopg
    from conftest import pg_profiles

    pg_profiles(project, pg, pg_db)
    with psycopg.connect(pg.dsn(pg_db), autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS braze_cdi_role")
        conn.execute("CREATE ROLE braze_cdi_role")
    _edit(project / "b2b_project.yml", "grant_select_to: []", "grant_select_to: [braze_cdi_role]")
    apply(ProjectContext(project))
    with psycopg.connect(pg.dsn(pg_db), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.role_table_grants WHERE grantee = 'braze_cdi_role' AND privilege_type = 'SELECT' ORDER BY 1"
        ).fetchall()
        assert [r[0] for r in rows] == sorted(f"b2b_{e}" for e in ProjectContext(project).project.entities())
        conn.execute("SET ROLE braze_cdi_role")
        assert conn.execute("SELECT COUNT(*) FROM b2b.b2b_users").fetchone()[0] > 0  # type: ignore[index]


@pytest.mark.postgres
def test_postgres_grant_to_missing_role_rolls_back(pg, pg_db: str, project: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import pg_profiles

    pg_profiles(project, pg, pg_db)
    _edit(project / "b2b_project.yml", "grant_select_to: []", "grant_select_to: [no_such_role]")
    with pytest.raises(WarehouseError, match="no_such_role"):
        apply(ProjectContext(project))
    assert _definitions(project) == {}


@pytest.mark.snowflake
def test_staged_apply_failing_grant_leaves_no_staging_and_is_repaired(
    snowflake_org: None, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 33 on fakesnow (staged apply: DDL cannot be rolled back): a GRANT that fails after
    the swap used to leave every B2B_STAGING__* view behind, store the fingerprints, and let the
    next apply say "up to date" though the grants never ran. Now: no staging view survives, the
    error names the views replaced, and the next apply replaces them again and grants."""
    from conftest import snowflake_profiles

    from toolkit.warehouse.snowflake import SnowflakeAdapter

    snowflake_profiles(project)
    _edit(project / "b2b_project.yml", "grant_select_to: []", "grant_select_to: [braze_role]")
    # fakesnow cannot parse GRANT: the first apply's grant fails for real, after the swap
    with pytest.raises(WarehouseError) as err:
        apply(ProjectContext(project))
    hint = err.value.hint or ""
    assert "were replaced before it stopped" in hint and "b2b_contacts" in hint, hint
    with ProjectContext(project).adapter() as adapter:
        names = {
            str(r[0]).lower() for r in adapter.fetchall("SELECT table_name FROM information_schema.views")
        }
    assert not [n for n in names if "staging__" in n], names
    assert "b2b_contacts" in names
    # the next apply is not "up to date": it replaces the views again and grants (recorded
    # here instead of sent: the emulator has no GRANT)
    granted: list[str] = []
    sent: list[str] = []
    real_execute = SnowflakeAdapter.execute

    def execute(self: SnowflakeAdapter, sql: str) -> None:
        sent.append(" ".join(sql.lstrip().upper().split(" ")[:3]))
        if sql.lstrip().upper().startswith("GRANT"):
            granted.append(sql)
            return
        real_execute(self, sql)

    monkeypatch.setattr(SnowflakeAdapter, "execute", execute)
    plan = apply(ProjectContext(project))
    assert plan.changed and set(plan.actions.values()) == {"replace"}
    assert len([g for g in granted if "SELECT" in g.upper()]) == len(plan.views)
    # each replaced view is marked pending (ours, not up to date), and gets its fingerprint
    # only after the last grant
    last_grant = max(i for i, s in enumerate(sent) if s.startswith("GRANT"))
    assert sent[last_grant:].count("COMMENT ON VIEW") == len(plan.views)
    assert sent[:last_grant].count("COMMENT ON VIEW") == len(plan.views)


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_apply_never_replaces_a_view_it_did_not_create(
    engine: str, project: Path, request: pytest.FixtureRequest
) -> None:
    """Issue 33: a hand-written view under a name apply would use was silently replaced (and the
    grants others made on it lost). Apply recognises its own views by the fingerprint in their
    comment: without one it refuses (exit 2, naming the view, nothing applied); --force replaces."""
    if engine == "postgres":
        from conftest import pg_profiles

        server = request.getfixturevalue("pg")
        pg_profiles(project, server, request.getfixturevalue("pg_db"))
    with ProjectContext(project).adapter() as adapter:
        adapter.execute("CREATE SCHEMA IF NOT EXISTS b2b")
        adapter.execute("CREATE VIEW b2b.b2b_leads AS SELECT 'mine' AS user_id")
    result = run_b2b("apply", "--project-dir", str(project))
    assert result.returncode == 2, result.stdout + result.stderr
    assert (
        "b2b.b2b_leads" in result.stderr and "--force" in result.stderr and "Traceback" not in result.stderr
    )
    with ProjectContext(project).adapter() as adapter:
        assert adapter.fetchall("SELECT user_id FROM b2b.b2b_leads") == [("mine",)]
        views = adapter.fetchall("SELECT table_name FROM information_schema.views WHERE table_schema = 'b2b'")
        assert [v[0] for v in views] == ["b2b_leads"], "nothing else was applied"
    assert run_b2b("apply", "--project-dir", str(project), "--force").returncode == 0
    assert run_b2b("apply", "--project-dir", str(project)).returncode == 0  # ours now
    with ProjectContext(project).adapter() as adapter:
        assert ("mine",) not in adapter.fetchall("SELECT user_id FROM b2b.b2b_leads")

"""A failed apply leaves the previous views in place: the server connection killed mid-apply
(PostgreSQL: pg_terminate_backend from a second session), the process killed mid-apply (DuckDB)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from faults import start_paused_apply
from test_apply import _count, _definitions
from test_config import _edit

from toolkit.apply import apply
from toolkit.context import ProjectContext


def _change_views(project: Path) -> None:
    _edit(
        project / "b2b_project.yml",
        "account: {territory: territory__c}",
        "account: {territory: territory__c, region: territory__c}",
    )


@pytest.mark.postgres
def test_postgres_connection_killed_mid_apply(pg, pg_db: str, project: Path) -> None:  # type: ignore[no-untyped-def]
    import psycopg
    from conftest import pg_profiles

    pg_profiles(project, pg, pg_db)
    apply(ProjectContext(project))
    before, users = _definitions(project), _count(project, "b2b_users")
    _change_views(project)
    # the child sleeps this long after its 3rd statement; the kill lands within it (it only has
    # to connect and terminate), and the child's next statement then finds the connection gone
    proc = start_paused_apply(project, pause_s=5)
    with psycopg.connect(pg.dsn(pg_db), autocommit=True) as admin:
        killed = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'b2b' AND datname = %s",
            [pg_db],
        ).fetchall()
    assert killed and all(k[0] for k in killed)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, err
    assert "error:" in err and "Traceback" not in err
    assert _definitions(project) == before
    assert _count(project, "b2b_users") == users


def test_duckdb_process_killed_mid_apply(project: Path) -> None:
    apply(ProjectContext(project))
    before, users = _definitions(project), _count(project, "b2b_users")
    _change_views(project)
    proc = start_paused_apply(project)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert _definitions(project) == before
    assert _count(project, "b2b_users") == users
    # and the next apply goes through
    plan = apply(ProjectContext(project))
    assert plan.actions["b2b.b2b_accounts"] == "replace"


@pytest.mark.postgres
def test_postgres_connection_killed_mid_validate(pg, pg_db: str, project: Path) -> None:  # type: ignore[no-untyped-def]
    import psycopg
    from conftest import pg_profiles
    from faults import start_paused_validate

    pg_profiles(project, pg, pg_db)
    apply(ProjectContext(project))
    proc = start_paused_validate(project, pause_s=3)
    with psycopg.connect(pg.dsn(pg_db), autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'b2b' AND datname = %s",
            [pg_db],
        )
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 3, err
    assert "lost the connection to target 'pg'" in err and "Traceback" not in err

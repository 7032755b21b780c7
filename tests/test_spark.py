"""The spark profile type: confs that work for a local session and for Spark Connect, and what
apply says about where the views live."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from conftest import spark_profiles
from test_config import run_b2b

from toolkit.apply import apply
from toolkit.context import ProjectContext

pytestmark = pytest.mark.spark


def test_static_conf_on_a_local_session_starts_it(tmp_path: Path, org_dir: Path) -> None:
    """A static conf (the Hive catalog) goes to the builder only: it used to be set again on the
    running session, which Spark refuses (CANNOT_MODIFY_STATIC_CONFIG). The JVM's options are a
    static conf too: C1 only and one CPU, for this short-lived JVM (14 s and 17 CPU-s instead of
    17 s and 26)."""
    shutil.copy(org_dir / "b2b_project.yml", tmp_path / "b2b_project.yml")
    (tmp_path / "profiles.yml").write_text(
        "b2b:\n  target: spark\n  outputs:\n    spark:\n      type: spark\n      master: 'local[1]'\n"
        f"      warehouse_dir: '{tmp_path / 'wh'}'\n"
        "      conf: {spark.sql.catalogImplementation: hive, spark.sql.shuffle.partitions: '3', spark.driver.extraJavaOptions: '-XX:TieredStopAtLevel=1 -XX:ActiveProcessorCount=1'}\n"
    )
    # one process (one JVM start, the longest part of this test): the confs the session got, then
    # `b2b apply` in the same process, which starts a session again with the same static conf
    code = (
        "from toolkit.context import ProjectContext\n"
        "from toolkit.cli import main\n"
        "with ProjectContext('.').adapter() as a:\n"
        "    print(a.fetchall(\"SET spark.sql.catalogImplementation\")[0][1], a.fetchall('SET spark.sql.shuffle.partitions')[0][1])\n"
        "main(['apply'])\n"
    )
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.stdout.split() == ["hive", "3"], done.stderr[-2000:]
    # and the command runs: this empty Hive catalog has no CRM tables, which it says (exit 2)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "not found in schema 'salesforce'" in done.stderr and "cannot start" not in done.stderr


def test_local_session_without_metastore_warns_that_views_are_ephemeral(
    spark_org: Path, project: Path
) -> None:
    spark_profiles(project, spark_org)
    plan = apply(ProjectContext(project))
    assert any("live only as long as this process" in n and "remote: sc://" in n for n in plan.notes)
    assert plan.strategy == "staged"


def test_remote_and_master_are_exclusive(project: Path) -> None:
    (project / "profiles.yml").write_text(
        "b2b:\n  target: s\n  outputs:\n    s: {type: spark, master: 'local[1]', remote: 'sc://localhost:15002'}\n"
    )
    result = run_b2b("generate", "--project-dir", str(project), "--dialect", "databricks")
    assert result.returncode == 0  # generate needs no connection
    result = run_b2b("apply", "--project-dir", str(project))
    assert result.returncode == 2 and "not both" in result.stderr
    (project / "profiles.yml").write_text(
        "b2b:\n  target: s\n  outputs:\n    s: {type: spark, remote: 'localhost:15002'}\n"
    )
    result = run_b2b("apply", "--project-dir", str(project))
    assert result.returncode == 2 and "sc://host:port" in result.stderr


def test_unreachable_connect_server_is_a_clear_error(project: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (project / "profiles.yml").write_text(
        f"b2b:\n  target: s\n  outputs:\n    s: {{type: spark, remote: 'sc://127.0.0.1:{port}'}}\n"
    )
    result = run_b2b("apply", "--project-dir", str(project))
    assert result.returncode == 3, result.stderr
    assert f"cannot reach the Spark Connect server of target 's' at 127.0.0.1:{port}" in result.stderr
    assert "start-connect-server.sh" in result.stderr and "Traceback" not in result.stderr

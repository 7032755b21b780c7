"""Config errors name the file, the line and the key, suggest the fix, exit 2, and change nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.config.profiles import load_target
from toolkit.config.project import Project
from toolkit.errors import ConfigError


def run_b2b(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "toolkit.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        check=False,
    )


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_unknown_key_gets_did_you_mean_with_line(project: Path) -> None:
    _edit(project / "b2b_project.yml", "  strategy: crm_id", "  stratgy: crm_id")
    with pytest.raises(ConfigError) as err:
        Project.load(project)
    msg = str(err.value)
    assert "b2b_project.yml:" in msg and "identity.stratgy" in msg and "did you mean 'strategy'" in msg
    line = int(msg.split("b2b_project.yml:")[1].split(":")[0])
    assert "stratgy" in (project / "b2b_project.yml").read_text().splitlines()[line - 1]


def test_bad_value_names_key(project: Path) -> None:
    _edit(project / "b2b_project.yml", "strategy: crm_id", "strategy: phone")
    with pytest.raises(ConfigError, match=r"identity\.strategy"):
        Project.load(project)


def test_malformed_yaml_names_line(project: Path) -> None:
    (project / "b2b_project.yml").write_text("name: x\nsource:\n  schema: [unclosed\n")
    result = run_b2b("generate", "--project-dir", str(project))
    assert result.returncode == 2
    assert "b2b_project.yml:" in result.stderr and "malformed YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_env_var_unset_names_variable_and_file(project: Path) -> None:
    (project / "profiles.yml").write_text(
        "b2b:\n  target: pg\n  outputs:\n    pg: {type: postgres, dbname: x, user: \"{{ env_var('B2B_TEST_UNSET_USER') }}\"}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_target("b2b", None, None, project)
    assert "B2B_TEST_UNSET_USER" in str(err.value) and "profiles.yml" in str(err.value)


def test_env_var_default_and_value(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "profiles.yml").write_text(
        "b2b:\n  target: pg\n  outputs:\n    pg: {type: postgres, dbname: \"{{ env_var('B2B_DB', 'analytics') }}\", user: \"{{ env_var('B2B_USER') }}\"}\n"
    )
    monkeypatch.setenv("B2B_USER", "bot")
    target = load_target("b2b", None, None, project)
    assert target.conn.dbname == "analytics" and target.conn.user == "bot"


def test_profiles_search_order(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "profiles.yml").write_text(
        "b2b:\n  target: x\n  outputs:\n    x: {type: duckdb, path: other.duckdb}\n"
    )
    assert load_target("b2b", None, other, project).conn.path == "other.duckdb"
    assert load_target("b2b", None, None, project).conn.path == "demo.duckdb"


def test_unknown_target_lists_targets(project: Path) -> None:
    result = run_b2b("apply", "--project-dir", str(project), "--target", "prod")
    assert result.returncode == 2
    assert "'prod' not found" in result.stderr and "dev" in result.stderr


def test_missing_driver_names_extra(project: Path) -> None:
    (project / "profiles.yml").write_text(
        "b2b:\n  target: bq\n  outputs:\n    bq: {type: bigquery, project: p}\n"
    )
    result = run_b2b("apply", "--project-dir", str(project))
    assert result.returncode in (2, 3)
    assert "bigquery" in result.stderr and "Traceback" not in result.stderr


def test_unknown_profile_type_key(project: Path) -> None:
    (project / "profiles.yml").write_text(
        "b2b:\n  target: d\n  outputs:\n    d: {type: duckdb, paht: x.duckdb}\n"
    )
    with pytest.raises(ConfigError, match="did you mean 'path'"):
        load_target("b2b", None, None, project)


def test_unknown_crm_object_in_tables(project: Path) -> None:
    _edit(project / "b2b_project.yml", "tables: {}", "tables: {contacts: sf_contact}")
    result = run_b2b("generate", "--project-dir", str(project))
    assert result.returncode == 2 and "source.tables" in result.stderr and "contact" in result.stderr


def test_config_error_writes_nothing(project: Path, tmp_path: Path) -> None:
    _edit(project / "b2b_project.yml", "prefix: b2b_", "prefx: b2b_")
    out = tmp_path / "out"
    result = run_b2b("generate", "--project-dir", str(project), "--out", str(out))
    assert result.returncode == 2 and not out.exists()

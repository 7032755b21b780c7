"""The CLI is a thin skin: every command has help; errors are one clear line and an exit code."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from test_config import run_b2b

from toolkit.cli import cli


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, cmd in group.commands.items():
        out.append((f"{prefix}{name}", cmd))
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, f"{prefix}{name} "))
    return out


@pytest.mark.parametrize(("name", "cmd"), _commands(cli))
def test_every_command_has_help(name: str, cmd: click.Command) -> None:
    assert cmd.help and len(cmd.help.strip()) > 20, f"`b2b {name}` needs help text"
    for param in cmd.params:
        if isinstance(param, click.Option):
            assert param.help, f"`b2b {name} {param.opts[0]}` needs help text"


def test_spec_commands_exist() -> None:
    names = {n for n, _ in _commands(cli)}
    assert {"init", "generate", "apply", "demo"} <= names


def test_init_scaffolds_and_refuses_to_overwrite(tmp_path: Path) -> None:
    first = run_b2b("init", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "b2b_project.yml").exists() and (tmp_path / "profiles.yml").exists()
    before = (tmp_path / "b2b_project.yml").read_text()
    second = run_b2b("init", cwd=tmp_path)
    assert second.returncode == 2 and "--force" in second.stderr
    assert (tmp_path / "b2b_project.yml").read_text() == before
    # the scaffold is a valid project that generates
    gen = run_b2b("generate", "--dialect", "duckdb", cwd=tmp_path)
    assert gen.returncode == 0, gen.stderr


def test_unknown_dialect_is_a_usage_error(project: Path) -> None:
    result = run_b2b("generate", "--project-dir", str(project), "--dialect", "oracle")
    assert result.returncode == 2 and "oracle" in result.stderr and "duckdb" in result.stderr


def test_no_project_here(tmp_path: Path) -> None:
    result = run_b2b("generate", "--project-dir", str(tmp_path))
    assert result.returncode == 2 and "b2b init" in result.stderr and "Traceback" not in result.stderr


def test_demo_end_to_end(tmp_path: Path) -> None:
    result = run_b2b("demo", "--contacts", "2000", "--dir", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    counts = dict(re.findall(r"^\s+(b2b_\w+)\s+([\d,]+)$", result.stdout, re.M))
    assert {"b2b_contacts", "b2b_leads", "b2b_accounts", "b2b_opportunities", "b2b_users"} <= set(counts)
    assert all(int(v.replace(",", "")) > 0 for v in counts.values())
    assert int(counts["b2b_users"].replace(",", "")) == int(counts["b2b_contacts"].replace(",", "")) + int(
        counts["b2b_leads"].replace(",", "")
    )
    # the demo turns the catalog views and the user sync views on
    assert len(list((tmp_path / "d" / "target").rglob("*.sql"))) == 7 * 12
    assert "segment:    software_open_pipeline" in result.stdout and "validate:" in result.stdout
    # and prints what a first CDI sync would send and cost
    sync = {
        k: int(v.replace(",", ""))
        for k, v in re.findall(r"^\s+(b2b_cdi_user_\w+)\s+([\d,]+) rows", result.stdout, re.M)
    }
    # the ledger's first run (the demo's mode) sends every person once, and each link once; each
    # view ends with the run's marker row (an empty payload)
    appended = re.search(r"^sync run:.* appended ([\d,]+) attribute rows .* and ([\d,]+) events", result.stdout, re.M)
    assert appended, result.stdout
    people, events = (int(g.replace(",", "")) for g in appended.groups())
    assert people == int(counts["b2b_users"].replace(",", "")) == sync["b2b_cdi_user_attributes"] - 1
    assert events == sync["b2b_cdi_user_events"] - 1 == int(counts["b2b_cdi_user_events"].replace(",", "")) - 1
    assert re.search(r"^\s+total\s+[\d,]+ data points$", result.stdout, re.M)
    assert "demo.duckdb" in result.stdout

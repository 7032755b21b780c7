"""`b2b generate`: 35 files, each parses back in its dialect, byte-identical across runs, and
equal to the golden files (set UPDATE_GOLDEN=1 to rewrite them after a reviewed change)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
from conftest import core_views_only
from sqlglot import exp

from toolkit.context import ProjectContext
from toolkit.dialects import DIALECTS, get_or_raise
from toolkit.transpile import compile_ddl, compile_views, write_views

GOLDEN = Path(__file__).parent / "golden"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.sql"))}


def test_generate_writes_35_files_that_parse_back(project: Path, tmp_path: Path) -> None:
    """The five views for the seven dialects (the catalog views are opt-in)."""
    core_views_only(project)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "generate", "--project-dir", str(project), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    files = _files(out)
    assert len(files) == 35
    assert {f.split("/")[0] for f in files} == set(DIALECTS)
    for rel, data in files.items():
        dialect = get_or_raise(rel.split("/")[0])
        statements = [s for s in sqlglot.parse(data.decode(), read=dialect.sqlglot_name) if s is not None]
        assert len(statements) == 1, rel
        create = statements[0]
        assert isinstance(create, exp.Create) and create.kind == "VIEW", rel
        assert create.find(exp.Anonymous, bfs=False) is None or not any(
            a.name.upper().startswith("B2B_") for a in create.find_all(exp.Anonymous)
        ), f"{rel}: a placeholder was not expanded"


def test_generate_is_byte_identical_across_runs(project: Path, tmp_path: Path) -> None:
    ctx = ProjectContext(project)
    write_views(compile_views(ctx, list(DIALECTS)), tmp_path / "a")
    ctx2 = ProjectContext(project)
    write_views(compile_views(ctx2, list(DIALECTS)), tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_parallel_generate_equals_sequential(project: Path, tmp_path: Path) -> None:
    """`b2b generate` compiles on forked workers; the files are the ones one process writes."""
    ctx = ProjectContext(project)
    write_views(compile_views(ctx, list(DIALECTS)), tmp_path / "one")
    write_views(compile_ddl(ProjectContext(project), list(DIALECTS)), tmp_path / "many")
    assert _files(tmp_path / "one") == _files(tmp_path / "many")
    assert len(_files(tmp_path / "many")) == len(ctx.project.entities()) * len(DIALECTS)


def test_golden_files(project: Path, tmp_path: Path) -> None:
    ctx = ProjectContext(project)
    write_views(compile_views(ctx, list(DIALECTS)), tmp_path / "now")
    now = _files(tmp_path / "now")
    if os.environ.get("UPDATE_GOLDEN"):
        for rel, data in now.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    golden = _files(GOLDEN)
    assert sorted(golden) == sorted(now), "golden file set differs; rerun with UPDATE_GOLDEN=1 after review"
    changed = [rel for rel in now if now[rel] != golden[rel]]
    assert not changed, f"generated SQL differs from golden: {changed}; review, then UPDATE_GOLDEN=1"


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_no_boolean_select_items_on_fabric_and_arrays_only_where_supported(
    project: Path, dialect: str
) -> None:
    views = {v.entity: v for v in compile_views(ProjectContext(project), [dialect])}
    users = views["users"].ddl.upper()
    if get_or_raise(dialect).HAS_ARRAYS:
        assert "ARRAY" in users or "COLLECT_LIST" in users
    else:
        assert "ARRAY_AGG" not in users and "'[]'" in views["users"].ddl

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


def _count_compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, every view compile_ddl compiles (not read from its cache), as dialect/entity;
    in this process, where it is counted (no forked workers)."""
    import toolkit.transpile as transpile

    compiled: list[str] = []
    real = transpile.compile_view

    def counting(view, dialect):  # type: ignore[no-untyped-def]
        compiled.append(f"{dialect.name}/{view.entity}")
        return real(view, dialect)

    monkeypatch.setattr(transpile, "compile_view", counting)
    monkeypatch.setattr(transpile.os, "cpu_count", lambda: 1)
    return compiled


def test_generate_cache_serves_an_unchanged_project_and_misses_a_change(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A re-run over the same out folder reads every view from the cache (nothing is compiled)
    and writes the same bytes; a config change recompiles exactly the views whose rendered SQL
    changed, and the result equals a cold run's; a damaged cache file is a cold start."""
    from toolkit.ddl_cache import CACHE_FILE

    out = tmp_path / "out"
    write_views(compile_ddl(ProjectContext(project), list(DIALECTS), cache_dir=out), out)
    cold = _files(out)
    assert (out / CACHE_FILE).is_file()

    compiled = _count_compiles(monkeypatch)
    write_views(compile_ddl(ProjectContext(project), list(DIALECTS), cache_dir=out), out)
    assert compiled == []
    assert _files(out) == cold

    cfg = project / "b2b_project.yml"
    cfg.write_text(cfg.read_text().replace("prefix: b2b_", "prefix: crm_"))
    write_views(compile_ddl(ProjectContext(project), list(DIALECTS), cache_dir=out), out / "warm")
    # every view's name changed: all recompiled, and equal to a run with no cache at all
    assert len(compiled) == len(cold)
    write_views(compile_ddl(ProjectContext(project), list(DIALECTS)), tmp_path / "nocache")
    assert _files(out / "warm") == _files(tmp_path / "nocache")

    compiled.clear()
    cfg.write_text(cfg.read_text().replace("territory: territory__c", "region: territory__c"))
    write_views(compile_ddl(ProjectContext(project), list(DIALECTS), cache_dir=out), out / "warm")
    changed = {c.split("/")[1] for c in compiled}
    assert "accounts" in changed  # the extra field's column is the accounts view's
    assert not changed & {"contacts", "leads", "opportunities"}
    write_views(compile_ddl(ProjectContext(project), list(DIALECTS)), tmp_path / "nocache2")
    assert _files(out / "warm") == _files(tmp_path / "nocache2")

    (out / CACHE_FILE).write_text("{not json")
    compiled.clear()
    write_views(compile_ddl(ProjectContext(project), list(DIALECTS), cache_dir=out), out / "again")
    assert len(compiled) == len(cold)


def test_generate_cache_keeps_the_dialects_a_run_did_not_generate(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`generate -d duckdb` between two full runs evicts nothing of the other dialects: the
    second full run compiles nothing. A changed view generated for one dialect replaces that
    dialect's entries only, so the file stays bounded by dialects x views."""
    import json

    from toolkit.ddl_cache import CACHE_FILE

    out = tmp_path / "out"
    ctx = ProjectContext(project)
    write_views(compile_ddl(ctx, list(DIALECTS), cache_dir=out), out)
    first = _files(out)
    full = len(json.loads((out / CACHE_FILE).read_text())["entries"])
    assert full == len(first)

    compiled = _count_compiles(monkeypatch)
    cfg = project / "b2b_project.yml"
    cfg.write_text(cfg.read_text().replace("territory: territory__c", "region: territory__c"))
    compile_ddl(ProjectContext(project), ["duckdb"], cache_dir=out)
    assert compiled and {c.split("/")[0] for c in compiled} == {"duckdb"}
    assert len(json.loads((out / CACHE_FILE).read_text())["entries"]) == full  # replaced, not added

    compiled.clear()
    cfg.write_text(cfg.read_text().replace("region: territory__c", "territory: territory__c"))
    write_views(compile_ddl(ProjectContext(project), list(DIALECTS), cache_dir=out), out / "again")
    # only DuckDB's changed views are compiled again: the other six dialects came from the cache
    assert compiled and {c.split("/")[0] for c in compiled} == {"duckdb"}
    assert _files(out / "again") == first

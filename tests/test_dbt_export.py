"""`b2b export dbt`, run by real dbt (dbt-core + dbt-duckdb / dbt-postgres, in .venv-dbt: its
pins clash with the dev tools'): `dbt run` builds views equal to `b2b apply`'s (rows and an
order-independent checksum of every column), `dbt test` gives validate's verdict for every check
it carries, and the manifest shows each model's lineage from the CRM sources."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from dbt_runner import require_dbt, run_dbt
from normalize import checksum
from sqlglot import exp

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.export_dbt import export_dbt
from toolkit.validate.runner import run_validation

# dbt test name -> the validate check it carries
CARRIED = {
    "not_null": "user_id_not_null",
    "unique": "grain_unique",
    "b2b_unique_combination": "grain_unique",
    "b2b_platform_match": "user_id_in_platform",
}


@pytest.fixture
def dbt_bin() -> Path:
    return require_dbt()


def _dbt_profiles(project: Path, into: Path, request: pytest.FixtureRequest) -> str:
    """A dbt profiles.yml for the b2b project's target (the profile name is the project's)."""
    target = ProjectContext(project).target
    if target.type == "duckdb":
        out = f"{{type: duckdb, path: '{project / 'demo.duckdb'}', schema: dbt_b2b, threads: 2}}"
    else:
        server = request.getfixturevalue("pg")
        dbname = request.getfixturevalue("pg_db")  # the database engine_project points at
        out = (
            f"{{type: postgres, host: {server.host}, port: {server.port}, user: {server.user}, password: '', "
            f"dbname: {dbname}, schema: dbt_b2b, threads: 2}}"
        )
    into.mkdir(parents=True, exist_ok=True)
    (into / "profiles.yml").write_text(f"b2b:\n  target: dev\n  outputs:\n    dev: {out}\n", encoding="utf-8")
    return target.type


def _rows(project: Path, engine: str, relation: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    if engine == "duckdb":
        # a plain connection: dbt-duckdb qualifies its views with the file's catalog ("demo"),
        # which b2b's own connection names differently
        import duckdb

        con = duckdb.connect(str(project / "demo.duckdb"), read_only=True)
        try:
            cur = con.execute(f"SELECT * FROM {relation}")
            return [d[0] for d in cur.description], cur.fetchall()
        finally:
            con.close()
    with ProjectContext(project).adapter() as adapter:
        schema, name = relation.split(".")
        names = [
            r[0]
            for r in adapter.fetchall(
                "SELECT column_name FROM information_schema.columns "
                f"WHERE table_schema = '{schema}' AND table_name = '{name}' ORDER BY ordinal_position"
            )
        ]
        return names, adapter.fetchall(f"SELECT {', '.join(names)} FROM {relation}")


@pytest.mark.dbt
def test_dbt_run_and_test_equal_apply_and_validate(
    engine_project: Path, dbt_bin: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    ctx = ProjectContext(engine_project)
    apply(ctx)
    report = run_validation(ProjectContext(engine_project))
    out = tmp_path / "dbt"
    export = export_dbt(ProjectContext(engine_project), out)
    engine = _dbt_profiles(engine_project, tmp_path / "profiles", request)

    run = run_dbt(dbt_bin, ["run"], out, tmp_path / "profiles")
    assert run.returncode == 0, run.stdout[-4000:]
    # same views: every column, every row
    for model in export.models:
        b2b_cols, b2b_rows = _rows(engine_project, engine, f"b2b.{model}")
        dbt_cols, dbt_rows = _rows(engine_project, engine, f"dbt_b2b.{model}")
        assert b2b_cols == dbt_cols, model
        assert len(b2b_rows) > 0, model
        assert checksum(b2b_cols, b2b_rows) == checksum(dbt_cols, dbt_rows), model

    test = run_dbt(dbt_bin, ["test"], out, tmp_path / "profiles")
    manifest = json.loads((out / "target" / "manifest.json").read_text())
    results = json.loads((out / "target" / "run_results.json").read_text())["results"]
    assert results and all(r["status"] in ("pass", "fail", "warn") for r in results), test.stdout[-3000:]
    verdicts = {(r.name, r.view): r.status for r in report.results}
    compared = 0
    for r in results:
        node = manifest["nodes"][r["unique_id"]]
        check = CARRIED.get(node["test_metadata"]["name"])
        if check is None:
            assert r["status"] == "pass", (r["unique_id"], r["status"])  # relationships: structural
            continue
        view = node["attached_node"].split(".")[-1]
        assert r["status"] == verdicts[(check, view)], (r["unique_id"], r["status"], verdicts[(check, view)])
        compared += 1
    assert compared == 5 + 5 + 2  # not_null and the grain on five views, the platform match on two
    # the org's planted defects fail the contacts' platform match, in both tools
    assert verdicts[("user_id_in_platform", "b2b_contacts")] == "fail"
    assert test.returncode == 1

    # lineage: each model reads, through source(), exactly the CRM tables its DDL reads
    sources = {k: v for k, v in manifest["sources"].items() if v["source_name"] == "salesforce"}
    for model in export.models:
        node = manifest["nodes"][f"model.{manifest['metadata']['project_name']}.{model}"]
        got = {sources[d]["name"] for d in node["depends_on"]["nodes"] if d in sources}
        ddl = ProjectContext(engine_project).renderer().render(model.removeprefix("b2b_")).query
        crm_schema = ctx.config.source.schema_
        want = {t.name for t in ddl.find_all(exp.Table) if t.db == crm_schema}
        refs = {d for d in node["depends_on"]["nodes"] if d.startswith("model.")}
        assert got == want, model
        assert got or refs, f"{model} depends on nothing"


def test_export_refuses_a_folder_that_is_not_a_dbt_project(project: Path, tmp_path: Path) -> None:
    import sys

    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    cmd = [
        sys.executable,
        "-m",
        "toolkit.cli",
        "export",
        "dbt",
        "--project-dir",
        str(project),
        "--out",
        str(out),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "not a dbt project" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]  # nothing written
    again = subprocess.run([*cmd, "--force"], capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert (out / "dbt_project.yml").exists() and (out / "models" / "b2b_users.sql").exists()


def test_export_prunes_models_the_project_no_longer_builds(project: Path, tmp_path: Path) -> None:
    from conftest import core_views_only

    out = tmp_path / "dbt"
    first = export_dbt(ProjectContext(project), out)
    (out / "models" / "mine.sql").write_text("select 1 as x\n")  # the user's own model stays
    core_views_only(project)
    second = export_dbt(ProjectContext(project), out)
    assert len(first.models) == 12 and len(second.models) == 5
    assert sorted(p.name for p in (out / "models").glob("*.sql")) == sorted(
        [f"{m}.sql" for m in second.models] + ["mine.sql"]
    )
    assert any("removed models/b2b_cdi_user_attributes.sql" in n for n in second.notes)


@pytest.mark.dbt
def test_config_values_reach_dbt_as_text_never_as_jinja(
    project: Path, dbt_bin: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Issue 33 on dbt-duckdb: a platform column of `{{ run_query('DROP TABLE finance.ledger') }}`
    (written in b2b_project.yml inside {% raw %}) reached schema.yml as Jinja, and `dbt test`
    dropped the table. Every config value is now written Jinja-inert: dbt reads it as text."""
    import duckdb
    from test_config import _edit

    con = duckdb.connect(str(project / "demo.duckdb"))
    con.execute("CREATE SCHEMA finance; CREATE TABLE finance.ledger AS SELECT 1 AS x")
    con.close()
    hostile = "{% raw %}{{ run_query('DROP TABLE finance.ledger') }}{% endraw %}external_id"
    _edit(project / "b2b_project.yml", "    column: external_id", f'    column: "{hostile}"')
    export_dbt(ProjectContext(project), tmp_path / "dbt")
    schema_yml = (tmp_path / "dbt" / "models" / "schema.yml").read_text()
    assert "run_query" in schema_yml and "{{ run_query" not in schema_yml
    profiles = tmp_path / "profiles"
    _dbt_profiles(project, profiles, request)
    for args in (["run"], ["test"]):
        run_dbt(dbt_bin, args, tmp_path / "dbt", profiles)  # the match test fails: the column is absurd
    con = duckdb.connect(str(project / "demo.duckdb"), read_only=True)
    assert con.execute("SELECT COUNT(*) FROM finance.ledger").fetchone() == (1,)
    con.close()


def test_export_does_not_overwrite_a_dbt_project_it_did_not_write(project: Path, tmp_path: Path) -> None:
    from test_config import run_b2b

    theirs = tmp_path / "their_dbt"
    (theirs / "models").mkdir(parents=True)
    (theirs / "dbt_project.yml").write_text("name: theirs\nversion: '1.0'\nprofile: x\n")
    (theirs / "models" / "schema.yml").write_text("version: 2\nmodels: []\n")
    result = run_b2b("export", "dbt", "--project-dir", str(project), "--out", str(theirs))
    assert result.returncode == 2 and "--force" in result.stderr and "Traceback" not in result.stderr
    assert (theirs / "dbt_project.yml").read_text().startswith("name: theirs")
    assert (theirs / "models" / "schema.yml").read_text() == "version: 2\nmodels: []\n"
    # our own previous export is refreshed without --force; theirs with --force
    ours = tmp_path / "ours"
    assert run_b2b("export", "dbt", "--project-dir", str(project), "--out", str(ours)).returncode == 0
    assert run_b2b("export", "dbt", "--project-dir", str(project), "--out", str(ours)).returncode == 0
    assert (
        run_b2b("export", "dbt", "--project-dir", str(project), "--out", str(theirs), "--force").returncode
        == 0
    )

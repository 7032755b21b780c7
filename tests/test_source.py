"""The source as the warehouse holds it: `b2b inspect` on every executed engine, `generate` bound
to source_schema.yml with no connection, missing required columns refused before any DDL,
columns dropped after apply caught by the next apply and by validate, source freshness, and the
first run after `b2b init`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import shapes
import yaml
from conftest import snowflake_profiles, spark_profiles
from test_config import run_b2b
from test_org_shapes import ENGINES, load_shape

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.source.schema import SOURCE_SCHEMA_FILE


def _views(project: Path) -> dict[str, Any]:
    with ProjectContext(project).adapter() as adapter:
        return adapter.view_fingerprints("b2b")


def _drop(project: Path, table: str, column: str, engine: str) -> None:
    cascade = " CASCADE" if engine == "postgres" else ""
    with ProjectContext(project).adapter() as adapter:
        adapter.execute(f"ALTER TABLE salesforce.{table} DROP COLUMN {column}{cascade}")


@pytest.mark.parametrize("engine", ENGINES)
def test_missing_required_column_is_exit_2_before_any_ddl(
    engine: str, org_tables: dict, org_dir: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    shape = shapes.minimal(org_tables)
    shapes.drop_columns(shape.physical, "lead", {"is_converted"})
    shapes.drop_columns(shape.physical, "opportunity", {"account_id"})
    project = load_shape(shape, engine, tmp_path, org_dir, request)
    result = run_b2b("apply", "--project-dir", str(project))
    assert result.returncode == 2, result.stderr
    err = result.stderr
    assert "lead.is_converted" in err and "opportunity.account_id" in err
    assert "source.naming: fivetran" in err and "source.columns" in err
    assert "Traceback" not in err
    assert _views(project) == {}, "no DDL ran"


@pytest.mark.parametrize("engine", ENGINES)
def test_missing_source_tables_name_where_they_were_looked_for(
    engine: str, org_tables: dict, org_dir: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    shape = shapes.minimal(org_tables)
    project = load_shape(shape, engine, tmp_path, org_dir, request)
    shapes.write_project(project, {"source.schema": "crm"})
    result = run_b2b("apply", "--project-dir", str(project))
    assert result.returncode == 2, result.stderr
    assert (
        "contact, lead, account, opportunity, opportunity_contact_role not found in schema 'crm'"
        in result.stderr
    )
    assert "source.schema" in result.stderr and "source.tables" in result.stderr
    assert "Traceback" not in result.stderr
    assert _views(project) == {}


def test_bad_column_override_suggests_the_column(org_tables: dict, org_dir: Path, tmp_path: Path) -> None:
    shape = shapes.custom_field(org_tables)
    shape.project["source.columns.contact.mailing_country"] = "Country_c"
    project = load_shape(shape, "duckdb", tmp_path, org_dir, None)
    result = run_b2b("apply", "--project-dir", str(project))
    assert result.returncode == 2
    assert "source.columns.contact.mailing_country: no column 'Country_c'" in result.stderr
    assert "did you mean 'Country__c'" in result.stderr
    shapes.write_project(project, {"source.columns.contact": {"mailing_county": "Country__c"}})
    result = run_b2b("apply", "--project-dir", str(project))
    assert result.returncode == 2 and "did you mean 'mailing_country'" in result.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_required_column_dropped_after_apply_is_caught_by_apply_and_validate(
    engine: str, org_tables: dict, org_dir: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    project = load_shape(shapes.no_relations(org_tables), engine, tmp_path, org_dir, request)
    apply(ProjectContext(project))
    _drop(project, "lead", "is_converted", engine)
    for command in ("apply", "validate"):
        result = run_b2b(command, "--project-dir", str(project))
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "lead.is_converted" in result.stderr and "Traceback" not in result.stderr
        assert "up to date" not in result.stdout


@pytest.mark.slow
def test_optional_column_dropped_after_apply_is_never_up_to_date(
    org_tables: dict, org_dir: Path, tmp_path: Path
) -> None:
    """DuckDB keeps a view whose column was dropped (it fails when read): validate names the stale
    views, and the next apply replaces them with the typed NULL, never "up to date"."""
    project = load_shape(shapes.no_relations(org_tables), "duckdb", tmp_path, org_dir, None)
    assert run_b2b("inspect", "--project-dir", str(project)).returncode == 0
    apply(ProjectContext(project))
    _drop(project, "contact", "mailing_country", "duckdb")
    result = run_b2b("validate", "--project-dir", str(project), "--format", "json")
    import json

    report = json.loads(result.stdout)
    drift = next(c for c in report["checks"] if c["name"] == "source_drift")
    assert drift["status"] == "fail" and drift["diagnosis"]["stale_views"] >= 1
    assert any(s.startswith("b2b_contacts: applied over other source columns") for s in drift["sample"])
    assert "contact.mailing_country: dropped (since source_schema.yml)" in drift["sample"]
    result = run_b2b("apply", "--project-dir", str(project))
    assert result.returncode == 0, result.stderr
    assert "replace  b2b.b2b_contacts" in result.stdout and "up to date" not in result.stdout
    assert "contact: no column for mailing_country" in result.stderr
    assert "source drifted from source_schema.yml: contact.mailing_country: dropped" in result.stderr
    result = run_b2b("validate", "--project-dir", str(project), "--format", "json")
    drift = next(c for c in json.loads(result.stdout)["checks"] if c["name"] == "source_drift")
    assert drift["diagnosis"]["stale_views"] == 0 and drift["status"] == "warn"  # the file is old


# ---- inspect on every executed engine, generate offline --------------------------------------
def _inspect_and_check(project: Path, in_process: bool = False) -> dict[str, Any]:
    """Through the command, or in this process where the engine lives only here (fakesnow's
    patch, the test session's Spark catalog)."""
    if in_process:
        ProjectContext(project).inspect()
    else:
        result = run_b2b("inspect", "--project-dir", str(project))
        assert result.returncode == 0, result.stderr
    doc = yaml.safe_load((project / SOURCE_SCHEMA_FILE).read_text())
    names = {t.lower().replace("_", "") for t in doc["tables"]}
    assert {"contact", "lead", "account", "opportunity", "opportunitycontactrole"} <= names
    contact = next(v for k, v in doc["tables"].items() if k.lower() == "contact")["columns"]
    assert {"id", "accountid", "isdeleted"} <= {c.lower().replace("_", "") for c in contact}
    return doc


@pytest.mark.parametrize("engine", ENGINES)
def test_inspect_then_generate_offline(
    engine: str, org_tables: dict, org_dir: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    project = load_shape(shapes.minimal(org_tables), engine, tmp_path, org_dir, request)
    doc = _inspect_and_check(project)
    assert doc["unquoted_case"] == ("insensitive" if engine == "duckdb" else "lower")
    # no connection at all: the profile points at a server that does not exist
    (project / "profiles.yml").write_text(
        "b2b:\n  target: gone\n  outputs:\n    gone: {type: postgres, host: 127.0.0.1, port: 1, dbname: x, user: x}\n"
    )
    result = run_b2b("generate", "--project-dir", str(project), "--dialect", "postgres")
    assert result.returncode == 0, result.stderr
    ddl = (project / "target" / "postgres" / "b2b_contacts.sql").read_text()
    assert "CAST(NULL AS TEXT) AS email" in ddl  # bound to the recorded source
    assert "contact: no column for email" in result.stderr


def test_inspect_api_names_on_postgres_are_quoted(
    org_tables: dict, org_dir: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if request.config.getoption("-m") == "not postgres":
        pytest.skip("postgres deselected")
    project = load_shape(shapes.api_naming(org_tables), "postgres", tmp_path, org_dir, request)
    doc = _inspect_and_check(project)
    assert "Contact" in doc["tables"] and "IsDeleted" in doc["tables"]["Contact"]["columns"]
    result = run_b2b("generate", "--project-dir", str(project), "--dialect", "postgres")
    ddl = (project / "target" / "postgres" / "b2b_contacts.sql").read_text()
    assert 'salesforce."Contact" AS c' in ddl and 'c."IsDeleted"' in ddl
    assert result.returncode == 0


@pytest.mark.snowflake
def test_inspect_and_apply_on_snowflake_upper_case(
    snowflake_org: None, org_tables: dict, tmp_path: Path, org_dir: Path
) -> None:
    """fakesnow stores unquoted names upper-case, like Snowflake: the recorded file says so and
    the views bind to them, with the custom field mapped by its lower-case name."""
    import snowflake.connector
    from loaders import load_snowflake

    shape = shapes.custom_field(org_tables)
    conn = snowflake.connector.connect(
        account="fake", user="fake", password="fake", database="SHAPES", schema="PUBLIC"
    )
    conn.cursor().execute("CREATE DATABASE IF NOT EXISTS SHAPES")
    load_snowflake(conn, shape.physical)
    conn.close()
    project = tmp_path / "sf"
    project.mkdir()
    shutil.copy(org_dir / "b2b_project.yml", project / "b2b_project.yml")
    shapes.write_project(project, shape.project)
    snowflake_profiles(project)
    (project / "profiles.yml").write_text(
        (project / "profiles.yml").read_text().replace("ANALYTICS", "SHAPES")
    )
    doc = _inspect_and_check(project, in_process=True)
    assert doc["unquoted_case"] == "upper" and "CONTACT" in doc["tables"]
    assert "COUNTRY__C" in doc["tables"]["CONTACT"]["columns"]  # created unquoted: upper-case
    assert apply(ProjectContext(project)).changed
    with ProjectContext(project).adapter() as adapter:
        (n,) = adapter.fetchall("SELECT COUNT(country) FROM b2b.b2b_contacts")[0]
    assert n > 0


@pytest.mark.spark
def test_inspect_on_spark(spark_org: Path, tmp_path: Path, org_dir: Path) -> None:
    project = tmp_path / "spark"
    project.mkdir()
    shutil.copy(org_dir / "b2b_project.yml", project / "b2b_project.yml")
    spark_profiles(project, spark_org)
    doc = _inspect_and_check(project, in_process=True)
    assert doc["dialect"] == "databricks" and doc["unquoted_case"] == "insensitive"


@pytest.mark.slow
# ---- source freshness ------------------------------------------------------------------------
def test_source_freshness_names_the_stalled_table(project: Path) -> None:
    """The demo org's OpportunityContactRole sync stalled 36 hours before it was built."""
    from toolkit.validate.runner import run_validation

    apply(ProjectContext(project))
    report = run_validation(ProjectContext(project))
    fresh = next(r for r in report.results if r.name == "source_freshness")
    assert (fresh.status, fresh.failing, fresh.total, fresh.threshold) == ("warn", 1, 6, 24)
    assert fresh.sample[0].startswith("opportunity_contact_role: last synced")
    shapes.write_project(project, {"checks.max_source_age_hours": 48})
    fresh = next(r for r in run_validation(ProjectContext(project)).results if r.name == "source_freshness")
    assert (fresh.status, fresh.failing) == ("pass", 0)
    # another loader's column, configured; a table without it is named
    with ProjectContext(project).adapter() as adapter:
        adapter.execute("ALTER TABLE salesforce.contact ADD COLUMN _airbyte_extracted_at TIMESTAMP")
        adapter.execute(
            "UPDATE salesforce.contact SET _airbyte_extracted_at = TIMESTAMP '2020-01-01 00:00:00'"
        )
    shapes.write_project(project, {"source.loaded_at_column": "_airbyte_extracted_at"})
    fresh = next(r for r in run_validation(ProjectContext(project)).results if r.name == "source_freshness")
    assert (fresh.status, fresh.failing, fresh.total) == ("warn", 1, 1)
    assert fresh.sample[0].startswith("contact: last synced 2020-01-01 00:00 UTC")
    assert "account" in (fresh.message or "") and "tables without the loaded-at column" in (
        fresh.message or ""
    )


def test_source_freshness_without_any_loaded_at_column_says_how_to_measure(
    org_tables: dict, org_dir: Path, tmp_path: Path
) -> None:
    from toolkit.validate.runner import run_validation

    shape = shapes.minimal(org_tables, synced=False)
    shape.project.update({"output.user_sync": None, "output.catalogs": False})  # they need a time
    project = load_shape(shape, "duckdb", tmp_path, org_dir, None)
    apply(ProjectContext(project))
    fresh = next(r for r in run_validation(ProjectContext(project)).results if r.name == "source_freshness")
    assert fresh.status == "warn" and "source.loaded_at_column" in (fresh.message or "")


# ---- the first run after `b2b init` -------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "naming", "history", "relations"),
    [
        (shapes.api_naming, "api", False, True),
        pytest.param(shapes.history_mode, "fivetran", True, True, marks=pytest.mark.slow),
        pytest.param(shapes.no_relations, "fivetran", False, False, marks=pytest.mark.slow),
    ],
    ids=["api", "history", "no_acr"],
)
def test_init_with_target_detects_the_source(
    make: Any, naming: str, history: bool, relations: bool, org_tables: dict, tmp_path: Path
) -> None:
    import loaders

    loaders.load_duckdb(str(tmp_path / "warehouse.duckdb"), make(org_tables).physical)
    result = run_b2b("init", "--target", "dev", cwd=tmp_path)  # writes the default profile first
    assert result.returncode == 0, result.stderr
    doc = yaml.safe_load((tmp_path / "b2b_project.yml").read_text())
    assert doc["source"]["naming"] == naming and doc["source"]["history_mode"] is history
    assert ("account_contact_relation" in doc["source"]["tables"]) is not relations
    assert (tmp_path / SOURCE_SCHEMA_FILE).exists()
    if naming == "api":
        shapes.write_project(tmp_path, {"extra_fields.account.territory": "Territory__c"})
    result = run_b2b("apply", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_init_target_without_crm_tables_writes_nothing(tmp_path: Path) -> None:
    result = run_b2b("init", "--target", "dev", cwd=tmp_path)
    assert result.returncode == 2 and "warehouse.duckdb, which does not exist" in result.stderr
    assert not (tmp_path / "warehouse.duckdb").exists()
    import duckdb

    duckdb.connect(str(tmp_path / "warehouse.duckdb")).close()  # a warehouse without CRM tables
    result = run_b2b("init", "--target", "dev", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        "no Salesforce contact table in schema 'salesforce'" in result.stderr
        and "--source-schema" in result.stderr
    )
    assert not (tmp_path / "b2b_project.yml").exists() and not (tmp_path / "profiles.yml").exists()


def test_first_run_after_init_with_a_file_named_like_the_schema(org_tables: dict, tmp_path: Path) -> None:
    """A DuckDB file named b2b.duckdb beside output schema b2b: views over views used to fail with
    "Ambiguous reference to catalog or schema"."""
    import loaders

    loaders.load_duckdb(str(tmp_path / "b2b.duckdb"), org_tables)
    assert run_b2b("init", cwd=tmp_path).returncode == 0
    profiles = (tmp_path / "profiles.yml").read_text()
    assert "warehouse.duckdb" in profiles  # the default can no longer collide
    (tmp_path / "profiles.yml").write_text(profiles.replace("warehouse.duckdb", "b2b.duckdb"))
    result = run_b2b("apply", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = run_b2b("validate", cwd=tmp_path)
    assert result.returncode in (0, 1) and "Ambiguous" not in result.stdout + result.stderr
    # with no CRM tables where the project says: exit 2 naming the tables and the keys
    shapes.write_project(tmp_path, {"source.schema": "raw"})
    result = run_b2b("apply", cwd=tmp_path)
    assert (
        result.returncode == 2
        and "not found in schema 'raw'" in result.stderr
        and "source.tables" in result.stderr
    )

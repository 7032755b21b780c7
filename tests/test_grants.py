"""What apply grants Braze's connected-source role on each warehouse (output.connected_source),
as golden DDL for the engines this machine cannot run (Snowflake, Redshift, Databricks, BigQuery;
PostgreSQL's is executed by test_connect.py), BigQuery's view authorizations against a client
that records the requests, the engines without access control, and `b2b connect sql`.

Which engine executed what: PostgreSQL runs every statement here for real (test_connect.py);
Snowflake's COPY GRANTS view DDL runs on fakesnow (test_conformance, the Snowflake apply); the
grant statements of Snowflake, Redshift, Databricks and BigQuery are golden files only."""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlglot
from test_config import run_b2b

from toolkit.apply import plan_apply
from toolkit.context import ProjectContext
from toolkit.grants import Authorization
from toolkit.warehouse.others import authorize

GOLDEN = Path(__file__).parent / "golden_grants"
PROFILES = {
    "snowflake": "{type: snowflake, account: acme-xy123, user: owner, database: ANALYTICS}",
    "redshift": "{type: redshift, host: rs.example.com, dbname: analytics, user: owner}",
    "databricks": "{type: databricks, host: dbc.example.com, http_path: /sql/1.0/warehouses/x, token: t, catalog: main}",
    "bigquery": "{type: bigquery, project: acme-analytics}",
    "postgres": "{type: postgres, dbname: analytics, user: owner}",
    "duckdb": "{type: duckdb, path: demo.duckdb}",
    "spark": "{type: spark}",
}
ROLES = {
    "snowflake": "BRAZE_INGESTION_ROLE",
    "redshift": "braze_user",
    "databricks": "braze-sp@acme.com",
    "bigquery": "serviceAccount:braze@acme-analytics.iam.gserviceaccount.com",
    "postgres": "braze",
    "duckdb": "braze",
    "spark": "braze",
}


def _project(project: Path, engine: str, connected: str | None = None) -> ProjectContext:
    (project / "profiles.yml").write_text(f"b2b:\n  target: t\n  outputs:\n    t: {PROFILES[engine]}\n")
    yml = project / "b2b_project.yml"
    cs = connected or f"{{role: '{ROLES[engine]}', scratch_schema: braze_scratch, warehouse: BRAZE_WH}}"
    text = re.sub(r"\n  connected_source: .*", "", yml.read_text())
    text = text.replace("  grant_select_to: []", f"  grant_select_to: []\n  connected_source: {cs}", 1)
    yml.write_text(text)
    return ProjectContext(project)


@pytest.mark.parametrize("engine", ["snowflake", "redshift", "databricks", "bigquery", "postgres"])
def test_connected_source_grants_equal_golden(engine: str, project: Path) -> None:
    plan = plan_apply(_project(project, engine))
    dialect = "postgres" if engine == "postgres" else engine
    # the grants, BigQuery's authorizations, and how one view is described (its columns' docs)
    users = next(v for v in plan.views if v.short_name == "b2b_users")
    body = "\n".join(
        [*(g + ";" for g in plan.grants), *map(str, plan.authorizations), *(d + ";" for d in users.docs)]
    ) + "\n"
    if engine == "snowflake":  # the views keep their grants when replaced
        assert all("\nCOPY GRANTS AS\n" in v.ddl for v in plan.views), plan.views[0].ddl[:300]
    for g in plan.grants:  # each statement parses back in its dialect
        sqlglot.parse_one(g, read=dialect)
    path = GOLDEN / f"{engine}.sql"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(body)
    assert body == path.read_text(), f"{engine} grants differ from {path}; review, then UPDATE_GOLDEN=1"
    # exactly Braze's needs: never the raw CRM schema, never CREATE on the views' schema
    assert not any("salesforce" in g.lower() for g in plan.grants)
    create = [g for g in plan.grants if g.startswith("GRANT") and ("CREATE" in g or "dataEditor" in g)]
    assert create and all("braze_scratch" in g for g in create), create


def test_bigquery_authorizes_each_view_on_each_source_dataset(project: Path) -> None:
    plan = plan_apply(_project(project, "bigquery"))
    datasets = {a.dataset for a in plan.authorizations}
    # the CRM dataset the views read; the platform's IDs are read by validate only, not by a view
    assert datasets == {"acme-analytics.salesforce"}
    assert {a.view for a in plan.authorizations} == {f"acme-analytics.b2b.{v.short_name}" for v in plan.views}


class _Entry(SimpleNamespace):
    pass


class _FakeBigQuery:
    """Records get_dataset / update_dataset the way google-cloud-bigquery's client takes them."""

    def __init__(self, entries: dict[str, list[_Entry]]) -> None:
        self.datasets = {k: SimpleNamespace(name=k, access_entries=list(v)) for k, v in entries.items()}
        self.calls: list[tuple[str, str, list[str] | None]] = []

    def get_dataset(self, name: str) -> SimpleNamespace:
        self.calls.append(("get", name, None))
        d = self.datasets[name]
        return SimpleNamespace(name=name, access_entries=list(d.access_entries))

    def update_dataset(self, dataset: SimpleNamespace, fields: list[str]) -> None:
        self.calls.append(("update", dataset.name, fields))
        self.datasets[dataset.name].access_entries = list(dataset.access_entries)


def _view_entry(ref: dict[str, str]) -> _Entry:
    return _Entry(role=None, entity_type="view", entity_id=ref)


def test_bigquery_authorization_requests_are_idempotent_and_keep_other_entries() -> None:
    reader = _Entry(role="READER", entity_type="groupByEmail", entity_id="analysts@acme.com")
    client = _FakeBigQuery({"p.salesforce": [reader], "p.braze": []})
    auths = [
        Authorization("p.salesforce", "p.b2b.b2b_users"),
        Authorization("p.salesforce", "p.b2b.b2b_contacts"),
        Authorization("p.braze", "p.b2b.b2b_users"),
    ]
    assert authorize(client, auths, _view_entry) == ["p.braze", "p.salesforce"]
    # one read and one update per dataset, the update naming access_entries only
    assert client.calls == [
        ("get", "p.braze", None),
        ("update", "p.braze", ["access_entries"]),
        ("get", "p.salesforce", None),
        ("update", "p.salesforce", ["access_entries"]),
    ]
    entries = client.datasets["p.salesforce"].access_entries
    assert entries[0] is reader  # an analyst's access is kept
    assert [e.entity_id for e in entries[1:]] == [
        {"projectId": "p", "datasetId": "b2b", "tableId": "b2b_users"},
        {"projectId": "p", "datasetId": "b2b", "tableId": "b2b_contacts"},
    ]
    # a second apply reads and changes nothing
    client.calls.clear()
    assert authorize(client, auths, _view_entry) == []
    assert [c[0] for c in client.calls] == ["get", "get"]


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_engines_without_access_control_warn_and_grant_nothing(engine: str, project: Path) -> None:
    plan = plan_apply(_project(project, engine))
    assert plan.grants == []
    assert any("has no access control" in n and "braze" in n for n in plan.access_notes)


def test_a_changed_role_reapplies_every_view(project: Path) -> None:
    first = plan_apply(_project(project, "postgres"))
    second = plan_apply(_project(project, "postgres", "{role: braze2, scratch_schema: braze_scratch}"))
    assert all(a.fingerprint != b.fingerprint for a, b in zip(first.views, second.views, strict=True))


def test_connect_sql_is_the_admin_setup_per_warehouse(project: Path) -> None:
    _project(project, "snowflake")
    pd = ["--project-dir", str(project)]
    out = run_b2b("connect", "sql", *pd)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for needed in (
        "CREATE ROLE IF NOT EXISTS BRAZE_INGESTION_ROLE",
        "AUTO_RESUME = TRUE",
        "GRANT USAGE ON WAREHOUSE BRAZE_WH TO ROLE BRAZE_INGESTION_ROLE",
        "RSA_PUBLIC_KEY",
        "GRANT ROLE BRAZE_INGESTION_ROLE TO USER BRAZE_INGESTION_ROLE_USER",
    ):
        assert needed in text, text
    for stmt in [s for s in text.split(";\n") if s.strip() and not s.lstrip().startswith("--")]:
        sqlglot.parse_one(stmt.split("\n--")[-1] if stmt.startswith("--") else stmt, read="snowflake")
    for dialect, needed in (
        ("redshift", "CREATE USER"),
        ("postgres", "LOGIN"),
        ("bigquery", "roles/bigquery.jobUser"),
        ("databricks", "service principal"),
    ):
        out = run_b2b("connect", "sql", "--dialect", dialect, *pd)
        assert out.returncode == 0 and needed in out.stdout, out.stdout + out.stderr
    out = run_b2b("connect", "sql", "--dialect", "duckdb", *pd)
    assert out.returncode == 2 and "no connected source" in out.stderr and "Traceback" not in out.stderr


def test_connect_without_a_connected_source_says_how(project: Path) -> None:
    out = run_b2b("connect", "check", "--project-dir", str(project))
    assert out.returncode == 2 and "output.connected_source is not set" in out.stderr


def test_dbt_export_keeps_grants_on_snowflake_and_grants_braze(project: Path) -> None:
    import yaml

    _project(project, "duckdb")  # the org is in DuckDB; the models are Snowflake's
    out = run_b2b(
        "export", "dbt", "--project-dir", str(project), "--dialect", "snowflake", "--out", str(project / "dbt")
    )
    assert out.returncode == 0, out.stderr
    models = yaml.safe_load((project / "dbt" / "dbt_project.yml").read_text())["models"]
    (config,) = models.values()
    assert config["+copy_grants"] is True
    assert config["+grants"] == {"select": ["braze"]}
    assert "b2b apply --dry-run" in out.stderr + out.stdout


@pytest.mark.parametrize("engine", ["postgres", "snowflake"])
def test_scratch_in_the_views_schema_is_said_and_granted_once(engine: str, project: Path) -> None:
    """Braze's docs use one schema for both: allowed, with a note; no statement twice."""
    plan = plan_apply(_project(project, engine, f"{{role: {ROLES[engine]}, scratch_schema: b2b}}"))
    assert len(plan.grants) == len(set(plan.grants))
    assert not any(g.startswith("CREATE SCHEMA") for g in plan.grants)
    assert any("show in its table list" in n for n in plan.access_notes)

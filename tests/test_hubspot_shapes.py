"""HubSpot portals this project did not make (issue 29): the tables exactly as Fivetran's HubSpot
connector documents them (no `_fivetran_deleted` on company, deal or the associations), and
`naming: api`. On DuckDB and PostgreSQL the five views equal the independent model
(reference_hubspot.py), the copy path's times are never NULL, and the objects without a deletion
flag are named in a warning and in source_schema.yml."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import hubspot_shapes
import loaders
import pytest
import yaml
from reference_hubspot import expected, expected_updated_at
from shapes import write_project
from test_hubspot import PROJECT

from toolkit.apply import apply
from toolkit.context import ProjectContext
from toolkit.errors import ConfigError
from toolkit.source.crm import read_crm
from toolkit.validate.runner import run_validation

ENGINES = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]


def _load(shape: hubspot_shapes.PortalShape, engine: str, tmp_path: Path, request: Any) -> Path:
    (tmp_path / "b2b_project.yml").write_text(PROJECT)
    write_project(tmp_path, shape.project)
    if engine == "duckdb":
        loaders.load_duckdb(str(tmp_path / "portal.duckdb"), shape.physical)
        (tmp_path / "profiles.yml").write_text(
            "b2b:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: portal.duckdb}\n"
        )
    else:
        import psycopg

        server = request.getfixturevalue("pg")
        name = f"hss_{os.getpid()}_{shape.name}_{tmp_path.name[-6:].replace('-', '_')}".lower()
        with psycopg.connect(server.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        loaders.load_postgres(server.dsn(name), shape.physical)
        server.write_profiles(tmp_path, name)
    return tmp_path


def _fetch(project: Path, sql: str) -> list[tuple[Any, ...]]:
    with ProjectContext(project).adapter() as adapter:
        return adapter.fetchall(sql)


def _stamp(value: Any) -> dt.datetime:
    value = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return (
        value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(dt.UTC).replace(tzinfo=None)
    )


def assert_views_and_sync_equal_model(project: Path, model: hubspot_shapes.Tables) -> None:
    want = expected(model)
    assert dict(_fetch(project, "SELECT user_id, account_id FROM b2b.b2b_contacts")) == want.contacts
    assert dict(_fetch(project, "SELECT user_id, status FROM b2b.b2b_leads")) == want.leads
    accounts = _fetch(project, "SELECT user_id, account_id, is_direct FROM b2b.b2b_accounts")
    assert {(u, a): bool(d) for u, a, d in accounts} == want.accounts and len(accounts) == len(want.accounts)
    opps = _fetch(
        project,
        "SELECT user_id, opportunity_id, link_type, account_id, is_closed, is_won FROM b2b.b2b_opportunities",
    )
    assert {(u, o): (lt, a, bool(c), bool(w)) for u, o, lt, a, c, w in opps} == want.opportunities
    assert len(opps) == len(want.opportunities)
    users = _fetch(project, "SELECT user_id, person_type, open_opportunity_count FROM b2b.b2b_users")
    assert {u: (t, int(n)) for u, t, n in users} == {u: (v[0], v[2]) for u, v in want.users.items()}
    # the copy path: every row has a time, and it is the model's
    updated = expected_updated_at(model, want)
    attrs = _fetch(project, "SELECT external_id, payload, updated_at FROM b2b.b2b_cdi_user_attributes")
    assert len(attrs) == len(want.users)
    for uid, payload, updated_at in attrs:
        assert updated_at is not None, uid
        assert json.loads(payload)["opportunityIds"] == want.users[uid][1], uid
        assert _stamp(updated_at) == _stamp(updated[uid]), uid
    events = _fetch(project, "SELECT external_id, payload, updated_at FROM b2b.b2b_cdi_user_events")
    assert {(u, json.loads(p)["properties"]["account_id"]) for u, p, _t in events} == set(want.accounts)
    assert all(t is not None and json.loads(p)["time"] is not None for _u, p, t in events)


@pytest.mark.parametrize("engine", ENGINES)
def test_fivetran_documented_portal_applies_and_equals_model(
    engine: str,
    portal: tuple[Path, Any, dict],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    shape = hubspot_shapes.fivetran_documented(portal[2])
    project = _load(shape, engine, tmp_path, request)
    plan = apply(ProjectContext(project))
    notes = "\n".join(plan.notes)
    for table in ("deal_company", "deal_contact", "contact_company"):
        assert f"{table}: no deletion flag (looked for _fivetran_deleted)" in notes, notes
    for table in ("company", "deal", "contact"):
        assert f"\n{table}: no deletion flag" not in f"\n{notes}"  # is_deleted / _fivetran_deleted found
    want = expected(shape.model)
    # the shape's features are really there, so equality is not vacuous
    assert any(int(a) > 2**31 for _u, a in want.accounts)
    assert any(r["property_amount"] is None for r in hubspot_shapes.rows(shape.model, "deal"))
    assert hubspot_shapes.CUSTOM_STAGE in {
        r["property_lifecyclestage"] for r in hubspot_shapes.rows(shape.model, "contact")
    }
    assert_views_and_sync_equal_model(project, shape.model)
    report = run_validation(ProjectContext(project))
    sync = [r for r in report.results if r.name == "sync_updated_at"]
    assert sync and all(r.status == "pass" for r in sync), [(r.view, r.status, r.failing) for r in sync]
    # inspect records the objects without a flag in source_schema.yml
    _path, _live, inspect_notes = ProjectContext(project).inspect()
    doc = yaml.safe_load((project / "source_schema.yml").read_text())
    assert doc["never_deleted"] == {
        "contact_company": ["_fivetran_deleted"],
        "deal_company": ["_fivetran_deleted"],
        "deal_contact": ["_fivetran_deleted"],
    }
    assert any("deal_company: no deletion flag" in n for n in inspect_notes)


@pytest.mark.parametrize("engine", ENGINES)
def test_api_naming_portal_equals_model(
    engine: str,
    portal: tuple[Path, Any, dict],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    shape = hubspot_shapes.api_naming(portal[2], read_crm("hubspot"))
    project = _load(shape, engine, tmp_path, request)
    apply(ProjectContext(project))
    assert_views_and_sync_equal_model(project, shape.model)


def test_no_time_at_all_is_refused_before_any_ddl(portal: tuple[Path, Any, dict], tmp_path: Path) -> None:
    """naming: api without source.loaded_at_column: the associations have no time, so the sync
    views cannot have UPDATED_AT: apply refuses, names the table and the key, creates nothing;
    with the copy path off, the same portal applies."""
    shape = hubspot_shapes.api_naming(portal[2], read_crm("hubspot"))
    shape.project.pop("source.loaded_at_column")
    project = _load(shape, "duckdb", tmp_path, None)
    with pytest.raises(ConfigError) as err:
        apply(ProjectContext(project))
    assert "source.loaded_at_column" in err.value.hint and "has no time" in str(err.value)
    assert _fetch(project, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'b2b'") == [
        (0,)
    ]
    write_project(project, {"output.user_sync": None, "output.catalogs": False})
    assert apply(ProjectContext(project)).changed
    assert len(_fetch(project, "SELECT * FROM b2b.b2b_contacts")) == len(expected(shape.model).contacts)

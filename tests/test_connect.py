"""Braze's connected source on a real PostgreSQL server, with the roles Braze's setup makes: an
owner who applies (not a superuser) and Braze's login role. `b2b connect check`, connected as
Braze, passes after apply; for each of its four proofs, a grant removed (or an excess one added)
fails it, naming the grant, and the statement it prints repairs it. A reader with Braze's role
never sees an error while apply replaces the views."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import psycopg
import pytest
from test_config import run_b2b

from toolkit.apply import apply
from toolkit.connect.check import connect_check
from toolkit.context import ProjectContext
from toolkit.segments.compile import load_segments
from toolkit.source.crm import crm_docs

pytestmark = pytest.mark.postgres


@pytest.fixture
def braze(pg, pg_db: str, project: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Two login roles in a fresh copy of the org: `owner_*` may read the CRM and create schemas
    (what apply needs), `braze_*` nothing yet; profiles.yml has a target for each."""
    owner, role = f"owner_{pg_db}", f"braze_{pg_db}"
    with psycopg.connect(pg.dsn(pg_db), autocommit=True) as admin:
        for r in (owner, role):
            admin.execute(f"CREATE ROLE {r} LOGIN")
        admin.execute(f"GRANT CREATE ON DATABASE {pg_db} TO {owner}")
        for schema in ("salesforce", "braze"):
            admin.execute(f"GRANT USAGE ON SCHEMA {schema} TO {owner}")
            admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {owner}")
    conn = f"type: postgres, host: {pg.host}, port: {pg.port}, dbname: {pg_db}"
    (project / "profiles.yml").write_text(
        f"b2b:\n  target: owner\n  outputs:\n    owner: {{{conn}, user: {owner}}}\n"
        f"    braze: {{{conn}, user: {role}}}\n    admin: {{{conn}, user: {pg.user}}}\n"
    )
    yml = project / "b2b_project.yml"
    yml.write_text(
        yml.read_text().replace(
            "  grant_select_to: []",
            f"  grant_select_to: []\n  connected_source: {{role: {role}, scratch_schema: braze_scratch}}",
        )
    )
    return {"owner": owner, "role": role, "dsn": pg.dsn(pg_db), "db": pg_db, "admin": pg.user}


def _check(project: Path) -> dict:
    return connect_check(ProjectContext(project, target="braze")).to_dict()


def _failures(report: dict) -> list[dict]:
    return [p for p in report["proofs"] if not p["ok"]]


def _run_as(dsn: str, role: str | None, statements: list[str]) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        if role:
            conn.execute(f"SET ROLE {role}")
        for s in statements:
            conn.execute(s)


def test_connect_check_as_braze_passes_after_apply(braze: dict, project: Path) -> None:
    plan = apply(ProjectContext(project))
    result = run_b2b(
        "connect", "check", "--project-dir", str(project), "--target", "braze", "--format", "json"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] and not _failures(report)
    by = {name: [p for p in report["proofs"] if p["proof"] == name] for name in report["summary"]}
    # every view listed and read; nothing else listed
    assert sorted(p["subject"] for p in by["discovery"]) == sorted(v.short_name for v in plan.views)
    assert sorted(p["subject"] for p in by["reads"]) == sorted(v.short_name for v in plan.views)
    # each people segment ran as CREATE TABLE AS in the scratch schema, its count equal to the
    # segment's own count (read by the owner), and nothing was left behind
    people = {n for n, s in load_segments(ProjectContext(project)).items() if s.kind != "accounts"}
    assert {p["subject"] for p in by["segments"]} == people
    preview = run_b2b("segment", "preview", "software_open_pipeline", "--project-dir", str(project))
    want = int(re.search(r": ([\d,]+) rows on target", preview.stdout).group(1).replace(",", ""))
    got = next(p for p in by["segments"] if p["subject"] == "software_open_pipeline")
    assert f", {want} user(s)," in got["detail"]
    with psycopg.connect(braze["dsn"]) as conn:
        left = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname IN ('braze_scratch', 'b2b')"
        ).fetchone()
    assert left == (0,)
    # refused: every raw table the views read, the platform's IDs, and CREATE in the views' schema
    refused = {p["subject"] for p in by["refusals"]}
    assert {
        "salesforce.contact",
        "salesforce.account",
        "braze.user_latest_state_default_attributes_view_shared",
    } <= refused
    assert "CREATE in b2b" in refused
    assert {str(s.sql("postgres")) for s in plan.sources} | {
        "braze.user_latest_state_default_attributes_view_shared",
        "CREATE in b2b",
    } == refused
    # what Braze's source browser shows: each view's description and its columns' docs (from
    # the CRM's docs.yml), readable as Braze; the fingerprint stays after the description
    docs = crm_docs("salesforce")
    with psycopg.connect(braze["dsn"]) as conn:
        conn.execute(f"SET ROLE {braze['role']}")
        view_doc, col_doc = conn.execute(
            "SELECT obj_description('b2b.b2b_users'::regclass, 'pg_class'), "
            "col_description('b2b.b2b_users'::regclass, 1)"
        ).fetchone()
    assert view_doc.startswith(docs["views"]["users"] + " | b2b-connected-source sha256:")
    assert col_doc == docs["columns"]["user_id"]
    # the text form says the same
    text = run_b2b("connect", "check", "--project-dir", str(project), "--target", "braze")
    assert text.returncode == 0 and "exactly what it needs" in text.stdout


BREAKS = {
    # proof: (statements that break it, run as; what the failure must name)
    "discovery": (
        ["CREATE TABLE b2b.notes (x int)", "GRANT SELECT ON b2b.notes TO {role}"],
        "owner",
        "notes",
    ),
    "reads": (["REVOKE SELECT ON b2b.b2b_users FROM {role}"], "owner", "b2b_users"),
    "segments": (["REVOKE CREATE ON SCHEMA braze_scratch FROM {role}"], "owner", "braze_scratch"),
    "refusals": (
        ["GRANT USAGE ON SCHEMA salesforce TO {role}", "GRANT SELECT ON salesforce.contact TO {role}"],
        None,
        "salesforce.contact",
    ),
}


@pytest.mark.parametrize("proof", list(BREAKS))
def test_each_proof_fails_on_its_grant_and_its_fix_repairs_it(proof: str, braze: dict, project: Path) -> None:
    apply(ProjectContext(project))
    statements, as_role, named = BREAKS[proof]
    _run_as(
        braze["dsn"], braze[as_role] if as_role else None, [s.format(role=braze["role"]) for s in statements]
    )
    result = run_b2b(
        "connect", "check", "--project-dir", str(project), "--target", "braze", "--format", "json"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    bad = _failures(json.loads(result.stdout))
    mine = [p for p in bad if p["proof"] == proof]
    assert mine and all(named in (p["subject"] + p["detail"] + " ".join(p["fix"])) for p in mine), bad
    # a missing view grant also hides the view: discovery says so too; nothing else fails
    assert {p["proof"] for p in bad} <= ({proof, "discovery"} if proof == "reads" else {proof}), bad
    assert all(p["fix"] for p in bad)
    text = run_b2b("connect", "check", "--project-dir", str(project), "--target", "braze")
    assert text.returncode == 1 and f"FAIL  {proof}" in text.stdout and "fix: " in text.stdout
    # the statements it prints repair it (run by the owner, or an admin for the CRM's tables)
    fixes = [f for p in bad for f in p["fix"]]
    _run_as(braze["dsn"], braze[as_role] if as_role else None, fixes)
    assert not _failures(_check(project)), fixes


def test_create_in_the_view_schema_is_an_excess_grant(braze: dict, project: Path) -> None:
    apply(ProjectContext(project))
    _run_as(braze["dsn"], None, [f"GRANT CREATE ON SCHEMA b2b TO {braze['role']}"])
    bad = _failures(_check(project))
    assert [(p["proof"], p["subject"]) for p in bad] == [("refusals", "CREATE in b2b")]
    assert bad[0]["fix"] == [f"REVOKE CREATE ON SCHEMA b2b FROM {braze['role']}"]
    with psycopg.connect(braze["dsn"]) as conn:  # the probe table it created was dropped
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'b2b'").fetchone() == (0,)


def test_views_added_later_reach_braze_through_default_privileges(braze: dict, project: Path) -> None:
    apply(ProjectContext(project))
    _run_as(braze["dsn"], braze["owner"], ["CREATE VIEW b2b.later AS SELECT 1 AS x"])
    with psycopg.connect(braze["dsn"]) as conn:
        conn.execute(f"SET ROLE {braze['role']}")
        assert conn.execute("SELECT x FROM b2b.later").fetchone() == (1,)


def test_a_reader_as_braze_never_sees_an_error_through_20_applies(braze: dict, project: Path) -> None:
    apply(ProjectContext(project))
    yml = project / "b2b_project.yml"
    base = yml.read_text()
    errors: list[str] = []
    reads = [0]
    done = threading.Event()

    def reader() -> None:
        dsn = braze["dsn"].replace(f"user={braze['admin']} ", f"user={braze['role']} ")
        with psycopg.connect(dsn, autocommit=True) as conn:
            while not done.is_set():
                try:
                    for view in ("b2b_accounts", "b2b_users"):
                        conn.execute(f"SELECT count(*) FROM b2b.{view}").fetchone()
                    reads[0] += 1
                except psycopg.Error as exc:
                    errors.append(str(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(20):
            # each apply changes a view: the accounts view's extra column is renamed
            yml.write_text(
                base.replace(
                    "account: {territory: territory__c}", f"account: {{territory_{i}: territory__c}}"
                )
            )
            plan = apply(ProjectContext(project))
            assert plan.actions["b2b.b2b_accounts"] == "replace"
    finally:
        done.set()
        thread.join()
    assert errors == []
    assert reads[0] > 20  # it read all along
